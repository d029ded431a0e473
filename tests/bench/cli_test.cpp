// The triton-bench command's conventions, through the built program: --format, --json -,
// --list --format json, colour (a terminal, NO_COLOR), --quiet, and exit status 5 when a
// measurement is asked for on a machine without a GPU. The no-GPU path is forced with
// TB_RUNTIME_LIBCUDA naming no library (the runtime's driver override), so these tests
// mean the same on a machine with a GPU.
#include "report/csv_reporter.hpp"
#include "report/table_reporter.hpp"
#include "results_json.hpp"
#include "scenario_list.hpp"

#include <tb/bench/exit_code.hpp>
#include <tb/bench/mode.hpp>
#include <tb/support/install_layout.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace tb::bench;
using nlohmann::json;

const fs::path scratch = fs::temp_directory_path() / ("tb-cli-test-" + std::to_string(::getpid()));
// The recording as installed beside the tools (the test sits in the same bin/ as triton-bench).
const std::string recorded_file = (tb::support::data_dir() / "recorded" / "results.json").string();
// The scratch folder goes when the tests end.
const struct remove_scratch {
  ~remove_scratch() {
    std::error_code ec;
    fs::remove_all(scratch, ec);
  }
} remove_scratch_at_exit;
constexpr const char* no_driver = "TB_RUNTIME_LIBCUDA=/nonexistent/tb-cli-test/libcuda.so.1";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct outcome {
  int status = -1;
  std::string out, err;
};

// triton-bench ARGS with stdout and stderr each to a file (not a terminal), NO_COLOR
// unset unless `env` sets it; `env` is "NAME=value ..." for env(1).
outcome run(const std::string& args, const std::string& env = "") {
  fs::create_directories(scratch);
  const fs::path out = scratch / "stdout", err = scratch / "stderr";
  const std::string command = fmt::format("env -u NO_COLOR {} '{}' {} >'{}' 2>'{}' </dev/null", env, TB_BENCH_EXE, args,
                                          out.string(), err.string());
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(out), read_text(err)};
}

results recording() { return results_from_json(json::parse(read_text(recorded_file))); }

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

TEST(Cli, FormatCsvPrintsOneRowPerModeAndMetric) {
  const outcome o = run("--no-gpu --format csv");
  ASSERT_EQ(o.status, 0) << o.err;
  const results r = recording();
  std::size_t rows = 0;
  for (const auto& m : r.modes) rows += m.metrics.size();
  EXPECT_EQ(lines(o.out), 1 + rows);  // no field of this recording holds a line break
  EXPECT_EQ(o.out.rfind(std::string(report::csv_results_header) + "\n", 0), 0u) << o.out;
  const std::string jit_host = fmt::format(",jit,ok,host-model,passed,host.time_per_launch,ns,{},{},",
                                           r.find(mode::jit)->find("host.time_per_launch")->stats.n,
                                           r.find(mode::jit)->find("host.time_per_launch")->stats.median);
  EXPECT_NE(o.out.find(jit_host), std::string::npos) << jit_host;
  EXPECT_NE(o.err.find("no GPU on this machine"), std::string::npos);  // notices stay off stdout
}

TEST(Cli, JsonDashWritesTheResultsToStdoutAndTheTableToStderr) {
  const outcome o = run("--no-gpu --json -");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(to_json(results_from_json(json::parse(o.out))), to_json(recording()));
  EXPECT_NE(o.err.find("RECORDED RUN, not measured on this machine: NVIDIA H100 80GB HBM3"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists("-"));  // once a file named "-" was written
}

TEST(Cli, JsonFileAndMarkdownOnStdout) {
  const fs::path file = scratch / "results.json";
  const outcome o = run(fmt::format("--no-gpu --format markdown --json '{}'", file.string()));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.rfind("### triton-bench: sandwich on NVIDIA H100 80GB HBM3\n", 0), 0u) << o.out;
  EXPECT_NE(o.out.find("| host time per launch | "), std::string::npos);
  EXPECT_EQ(to_json(results_from_json(json::parse(read_text(file)))), to_json(recording()));
}

TEST(Cli, ListFormatJsonIsForScripts) {
  const outcome o = run("--list --format json");
  ASSERT_EQ(o.status, 0) << o.err;
  const json j = json::parse(o.out);
  EXPECT_EQ(j["schema"], "triton-bench/list");
  bool sandwich = false;
  for (const auto& s : j["scenarios"])
    if (s["name"] == "sandwich") {
      sandwich = true;
      EXPECT_EQ(s["launches_per_iteration"], 3);
      EXPECT_EQ(s["target"], "target_kernel");
    }
  EXPECT_TRUE(sandwich) << o.out;
  ASSERT_EQ(j["modes"].size(), mode_table.size());
  for (std::size_t i = 0; i < mode_table.size(); ++i) EXPECT_EQ(j["modes"][i]["name"], mode_table[i].name);
  EXPECT_EQ(run("--list --format csv").status, to_int(exit_code::bad_option));
  EXPECT_NE(run("--list").out.find("Scenarios ("), std::string::npos);  // the table stays the default
}

TEST(Cli, AScenarioThatDoesNotLoadIsListedWithItsError) {
  const fs::path folder = scratch / "scenarios";
  fs::create_directories(folder / "broken");
  fs::copy_file(fs::path(TB_BENCH_DATA) / "bad_scenario.toml", folder / "broken" / "scenario.toml",
                fs::copy_options::overwrite_existing);
  const auto listed = load_listed({folder / "broken"});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "broken");
  EXPECT_NE(listed[0].error.find("scenario.toml:"), std::string::npos) << listed[0].error;
  EXPECT_TRUE(scenario_list_json({folder}, listed)["scenarios"][0].contains("error"));
}

// --list showed the name inside scenario.toml ('vector_add' for a copy in myadd/), which
// --scenario does not take: it lists the folder name, the scenario's own beside it.
TEST(Cli, ListShowsTheNameScenarioTakes) {
  const fs::path folder = scratch / "renamed";
  fs::remove_all(folder);
  fs::create_directories(folder);
  fs::copy(tb::support::data_dir() / "scenarios" / "vector_add", folder / "myadd", fs::copy_options::recursive);
  const auto listed = load_listed({folder / "myadd"});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "myadd");
  EXPECT_EQ(listed[0].scenario_name, "vector_add");
  std::ostringstream table;
  print_scenario_list(table, {folder}, listed);
  EXPECT_NE(table.str().find("  myadd "), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("(scenario 'vector_add')"), std::string::npos) << table.str();
  const json j = scenario_list_json({folder}, listed);
  EXPECT_EQ(j["scenarios"][0]["name"], "myadd");
  EXPECT_EQ(j["scenarios"][0]["scenario_name"], "vector_add");
}

TEST(Cli, NoEscapeCodesWhenNotATerminal) {
  const outcome o = run(fmt::format("--no-gpu --recorded '{}'", TB_BENCH_DATA));  // failed checks: red on a terminal
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("!! check ptx"), std::string::npos);
  EXPECT_EQ(o.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(o.err.find('\x1b'), std::string::npos);
}

TEST(Cli, ATerminalGetsColoursUnlessNoColorIsSet) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1) to give the program a terminal";
  const fs::path out = scratch / "terminal";
  auto on_a_terminal = [&](const std::string& env) {
    const std::string command = fmt::format("env -u NO_COLOR {} script -qec \"'{}' --no-gpu --recorded '{}'\" /dev/null "
                                            ">'{}' 2>&1 </dev/null",
                                            env, TB_BENCH_EXE, TB_BENCH_DATA, out.string());
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return read_text(out);
  };
  const std::string coloured = on_a_terminal("");
  EXPECT_NE(coloured.find("\x1b[31m!! check ptx"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[32mpassed\x1b[0m"), std::string::npos);
  const std::string plain = on_a_terminal("NO_COLOR=1");
  EXPECT_NE(plain.find("!! check ptx"), std::string::npos) << plain;
  EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
}

TEST(Cli, QuietPrintsTheReportAlone) {
  const outcome o = run("--no-gpu --quiet");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");  // no "no GPU on this machine", no "Showing the recording"
  std::ostringstream table;
  print_recorded(table, recording(), recorded_file);
  EXPECT_EQ(o.out, table.str());

  const outcome loud = run("--no-gpu");
  EXPECT_NE(loud.err.find("triton-bench: no GPU on this machine: --no-gpu given"), std::string::npos) << loud.err;
  EXPECT_NE(loud.err.find("Showing the recording"), std::string::npos);
  EXPECT_EQ(loud.out, table.str());
}

TEST(Cli, NoGpuAndAMeasurementAskedForExitsWith5) {
  const fs::path file = scratch / "never.json";
  const outcome o = run(fmt::format("--json '{}'", file.string()), no_driver);
  EXPECT_EQ(o.status, to_int(exit_code::no_gpu)) << o.out << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_EQ(o.err.rfind("triton-bench: --json needs a GPU, and this machine has none (", 0), 0u) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(fs::exists(file));

  const outcome two = run("--mode jit --iterations 3", no_driver);
  EXPECT_EQ(two.status, to_int(exit_code::no_gpu));
  EXPECT_EQ(two.err.rfind("triton-bench: --mode, --iterations need a GPU", 0), 0u) << two.err;
}

TEST(Cli, NoGpuWithoutAMeasurementOrWithNoGpuShowsTheRecording) {
  const outcome plain = run("", no_driver);
  EXPECT_EQ(plain.status, 0) << plain.err;
  EXPECT_NE(plain.out.find("RECORDED RUN"), std::string::npos);
  EXPECT_NE(plain.err.find("libcuda.so.1 could not be loaded"), std::string::npos) << plain.err;
  const outcome told = run("--no-gpu --mode cubin-cached --iterations 3", no_driver);
  EXPECT_EQ(told.status, 0) << told.err;
  EXPECT_NE(told.out.find("RECORDED RUN"), std::string::npos);
}

// Without a GPU, `--scenario vector_add` showed the sandwich recording as if it were
// vector_add's. Now it says the recording is another scenario's and compiles vector_add
// ahead of time, into the user's cache, showing its kernels; nothing lands here.
TEST(Cli, NoGpuAndAShippedScenarioWithoutARecordingCompilesItIntoTheCache) {
  const fs::path cwd = scratch / "cwd-vector_add", cache = scratch / "xdg-cache";
  fs::remove_all(cwd);
  fs::create_directories(cwd);
  const outcome o = run("--scenario vector_add", fmt::format("{} XDG_CACHE_HOME='{}' sh -c 'cd \"{}\" && exec \"$0\" \"$@\"'",
                                                             no_driver, cache.string(), cwd.string()));
  ASSERT_EQ(o.status, 0) << o.err;
  const std::string all = o.out + o.err;
  EXPECT_NE(all.find("is of scenario 'sandwich', not 'vector_add'"), std::string::npos) << all;
  EXPECT_NE(all.find("compiling vector_add ahead of time into " + (cache / "triton-bench" / "bundles").string()),
            std::string::npos)
      << all;
  EXPECT_NE(o.out.find("add_kernel"), std::string::npos) << o.out;
  EXPECT_TRUE(fs::is_empty(cwd));
}

// Found on the H200 (issue 16): triton-bench compiled every scenario for sm_90 and sm_80,
// and triton-aot refuses sm_80 for PDL and cluster variants, so pdl_chain and cluster
// could not be compiled at all. Their bundles are sm_90 only now.
TEST(Cli, AScenarioOfSm90OnlyVariantsCompilesForSm90Only) {
  for (const char* name : {"pdl_chain", "cluster"}) {
    const fs::path cwd = scratch / (std::string("cwd-") + name), cache = scratch / "xdg-cache";
    fs::remove_all(cwd);
    fs::create_directories(cwd);
    const outcome o = run(fmt::format("--scenario {}", name),
                          fmt::format("{} XDG_CACHE_HOME='{}' sh -c 'cd \"{}\" && exec \"$0\" \"$@\"'", no_driver,
                                      cache.string(), cwd.string()));
    ASSERT_EQ(o.status, 0) << name << ": " << o.err;
    EXPECT_EQ((o.out + o.err).find("sm_80"), std::string::npos) << o.out << o.err;
    EXPECT_NE(o.out.find("sm_90"), std::string::npos) << o.out;
  }
}

TEST(Cli, AnalyzeInEachFormat) {
  const std::string trace = std::string(TB_SOURCE_DIR) + "/tests/profiler/data/kineto_sample.json";
  const outcome j = run(fmt::format("analyze '{}' --format json", trace));
  ASSERT_EQ(j.status, 0) << j.err;
  EXPECT_EQ(json::parse(j.out)["schema"], "tb.profiler.analysis");
  const outcome dash = run(fmt::format("analyze '{}' --json -", trace));
  EXPECT_EQ(json::parse(dash.out), json::parse(j.out));
  EXPECT_NE(dash.err.find("median [95% CI]"), std::string::npos);  // the table, moved to stderr
  const outcome csv = run(fmt::format("analyze '{}' --format csv", trace));
  EXPECT_EQ(csv.out.rfind(std::string(report::csv_analysis_header) + "\n", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find(",trace,kernel.duration,ns,"), std::string::npos) << csv.out;
  const outcome md = run(fmt::format("analyze '{}' --format markdown", trace));
  EXPECT_NE(md.out.find("| `gap.before_target` | "), std::string::npos) << md.out;
}

// Issue 15: a PyTorch profiler trace, gzipped, per kernel (tests/profiler/data/hta/README.md).
TEST(Cli, AnalyzePerKernelOfAGzippedKinetoTrace) {
  const std::string trace = std::string(TB_SOURCE_DIR) + "/tests/profiler/data/hta/simple_add_trace.json.gz";
  const outcome csv = run(fmt::format("analyze '{}' --per-kernel --format csv", trace));
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind(std::string(report::csv_kernel_stats_header) + "\n", 0), 0u) << csv.out;
  EXPECT_EQ(lines(csv.out), 1u + 16u);  // 16 kernel names
  const std::string top = fmt::format("{},ampere_sgemm_32x32_sliced1x4_tn,,,", trace);
  EXPECT_EQ(csv.out.find(top), csv.out.find('\n') + 1) << csv.out;  // the first row: most GPU time
  EXPECT_NE(csv.out.find(",2673000,6,445500,396500,"), std::string::npos) << csv.out;
  const outcome streams = run(fmt::format("analyze '{}' --per-kernel --by-stream --format json", trace));
  ASSERT_EQ(streams.status, 0) << streams.err;
  const json j = json::parse(streams.out);
  EXPECT_EQ(j["schema"], "tb.profiler.kernel_stats");
  EXPECT_EQ(j["kernels"][0]["stream"]["name"], "GPU 0 / stream 7 ");  // Kineto's thread name, as written
  const outcome table = run(fmt::format("analyze '{}' --per-kernel", trace));
  EXPECT_NE(table.out.find("Time %"), std::string::npos) << table.out;
  EXPECT_EQ(run(fmt::format("analyze '{}' --by-stream", trace)).status, to_int(exit_code::bad_option));
}

TEST(Cli, AnalyzeIterationRange) {
  const std::string trace = std::string(TB_SOURCE_DIR) + "/tests/profiler/data/hta/event_sync_trace.json.gz";
  const outcome steps = run(fmt::format("analyze '{}' --format json", trace));
  ASSERT_EQ(steps.status, 0) << steps.err;
  EXPECT_EQ(json::parse(steps.out)["trace"]["iterations"], 1);  // ProfilerStep#100
  const outcome none = run(fmt::format("analyze '{}' --iteration-range 'iteration' --format json", trace));
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(json::parse(none.out)["trace"]["iterations"], 0);
}

TEST(Cli, BadFormatIsABadOptionAndHelpListsTheExitStatuses) {
  EXPECT_EQ(run("--no-gpu --format xml").status, to_int(exit_code::bad_option));
  const outcome help = run("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find(exit_code_help()), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("NO_COLOR"), std::string::npos);
}

std::string write_scratch_file(const std::string& name, const std::string& text) {
  fs::create_directories(scratch);
  const fs::path file = scratch / name;
  std::ofstream(file, std::ios::binary) << text;
  return file.string();
}

// Issue 12: a bad value is one short line naming the option and what was expected, exit 2,
// before anything runs (and without a GPU too: the value is wrong whatever the machine).
void expect_bad_option(const std::string& args, const std::string& line) {
  const outcome o = run(args, no_driver);
  EXPECT_EQ(o.status, to_int(exit_code::bad_option)) << args << ": " << o.err;
  EXPECT_EQ(o.err, line + "\n") << args;
  EXPECT_EQ(o.out, "") << args;
}

TEST(CliOptions, IterationsZeroIsOneShortLine) {
  expect_bad_option("--iterations 0", "triton-bench: --iterations 0: expected a whole number >= 1");
  expect_bad_option("--rounds -3", "triton-bench: --rounds -3: expected a whole number >= 1");
  expect_bad_option("--traced-rounds -1", "triton-bench: --traced-rounds -1: expected a whole number >= 0");
}

TEST(CliOptions, TimeLimitNanIsRejected) {
  expect_bad_option("--time-limit nan", "triton-bench: --time-limit nan: expected a finite number of seconds > 0");
  expect_bad_option("--time-limit inf", "triton-bench: --time-limit inf: expected a finite number of seconds > 0");
  expect_bad_option("--time-limit 0", "triton-bench: --time-limit 0: expected a finite number of seconds > 0");
}

TEST(CliOptions, CpuThisMachineDoesNotHaveIsRejected) {
  const outcome o = run("--cpu 999", no_driver);
  EXPECT_EQ(o.status, to_int(exit_code::bad_option)) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_EQ(o.err.rfind("triton-bench: --cpu 999: expected a CPU this process may run on: 0", 0), 0u) << o.err;
}

TEST(CliOptions, JsonInAFolderThatDoesNotExistIsReportedBeforeARun) {
  const fs::path file = scratch / "no-such-folder" / "r.json";
  expect_bad_option(fmt::format("--json '{}'", file.string()),
                    fmt::format("triton-bench: --json {}: the folder {} does not exist", file.string(),
                                file.parent_path().string()));
  expect_bad_option(fmt::format("--no-gpu --json '{}'", file.string()),
                    fmt::format("triton-bench: --json {}: the folder {} does not exist", file.string(),
                                file.parent_path().string()));
  EXPECT_FALSE(fs::exists(file.parent_path()));
}

TEST(CliOptions, TraceUnderAFileIsReportedBeforeARun) {
  const std::string file = write_scratch_file("plain_file", "x");
  expect_bad_option(fmt::format("--trace '{}/traces'", file),
                    fmt::format("triton-bench: --trace {}/traces: {} is not a folder", file, file));
}

// Issue 12: analyze rejects what is not a trace, one line naming the file, and leaves no
// half-written --json behind.

TEST(CliAnalyze, BadUtf8LeavesNoJsonFile) {
  const std::string trace = write_scratch_file("bad_utf8.json", "{\"traceEvents\": [{\"ph\": \"X\", \"name\": \"k\xff\", "
                                                           "\"cat\": \"kernel\", \"pid\": 0, \"tid\": 7, \"ts\": 1, "
                                                           "\"dur\": 2}]}");
  const fs::path out = scratch / "bad_utf8.summary.json";
  const outcome o = run(fmt::format("analyze '{}' --json '{}'", trace, out.string()));
  EXPECT_EQ(o.status, to_int(exit_code::error)) << o.err;
  EXPECT_EQ(o.err, fmt::format("triton-bench analyze: {}: byte 39: expected UTF-8 text, found the byte 0xFF\n", trace));
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliAnalyze, AFolderIsNotATrace) {
  fs::create_directories(scratch / "a_folder");
  const outcome o = run(fmt::format("analyze '{}'", (scratch / "a_folder").string()));
  EXPECT_EQ(o.status, to_int(exit_code::error)) << o.err;
  EXPECT_EQ(o.err, fmt::format("triton-bench analyze: {}: is a folder; expected a trace file (Chrome Trace Event "
                               "JSON)\n", (scratch / "a_folder").string()));
}

TEST(CliAnalyze, AResultsFileIsNotATrace) {
  const outcome o = run(fmt::format("analyze '{}'", recorded_file));
  EXPECT_EQ(o.status, to_int(exit_code::error)) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_NE(o.err.find("expected a trace, found triton-bench results (--json output)"), std::string::npos) << o.err;
}

TEST(CliAnalyze, JsonInAFolderThatDoesNotExistIsABadOption) {
  const std::string trace = std::string(TB_SOURCE_DIR) + "/tests/profiler/data/kineto_sample.json";
  const fs::path out = scratch / "no-such-folder" / "s.json";
  const outcome o = run(fmt::format("analyze '{}' --json '{}'", trace, out.string()));
  EXPECT_EQ(o.status, to_int(exit_code::bad_option)) << o.err;
  EXPECT_EQ(o.err, fmt::format("triton-bench analyze: --json {}: the folder {} does not exist\n", out.string(),
                               out.parent_path().string()));
}

}  // namespace
