#include "harness.hpp"

#include "aot_runner.hpp"
#include "code_check.hpp"
#include "cold_start.hpp"
#include "gpu_clock_metrics.hpp"
#include "host_data.hpp"
#include "jit_plan.hpp"
#include "jit_process.hpp"
#include "launch_plan.hpp"
#include "method.hpp"
#include "output_check.hpp"
#include "reference.hpp"
#include "timed_loops.hpp"
#include "traced_records.hpp"
#include "traced_work.hpp"

#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>
#include <tb/profiler/tracer.hpp>
#include <tb/runtime/bundle.hpp>
#include <tb/support/build_info.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <unistd.h>

namespace tb::bench {

namespace fs = std::filesystem;
namespace rt = tb::runtime;
namespace tp = tb::profiler;
using nlohmann::json;

namespace {

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
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

// A mode under measurement: an AOT runner, or the JIT (two runner processes).
struct mode_state {
  mode_result result;
  std::unique_ptr<aot_mode_runner> aot;
  std::vector<double> host_ns;         // untraced rounds: the launches of one iteration, host clock
  std::vector<double> round_medians;   // of host_ns, one per untraced round
  std::vector<double> traced_host_ns;  // traced rounds: the same while CUPTI records every kind
  std::vector<double> gpu_traced_host_ns;  // the same while it records the GPU's side only
  std::vector<event_window> windows;   // untraced rounds: GPU time between drains (CUDA events)
  int batch = 1;
  bool ok() const { return result.status == "ok"; }
  void fail(const std::string& why) {
    result.status = "failed";
    result.error = why;
  }
};

// One run, phase by phase (docs/bench.md, "Method"): check, warm up, pin and settle,
// untraced rounds, traced rounds, then each mode's metrics from its trace.
class benchmark {
 public:
  benchmark(const tb::scenario::scenario& s, const run_options& o) : m_s(s), m_o(o) {}

  results run() {
    describe();
    prepare_inputs();
    // Tracing starts only for the traced rounds; NVTX (the runtime marks every image
    // load) must find CUPTI from its first call on, so point it there before anything.
    tp::route_nvtx_to_cupti();
    m_session = std::make_unique<device_session>(m_o.device);
    m_r.compute_capability = m_session->compute_capability();
    m_r.cuda_version =
        fmt::format("{}.{}", m_session->driver_version() / 1000, (m_session->driver_version() % 1000) / 10);
    m_plan = plan_launches(m_s, m_bundle, m_session->allocate(m_initial));
    record_images();
    check_modes();
    warm_up();
    pin_and_settle();
    untraced_rounds();
    traced_rounds();
    m_pin.reset();  // the rest (trace analysis, cold-start children) runs on any CPU
    collect_metrics();
    std::error_code ec;
    fs::remove_all(m_work, ec);
    if (m_o.cold_start) m_r.cold_start = measure_cold_starts(m_s, m_o, m_initial);
    m_r.elapsed_s = std::chrono::duration<double>(clock_type::now() - m_started).count();
    if (!m_tracer_problem.empty() && m_r.cupti_version.empty()) m_r.cupti_version = "not traced: " + m_tracer_problem;
    return std::move(m_r);
  }

 private:
  void warn(const std::string& what) const {
    if (!m_o.quiet) std::cerr << "triton-bench: warning: " << what << "\n";
  }

  void describe() {
    m_r.created = now_iso8601();
    m_r.git_commit = std::string(tb::support::this_build().git_commit);
    m_r.git_source = m_r.git_commit.empty() ? "unknown" : "build";
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    m_r.hostname = host;
    m_r.scenario = m_s.name;
    m_r.scenario_file = m_s.file.string();
    m_r.target = m_s.run.target;
    m_r.launches_per_iteration = m_s.launches.size();
    m_r.bundle_dir = m_o.bundle_dir.string();
    m_r.warmup = m_s.run.warmup;
    m_r.iterations_per_round = m_o.iterations > 0 ? m_o.iterations : m_s.run.iterations;
    m_r.time_limit_s = m_o.time_limit_s > 0 ? m_o.time_limit_s : m_s.run.time_limit_s;
    m_r.test_launch_delay_ns = m_o.test_launch_delay_ns;
    m_r.clock_floor_ns = measure_clock_floor_ns();
    m_r.host_timing = m_o.drain ? "drained" : "back-to-back";
    m_r.traced_records = std::string(to_string(m_o.records));
    m_r.gpu_ordinal = m_o.device;
    for (const auto& m : m_o.modes) {
      mode_state st;
      st.result.mode = m;
      for (const auto& before : m_modes) st.result.instance += before.result.mode == m;
      m_modes.push_back(std::move(st));
    }
  }

  // Inputs and the reference, once; the bundle; the JIT runner's copy of the inputs.
  void prepare_inputs() {
    m_initial = initial_buffers(m_s);
    m_expected = m_initial;
    m_missing_reference = kernels_without_reference(m_s);
    if (m_missing_reference.empty()) run_reference(m_s, m_expected);
    if (const rt::status st = rt::bundle::load(m_o.bundle_dir, m_bundle); !st) throw std::runtime_error(st.message());
    m_r.triton_version = m_bundle.triton_version();
    m_work = fs::temp_directory_path() / fmt::format("triton-bench-{}", ::getpid());
    write_buffer_files(m_initial, m_work / "init");
    m_plan_file = m_work / "plan.json";
    if (!m_o.trace_dir.empty()) fs::create_directories(m_o.trace_dir);  // the JIT process writes its trace there
    m_jit_trace = m_o.trace_dir.empty() ? m_work / "jit_trace.json"
                                        : m_o.trace_dir / fmt::format("{}.jit.raw.json", m_s.name);
  }

  // Which image each launch runs (cubin-cached's choice), for the JSON and the code
  // comparison; then the launch plan for the JIT, with the specialisations chosen.
  void record_images() {
    m_aot_images.assign(m_plan.size(), {});
    aot_mode_runner probe(mode::cubin_cached, *m_session, m_plan);
    const auto sel = probe.selections();
    std::vector<std::string> chosen(m_plan.size());
    for (std::size_t i = 0; i < m_plan.size(); ++i) {
      if (!sel[i].spec) continue;
      const auto& spec = *sel[i].spec;
      chosen[i] = spec.name;
      for (std::size_t k = 0; k < spec.images.size(); ++k) {
        if (&spec.images[k] != sel[i].image.image) continue;
        const auto& info = spec.image_info[k];
        m_r.kernels.push_back({i, m_plan[i].kernel->name, m_plan[i].variant->name, spec.name, spec.images[k].arch,
                               std::string(rt::to_string(spec.images[k].format)), info.sha256, spec.images[k].size});
        m_aot_images[i] = describe_aot_image(m_bundle, m_plan[i], spec, k);
      }
    }
    write_jit_plan(make_jit_plan(m_s, m_work / "init", chosen), m_plan_file);
  }

  // Runs the launch plan once through Triton's JIT (an untraced runner) for the oracle:
  // its output buffers, and per launch the cubin and metadata Triton built. When jit is
  // measured this runner stays for the host-time rounds. A JIT that cannot run is no
  // error unless jit is measured: the AOT modes fall back to the host model.
  void run_jit_oracle() {
    const bool measured = std::any_of(m_modes.begin(), m_modes.end(), [](const auto& st) { return st.result.mode == mode::jit; });
    if (!measured && !m_o.jit_check) return;
    try {
      if (m_o.python.empty()) throw std::runtime_error(m_o.python_problem);
      m_jit = std::make_unique<jit_process>(m_s, m_o, m_plan_file, fs::path());
      m_r.torch_version = m_jit->ready.value("torch", "");
      m_r.triton_version = m_jit->ready.value("triton", m_r.triton_version);
      const fs::path out = m_work / "jit_check";
      m_jit->request({{"cmd", "check"}, {"dir", out.string()}});
      m_jit_outputs = read_buffer_files(m_initial, out);
      compare_code(out);
    } catch (const std::exception& e) {
      m_jit_problem = e.what();
      m_jit_outputs.reset();
      m_jit.reset();
      warn(fmt::format("the JIT could not run the launch plan, so it checks nothing: {}", m_jit_problem));
    }
    if (!measured && m_jit) {
      m_jit->quit();
      m_jit.reset();
    }
  }

  // Per launch: does the AOT cubin hold the code the JIT built? (code_identity.hpp)
  void compare_code(const fs::path& jit_dir) {
    for (std::size_t i = 0; i < m_plan.size(); ++i)
      m_r.code.push_back(compare_launch_code(i, m_plan[i].kernel->name, m_aot_images[i], jit_dir));
  }

  // Every launch's AOT cubin holds the JIT's code: the outputs must then agree bit for bit.
  bool same_code() const {
    return std::all_of(m_r.code.begin(), m_r.code.end(),
                       [](const code_result& c) { return c.verdict == "identical-file" || c.verdict == "identical-code"; });
  }

  // Which comparison a mode's outputs get, and against what.
  void record_check(mode_state& st, const std::vector<host_buffer>& got) const {
    output_check& c = st.result.check;
    const std::vector<host_buffer>* want = nullptr;
    std::optional<tolerance> tol = tolerance{m_s.run.rtol, m_s.run.atol};
    if (st.result.mode != mode::jit && m_jit_outputs) {
      want = &*m_jit_outputs;
      c.kind = same_code() ? check_kind::jit_exact : check_kind::jit_tolerance;
      if (c.kind == check_kind::jit_exact) tol.reset();
    } else if (m_missing_reference.empty()) {
      want = &m_expected;
      c.kind = check_kind::host_model;
    } else if (st.result.mode == mode::jit) {
      c.kind = check_kind::oracle;
      c.message = fmt::format("the reference of the AOT modes (no host model for {})", fmt::join(m_missing_reference, ", "));
      return;
    } else {
      c.kind = check_kind::unchecked;
      c.message = m_jit_problem.empty()
                      ? fmt::format("no JIT check (--no-jit-check) and no host model for {}", fmt::join(m_missing_reference, ", "))
                      : fmt::format("the JIT did not run ({}) and there is no host model for {}", m_jit_problem,
                                    fmt::join(m_missing_reference, ", "));
      return;
    }
    const output_comparison r = compare_outputs(got, *want, tol);
    c.status = r.ok ? "passed" : "failed";
    c.message = (c.kind == check_kind::host_model ? "host model: " : "JIT: ") + r.message;
    c.max_abs_error = r.max_abs_error;
    c.worst = r.worst;
    if (!r.ok) st.fail("wrong results: " + c.message);
  }

  // Every mode once against the oracle; a failure is never timed.
  void check_modes() {
    run_jit_oracle();
    for (auto& st : m_modes) {
      try {
        if (st.result.mode == mode::jit) check_jit(st);
        else check_aot(st);
      } catch (const std::exception& e) {
        st.fail(e.what());
      }
      if (!st.ok() && !m_o.quiet)
        std::cerr << fmt::format("triton-bench: mode {} FAILED: {}\n", st.result.label(), st.result.error);
    }
  }

  void check_aot(mode_state& st) {
    st.aot = std::make_unique<aot_mode_runner>(st.result.mode, *m_session, m_plan);
    st.aot->set_test_launch_delay(m_o.test_launch_delay_ns);
    st.aot->prepare();  // graph: captures, after making every launch's scratch ready
    m_session->upload(m_initial);
    st.aot->run_iteration();
    m_session->synchronize();
    std::vector<host_buffer> got = m_initial;
    m_session->download(got);
    record_check(st, got);
  }

  // The oracle's own outputs, against the host model where there is one; then the
  // traced twin starts (after the check, so that it finds Triton's cache warm).
  void check_jit(mode_state& st) {
    if (m_jit_started) throw std::runtime_error("jit can be measured once per run (repeat an AOT mode instead)");
    m_jit_started = true;
    if (!m_jit || !m_jit_outputs) throw std::runtime_error("the JIT did not run: " + m_jit_problem);
    record_check(st, *m_jit_outputs);
    if (!st.ok() || m_o.traced_rounds <= 0) return;
    if (m_o.inject_library.empty()) return warn("no injection library (--inject): jit has host-clock metrics only");
    try {
      m_jit_traced = std::make_unique<jit_process>(m_s, m_o, m_plan_file, m_jit_trace);
    } catch (const std::exception& e) {
      warn(fmt::format("the traced JIT runner did not start ({}); jit has host-clock metrics only", e.what()));
    }
  }

  // `[run] warmup` iterations of every mode (both JIT processes), which also size each
  // mode's batches; the AOT mode that settles the GPU is chosen here.
  void warm_up() {
    for (auto& st : m_modes) {
      if (!st.ok()) continue;
      try {
        const int n = std::max(1, m_s.run.warmup);
        std::vector<double> times;
        if (st.aot) {
          for (int i = 0; i < n; ++i) {
            const auto t0 = clock_type::now();
            st.aot->run_iteration();
            times.push_back(elapsed_ns(t0));
          }
          m_session->synchronize();
        } else {
          times = m_jit->iterations("warmup", n);
          if (m_jit_traced) m_jit_traced->iterations("warmup", n);
        }
        if (times.empty()) throw std::runtime_error("the warm-up returned no iteration times");
        const double median = median_of(times);
        st.batch = batch_iterations(median, m_r.iterations_per_round);
        if (st.aot && (!m_settler || st.result.mode == reference_mode)) {
          m_settler = &st;
          m_settler_iteration_ns = median;
        }
      } catch (const std::exception& e) {
        st.fail(e.what());
      }
    }
  }

  // The rounds run on one CPU, the JIT runners' on the same one (each waits while the
  // other launches): unpinned, a Python process that landed on another core measured 14
  // or 22 us per launch from one batch to the next on the H100 VM. Only the timing
  // threads are pinned; CUPTI's threads (started unpinned) keep the usual affinity.
  void pin_and_settle() {
    if (m_o.cpu != run_options::no_cpu) {
      try {
        m_pin.emplace(m_o.cpu == run_options::current_cpu ? ::sched_getcpu() : m_o.cpu);
        m_r.cpu = m_pin->cpu();
      } catch (const std::exception& e) {
        if (m_o.cpu != run_options::current_cpu)
          throw std::runtime_error(fmt::format("--cpu {}: {}", m_o.cpu, e.what()));
        warn(std::string(e.what()) + "; timing unpinned");
      }
    }
    if (!m_settler) return;
    try {
      std::tie(m_r.gpu_warmup_s, m_r.gpu_warmup_settled) =
          settle_gpu(*m_settler->aot, *m_session, m_settler_iteration_ns, 5.0);
      if (!m_r.gpu_warmup_settled)
        warn(fmt::format("iteration times still moved after {:.1f} s of warm-up", m_r.gpu_warmup_s));
    } catch (const std::exception& e) {
      m_settler->fail(e.what());
    }
  }

  // Every round runs each mode once, in an order shuffled per round (seeded: runs are
  // repeatable), so that no mode always follows the same one: what a mode leaves behind
  // (caches, the other process's GPU context) becomes noise that averages out, not a bias.
  std::vector<mode_state*> round_order() {
    std::vector<mode_state*> order;
    for (auto& st : m_modes) order.push_back(&st);
    std::shuffle(order.begin(), order.end(), m_shuffler);
    return order;
  }

  double untraced_share() const { return m_o.traced_rounds > 0 ? 0.8 : 1.0; }  // of the progress bar

  void progress(double fraction, const std::string& what) const {
    progress_bar(m_o.progress && !m_o.quiet &&
                     std::chrono::duration<double>(clock_type::now() - m_started).count() > 1.0,
                 fraction, what);
  }

  // Host time per launch, until the stopping rule says so.
  void untraced_rounds() {
    stopping_rule rule;
    rule.time_limit_s = m_r.time_limit_s;
    rule.fixed_rounds = m_o.rounds;
    const int drain_every = drain_interval(m_o.drain, m_s.launches.size());
    const auto rounds_started = clock_type::now();
    std::string reason;
    int rounds = 0;
    while (reason.empty()) {
      for (mode_state* st : round_order()) {
        if (!st->ok()) continue;
        try {
          const std::size_t before = st->host_ns.size();
          if (st->aot) {
            time_untraced(*st->aot, *m_session, st->batch, drain_every, st->host_ns, st->windows);
          } else {
            const auto b = m_jit->time(st->batch, lead_in_iterations(st->batch), drain_every, m_r.cpu);
            st->host_ns.insert(st->host_ns.end(), b.iteration_ns.begin(), b.iteration_ns.end());
            st->windows.insert(st->windows.end(), b.windows.begin(), b.windows.end());
          }
          st->round_medians.push_back(median_of(std::span(st->host_ns).subspan(before)));
        } catch (const std::exception& e) {
          st->fail(e.what());
        }
      }
      ++rounds;
      std::vector<mode_progress> per_mode;
      for (const auto& st : m_modes)
        if (st.ok()) per_mode.push_back({st.host_ns, st.round_medians});
      const double elapsed = std::chrono::duration<double>(clock_type::now() - rounds_started).count();
      reason = per_mode.empty() ? "none" : stop_reason(per_mode, rounds, elapsed, rule);
      const double fraction = rule.fixed_rounds > 0 ? static_cast<double>(rounds) / rule.fixed_rounds
                                                    : std::min(1.0, elapsed / rule.time_limit_s);
      progress(fraction * untraced_share(), fmt::format("untraced round {} ({})", rounds, m_s.name));
    }
    m_r.rounds = rounds;
    m_r.stop_reason = reason;
  }

  // Gaps, latency, kernel time: the in-process tracer for the AOT modes, the traced JIT
  // process for jit; one unmeasured round first (the traced JIT process has sat idle
  // since its warm-up, and CUPTI allocates its first buffers then).
  void traced_rounds() {
    const int rounds = std::max(0, m_o.traced_rounds);
    if (rounds == 0) return;
    m_pin.reset();  // CUPTI's thread, started with the tracer, must not share the timing CPU
    try {
      m_tracer = std::make_unique<tp::tracer>(tp::tracer_options{.mode = "aot", .scenario = m_s.name});
      m_tracer->start();
      m_r.cupti_version = std::to_string(tp::tracer::runtime_cupti_version());
    } catch (const std::exception& e) {
      m_tracer.reset();
      m_tracer_problem = e.what();
      warn(std::string("not tracing (only host-clock metrics): ") + e.what());
    }
    if (m_r.cpu >= 0) m_pin.emplace(m_r.cpu);
    if (!m_tracer && !m_jit_traced) return;
    for (auto& st : m_modes) {
      if (!st.ok()) continue;
      try {
        if (st.aot && m_tracer) run_untimed(*st.aot, *m_session, st.batch);
        else if (!st.aot && m_jit_traced) m_jit_traced->iterations("warmup", st.batch);
      } catch (const std::exception& e) {
        st.fail(e.what());
      }
    }
    for (int round = 0; round < rounds; ++round) {
      for (mode_state* st : round_order()) {
        if (!st->ok()) continue;
        try {
          if (m_o.records != traced_records::all) traced_batch(*st, true, st->gpu_traced_host_ns);
          if (m_o.records != traced_records::gpu) traced_batch(*st, false, st->traced_host_ns);
        } catch (const std::exception& e) {
          st->fail(e.what());
        }
      }
      m_r.traced_rounds = round + 1;
      progress(untraced_share() + (1 - untraced_share()) * (round + 1) / rounds,
               fmt::format("traced round {} ({})", round + 1, m_s.name));
    }
  }

  // One traced batch of a mode recording every kind (range "mode:<label>") or the GPU's
  // side only ("gaps:<label>"); the host times go to `out`.
  void traced_batch(mode_state& st, bool gpu_only, std::vector<double>& out) {
    const std::string_view prefix = gpu_only ? gpu_records_range_prefix : mode_range_prefix;
    if (st.aot && m_tracer) {
      m_tracer->record(gpu_only ? tp::gpu_activity_kinds() : tp::tracer_kinds{});
      run_traced(*st.aot, *m_session, fmt::format("{}{}", prefix, st.result.label()), st.batch, out);
    } else if (!st.aot && m_jit_traced) {
      const int lead_in = lead_in_iterations(st.batch);
      const auto times = m_o.records == traced_records::all
                             ? m_jit_traced->iterations("run", st.batch, lead_in, 1, m_r.cpu)
                             : m_jit_traced->traced_batch(st.batch, lead_in, m_r.cpu, fmt::format("{}jit", prefix),
                                                          gpu_only ? "gpu" : "all");
      out.insert(out.end(), times.begin(), times.end());
    }
  }

  // A mode's traced batches: those that recorded every kind, those that recorded the
  // GPU's side only, and both (the trace file written).
  struct mode_traces {
    tp::trace full, gpu_only, both;
  };

  mode_traces split_ranges(const tp::trace& whole, const std::string& label) const {
    const std::string full = fmt::format("{}{}", mode_range_prefix, label);
    const std::string gpu = fmt::format("{}{}", gpu_records_range_prefix, label);
    const std::string_view both[] = {full, gpu};
    return {extract_ranges(whole, full, label), extract_ranges(whole, gpu, label),
            extract_ranges(whole, std::span(both), label)};
  }

  // The traces of one mode: its ranges of this process's trace, or of the JIT process's.
  mode_traces traces_of(const mode_state& st, const tp::trace& all) const {
    if (st.aot) {
      if (!m_tracer) return {};
      return split_ranges(all, st.result.label());
    }
    if (!m_jit_traced) return {};
    if (!fs::exists(m_jit_trace)) {
      warn(fmt::format("the traced JIT runner wrote no trace ({}); jit has host-clock metrics only", m_jit_trace.string()));
      return {};
    }
    tp::trace whole = tp::read_chrome_trace_file(m_jit_trace);
    mode_traces t = split_ranges(whole, "jit");
    if (t.both.events().empty() && !whole.events().empty()) {
      // No NVTX ranges reached CUPTI: the whole process (warm-up and check included).
      warn("the JIT trace has no 'mode:jit' or 'gaps:jit' NVTX ranges; analysing all of it");
      t.both = whole;
      t.full = std::move(whole);
      return t;
    }
    std::error_code gone;
    fs::remove(m_jit_trace, gone);  // the whole process; the per-mode trace is written instead
    return t;
  }

  // One iteration's GPU work by the mode's traced rounds, for its untraced gap. Graph's
  // replays go to the one stream the events are recorded on, whatever streams CUPTI
  // shows the graph's kernels on.
  iteration_work traced_work(const mode_state& st, const tp::trace& t) const {
    if (m_r.traced_rounds == 0) return {.problem = "no traced rounds: the kernels' durations come from them"};
    return traced_work_of(t, st.result.mode == mode::graph);
  }

  void collect_metrics() {
    if (m_o.progress && !m_o.quiet) std::fprintf(stderr, "\r%80s\r", "");
    for (auto& st : m_modes)
      st.result.iterations = st.host_ns.size() + st.traced_host_ns.size() + st.gpu_traced_host_ns.size();
    tp::trace all;
    if (m_tracer) {
      try {
        m_tracer->stop();
        all = m_tracer->take_trace();
        m_r.driver_version = all.metadata().driver_version;
        m_r.gpu_name = all.metadata().gpu_name;
      } catch (const std::exception& e) {
        m_tracer_problem = e.what();
      }
    }
    if (m_jit) m_jit->quit();
    if (m_jit_traced)
      if (const int rc = m_jit_traced->quit(); rc != 0) warn(fmt::format("the traced JIT runner exited with status {}", rc));
    for (auto& st : m_modes) {
      if (!st.ok()) continue;
      const std::uint64_t launches = m_s.launches.size();
      const host_clock_samples host{st.host_ns, st.traced_host_ns, st.gpu_traced_host_ns};
      try {
        const mode_traces t = traces_of(st, all);
        st.result.dropped_records = t.both.metadata().dropped_records;
        if (!m_o.trace_dir.empty() && !t.both.events().empty()) {
          std::string name = st.result.label();
          std::replace(name.begin(), name.end(), '#', '-');  // "cubin-cached#2" -> "cubin-cached-2"
          const fs::path file = m_o.trace_dir / fmt::format("{}.{}.json", m_s.name, name);
          tp::write_chrome_trace_file(t.both, file);
          st.result.trace_file = file.string();
        }
        st.result.metrics = mode_metrics(t.full, t.gpu_only, m_s.run.target, launches, host, m_r.clock_floor_ns);
        if (m_o.records == traced_records::gpu && m_r.traced_rounds > 0)
          for (const char* id : {"launch.api_duration", "launch.latency", "launch.dispatch_overhead"})
            st.result.not_measured.push_back({id, "no launch records (--traced-records gpu)"});
        const tp::trace& work = t.gpu_only.events().empty() ? t.full : t.gpu_only;
        add_gpu_clock_metrics(st.result, st.windows, traced_work(st, work), launches, m_r.clock_floor_ns);
      } catch (const std::exception& e) {
        st.result.metrics = mode_metrics(tp::trace{}, tp::trace{}, m_s.run.target, launches, host, m_r.clock_floor_ns);
        add_gpu_clock_metrics(st.result, st.windows, {.problem = std::string("the trace analysis failed: ") + e.what()},
                              launches, m_r.clock_floor_ns);
        if (!m_o.quiet)
          std::cerr << fmt::format("triton-bench: mode {}: trace analysis failed: {}\n", st.result.label(), e.what());
      }
    }
    for (auto& st : m_modes) m_r.modes.push_back(std::move(st.result));
  }

  const tb::scenario::scenario& m_s;
  const run_options& m_o;
  const clock_type::time_point m_started = clock_type::now();
  results m_r;
  std::vector<host_buffer> m_initial, m_expected;
  std::vector<std::string> m_missing_reference;
  rt::bundle m_bundle;
  fs::path m_work, m_jit_trace;
  // Declared before the modes, whose runners use it: destroyed after them.
  std::unique_ptr<device_session> m_session;
  std::vector<planned_launch> m_plan;
  std::vector<aot_image> m_aot_images;
  fs::path m_plan_file;                          // the launch plan both sides run (jit_plan.hpp)
  std::optional<std::vector<host_buffer>> m_jit_outputs;  // the oracle: the JIT's buffers after one iteration
  bool m_jit_started = false;
  std::string m_jit_problem;                     // why the JIT could not run, when it could not
  std::vector<mode_state> m_modes;
  std::unique_ptr<jit_process> m_jit;         // untraced: check, warm-up, host time
  std::unique_ptr<jit_process> m_jit_traced;  // under the injection library: gaps, latency
  mode_state* m_settler = nullptr;
  double m_settler_iteration_ns = 0;
  std::optional<cpu_pin> m_pin;
  std::mt19937 m_shuffler{20261127};
  std::unique_ptr<tp::tracer> m_tracer;
  std::string m_tracer_problem;
};

}  // namespace

results run_benchmark(const tb::scenario::scenario& s, const run_options& o) {
  if (s.launches.empty())
    throw std::runtime_error(fmt::format("{}: scenario '{}' has no [[launch]] sequence: nothing to run",
                                         s.file.string(), s.name));
  return benchmark(s, o).run();
}

}  // namespace tb::bench
