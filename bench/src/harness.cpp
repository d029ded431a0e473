#include "harness.hpp"

#include "aot_runner.hpp"
#include "child_process.hpp"
#include "host_data.hpp"
#include "launch_plan.hpp"
#include "method.hpp"
#include "reference.hpp"
#include "sha256.hpp"

#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>
#include <tb/profiler/tracer.hpp>
#include <tb/runtime/bundle.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <nvtx3/nvToolsExt.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#ifndef TB_GIT_COMMIT
#define TB_GIT_COMMIT ""
#endif

namespace tb::bench {

namespace fs = std::filesystem;
namespace rt = tb::runtime;
namespace tp = tb::profiler;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A mode under measurement: an AOT runner, or the JIT (two runner processes).
struct mode_state {
  mode_result result;
  std::unique_ptr<aot_mode_runner> aot;
  std::vector<double> host_ns;         // untraced rounds: the launches of one iteration, host clock
  std::vector<double> round_medians;   // of host_ns, one per untraced round
  std::vector<double> traced_host_ns;  // traced rounds: the same while CUPTI records
  int batch = 1;
  bool ok() const { return result.status == "ok"; }
  void fail(const std::string& why) {
    result.status = "failed";
    result.error = why;
  }
};

// One bench/jit_runner.py process. The JIT side has two: an untraced one (the check and
// the host-time rounds) and one started under the injection library (the traced rounds),
// so that neither side's host time carries CUPTI's cost.
class jit_process {
 public:
  // `trace_out` empty: untraced.
  jit_process(const tb::scenario::scenario& s, const run_options& o, const fs::path& init_dir, const fs::path& trace_out) {
    std::vector<std::pair<std::string, std::string>> env = {{"CUDA_VISIBLE_DEVICES", std::to_string(o.device)}};
    if (!trace_out.empty()) {
      env.emplace_back("TB_TRACE_OUT", trace_out.string());
      env.emplace_back("TB_TRACE_MODE", "jit");
      env.emplace_back("TB_TRACE_SCENARIO", s.name);
      env.emplace_back("CUDA_INJECTION64_PATH", o.inject_library.string());
      // NVTX through the injection library, which hands it to the libcupti it traces with:
      // this process's own NVTX_INJECTION64_PATH names our libcupti, and torch may load
      // another copy, whose ranges nobody would collect (profiler/src/cupti/inject.cpp).
      env.emplace_back("NVTX_INJECTION64_PATH", o.inject_library.string());
    } else {
      env.emplace_back("CUDA_INJECTION64_PATH", "");  // removed: no tracing at all
      env.emplace_back("NVTX_INJECTION64_PATH", "");
    }
    m_child = std::make_unique<child_process>(
        std::vector<std::string>{o.python, (o.source_dir / "bench" / "jit_runner.py").string(), "--scenario",
                                 s.file.string(), "--init-dir", init_dir.string(), "--frontend",
                                 (o.source_dir / "compiler" / "python").string()},
        env);
    ready = expect("start-up");
  }
  json request(const json& command) {
    m_child->write_line(command.dump());
    return expect(command.value("cmd", "?"));
  }
  // Iteration times (ns) of a "warmup", "time" or "run" request (jit_runner.py).
  std::vector<double> iterations(const char* command, int n, int lead_in = 0, int drain_every = 1, int cpu = -1) {
    const json reply =  // kept alive
        request({{"cmd", command}, {"n", n}, {"lead_in", lead_in}, {"drain_every", drain_every}, {"cpu", cpu}});
    std::vector<double> out;
    // A range-for over .at() of a temporary reply would dangle (before C++23).
    for (const auto& v : reply.at("iteration_ns")) out.push_back(v.get<double>());
    return out;
  }
  int quit() {
    try {
      m_child->write_line(R"({"cmd": "quit"})");
      m_child->read_line();
    } catch (const std::exception&) {
    }
    return m_child->wait();
  }
  json ready;

 private:
  json expect(const std::string& what) {
    const auto line = m_child->read_line();
    if (!line) throw std::runtime_error(fmt::format("the JIT runner exited during '{}' (exit status {}; its messages "
                                                    "are above)", what, m_child->wait()));
    json reply;
    try {
      reply = json::parse(*line);
    } catch (const json::exception&) {
      throw std::runtime_error(fmt::format("the JIT runner answered '{}' with something that is not JSON: {}", what, *line));
    }
    if (!reply.value("ok", false))
      throw std::runtime_error(fmt::format("the JIT runner failed '{}': {}", what, reply.value("error", "?")));
    return reply;
  }
  std::unique_ptr<child_process> m_child;
};

// Pins the calling thread to one CPU; gives the thread its old set back when destroyed.
class cpu_pin {
 public:
  explicit cpu_pin(int cpu) : m_cpu(cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) throw std::runtime_error(fmt::format("CPU {} does not exist", cpu));
    if (pthread_getaffinity_np(pthread_self(), sizeof m_old, &m_old) != 0)
      throw std::runtime_error("cannot read this thread's CPU affinity");
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) != 0)
      throw std::runtime_error(fmt::format("cannot pin to CPU {} (not in this process's CPU set?)", cpu));
  }
  ~cpu_pin() { pthread_setaffinity_np(pthread_self(), sizeof m_old, &m_old); }
  cpu_pin(const cpu_pin&) = delete;
  cpu_pin& operator=(const cpu_pin&) = delete;
  int cpu() const noexcept { return m_cpu; }

 private:
  int m_cpu;
  cpu_set_t m_old;
};

double median_of(std::span<const double> v) {
  if (v.empty()) return 0;
  std::vector<double> copy(v.begin(), v.end());
  const auto mid = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() / 2);
  std::nth_element(copy.begin(), mid, copy.end());
  if (copy.size() % 2) return *mid;
  return (*mid + *std::max_element(copy.begin(), mid)) / 2;
}

double elapsed_ns(clock_type::time_point t0) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
}

// Untimed iterations at the start of every batch: whatever the mode before it left
// behind (cold caches, another process's context on the GPU) is not measured.
int lead_in_iterations(int batch) { return std::max(3, batch / 10); }

void run_untimed(aot_mode_runner& runner, device_session& session, int n) {
  for (int i = 0; i < n; ++i) runner.run_iteration();
  session.synchronize();
}

// Host time of `n` iterations of an AOT mode, untraced: each iteration's launches are
// timed; every `drain_every` iterations the stream is drained (not timed), so the
// launch queue never fills and a launch never waits for the GPU.
void time_untraced(aot_mode_runner& runner, device_session& session, int n, int drain_every, std::vector<double>& out) {
  run_untimed(runner, session, lead_in_iterations(n));
  for (int i = 0; i < n; ++i) {
    const auto t0 = clock_type::now();
    runner.run_iteration();
    out.push_back(elapsed_ns(t0));
    if ((i + 1) % drain_every == 0) session.synchronize();
  }
  session.synchronize();
}

// Iterations between drains: 1 for --host-timing drained; else as many as keep at most
// 256 launches in flight, far below what the driver queues before a launch blocks.
int drain_interval(bool drain_each, std::size_t launches_per_iteration) {
  if (drain_each) return 1;
  return std::max(1, static_cast<int>(256 / std::max<std::size_t>(1, launches_per_iteration)));
}

// Traced: back to back inside NVTX ranges (a "mode:<label>" range per batch, an
// "iteration" range each), as an application would launch; the trace gives the gaps.
void run_traced(aot_mode_runner& runner, device_session& session, const std::string& label, int n,
                std::vector<double>& out) {
  run_untimed(runner, session, lead_in_iterations(n));
  const std::string range = fmt::format("{}{}", mode_range_prefix, label);
  nvtxRangePushA(range.c_str());
  for (int i = 0; i < n; ++i) {
    const auto t0 = clock_type::now();
    nvtxRangePushA("iteration");
    runner.run_iteration();
    nvtxRangePop();
    out.push_back(elapsed_ns(t0));
  }
  session.synchronize();
  nvtxRangePop();
}

// Before any timed round: keep the GPU (and the CPU) busy with `runner` in synchronized
// blocks of about 50 ms until three blocks in a row agree within 2 % on the time per
// iteration (at least 0.5 s, at most `limit_s`): an idle H100 sits at a few hundred MHz
// and takes a while to reach its boost clock. Returns {seconds, settled}.
std::pair<double, bool> settle_gpu(aot_mode_runner& runner, device_session& session, double iteration_ns,
                                   double limit_s) {
  const auto t0 = clock_type::now();
  const int per_block = batch_iterations(iteration_ns, 1 << 20, 0.05);
  std::vector<double> blocks;
  for (;;) {
    const auto b0 = clock_type::now();
    for (int i = 0; i < per_block; ++i) runner.run_iteration();
    session.synchronize();
    blocks.push_back(elapsed_ns(b0) / per_block);
    const double spent = elapsed_ns(t0) / 1e9;
    if (blocks.size() >= 3 && spent >= 0.5) {
      const auto last = std::span(blocks).last(3);
      const auto [lo, hi] = std::minmax_element(last.begin(), last.end());
      if (*hi <= *lo * 1.02) return {spent, true};
    }
    if (spent >= limit_s) return {spent, false};
  }
}

void progress_bar(bool enabled, double fraction, const std::string& what) {
  if (!enabled) return;
  const int width = 30;
  const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
  std::fprintf(stderr, "\r[%s%s] %3d%% %-40.40s", std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), static_cast<int>(fraction * 100),
               what.c_str());
  std::fflush(stderr);
}

}  // namespace

std::pair<std::string, std::string> git_commit(const fs::path& source_dir) {
  // Set by the GPU machine's scripts: its copy of the tree is not the build machine's
  // checkout (its .git, if any, is stale); the builder recorded the commit it built.
  if (const char* e = std::getenv("TB_GIT_COMMIT"); e && std::string(e).size() == 40) return {e, "build"};
  const std::string command = fmt::format("git -C '{}' rev-parse HEAD 2>/dev/null", source_dir.string());
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char text[128] = {};
    const bool got = std::fgets(text, sizeof text, p) != nullptr;
    const int rc = ::pclose(p);
    std::string commit = got ? std::string(text) : "";
    while (!commit.empty() && (commit.back() == '\n' || commit.back() == '\r')) commit.pop_back();
    if (rc == 0 && commit.size() == 40) return {commit, "git"};
  }
  if (std::string(TB_GIT_COMMIT).size() == 40) return {TB_GIT_COMMIT, "build"};
  return {"", "unknown"};
}

results run_benchmark(const tb::scenario::scenario& s, const run_options& o) {
  if (s.launches.empty())
    throw std::runtime_error(fmt::format("{}: scenario '{}' has no [[launch]] sequence: nothing to run",
                                         s.file.string(), s.name));
  const auto started = clock_type::now();
  results r;
  r.created = now_iso8601();
  std::tie(r.git_commit, r.git_source) = git_commit(o.source_dir);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  r.hostname = host;
  r.scenario = s.name;
  r.scenario_file = s.file.string();
  r.target = s.run.target;
  r.launches_per_iteration = s.launches.size();
  r.bundle_dir = o.bundle_dir.string();
  r.warmup = s.run.warmup;
  r.iterations_per_round = o.iterations > 0 ? o.iterations : s.run.iterations;
  r.time_limit_s = o.time_limit_s > 0 ? o.time_limit_s : s.run.time_limit_s;
  r.clock_floor_ns = measure_clock_floor_ns();
  r.host_timing = o.drain ? "drained" : "back-to-back";
  r.gpu_ordinal = o.device;

  // Inputs and the reference, once.
  const std::vector<host_buffer> initial = initial_buffers(s);
  std::vector<host_buffer> expected = initial;
  const auto missing_reference = kernels_without_reference(s);
  if (missing_reference.empty()) run_reference(s, expected);

  rt::bundle bundle;
  if (const rt::status st = rt::bundle::load(o.bundle_dir, bundle); !st) throw std::runtime_error(st.message());
  r.triton_version = bundle.triton_version();

  // Tracing starts only for the traced rounds; NVTX (the runtime marks every image load)
  // must find CUPTI from its first call on, so point it there before anything runs.
  tp::route_nvtx_to_cupti();

  device_session session(o.device);
  r.compute_capability = session.compute_capability();
  r.cuda_version = fmt::format("{}.{}", session.driver_version() / 1000, (session.driver_version() % 1000) / 10);
  const auto& addresses = session.allocate(initial);
  const std::vector<planned_launch> plan = plan_launches(s, bundle, addresses);

  std::vector<mode_state> modes;
  for (const auto& m : o.modes) {
    mode_state st;
    st.result.mode = m;
    for (const auto& before : modes) st.result.instance += before.result.mode == m;
    modes.push_back(std::move(st));
  }
  auto is_jit = [](const mode_state& st) { return st.result.mode == "jit"; };

  // Which cubin each launch runs (cubin-cached's choice), for the JSON and the JIT check.
  std::vector<std::string> aot_cubin_paths(plan.size());
  {
    aot_mode_runner probe("cubin-cached", session, plan);
    const auto sel = probe.selections();
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (!sel[i].spec || !sel[i].image.image) continue;
      const auto& spec = *sel[i].spec;
      for (std::size_t k = 0; k < spec.images.size(); ++k) {
        if (&spec.images[k] != sel[i].image.image) continue;
        const auto& info = spec.image_info[k];
        kernel_image_result kr{i,
                               plan[i].kernel->name,
                               plan[i].variant->name,
                               spec.name,
                               spec.images[k].arch,
                               std::string(rt::to_string(spec.images[k].format)),
                               info.sha256,
                               spec.images[k].size};
        r.kernels.push_back(kr);
        aot_cubin_paths[i] = (o.bundle_dir / info.path).string();
      }
    }
  }

  // Check every mode once against the host reference; a failure is never timed.
  const fs::path work = fs::temp_directory_path() / fmt::format("triton-bench-{}", ::getpid());
  fs::create_directories(work / "init");
  for (const auto& b : initial) std::ofstream(work / "init" / (b.name + ".bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(b.bytes.data()), static_cast<std::streamsize>(b.bytes.size()));
  std::unique_ptr<jit_process> jit;         // untraced: check, warm-up, host time
  std::unique_ptr<jit_process> jit_traced;  // under the injection library: gaps, latency
  if (!o.trace_dir.empty()) fs::create_directories(o.trace_dir);  // the JIT process writes its trace there
  const fs::path jit_trace = o.trace_dir.empty() ? work / "jit_trace.json" : o.trace_dir / fmt::format("{}.jit.raw.json", s.name);
  auto record_check = [&](mode_state& st, const std::vector<host_buffer>& got) {
    if (!missing_reference.empty()) {
      st.result.check = "unchecked";
      st.result.check_message = fmt::format("no host reference for {}", fmt::join(missing_reference, ", "));
      return;
    }
    const check_result c = compare_buffers(got, expected, s.run.rtol, s.run.atol);
    st.result.check = c.ok ? "passed" : "failed";
    st.result.check_message = c.ok ? fmt::format("{} elements in {} buffers", c.elements, c.buffers) : c.message;
    st.result.check_max_abs_error = c.max_abs_error;
    if (!c.ok) st.fail("wrong results: " + c.message);
  };
  for (auto& st : modes) {
    try {
      if (is_jit(st)) {
        if (jit) throw std::runtime_error("jit can be measured once per run (repeat an AOT mode instead)");
        jit = std::make_unique<jit_process>(s, o, work / "init", fs::path());
        r.torch_version = jit->ready.value("torch", "");
        r.triton_version = jit->ready.value("triton", r.triton_version);
        jit->request({{"cmd", "check"}, {"dir", (work / "jit_check").string()}});
        std::vector<host_buffer> got = initial;
        for (auto& b : got) {
          const std::string bytes = read_text(work / "jit_check" / (b.name + ".bin"));
          if (bytes.size() != b.bytes.size())
            throw std::runtime_error(fmt::format("the JIT runner wrote {} bytes for buffer '{}', {} expected",
                                                 bytes.size(), b.name, b.bytes.size()));
          std::copy(bytes.begin(), bytes.end(), b.bytes.begin());
        }
        record_check(st, got);
        st.result.cubin.compared = true;
        st.result.cubin.identical = true;
        for (std::size_t i = 0; i < plan.size(); ++i) {
          const fs::path jit_cubin = work / "jit_check" / fmt::format("launch_{}.cubin", i);
          const std::string a = aot_cubin_paths[i].empty() ? "" : read_text(aot_cubin_paths[i]);
          const std::string j = fs::exists(jit_cubin) ? read_text(jit_cubin) : "";
          if (!a.empty() && a == j) continue;
          st.result.cubin.identical = false;
          st.result.cubin.differences.push_back(fmt::format(
              "launch {} ({}): AOT {} bytes sha256 {}, JIT {} bytes sha256 {}", i + 1, plan[i].kernel->name, a.size(),
              a.empty() ? "-" : sha256::of(a).substr(0, 16), j.size(), j.empty() ? "-" : sha256::of(j).substr(0, 16)));
        }
        // The traced twin, started after the check so that it finds Triton's cache warm.
        if (st.ok() && !o.inject_library.empty() && o.traced_rounds > 0) {
          try {
            jit_traced = std::make_unique<jit_process>(s, o, work / "init", jit_trace);
          } catch (const std::exception& e) {
            if (!o.quiet)
              std::cerr << fmt::format("triton-bench: warning: the traced JIT runner did not start ({}); jit has "
                                       "host-clock metrics only\n", e.what());
          }
        } else if (st.ok() && o.traced_rounds > 0 && !o.quiet) {
          std::cerr << "triton-bench: warning: no injection library (--inject): jit has host-clock metrics only\n";
        }
      } else {
        st.aot = std::make_unique<aot_mode_runner>(st.result.mode, session, plan);
        session.upload(initial);
        st.aot->prepare();
        st.aot->run_iteration();
        session.synchronize();
        std::vector<host_buffer> got = initial;
        session.download(got);
        record_check(st, got);
      }
    } catch (const std::exception& e) {
      st.fail(e.what());
    }
    if (!st.ok() && !o.quiet)
      std::cerr << fmt::format("triton-bench: mode {} FAILED: {}\n", st.result.label(), st.result.error);
  }

  // Warm-up of every mode (both JIT processes), which also sizes each mode's batches.
  std::vector<double> warmup_ns;  // of the mode that settles the GPU below
  mode_state* settler = nullptr;
  for (auto& st : modes) {
    if (!st.ok()) continue;
    try {
      const int n = std::max(1, s.run.warmup);
      std::vector<double> times;
      if (st.aot) {
        for (int i = 0; i < n; ++i) {
          const auto t0 = clock_type::now();
          st.aot->run_iteration();
          times.push_back(elapsed_ns(t0));
        }
        session.synchronize();
      } else {
        times = jit->iterations("warmup", n);
        if (jit_traced) jit_traced->iterations("warmup", n);
      }
      if (times.empty()) throw std::runtime_error("the warm-up returned no iteration times");
      std::sort(times.begin(), times.end());
      st.batch = batch_iterations(times[times.size() / 2], r.iterations_per_round);
      if (st.aot && (!settler || st.result.mode == reference_mode)) {
        settler = &st;
        warmup_ns = times;
      }
    } catch (const std::exception& e) {
      st.fail(e.what());
    }
  }
  // The rounds run on one CPU, the JIT runners' on the same one (each waits while the
  // other launches): unpinned, a Python process that landed on another core measured
  // 14 or 22 us per launch from one batch to the next on the H100 VM. Only the timing
  // threads are pinned; CUPTI's threads (started unpinned) keep the usual affinity.
  std::optional<cpu_pin> pin;
  if (o.cpu != run_options::no_cpu) {
    try {
      pin.emplace(o.cpu == run_options::current_cpu ? ::sched_getcpu() : o.cpu);
      r.cpu = pin->cpu();
    } catch (const std::exception& e) {
      if (o.cpu != run_options::current_cpu) throw std::runtime_error(fmt::format("--cpu {}: {}", o.cpu, e.what()));
      if (!o.quiet) std::cerr << "triton-bench: warning: " << e.what() << "; timing unpinned\n";
    }
  }
  if (settler) {
    try {
      std::tie(r.gpu_warmup_s, r.gpu_warmup_settled) =
          settle_gpu(*settler->aot, session, warmup_ns[warmup_ns.size() / 2], 5.0);
      if (!r.gpu_warmup_settled && !o.quiet)
        std::cerr << fmt::format("triton-bench: warning: iteration times still moved after {:.1f} s of warm-up\n",
                                 r.gpu_warmup_s);
    } catch (const std::exception& e) {
      settler->fail(e.what());
    }
  }

  // Untraced rounds, every mode's batch in turn (A B C A B C ...) until the rule stops
  // them: host time per launch.
  stopping_rule rule;
  rule.time_limit_s = r.time_limit_s;
  rule.fixed_rounds = o.rounds;
  const int traced_rounds = std::max(0, o.traced_rounds);
  const auto rounds_started = clock_type::now();
  const bool show_progress = o.progress && !o.quiet;
  auto progress = [&](double fraction, const std::string& what) {
    progress_bar(show_progress && std::chrono::duration<double>(clock_type::now() - started).count() > 1.0, fraction,
                 what);
  };
  const double untraced_share = traced_rounds > 0 ? 0.8 : 1.0;  // of the bar
  // Every round runs each mode once, in an order shuffled per round (seeded: runs are
  // repeatable), so that no mode always follows the same one: what a mode leaves behind
  // (caches, the other process's GPU context) becomes noise that averages out, not a bias.
  std::mt19937 shuffler(20261127);
  auto round_order = [&] {
    std::vector<mode_state*> order;
    for (auto& st : modes) order.push_back(&st);
    std::shuffle(order.begin(), order.end(), shuffler);
    return order;
  };
  const int drain_every = drain_interval(o.drain, s.launches.size());
  std::string reason;
  int rounds = 0;
  while (reason.empty()) {
    for (mode_state* stp : round_order()) {
      mode_state& st = *stp;
      if (!st.ok()) continue;
      try {
        const std::size_t before = st.host_ns.size();
        if (st.aot) time_untraced(*st.aot, session, st.batch, drain_every, st.host_ns);
        else {
          const auto times = jit->iterations("time", st.batch, lead_in_iterations(st.batch), drain_every, r.cpu);
          st.host_ns.insert(st.host_ns.end(), times.begin(), times.end());
        }
        st.round_medians.push_back(median_of(std::span(st.host_ns).subspan(before)));
      } catch (const std::exception& e) {
        st.fail(e.what());
      }
    }
    ++rounds;
    std::vector<mode_progress> per_mode;
    for (const auto& st : modes)
      if (st.ok()) per_mode.push_back({st.host_ns, st.round_medians});
    const double elapsed = std::chrono::duration<double>(clock_type::now() - rounds_started).count();
    reason = per_mode.empty() ? "none" : stop_reason(per_mode, rounds, elapsed, rule);
    const double fraction = rule.fixed_rounds > 0 ? static_cast<double>(rounds) / rule.fixed_rounds
                                                  : std::min(1.0, elapsed / rule.time_limit_s);
    progress(fraction * untraced_share, fmt::format("untraced round {} ({})", rounds, s.name));
  }
  r.rounds = rounds;
  pin.reset();  // CUPTI's thread, started with the tracer, must not share the timing CPU
  r.stop_reason = reason;

  // Traced rounds: the in-process tracer for the AOT modes, the traced JIT process for jit.
  std::unique_ptr<tp::tracer> tracer;
  std::string tracer_problem;
  if (traced_rounds > 0) {
    try {
      tracer = std::make_unique<tp::tracer>(tp::tracer_options{.mode = "aot", .scenario = s.name});
      tracer->start();
      if (r.cpu >= 0) pin.emplace(r.cpu);
      r.cupti_version = std::to_string(tp::tracer::runtime_cupti_version());
    } catch (const std::exception& e) {
      tracer.reset();
      tracer_problem = e.what();
      if (!o.quiet) std::cerr << "triton-bench: warning: not tracing (only host-clock metrics): " << e.what() << "\n";
    }
  }
  // One unmeasured round first: the traced JIT process has sat idle since its warm-up,
  // and CUPTI allocates its first buffers now.
  for (auto& st : modes) {
    if (!st.ok() || traced_rounds == 0) continue;
    try {
      if (st.aot && tracer) run_untimed(*st.aot, session, st.batch);
      else if (!st.aot && jit_traced) jit_traced->iterations("warmup", st.batch);
    } catch (const std::exception& e) {
      st.fail(e.what());
    }
  }
  for (int round = 0; round < traced_rounds && (tracer || jit_traced); ++round) {
    for (mode_state* stp : round_order()) {
      mode_state& st = *stp;
      if (!st.ok()) continue;
      try {
        if (st.aot && tracer) run_traced(*st.aot, session, st.result.label(), st.batch, st.traced_host_ns);
        else if (!st.aot && jit_traced) {
          const auto times = jit_traced->iterations("run", st.batch, lead_in_iterations(st.batch), 1, r.cpu);
          st.traced_host_ns.insert(st.traced_host_ns.end(), times.begin(), times.end());
        }
      } catch (const std::exception& e) {
        st.fail(e.what());
      }
    }
    r.traced_rounds = round + 1;
    progress(untraced_share + (1 - untraced_share) * (round + 1) / traced_rounds,
             fmt::format("traced round {} ({})", round + 1, s.name));
  }
  if (show_progress) std::fprintf(stderr, "\r%80s\r", "");
  pin.reset();  // the rest (trace analysis, cold-start children) runs on any CPU
  for (auto& st : modes) st.result.iterations = st.host_ns.size() + st.traced_host_ns.size();

  // Traces: split the process's trace per mode; the JIT's comes from its own process.
  tp::trace all;
  if (tracer) {
    try {
      tracer->stop();
      all = tracer->take_trace();
      r.driver_version = all.metadata().driver_version;
      r.gpu_name = all.metadata().gpu_name;
    } catch (const std::exception& e) {
      tracer_problem = e.what();
    }
  }
  if (jit) jit->quit();
  if (jit_traced) {
    const int rc = jit_traced->quit();
    if (rc != 0 && !o.quiet) std::cerr << fmt::format("triton-bench: the traced JIT runner exited with status {}\n", rc);
  }
  for (auto& st : modes) {
    if (!st.ok()) continue;
    tp::trace t;
    try {
      if (st.aot) {
        if (tracer) t = extract_ranges(all, fmt::format("{}{}", mode_range_prefix, st.result.label()), st.result.label());
      } else if (jit_traced && fs::exists(jit_trace)) {
        tp::trace whole = tp::read_chrome_trace_file(jit_trace);
        t = extract_ranges(whole, fmt::format("{}jit", mode_range_prefix), "jit");
        if (t.events().empty() && !whole.events().empty()) {
          // No NVTX ranges reached CUPTI: the whole process (warm-up and check included).
          if (!o.quiet)
            std::cerr << "triton-bench: warning: the JIT trace has no 'mode:jit' NVTX ranges; analysing all of it\n";
          t = std::move(whole);
        } else {
          std::error_code gone;
          fs::remove(jit_trace, gone);  // the whole process; the per-mode trace is written below
        }
      } else if (jit_traced && !o.quiet) {
        std::cerr << fmt::format("triton-bench: warning: the traced JIT runner wrote no trace ({}); jit has host-clock "
                                 "metrics only\n", jit_trace.string());
      }
      st.result.dropped_records = t.metadata().dropped_records;
      if (!o.trace_dir.empty() && !t.events().empty()) {
        // "cubin-cached#2" -> "cubin-cached-2": no '#' in file names
        std::string name = st.result.label();
        std::replace(name.begin(), name.end(), '#', '-');
        const fs::path file = o.trace_dir / fmt::format("{}.{}.json", s.name, name);
        tp::write_chrome_trace_file(t, file);
        st.result.trace_file = file.string();
      }
      st.result.metrics = mode_metrics(t, s.run.target, s.launches.size(), st.host_ns, st.traced_host_ns, r.clock_floor_ns);
    } catch (const std::exception& e) {
      st.result.metrics =
          mode_metrics(tp::trace{}, s.run.target, s.launches.size(), st.host_ns, st.traced_host_ns, r.clock_floor_ns);
      if (!o.quiet)
        std::cerr << fmt::format("triton-bench: mode {}: trace analysis failed: {}\n", st.result.label(), e.what());
    }
  }
  for (auto& st : modes) r.modes.push_back(std::move(st.result));
  std::error_code ec;
  fs::remove_all(work, ec);

  if (o.cold_start) {
    for (const auto& m : o.modes) {
      auto measure = [&](const std::string& label, const std::vector<std::string>& argv,
                         const std::vector<std::pair<std::string, std::string>>& env, bool fresh_cache) {
        cold_start_result c;
        c.label = label;
        try {
          for (int i = 0; i < o.cold_start_repeats; ++i) {
            std::vector<std::pair<std::string, std::string>> e = env;
            fs::path cache;
            if (fresh_cache) {
              cache = fs::temp_directory_path() / fmt::format("triton-bench-cache-{}-{}", ::getpid(), i);
              fs::remove_all(cache, ec);
              e.emplace_back("TRITON_CACHE_DIR", cache.string());
            }
            const std::int64_t t0 = monotonic_ns();
            child_process child(argv, e);
            std::optional<std::string> line;
            while ((line = child.read_line()) && line->find("cold_start_done_ns") == std::string::npos) {
            }
            const int rc = child.wait();
            if (!line || rc != 0) throw std::runtime_error(fmt::format("the child exited with status {}", rc));
            const auto done = json::parse(*line).at("cold_start_done_ns").get<std::int64_t>();
            c.samples_ns.push_back(static_cast<double>(done - t0));
            if (fresh_cache) fs::remove_all(cache, ec);
          }
          c.stats = tp::summarize(c.samples_ns);
        } catch (const std::exception& e) {
          c.status = "failed";
          c.error = e.what();
        }
        r.cold_start.push_back(std::move(c));
      };
      if (m == "jit") {
        const std::vector<std::string> argv = {o.python, (o.source_dir / "bench" / "jit_runner.py").string(),
                                               "--scenario", s.file.string(), "--init-dir", (work / "init").string(),
                                               "--frontend", (o.source_dir / "compiler" / "python").string(),
                                               "--cold-start"};
        fs::create_directories(work / "init");
        for (const auto& b : initial) std::ofstream(work / "init" / (b.name + ".bin"), std::ios::binary)
            .write(reinterpret_cast<const char*>(b.bytes.data()), static_cast<std::streamsize>(b.bytes.size()));
        const std::vector<std::pair<std::string, std::string>> env = {{"CUDA_VISIBLE_DEVICES", std::to_string(o.device)}};
        measure("jit (empty Triton cache)", argv, env, true);
        const fs::path warm = fs::temp_directory_path() / fmt::format("triton-bench-warm-cache-{}", ::getpid());
        auto warm_env = env;
        warm_env.emplace_back("TRITON_CACHE_DIR", warm.string());
        {  // fill the cache once
          child_process fill(argv, warm_env);
          while (fill.read_line()) {
          }
          fill.wait();
        }
        measure("jit (warm Triton cache)", argv, warm_env, false);
        fs::remove_all(warm, ec);
        fs::remove_all(work, ec);
      } else {
        measure(m, {o.self.string(), "--cold-child", m, "--scenario", s.file.string(), "--bundle-dir",
                    o.bundle_dir.string(), "--device", std::to_string(o.device)},
                {}, false);
      }
    }
  }
  r.elapsed_s = std::chrono::duration<double>(clock_type::now() - started).count();
  if (!tracer_problem.empty() && r.cupti_version.empty()) r.cupti_version = "not traced: " + tracer_problem;
  return r;
}

int cold_child(const tb::scenario::scenario& s, const std::string& mode, const fs::path& bundle_dir, int device) {
  try {
    rt::bundle bundle;
    if (const rt::status st = rt::bundle::load(bundle_dir, bundle); !st) throw std::runtime_error(st.message());
    const std::vector<host_buffer> initial = initial_buffers(s);
    device_session session(device);
    const auto& addresses = session.allocate(initial);
    const auto plan = plan_launches(s, bundle, addresses);
    session.upload(initial);
    aot_mode_runner runner(mode, session, plan);
    if (mode == "graph") {
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
    std::fprintf(stderr, "triton-bench --cold-child %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
}

}  // namespace tb::bench
