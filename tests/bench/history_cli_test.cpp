// The results database through the built program: `triton-bench record` of synthetic
// results files, then `triton-bench history` over them, with the step they hold marked.
#include "history_support.hpp"
#include "results_json.hpp"

#include <tb/bench/exit_code.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path scratch = fs::temp_directory_path() / ("tb-history-cli-test-" + std::to_string(::getpid()));

struct outcome {
  int status = -1;
  std::string out, err;
};

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// triton-bench ARGS in `scratch` (not a git checkout: no branch found there), with `env`
// ("NAME=value ...") for env(1).
outcome run(const std::string& args, const std::string& env = "") {
  const fs::path out = scratch / "stdout", err = scratch / "stderr";
  const std::string command =
      fmt::format("cd '{}' && env -u GITHUB_HEAD_REF -u GITHUB_REF_NAME -u CI_COMMIT_REF_NAME -u TRITON_BENCH_DB {} "
                  "'{}' {} >'{}' 2>'{}' </dev/null",
                  scratch.string(), env, TB_BENCH_EXE, args, out.string(), err.string());
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(out), read_text(err)};
}

std::string commit(int i) { return fmt::format("{:07x}{:033x}", 0xc0de000 + i, i); }

// Twelve runs on main: host time per launch 1000 ns, then 1100 ns from the seventh on.
class HistoryCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    std::string files;
    for (int i = 1; i <= 12; ++i) {
      const auto r = tb::test::synthetic_results(commit(i), fmt::format("2026-02-{:02}T12:00:00Z", i),
                                                 i <= 6 ? 1000 : 1100, static_cast<std::uint64_t>(i));
      const auto file = scratch / fmt::format("run{:02}.json", i);
      std::ofstream(file) << tb::bench::to_json(r).dump(1);
      files += " " + file.string();
    }
    const auto o = run("record --db history.db --branch main" + files);
    ASSERT_EQ(o.status, 0) << o.err;
    recorded = o.out;
  }
  static void TearDownTestSuite() { fs::remove_all(scratch); }
  static inline std::string recorded;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(HistoryCli, RecordSaysWhatItStored) {
  const auto lines = lines_of(recorded);
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[0], "recorded run 1 (sandwich, 2 modes, commit c0de00100000, branch main) in history.db");
  EXPECT_EQ(lines[11], "recorded run 12 (sandwich, 2 modes, commit c0de00c00000, branch main) in history.db");
}

TEST_F(HistoryCli, PrintsTheSeriesAndMarksTheStep) {
  const auto o = run("history --db history.db --scenario sandwich");
  ASSERT_EQ(o.status, 0) << o.err;
  const auto lines = lines_of(o.out);
  ASSERT_EQ(lines.size(), 2u + 12u + 1u) << o.out;
  EXPECT_EQ(lines[0], "sandwich, cubin-cached, host.time_per_launch (ns): 12 runs in history.db");
  EXPECT_EQ(lines[1], "   run  date                  commit   branch        median  95% interval");
  for (int i = 1; i <= 12; ++i) {
    const auto& line = lines[static_cast<std::size_t>(i) + 1];
    EXPECT_EQ(line.substr(0, 46), fmt::format("{:>6}  2026-02-{:02}T12:00:00Z  {}  main   ", i, i, commit(i).substr(0, 7)))
        << line;
    const auto ns = line.find(" ns  [");
    ASSERT_NE(ns, std::string::npos) << line;
    EXPECT_NEAR(std::stod(line.substr(46, ns - 46)), i <= 6 ? 1000 : 1100, 2) << line;
    const bool marked = line.find("<- step") != std::string::npos;
    EXPECT_EQ(marked, i == 7) << line;
  }
  EXPECT_NE(lines[8].find("]  <- step +10.0 % (first commit after the step: c0de007)"), std::string::npos) << lines[8];
  EXPECT_EQ(lines[14].rfind("step at run 7 (commit c0de007): ", 0), 0u) << lines[14];
  EXPECT_NE(lines[14].find(" ns (+10.0 %)"), std::string::npos) << lines[14];
}

TEST_F(HistoryCli, Json) {
  const auto o = run("history --db history.db --scenario sandwich --format json --last 8");
  ASSERT_EQ(o.status, 0) << o.err;
  const auto j = json::parse(o.out);
  EXPECT_EQ(j["schema"], "triton-bench/history");
  ASSERT_EQ(j["runs"].size(), 8u);
  EXPECT_EQ(j["runs"][0]["run"], 5);
  ASSERT_EQ(j["steps"].size(), 1u);
  EXPECT_EQ(j["steps"][0]["index"], 2);
  EXPECT_EQ(j["steps"][0]["run"], 7);
  EXPECT_EQ(j["steps"][0]["commit"], commit(7));
  EXPECT_NEAR(j["steps"][0]["relative"].get<double>(), 0.1, 0.002);
}

TEST_F(HistoryCli, OtherModeAndMetricHaveNoStep) {
  const auto o = run("history --db history.db -s sandwich --mode jit --metric gap.before_target");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.find("<- step"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\nno steps\n"), std::string::npos) << o.out;
}

// Both modes step by 10 % at run 7 (the machine, say): relative to each other, nothing moves.
TEST_F(HistoryCli, RelativeToAnotherModeTheSharedStepCancels) {
  const auto o = run("history --db history.db --scenario sandwich --relative-to jit");
  ASSERT_EQ(o.status, 0) << o.err;
  const auto lines = lines_of(o.out);
  ASSERT_EQ(lines.size(), 2u + 12u + 1u) << o.out;
  EXPECT_EQ(lines[0], "sandwich, cubin-cached, host.time_per_launch (x jit): 12 runs in history.db");
  for (std::size_t i = 2; i < 14; ++i) {
    const auto x = lines[i].find(" x jit  [");
    ASSERT_NE(x, std::string::npos) << lines[i];
    EXPECT_NEAR(std::stod(lines[i].substr(46, x - 46)), 0.05, 0.0002) << lines[i];
  }
  EXPECT_EQ(lines[14], "no steps");
  const auto missing = run("history --db history.db --scenario sandwich --relative-to ptx");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "triton-bench history: history.db: no runs of scenario 'sandwich' in mode 'ptx' (recorded: "
                         "cubin-cached, jit)\n");
}

TEST_F(HistoryCli, UnknownNamesSayWhatExists) {
  auto o = run("history --db history.db --scenario softmax");
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "triton-bench history: history.db: no runs of scenario 'softmax' (recorded: sandwich)\n");
  o = run("history --db history.db --scenario sandwich --mode ptx");
  EXPECT_EQ(o.err, "triton-bench history: history.db: no runs of scenario 'sandwich' in mode 'ptx' (recorded: "
                   "cubin-cached, jit)\n");
  o = run("history --db history.db --scenario sandwich --metric host.nope");
  EXPECT_EQ(o.err, "triton-bench history: history.db: no metric 'host.nope' in scenario 'sandwich', mode "
                   "'cubin-cached' (recorded: gap.before_target, host.time_per_launch)\n");
  o = run("history --db history.db");
  EXPECT_EQ(o.err, "triton-bench history: --scenario: which scenario? (recorded in history.db: sandwich)\n");
  o = run("history --db history.db --scenario sandwich --branch dev");
  EXPECT_EQ(o.err, "triton-bench history: history.db: no runs of scenario 'sandwich' match --branch/--gpu/--host\n");
  o = run("history --db missing.db --scenario sandwich");
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "triton-bench history: missing.db: no such results database (record a run first: triton-bench "
                   "record RESULTS.json)\n");
  EXPECT_FALSE(fs::exists(scratch / "missing.db"));
}

TEST_F(HistoryCli, RecordTakesTheBranchFromCi) {
  const auto o = run(fmt::format("record --db ci.db {}", (scratch / "run01.json").string()), "GITHUB_REF_NAME=ci-branch");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("branch ci-branch)"), std::string::npos) << o.out;
  const auto h = run("history --db ci.db -s sandwich --branch ci-branch");
  EXPECT_EQ(h.status, 0) << h.err;
}

TEST_F(HistoryCli, RecordRefusesAForeignDatabase) {
  std::ofstream(scratch / "foreign.db") << "not a database at all, but someone's file, long enough for a header\n";
  const auto o = run(fmt::format("record --db foreign.db {}", (scratch / "run01.json").string()));
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, fmt::format("triton-bench record: {}: foreign.db: file is not a database\n",
                               (scratch / "run01.json").string()));
  EXPECT_EQ(read_text(scratch / "foreign.db").substr(0, 10), "not a data");
}

TEST_F(HistoryCli, RecordRefusesABadResultsFile) {
  std::ofstream(scratch / "bad.json") << "{\"schema\": \"something else\"}";
  const auto o = run("record --db bad.db bad.json");
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err.rfind("triton-bench record: bad.json: ", 0), 0u) << o.err;
  EXPECT_FALSE(fs::exists(scratch / "bad.db"));
}

// compare of two runs read from the database says what compare of their results files
// says, to the last digit (the header's names aside).
TEST_F(HistoryCli, CompareOfDbRunsIsCompareOfTheirFiles) {
  const auto from_files = run("compare run01.json run12.json --format json");
  const auto from_db = run("compare db:run=1 db:branch=main,scenario=sandwich --db history.db --format json");
  ASSERT_EQ(from_files.status, from_db.status) << from_db.err;
  auto a = json::parse(from_files.out), b = json::parse(from_db.out);
  ASSERT_TRUE(a["comparison"]["rows"].size() == 4u) << a.dump(1).substr(0, 400);
  EXPECT_EQ(b["comparison"]["base"], "db:history.db#1");
  EXPECT_EQ(b["comparison"]["new"], "db:history.db#12");
  for (auto* j : {&a, &b}) (*j)["comparison"].erase("base"), (*j)["comparison"].erase("new");
  EXPECT_EQ(a, b);
  const auto missing = run("compare db:branch=nope run12.json --db history.db");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "triton-bench compare: history.db: no run matches db:branch=nope\n");
}

// --record asks for a measurement: without a GPU it is refused (exit 5), as --json is.
TEST_F(HistoryCli, RecordOptionNeedsAGpu) {
  const auto o = run("--record --db r.db", "TB_RUNTIME_LIBCUDA=/nonexistent/tb-history-test/libcuda.so.1");
  EXPECT_EQ(o.status, tb::bench::to_int(tb::bench::exit_code::no_gpu)) << o.err;
  EXPECT_NE(o.err.find("--record needs a GPU"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(scratch / "r.db"));
}

}  // namespace
