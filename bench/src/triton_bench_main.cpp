// triton-bench: what does launching a Triton kernel cost, ahead of time from C++
// versus through Triton's Python JIT, and where does the time go? (docs/bench.md)
#include "aot_runner.hpp"
#include "bundle_cache.hpp"
#include "device_list.hpp"
#include "compare/compare_command.hpp"
#include "cold_start.hpp"
#include "gpu_probe.hpp"
#include "harness.hpp"
#include "history/history_command.hpp"
#include "history/record_command.hpp"
#include "history/run_selector.hpp"
#include "option_checks.hpp"
#include "report/console.hpp"
#include "report/deliver.hpp"
#include "results_json.hpp"
#include "pdl_runs.hpp"
#include "scenario_list.hpp"
#include "scenario_search.hpp"

#include <tb/bench/exit_code.hpp>

#include <tb/profiler/analysis.hpp>
#include <tb/profiler/kernel_stats.hpp>
#include <tb/profiler/trace_error.hpp>
#include <tb/profiler/trace_reader.hpp>
#include <tb/scenario/scenario.hpp>
#include <tb/support/build_info.hpp>
#include <tb/support/install_layout.hpp>
#include <tb/support/python_lookup.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// --list: table (the default) or json; the other formats have nothing more to say here.
int list_scenarios(const std::string& format) {
  if (format != "table" && format != "json") {
    fmt::print(stderr, "triton-bench: --list --format {}: --list prints table or json\n", format);
    return to_int(tb::bench::exit_code::bad_option);
  }
  const auto search_path = tb::bench::scenario_search_path();
  const auto scenarios = tb::bench::load_listed(tb::bench::available_scenarios());
  if (format == "json") std::cout << tb::bench::scenario_list_json(search_path, scenarios).dump(1) << "\n";
  else tb::bench::print_scenario_list(std::cout, search_path, scenarios);
  return 0;
}

void print_bundle(const fs::path& bundle) {
  std::ifstream in(bundle / "manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  fmt::print("\n{:<22} {:<14} {:<40} {:>5} {:>6} {:>10} {:>9}\n", "kernel", "variant", "specialization", "arch",
             "regs", "shared B", "cubin B");
  for (const auto& kernel : manifest["kernels"])
    for (const auto& variant : kernel["variants"])
      for (const auto& spec : variant["specializations"])
        for (const auto& image : spec["images"]) {
          if (image["format"] != "cubin") continue;
          fmt::print("{:<22} {:<14} {:<40} sm_{:<2} {:>6} {:>10} {:>9}\n", kernel["name"].get<std::string>(),
                     variant["name"].get<std::string>(), spec["name"].get<std::string>(), image["arch"].get<int>(),
                     image["registers"].get<int>(), image["shared"].get<int>(), image["size"].get<int>());
        }
}

// No GPU: the recording of this scenario (share/triton-bench/recorded, or --recorded
// DIR), clearly labelled; else the scenario compiled ahead of time (into the cache), its
// kernels shown. The notices go to stderr (not with --quiet), so stdout holds the report alone.
int show_recording(const fs::path& dir, const tb::scenario::scenario& s, const tb::bench::bundle_request& bundle,
                   const std::string& why, const tb::bench::report::console& c,
                   const tb::bench::report::output_request& output) {
  c.note(fmt::format("triton-bench: no GPU on this machine: {}", why));
  const fs::path file = dir / "results.json";
  tb::bench::results r;
  bool recorded = false;
  if (fs::exists(file)) {
    try {
      std::ifstream in(file);
      r = tb::bench::results_from_json(nlohmann::json::parse(in));
      recorded = true;
    } catch (const std::exception& e) {
      c.error(fmt::format("triton-bench: {}: {}", file.string(), e.what()));
      return to_int(tb::bench::exit_code::error);
    }
  }
  if (recorded && r.scenario == s.name) {
    c.note(fmt::format("Launch timing needs a GPU. Showing the recording in {} instead.\n", dir.string()));
    tb::bench::report::deliver(c, output, r, {true, file.string()});
    std::vector<std::string> traces;
    for (const auto& m : r.modes)
      if (!m.trace_file.empty()) traces.push_back(fs::path(m.trace_file).filename().string());
    if (!traces.empty())
      c.note(fmt::format("\nTraces of the recording (open in Perfetto, or `triton-bench analyze {}/FILE`): {}",
                         dir.string(), fmt::join(traces, ", ")));
    return 0;
  }
  if (recorded)
    c.note(fmt::format("The recording in {} is of scenario '{}', not '{}'.", dir.string(), r.scenario, s.name));
  else
    c.note(fmt::format("No recording in {} (it comes from `triton-bench --mode all --scenario NAME --json "
                       "DIR/results.json --trace DIR` on a machine with a GPU).",
                       dir.string()));
  c.note(fmt::format("Doing what can be done here: compiling '{}' ahead of time.", s.name));
  try {
    print_bundle(tb::bench::find_bundle(s, bundle));
  } catch (const std::exception& e) {
    c.error(fmt::format("triton-bench: {}", e.what()));
    return to_int(tb::bench::exit_code::error);
  }
  return 0;
}

// The JIT side's Python: Triton at the pinned version, and torch for its tensors.
tb::support::python_request jit_python_request(const std::string& option) {
  tb::support::python_request r;
  r.option_value = option;
  r.env_var = "TRITON_BENCH_PYTHON";
  r.triton_version = std::string(tb::support::this_build().triton_pinned);
  r.also_needs = {"torch"};
  return r;
}

bool needs_jit(const tb::bench::run_options& o) {
  return o.jit_check || std::count(o.modes.begin(), o.modes.end(), tb::bench::mode::jit) > 0;
}

// --version: what was built, and the Python the JIT side would run with now.
std::string version_text() {
  std::string text = tb::support::version_line("triton-bench");
  try {
    const auto py = tb::support::find_python(jit_python_request(""));
    text += fmt::format("\nPython for the JIT: {} (Triton {}, from {})", py.python.string(), py.triton_version,
                        py.chosen_by);
  } catch (const std::exception& e) {
    text += fmt::format("\nPython for the JIT: none usable: {}", e.what());
  }
  return text;
}

// What `analyze` was asked: the analysis (target, iterations) or the per-kernel table.
struct analyze_request {
  std::string trace_path, target, iteration_range;
  bool per_kernel = false, by_stream = false;
};

int analyze_command(const analyze_request& request, const tb::bench::report::console& c,
                    const tb::bench::report::output_request& output) {
  try {
    const auto t = tb::profiler::read_chrome_trace_file(request.trace_path);
    if (request.per_kernel) {
      tb::profiler::kernel_stats_options options;
      options.by_stream = request.by_stream;
      tb::bench::report::deliver(c, output, tb::profiler::per_kernel_stats(t, options), request.trace_path);
      return 0;
    }
    tb::profiler::analysis_options options;
    options.target = request.target;
    options.iteration_range = request.iteration_range;
    tb::bench::report::deliver(c, output, tb::profiler::analyze(t, options), request.trace_path);
    return 0;
  } catch (const std::exception& e) {
    c.error(fmt::format("triton-bench analyze: {}", e.what()));
    return to_int(tb::bench::exit_code::error);
  }
}

// The probed GPU's name on results whose trace gave none.
void name_gpu(tb::bench::results& r, const tb::bench::gpu_probe& probe, int device) {
  for (const auto& gpu : probe.gpus)
    if (gpu.ordinal == device && r.gpu_name.empty()) r.gpu_name = gpu.name;
}

// A measurement's exit status: a mode that failed (3), else with --require-check a mode
// whose outputs nothing checked (4), else 0.
int measured_status(const std::vector<tb::bench::results>& runs, bool require_check,
                    const tb::bench::report::console& console) {
  using tb::bench::exit_code;
  bool failed = false, unchecked = false;
  for (const auto& r : runs) {
    for (const auto& m : r.modes) {
      failed = failed || m.status != "ok";
      unchecked = unchecked || m.check.kind == tb::bench::check_kind::unchecked;
    }
  }
  if (failed) return to_int(exit_code::mode_failed);
  if (require_check && unchecked) {
    console.error("triton-bench: --require-check: some modes' outputs were not checked (see the check lines)");
    return to_int(exit_code::unchecked);
  }
  return to_int(exit_code::ok);
}

// Each device of `devices` in turn, as a whole run; several devices write their traces
// into DIR/gpuN so that no device's trace replaces another's.
std::vector<tb::bench::results> measure_devices(const tb::scenario::scenario& s, tb::bench::run_options o,
                                                const std::vector<int>& devices, const tb::bench::gpu_probe& probe,
                                                const std::string& trace_dir,
                                                const tb::bench::report::console& console) {
  std::vector<tb::bench::results> runs;
  for (const int device : devices) {
    const auto gpu = std::find_if(probe.gpus.begin(), probe.gpus.end(), [&](const auto& g) { return g.ordinal == device; });
    if (gpu != probe.gpus.end())
      console.note(fmt::format("GPU {}: {} (sm_{}){}", gpu->ordinal, gpu->name, gpu->compute_capability,
                               devices.size() > 1 ? fmt::format(", device {} of {}", runs.size() + 1, devices.size()) : ""));
    o.device = device;
    if (devices.size() > 1 && !trace_dir.empty()) o.trace_dir = fs::path(trace_dir) / fmt::format("gpu{}", device);
    tb::bench::results r = tb::bench::run_benchmark(s, o);
    name_gpu(r, probe, device);
    runs.push_back(std::move(r));
  }
  return runs;
}

// The options given that only a measurement uses: without a GPU they cannot be honoured
// (exit 5), unless --no-gpu says the recording is what is wanted.
std::vector<std::string> measurement_options(const CLI::App& app) {
  std::vector<std::string> given;
  for (const char* name : {"--mode", "--iterations", "--rounds", "--traced-rounds", "--traced-records", "--time-limit",
                           "--host-timing", "--cpu", "--device", "--trace", "--json", "--cold-start", "--cold-start-repeats",
                           "--require-check", "--test-launch-delay", "--record", "--pdl"})
    if (app.count(name) > 0) given.emplace_back(name);
  return given;
}

// The checks of values CLI11 took as given: one short line each, before anything runs.
std::optional<std::string> option_problem(const CLI::App& app) {
  const auto given = [&](const char* name) -> std::optional<std::string> {
    const auto* o = app.get_option_no_throw(name);
    if (o == nullptr || o->count() == 0) return std::nullopt;
    return o->results().back();
  };
  const std::pair<const char*, long long> whole[] = {
      {"--iterations", 1}, {"--rounds", 1}, {"--traced-rounds", 0}, {"--cold-start-repeats", 1},
      {"--test-launch-delay", 0}};
  for (const auto& [name, min] : whole)
    if (const auto text = given(name))
      if (auto problem = tb::bench::check_whole_number(name, *text, min)) return problem;
  if (const auto text = given("--time-limit"))
    if (auto problem = tb::bench::check_positive_seconds("--time-limit", *text)) return problem;
  if (const auto file = given("--json"))
    if (auto problem = tb::bench::check_output_file("--json", *file)) return problem;
  if (const auto dir = given("--trace"))
    if (auto problem = tb::bench::check_output_folder("--trace", *dir)) return problem;
  return std::nullopt;
}

// --pdl: one run per setting (the bundle holds every variant, so it serves them all), each
// delivered as usual (JSON and traces per setting: pdl_json_file, pdl_trace_dir), then the
// side-by-side table. --record is refused with --pdl (one results file per run).
int run_pdl_settings(const std::vector<tb::bench::pdl_setting>& settings, tb::bench::run_options o,
                     const tb::bench::gpu_probe& probe, const tb::bench::report::output_request& out,
                     bool require_check, const tb::bench::report::console& console) {
  std::vector<tb::bench::results> runs;
  const std::filesystem::path traces = o.trace_dir;
  for (const auto& p : settings) {
    console.note(fmt::format("triton-bench: --pdl: {} (every launch on its launch_pdl = {} variant)", p.label(),
                             p.on ? "true" : "false"));
    o.trace_dir = tb::bench::pdl_trace_dir(traces, p);
    tb::bench::results r = tb::bench::run_benchmark(p.scenario, o);
    name_gpu(r, probe, o.device);
    tb::bench::report::deliver(console, {out.format, tb::bench::pdl_json_file(out.json_file, p).string()}, r, {});
    runs.push_back(std::move(r));
  }
  tb::bench::print_pdl_side_by_side(console.out, settings, runs);
  return measured_status(runs, require_check, console);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t main_ns = tb::bench::monotonic_ns();  // a cold-start child's first phase ends here
  using tb::bench::exit_code;
  CLI::App app{"triton-bench: what does it cost to launch a Triton kernel ahead of time from C++ versus through "
               "Triton's Python JIT, and where does the time go? (docs/bench.md)",
               "triton-bench"};
  app.set_version_flag("--version", [] { return version_text(); },
                       "print the version, commit, CUDA toolkit and the Python the JIT side would use");
  std::vector<std::string> modes;
  std::string scenario = "sandwich";
  std::string bundle_dir, trace_dir, json_file, recorded, python, inject, cold_child_mode;
  int iterations = 0, rounds = 0, traced_rounds = 2, cold_repeats = 3;
  std::string device_spec = "0";
  double time_limit = 0;
  bool list = false, quiet = false, cold_start = false, no_gpu = false;
  std::vector<std::string> allowed_modes;
  for (const auto& m : tb::bench::mode_table) allowed_modes.emplace_back(m.name);
  allowed_modes.push_back("all");
  app.add_option("--mode,-m", modes,
                 fmt::format("launch mode, repeatable: {} or all (default cubin-cached); an AOT mode given twice "
                             "runs twice, as a repeat whose agreement is reported",
                             tb::bench::mode_names()))
      ->check(CLI::IsMember(allowed_modes));
  app.add_option("--scenario,-s", scenario, "scenario folder name, looked for in $TRITON_BENCH_SCENARIOS, the installed "
                                            "examples, then here (--list); or a path with a '/' or ending in .toml "
                                            "(./mine; default: sandwich)");
  app.add_option("--iterations,-n", iterations, "measured iterations per mode and round at most (fewer when a batch would pass 0.25 s; "
                                             "default: the scenario's)");
  app.add_option("--rounds", rounds, "exactly this many untraced rounds (default: until the 95% interval of every "
                                     "mode's median host time is within 1%, or the time limit)");
  app.add_option("--traced-rounds", traced_rounds, "rounds under CUPTI after the untraced ones, for gaps, latency and "
                                                   "kernel time (default 2; 0: host time only)");
  std::string records = "split";
  app.add_option("--traced-records", records,
                 "what the traced batches record: 'split' runs each mode twice per traced round, once recording the "
                 "GPU's side only (kernels, copies, NVTX) for the gaps and kernel times, once recording every kind "
                 "for the launch-API metrics; 'gpu' only the first (no launch API time, latency or dispatch); 'all' "
                 "only the second, every metric from one batch whose API records widen the gaps (default split)")
      ->check(CLI::IsMember({"all", "gpu", "split"}));
  std::string host_timing = "back-to-back";
  app.add_option("--host-timing", host_timing,
                 "untraced host time: 'back-to-back' launches like an application, timing each iteration's launches "
                 "and draining the stream (untimed) every 256 launches so a busy GPU never stalls one; 'drained' "
                 "drains after every iteration (default back-to-back)")
      ->check(CLI::IsMember({"drained", "back-to-back"}));
  std::string cpu = "current";
  app.add_option("--cpu", cpu, "CPU the timed rounds run on, this process's and the JIT runner's alike: a number, "
                               "'current' (the one triton-bench starts on) or 'none' (default current)");
  app.add_option("--time-limit", time_limit, "seconds of untraced rounds at most (default: the scenario's, 20)");
  app.add_option("--device,-d", device_spec,
                 "GPUs to measure: an ordinal, a list such as 0,1, or all; several are measured one after another, "
                 "each as a whole run, with one results section per device (default 0)");
  app.add_option("--trace", trace_dir, "write one Chrome trace per mode into DIR");
  app.add_option("--json", json_file, "write the results (docs/results-schema.md) to FILE; '-': to stdout, which then "
                                     "holds the JSON alone (the report goes to stderr)");
  std::string format = "table";
  const auto formats = tb::bench::report::reporter_names();
  app.add_option("--format", format, fmt::format("report format: {} (default table)", fmt::join(formats, ", ")))
      ->check(CLI::IsMember(formats));
  app.add_option("--bundle-dir", bundle_dir, "prebuilt AOT bundle: the folder with manifest.json, or DIR/<scenario>");
  app.add_option("--python", python, fmt::format("Python with Triton {} and torch for the JIT side (default: "
                                                 "$TRITON_BENCH_PYTHON, else the first python3 on PATH with both)",
                                                 tb::support::this_build().triton_pinned));
  app.add_option("--inject", inject, "CUPTI injection library for the jit mode (default: libtb_cupti_inject.so "
                                     "beside this program's lib/, or $CUDA_INJECTION64_PATH)");
  app.add_option("--recorded", recorded, "folder of the recording shown without a GPU (default "
                                         "share/triton-bench/recorded beside this program)");
  std::string pdl;
  app.add_option("--pdl", pdl, "off, on or off,on: run the scenario with every launch on its kernel's variant with "
                               "launch_pdl false / true (its twin), one run per setting, and show the gaps around the "
                               "target and the iteration time side by side (scenario pdl_chain; docs/bench.md)");
  app.add_flag("--cold-start", cold_start, "also measure process start to first kernel completion per mode");
  app.add_option("--cold-start-repeats", cold_repeats, "fresh processes per cold-start mode (default 3)");
  bool require_check = false, no_jit_check = false;
  app.add_flag("--require-check", require_check,
               "fail (exit 4) when a mode's outputs could be checked neither against Triton's JIT nor a host model");
  app.add_flag("--no-jit-check", no_jit_check,
               "do not run the JIT to check the AOT modes' outputs (host models only; jit mode still checks itself)");
  app.add_flag("--no-gpu", no_gpu, "act as on a machine without a GPU (show the recording; --json and --format "
                                   "apply to it)");
  app.add_flag("--list", list, "list scenarios and modes (--format json: as JSON)");
  app.add_flag("--quiet,-q", quiet, "no progress bar, notices or warnings: errors and the report only");
  app.add_option("--cold-child", cold_child_mode)->group("");  // internal: one cold start
  std::uint64_t test_launch_delay = 0;
  app.add_option("--test-launch-delay", test_launch_delay,
                 "TEST ONLY: busy-wait NS nanoseconds before every launch through the launcher (graph: only while "
                 "capturing; not driver, the floor), a known regression for trying compare and gate; recorded in the "
                 "results (method.test_launch_delay_ns)")
      ->group("Testing");
  analyze_request analyze_args;
  std::string analysis_json;
  CLI::App* analyze = app.add_subcommand("analyze", "analyse a trace (Chrome/Perfetto JSON, also .json.gz; "
                                                    "PyTorch profiler traces too): launch gaps, module loads, "
                                                    "dispatch overhead, latency; or --per-kernel statistics");
  analyze->add_option("trace", analyze_args.trace_path, "TRACE.json or TRACE.json.gz")->required();
  analyze->add_option("--target", analyze_args.target,
                      "kernel name (exact, else substring; default: the most frequent)");
  analyze->add_option("--iteration-range", analyze_args.iteration_range,
                      "ranges that mark an iteration: an exact name, or a prefix ending in '#' (ProfilerStep#); "
                      "default: 'iteration', 'iter*' and ProfilerStep#N");
  analyze->add_flag("--per-kernel", analyze_args.per_kernel,
                    "per kernel name: count, total, share of GPU kernel time, duration, launch API time, launch "
                    "latency and gap before (as nsys' cuda_gpu_kern_sum; docs/profiler.md)");
  analyze->add_flag("--by-stream", analyze_args.by_stream, "with --per-kernel: one row per kernel name and stream");
  analyze->add_option("--json", analysis_json, "write the summary JSON to OUT ('-': stdout)");
  analyze->add_option("--format", format, "report format, as for a run")->check(CLI::IsMember(formats));
  tb::bench::compare::compare_cli compare_cli;  // compare, gate (docs/compare.md)
  tb::bench::compare::add_compare_commands(app, compare_cli);
  std::string compare_db;  // db: runs for compare and gate come from the results database
  for (CLI::App* command : {compare_cli.compare, compare_cli.gate})
    command->add_option("--db", compare_db, "results database of the db: runs (default: as for --record)");
  compare_cli.sources.database = [&](const std::string& spec) { return tb::bench::load_db_run(spec, compare_db); };
  tb::bench::record_request record;
  tb::bench::record_command record_command;
  tb::bench::history_command history_command;
  tb::bench::add_record_options(app, record);
  tb::bench::add_record_command(app, record_command);
  tb::bench::add_history_command(app, history_command);
  app.footer(R"(Examples:
  triton-bench                                   sandwich in cubin-cached
  triton-bench --mode all --mode cubin-cached    every mode, cubin-cached twice (repeat check)
  triton-bench --mode jit --mode cubin-cached --scenario vector_add --trace traces --json r.json
  triton-bench --mode all --cold-start           plus process start to first kernel completion
  triton-bench analyze traces/sandwich.jit.json  gaps, module loads, dispatch, latency of a trace
  triton-bench analyze trace.pt.trace.json.gz --per-kernel --format csv   per-kernel statistics
  triton-bench compare base.json new.json        per mode and metric: the change and a verdict
  triton-bench gate --gate triton-bench-gate.toml new.json --base base.json   a CI gate

Host time is measured untraced, gaps and latencies in traced rounds after them; modes are
interleaved in shuffled rounds on one CPU until the 95% intervals are within 1% or the
time limit passes. Before that, every AOT mode's outputs after one iteration are checked
against Triton's JIT on the same inputs: bit for bit where the JIT built the same code,
else within the scenario's rtol/atol (docs/bench.md, "Checking outputs"). Without a GPU
the recorded H100 run is shown. Method: docs/bench.md.

Output: the report on stdout (--format), notices on stderr (none with --quiet); colour
only on a terminal, never when NO_COLOR is set.

)" + tb::bench::exit_code_help());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints the message (or the help)
    return to_int(rc == 0 ? exit_code::ok : exit_code::bad_option);  // one status for every usage error
  }
  const auto console = tb::bench::report::standard_console(quiet);
  if (const auto status = tb::bench::compare::run_compare_commands(compare_cli, console)) return *status;

  if (analyze->parsed()) {
    if (!analysis_json.empty())
      if (const auto problem = tb::bench::check_output_file("--json", analysis_json)) {
        console.error(fmt::format("triton-bench analyze: {}", *problem));
        return to_int(exit_code::bad_option);
      }
    if (analyze_args.by_stream && !analyze_args.per_kernel) {
      console.error("triton-bench analyze: --by-stream: expected --per-kernel as well");
      return to_int(exit_code::bad_option);
    }
    if (analyze_args.per_kernel && (!analyze_args.target.empty() || !analyze_args.iteration_range.empty())) {
      console.error("triton-bench analyze: --per-kernel: expected no --target or --iteration-range (it covers every "
                    "kernel of the trace)");
      return to_int(exit_code::bad_option);
    }
    return analyze_command(analyze_args, console, {format, analysis_json});
  }
  if (record_command.command->parsed()) return tb::bench::run_record_command(record_command, console);
  if (history_command.command->parsed()) return tb::bench::run_history_command(history_command, console);
  if (list) return list_scenarios(format);

  // Options that CLI11 cannot check alone, before anything else happens.
  if (const auto problem = option_problem(app)) {
    console.error(fmt::format("triton-bench: {}", *problem));
    return to_int(exit_code::bad_option);
  }
  tb::bench::run_options o;
  o.jit_check = !no_jit_check;
  if (modes.empty()) modes = {std::string(to_string(tb::bench::reference_mode))};
  // "all" adds the modes not named yet; an AOT mode named twice runs twice (a repeat:
  // "cubin-cached#2"), which shows how well the run reproduces itself.
  if (std::count(modes.begin(), modes.end(), "jit") > 1) {
    console.error("triton-bench: --mode jit given twice: jit runs once per run (repeat an AOT mode instead)");
    return to_int(exit_code::bad_option);
  }
  for (const auto& name : modes) {
    if (name == "all") {
      for (const auto& a : tb::bench::mode_table)
        if (std::find(o.modes.begin(), o.modes.end(), a.value) == o.modes.end()) o.modes.push_back(a.value);
      continue;
    }
    const tb::bench::mode m = *tb::bench::parse_mode(name);  // CLI11 checked the name
    const bool named = std::find(o.modes.begin(), o.modes.end(), m) != o.modes.end();
    if (!(m == tb::bench::mode::jit && named)) o.modes.push_back(m);
  }
  if (cpu == "none") o.cpu = tb::bench::run_options::no_cpu;
  else if (cpu == "current") o.cpu = tb::bench::run_options::current_cpu;
  else {
    try {
      std::size_t used = 0;
      o.cpu = std::stoi(cpu, &used);
      if (used != cpu.size() || o.cpu < 0) throw std::invalid_argument(cpu);
    } catch (const std::exception&) {
      console.error(fmt::format("triton-bench: --cpu {}: expected a CPU number, 'current' or 'none'", cpu));
      return to_int(exit_code::bad_option);
    }
    if (const auto problem = tb::bench::check_cpu("--cpu", o.cpu)) {
      console.error(fmt::format("triton-bench: {}", *problem));
      return to_int(exit_code::bad_option);
    }
  }
  tb::scenario::scenario s;
  try {
    s = tb::scenario::load_scenario(tb::bench::find_scenario(scenario));
  } catch (const std::exception& error) {
    console.error(error.what());
    return to_int(exit_code::error);
  }
  std::vector<tb::bench::pdl_setting> pdl_runs;
  try {
    if (!pdl.empty()) pdl_runs = tb::bench::pdl_settings(pdl, s);
    if (!pdl.empty() && json_file == "-")
      throw std::invalid_argument("--pdl with --json -: expected a file (one results file per setting: "
                                  "NAME.pdl-off.json, NAME.pdl-on.json)");
    if (!pdl.empty() && record.record)
      throw std::invalid_argument("--pdl with --record: expected one of them (a PDL run has one results file per "
                                  "setting; record those with `triton-bench record`)");
  } catch (const std::invalid_argument& error) {
    console.error(fmt::format("triton-bench: {}", error.what()));
    return to_int(exit_code::bad_option);
  } catch (const std::exception& error) {
    console.error(error.what());
    return to_int(exit_code::error);
  }
  tb::bench::bundle_request bundle{bundle_dir, python, quiet};
  try {
    if (!cold_child_mode.empty()) {
      const auto m = tb::bench::parse_mode(cold_child_mode);
      if (!m || !is_aot(*m)) throw std::runtime_error("--cold-child " + cold_child_mode + ": not an AOT mode");
      bundle.quiet = true;
      const auto one = tb::bench::parse_device_list(device_spec, std::numeric_limits<int>::max());
      if (one.size() != 1) throw std::runtime_error("--cold-child: expected one --device");
      return tb::bench::cold_child(s, *m, tb::bench::find_bundle(s, bundle), one.front(), main_ns);
    }

    const auto probe = no_gpu ? tb::bench::gpu_probe{{}, "--no-gpu given"} : tb::bench::probe_gpus();
    if (probe.gpus.empty()) {
      if (const auto asked = measurement_options(app); !no_gpu && !asked.empty()) {
        console.error(fmt::format("triton-bench: {} need{} a GPU, and this machine has none ({}); without {} (or with "
                                  "--no-gpu) the recording is shown",
                                  fmt::join(asked, ", "), asked.size() == 1 ? "s" : "", probe.why_none,
                                  asked.size() == 1 ? "it" : "them"));
        return to_int(exit_code::no_gpu);
      }
      return show_recording(recorded.empty() ? tb::support::data_dir() / "recorded" : fs::path(recorded), s, bundle,
                            probe.why_none, console, {format, json_file});
    }

    std::vector<int> devices;
    try {
      devices = tb::bench::parse_device_list(device_spec, static_cast<int>(probe.gpus.size()));
    } catch (const std::invalid_argument& e) {
      console.error(fmt::format("triton-bench: {}", e.what()));
      return to_int(exit_code::bad_option);
    }
    o.iterations = iterations;
    o.rounds = rounds;
    o.traced_rounds = traced_rounds;
    o.records = *tb::bench::parse_traced_records(records);
    o.drain = host_timing == "drained";
    o.time_limit_s = time_limit;
    o.trace_dir = trace_dir;
    o.jit_runner = tb::support::data_dir() / "jit_runner.py";
    o.frontend_dir = tb::support::data_dir() / "python";
    o.self = tb::support::executable_path();
    o.quiet = quiet;
    o.progress = ::isatty(2) != 0;
    o.cold_start = cold_start;
    o.cold_start_repeats = cold_repeats;
    o.test_launch_delay_ns = test_launch_delay;
    if (test_launch_delay > 0)
      console.note(fmt::format("triton-bench: --test-launch-delay {}: every AOT launch waits {} ns first (a "
                               "regression on purpose; recorded in the results)",
                               test_launch_delay, test_launch_delay));
    if (needs_jit(o)) {
      try {
        const auto chosen = tb::support::find_python(jit_python_request(python));
        o.python = chosen.python.string();
        bundle.python = o.python;  // the AOT side compiles with the JIT's own Triton
      } catch (const tb::support::python_not_found& e) {
        if (std::count(o.modes.begin(), o.modes.end(), tb::bench::mode::jit)) throw;
        o.python_problem = e.what();
      }
    }
    if (!inject.empty()) o.inject_library = inject;
    else if (const char* e = std::getenv("CUDA_INJECTION64_PATH"); e && *e) o.inject_library = e;
    else if (const fs::path lib = tb::support::library_dir() / "libtb_cupti_inject.so"; fs::exists(lib))
      o.inject_library = lib;
    o.bundle_dir = tb::bench::find_bundle(s, bundle);

    if (const auto problem = tb::bench::record_problem(record)) {  // before the run, not after it
      console.error(fmt::format("triton-bench: {}", *problem));
      return to_int(exit_code::bad_option);
    }
    if (!pdl_runs.empty()) {
      if (tb::bench::is_device_set(device_spec)) {
        console.error("triton-bench: --pdl: expected one --device (the settings are compared on one GPU)");
        return to_int(exit_code::bad_option);
      }
      o.device = devices.front();
      return run_pdl_settings(pdl_runs, o, probe, {format, json_file}, require_check, console);
    }
    const auto runs = measure_devices(s, o, devices, probe, trace_dir, console);
    if (tb::bench::is_device_set(device_spec)) tb::bench::report::deliver(console, {format, json_file}, runs);
    else tb::bench::report::deliver(console, {format, json_file}, runs.front(), {});
    const bool failed = std::any_of(runs.begin(), runs.end(), [](const auto& r) {
      return std::any_of(r.modes.begin(), r.modes.end(), [](const auto& m) { return m.status != "ok"; });
    });
    if (record.record)
      for (const auto& r : runs)  // each device's run is a run of the database
        if (const int rc = tb::bench::record_run(r, record, console, !failed); rc != 0) return rc;
    return measured_status(runs, require_check, console);
  } catch (const std::exception& e) {
    console.error(fmt::format("triton-bench: {}", e.what()));
    return to_int(exit_code::error);
  }
}
