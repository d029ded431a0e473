#include "cold_start.hpp"

#include "aot_runner.hpp"
#include "jit_plan.hpp"
#include "jit_process.hpp"
#include "launch_plan.hpp"

#include <tb/profiler/statistics.hpp>
#include <tb/runtime/bundle.hpp>
#include <tb/support/child_process.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <span>
#include <unistd.h>

namespace tb::bench {

namespace fs = std::filesystem;
namespace rt = tb::runtime;
using env_list = tb::support::env_changes;
using tb::support::child_process;

namespace {

// Per phase of `expected`, the samples of every process, and the summaries.
void summarize_phases(cold_start_result& c, std::span<const std::string_view> expected,
                      const std::vector<cold_child_sample>& samples) {
  for (std::size_t p = 0; p < expected.size(); ++p) {
    cold_phase_result phase{std::string(expected[p]), {}, {}};
    for (const auto& s : samples) phase.samples_ns.push_back(s.phase_ns[p]);
    phase.stats = tb::profiler::summarize(phase.samples_ns);
    c.phases.push_back(std::move(phase));
  }
  c.after_context.name = "after_context";
  for (const auto& s : samples) c.after_context.samples_ns.push_back(s.after_context_ns);
  c.after_context.stats = tb::profiler::summarize(c.after_context.samples_ns);
}

// `repeats` children of `argv`, each reporting the phases `expected`; with `fresh_cache`
// each gets an empty TRITON_CACHE_DIR.
cold_start_result measure(const std::string& label, std::span<const std::string_view> expected,
                          const std::vector<std::string>& argv, const env_list& env, bool fresh_cache, int repeats) {
  cold_start_result c;
  c.label = label;
  std::error_code ec;
  try {
    std::vector<cold_child_sample> samples;
    for (int i = 0; i < repeats; ++i) {
      env_list e = env;
      fs::path cache;
      if (fresh_cache) {
        cache = fs::temp_directory_path() / fmt::format("triton-bench-cache-{}-{}", ::getpid(), i);
        fs::remove_all(cache, ec);
        e.push_back({"TRITON_CACHE_DIR", cache.string()});
      }
      const std::int64_t t0 = monotonic_ns();
      child_process child(argv, e);
      std::optional<std::string> line;
      while ((line = child.read_line()) && !is_cold_child_line(*line)) {
      }
      const int rc = child.wait();
      if (fresh_cache) fs::remove_all(cache, ec);
      if (!line || rc != 0)
        throw std::runtime_error(fmt::format("cold start {}: the child exited with status {}{}", label, rc,
                                             line ? "" : " before its phases' line"));
      samples.push_back(parse_cold_child_line(*line, label, expected, t0));
      c.samples_ns.push_back(samples.back().total_ns);
    }
    c.stats = tb::profiler::summarize(c.samples_ns);
    summarize_phases(c, expected, samples);
  } catch (const std::exception& e) {
    c.status = "failed";
    c.error = e.what();
  }
  return c;
}

}  // namespace

std::vector<cold_start_result> measure_cold_starts(const tb::scenario::scenario& s, const run_options& o,
                                                   const std::vector<host_buffer>& initial) {
  std::vector<cold_start_result> out;
  std::error_code ec;
  std::vector<mode> done;
  for (const mode m : o.modes) {
    if (std::find(done.begin(), done.end(), m) != done.end()) continue;  // a repeat: once is enough
    done.push_back(m);
    if (m != mode::jit) {
      const std::string name(to_string(m));
      out.push_back(measure(name, cold_phases(m),
                            {o.self.string(), "--cold-child", name, "--scenario", s.file.string(), "--bundle-dir",
                             o.bundle_dir.string(), "--device", std::to_string(o.device)},
                            {}, false, o.cold_start_repeats));
      continue;
    }
    const fs::path work = fs::temp_directory_path() / fmt::format("triton-bench-cold-{}", ::getpid());
    write_buffer_files(initial, work / "init");
    write_jit_plan(make_jit_plan(s, work / "init"), work / "plan.json");
    std::vector<std::string> argv = jit_runner_argv(o, work / "plan.json");
    argv.push_back("--cold-start");
    const env_list env = {{"CUDA_VISIBLE_DEVICES", std::to_string(o.device)},
                          {"CUDA_INJECTION64_PATH", std::nullopt},
                          {"NVTX_INJECTION64_PATH", std::nullopt}};
    out.push_back(measure("jit (empty Triton cache)", cold_phases(mode::jit), argv, env, true, o.cold_start_repeats));
    const fs::path warm = fs::temp_directory_path() / fmt::format("triton-bench-warm-cache-{}", ::getpid());
    env_list warm_env = env;
    warm_env.push_back({"TRITON_CACHE_DIR", warm.string()});
    {  // fill the cache once
      child_process fill(argv, warm_env);
      while (fill.read_line()) {
      }
      fill.wait();
    }
    out.push_back(measure("jit (warm Triton cache)", cold_phases(mode::jit), argv, warm_env, false, o.cold_start_repeats));
    fs::remove_all(warm, ec);
    fs::remove_all(work, ec);
  }
  return out;
}

cold_phase_clock run_cold_child(const tb::scenario::scenario& s, mode m, const fs::path& bundle_dir, int device,
                                std::int64_t main_ns) {
  cold_phase_clock clock;
  clock.mark_at("main", main_ns);
  rt::bundle bundle;
  if (const rt::status st = rt::bundle::load(bundle_dir, bundle); !st) throw std::runtime_error(st.message());
  const std::vector<host_buffer> initial = initial_buffers(s);
  clock.mark("setup");
  // The first driver call loads libcuda and calls cuInit (the runtime's acquire_driver).
  int driver_version = 0;
  if (const rt::status st = rt::driver_version(driver_version); !st) throw device_error(st.message());
  clock.mark("driver");
  device_session session(device);
  clock.mark("context");
  const auto& addresses = session.allocate(initial);
  const auto plan = plan_launches(s, bundle, addresses);
  session.upload(initial);
  clock.mark("buffers");
  aot_mode_runner runner(m, session, plan);
  if (m == mode::graph) {
    runner.preload_all();  // the graph captures every launch: each one's module first
    clock.mark("module");
    runner.capture_graph();
    clock.mark("graph");
    runner.run_iteration();
  } else {
    runner.preload_first();  // ptx and cubin: nothing to load, it is the launch's own
    if (m != mode::ptx && m != mode::cubin) clock.mark("module");
    runner.run_first_launch();
  }
  clock.mark("launch");
  session.synchronize();
  clock.mark("complete");
  return clock;
}

int cold_child(const tb::scenario::scenario& s, mode m, const fs::path& bundle_dir, int device, std::int64_t main_ns) {
  try {
    const cold_phase_clock clock = run_cold_child(s, m, bundle_dir, device, main_ns);
    std::printf("%s\n", clock.line().c_str());
    std::fflush(stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "triton-bench --cold-child %s: %s\n", std::string(to_string(m)).c_str(), e.what());
    return 1;
  }
}

}  // namespace tb::bench
