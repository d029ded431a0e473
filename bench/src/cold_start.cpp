#include "cold_start.hpp"

#include "aot_runner.hpp"
#include "jit_plan.hpp"
#include "jit_process.hpp"
#include "launch_plan.hpp"

#include <tb/profiler/statistics.hpp>
#include <tb/runtime/bundle.hpp>
#include <tb/support/child_process.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <unistd.h>

namespace tb::bench {

namespace fs = std::filesystem;
namespace rt = tb::runtime;
using env_list = tb::support::env_changes;
using tb::support::child_process;

namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// `repeats` children of `argv`; with `fresh_cache` each gets an empty TRITON_CACHE_DIR.
cold_start_result measure(const std::string& label, const std::vector<std::string>& argv, const env_list& env,
                          bool fresh_cache, int repeats) {
  cold_start_result c;
  c.label = label;
  std::error_code ec;
  try {
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
      while ((line = child.read_line()) && line->find("cold_start_done_ns") == std::string::npos) {
      }
      const int rc = child.wait();
      if (fresh_cache) fs::remove_all(cache, ec);
      if (!line || rc != 0) throw std::runtime_error(fmt::format("the child exited with status {}", rc));
      const auto done = nlohmann::json::parse(*line).at("cold_start_done_ns").get<std::int64_t>();
      c.samples_ns.push_back(static_cast<double>(done - t0));
    }
    c.stats = tb::profiler::summarize(c.samples_ns);
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
      out.push_back(measure(name,
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
    out.push_back(measure("jit (empty Triton cache)", argv, env, true, o.cold_start_repeats));
    const fs::path warm = fs::temp_directory_path() / fmt::format("triton-bench-warm-cache-{}", ::getpid());
    env_list warm_env = env;
    warm_env.push_back({"TRITON_CACHE_DIR", warm.string()});
    {  // fill the cache once
      child_process fill(argv, warm_env);
      while (fill.read_line()) {
      }
      fill.wait();
    }
    out.push_back(measure("jit (warm Triton cache)", argv, warm_env, false, o.cold_start_repeats));
    fs::remove_all(warm, ec);
    fs::remove_all(work, ec);
  }
  return out;
}

int cold_child(const tb::scenario::scenario& s, mode m, const fs::path& bundle_dir, int device) {
  try {
    rt::bundle bundle;
    if (const rt::status st = rt::bundle::load(bundle_dir, bundle); !st) throw std::runtime_error(st.message());
    const std::vector<host_buffer> initial = initial_buffers(s);
    device_session session(device);
    const auto& addresses = session.allocate(initial);
    const auto plan = plan_launches(s, bundle, addresses);
    session.upload(initial);
    aot_mode_runner runner(m, session, plan);
    if (m == mode::graph) {
      runner.prepare();
      runner.run_iteration();
    } else {
      runner.run_first_launch();
    }
    session.synchronize();
    std::printf("{\"cold_start_done_ns\": %lld}\n", static_cast<long long>(monotonic_ns()));
    std::fflush(stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "triton-bench --cold-child %s: %s\n", std::string(to_string(m)).c_str(), e.what());
    return 1;
  }
}

}  // namespace tb::bench
