// `triton-bench compare` and `triton-bench gate` through the built program, on results
// files written here (they validate as --json's do): the verdicts, the refusal of another
// environment (exit 8), the gate's exit statuses (0, 6, 7), --junit, --format, and the
// one-line errors for files, db: specs, gate files and options.
#include "compare_support.hpp"
#include "results_json.hpp"
#include "results_validate.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using tb::bench::mode;
using tb::test::lognormal_units;

const fs::path scratch = fs::temp_directory_path() / ("tb-compare-cli-test-" + std::to_string(::getpid()));
const struct remove_scratch {
  ~remove_scratch() {
    std::error_code ec;
    fs::remove_all(scratch, ec);
  }
} remove_scratch_at_exit;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct outcome {
  int status = -1;
  std::string out, err;
};

outcome run(const std::string& args) {
  fs::create_directories(scratch);
  const fs::path out = scratch / "stdout", err = scratch / "stderr";
  const std::string command =
      fmt::format("'{}' {} >'{}' 2>'{}' </dev/null", TB_BENCH_EXE, args, out.string(), err.string());
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(out), read_text(err)};
}

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

// A results file of jit (16 us) and cubin-cached (`cubin_ns`), 30 rounds of 1 % noise.
std::string write_results(const std::string& name, double cubin_ns, std::uint64_t seed,
                          const std::string& gpu = "NVIDIA H100 80GB HBM3") {
  auto r = tb::test::results_of({{mode::jit, lognormal_units(16000, 0.01, 30, seed)},
                                 {mode::cubin_cached, lognormal_units(cubin_ns, 0.01, 30, seed + 1)}});
  r.gpu_name = gpu;
  const auto j = tb::bench::to_json(r);
  const auto problems = tb::bench::validate_results_json(j);
  EXPECT_TRUE(problems.empty()) << problems.front();
  fs::create_directories(scratch);
  const fs::path file = scratch / name;
  std::ofstream(file) << j.dump(1);
  return file.string();
}

std::string write_text(const std::string& name, const std::string& text) {
  fs::create_directories(scratch);
  const fs::path file = scratch / name;
  std::ofstream(file) << text;
  return file.string();
}

const std::string jit_budget = "[[metric]]\nid = \"host.time_per_launch\"\n[[budget]]\nmode = \"jit\"\n"
                               "metric = \"host.time_per_launch\"\nof_mode = \"cubin-cached\"\n";

TEST(CompareCli, SameRunsAreSameAndAShiftIsSlower) {
  const auto base = write_results("base.json", 4000, 1), again = write_results("again.json", 4000, 11),
             slower = write_results("slower.json", 4200, 21);
  outcome o = run(fmt::format("compare '{}' '{}'", base, again));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.rfind(fmt::format("triton-bench compare: {} (base) -> {} (new), scenario sandwich\n", base, again), 0),
            0u)
      << o.out;
  EXPECT_EQ(lines(o.out), 6u) << o.out;  // heading, method, blank, column heads, 2 rows
  EXPECT_NE(o.out.find("cubin-cached  host.time_per_launch"), std::string::npos);
  EXPECT_EQ(o.out.find("slower"), std::string::npos) << o.out;
  o = run(fmt::format("compare '{}' '{}'", base, slower));
  ASSERT_EQ(o.status, 0) << o.err;  // compare reports; gate fails
  const auto row = o.out.substr(o.out.find("cubin-cached  host.time_per_launch"));
  EXPECT_NE(row.find("slower   significant, interval beyond the band"), std::string::npos) << o.out;
}

TEST(CompareCli, AnotherGpuIsRefusedWithExit8UnlessAllowed) {
  const auto base = write_results("base.json", 4000, 1), h200 = write_results("h200.json", 4000, 11, "NVIDIA H200");
  outcome o = run(fmt::format("compare '{}' '{}'", base, h200));
  EXPECT_EQ(o.status, 8);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "triton-bench compare: the runs' environments differ, so their times are not comparable:\n"
                   "  GPU: NVIDIA H100 80GB HBM3 (base) vs NVIDIA H200 (new)\n"
                   "  (compare them anyway with --allow-env-change)\n");
  o = run(fmt::format("compare '{}' '{}' --allow-env-change", base, h200));
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("WARNING: environments differ: GPU: NVIDIA H100 80GB HBM3 (base) vs NVIDIA H200 (new)\n"),
            std::string::npos);
  const auto gate = write_text("g.toml", jit_budget + "at_least = 3.5\n");
  EXPECT_EQ(run(fmt::format("gate --gate '{}' '{}' --base '{}'", gate, h200, base)).status, 8);
  EXPECT_EQ(run(fmt::format("gate --gate '{}' '{}' --base '{}' --allow-env-change", gate, h200, base)).status, 0);
}

TEST(CompareCli, FormatsMarkdownAndJson) {
  const auto base = write_results("base.json", 4000, 1), again = write_results("again.json", 4000, 11);
  outcome o = run(fmt::format("compare '{}' '{}' --format markdown", base, again));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.rfind("### triton-bench compare: sandwich\n", 0), 0u) << o.out;
  o = run(fmt::format("compare '{}' '{}' --format json", base, again));
  ASSERT_EQ(o.status, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["comparison"]["rows"].size(), 2u);
  EXPECT_EQ(j["comparison"]["rows"][0]["verdict"], "same");
  EXPECT_FALSE(j.contains("gate"));
}

TEST(CompareCli, FileAndDatabaseErrorsAreOneLineNamingThem) {
  const auto base = write_results("base.json", 4000, 1);
  outcome o = run(fmt::format("compare '{}' /nonexistent/new.json", base));
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "triton-bench compare: /nonexistent/new.json: no such results file\n");
  const auto bad = write_text("bad.json", "{\"schema\": \"triton-bench/results\", \"version\": 3}");
  o = run(fmt::format("compare '{}' '{}'", base, bad));
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err.rfind(fmt::format("triton-bench compare: {}: not a readable results file: ", bad), 0), 0u) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  o = run(fmt::format("compare db:latest '{}' --db /nonexistent/tb-compare-test/results.db", base));
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "triton-bench compare: /nonexistent/tb-compare-test/results.db: no such results database (record "
                   "a run first: triton-bench record RESULTS.json)\n");
}

TEST(CompareCli, GateBudgetsPassAndFailWithJUnit) {
  const auto next = write_results("new.json", 4000, 1);  // jit / cubin-cached = 4
  const fs::path junit = scratch / "gate.xml";
  outcome o = run(fmt::format("gate --gate '{}' '{}' --junit '{}'", write_text("pass.toml", jit_budget + "at_least = 3.5\n"),
                              next, junit.string()));
  EXPECT_EQ(o.status, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("gate passed: 1 passed, 0 failed, 0 unsure, 0 skipped\n"), std::string::npos) << o.out;
  std::string xml = read_text(junit);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"jit host.time_per_launch &gt;= 3.5 x cubin-cached\""), std::string::npos) << xml;

  o = run(fmt::format("gate --gate '{}' '{}' --junit '{}' --format markdown",
                      write_text("fail.toml", jit_budget + "at_least = 4.5\n"), next, junit.string()));
  EXPECT_EQ(o.status, 6) << o.out << o.err;
  EXPECT_EQ(o.out.rfind("### triton-bench gate: **FAILED**\n", 0), 0u) << o.out;
  xml = read_text(junit);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"budget\""), std::string::npos) << xml;
}

TEST(CompareCli, GateRegressionFailsAndUnsureFailsOnlyWhenStrict) {
  const auto gate = write_text("g.toml", "[[metric]]\nid = \"host.time_per_launch\"\nmodes = [\"cubin-cached\"]\n");
  const auto base = write_results("base.json", 4000, 1), again = write_results("again.json", 4000, 11),
             slower = write_results("slower.json", 4400, 21), edge = write_results("edge.json", 4150, 31);
  EXPECT_EQ(run(fmt::format("gate --gate '{}' '{}' --base '{}'", gate, again, base)).status, 0);
  const outcome o = run(fmt::format("gate --gate '{}' '{}' --base '{}'", gate, slower, base));
  EXPECT_EQ(o.status, 6);
  EXPECT_NE(o.out.find("  FAIL     regression  cubin-cached host.time_per_launch: slower: "), std::string::npos) << o.out;
  // +3.25 %, 1 % noise: significant, the interval across the 3 % band
  const outcome unsure = run(fmt::format("gate --gate '{}' '{}' --base '{}'", gate, edge, base));
  EXPECT_EQ(unsure.status, 0) << unsure.out;
  EXPECT_NE(unsure.out.find("  unsure   regression  cubin-cached host.time_per_launch: unsure: "), std::string::npos)
      << unsure.out;
  EXPECT_EQ(run(fmt::format("gate --gate '{}' '{}' --base '{}' --strict", gate, edge, base)).status, 7);
}

TEST(CompareCli, GateFileErrorsAreLocated) {
  const auto next = write_results("new.json", 4000, 1);
  const auto bad = write_text("bad.toml", "[[metric]]\nid = \"host.time_per_launch\"\nrelative = 3\n");
  const outcome o = run(fmt::format("gate --gate '{}' '{}'", bad, next));
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, fmt::format("triton-bench gate: {}:3:1: error: unknown key 'relative' in [[metric]] (expected one of "
                               "'id', 'relative_percent', 'absolute', 'modes')\n",
                               bad));
}

TEST(CompareCli, BadOptionsExit2InOneLine) {
  const auto next = write_results("new.json", 4000, 1);
  const auto gate = write_text("pass.toml", jit_budget + "at_least = 3.5\n");
  outcome o = run(fmt::format("gate --gate '{}' '{}' --junit '{}'", gate, next, scratch.string()));
  EXPECT_EQ(o.status, 2);
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_EQ(o.err.rfind("triton-bench gate: --junit ", 0), 0u) << o.err;
  o = run(fmt::format("compare '{}' '{}' --alpha 2", next, next));
  EXPECT_EQ(o.status, 2);
  EXPECT_EQ(o.err, "triton-bench compare: --alpha 2: expected a number between 0 and 1 (e.g. 0.05)\n");
  EXPECT_EQ(run(fmt::format("compare '{}' '{}' --format csv", next, next)).status, 2);
  EXPECT_EQ(run(fmt::format("gate '{}'", next)).status, 2);  // no --gate
}

TEST(CompareCli, HelpTeachesWithExamples) {
  outcome o = run("compare --help");
  EXPECT_EQ(o.status, 0);
  EXPECT_NE(o.out.find("triton-bench compare main.json branch.json --format markdown"), std::string::npos) << o.out;
  o = run("gate --help");
  EXPECT_NE(o.out.find("6 a regression or a budget failed, 7 unsure and --strict, 8 the"), std::string::npos) << o.out;
  o = run("--help");
  EXPECT_NE(o.out.find("  8  compare, gate --base: the runs' GPU, driver, CUDA or Triton differ"), std::string::npos);
  EXPECT_NE(o.out.find("triton-bench compare base.json new.json"), std::string::npos);
}

}  // namespace
