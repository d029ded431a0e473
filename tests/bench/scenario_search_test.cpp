// `--scenario NAME`: $TRITON_BENCH_SCENARIOS first, then the examples installed beside
// the executable (for the test binaries: <build>/share/triton-bench/scenarios).
#include "scenario_search.hpp"

#include <tb/support/install_layout.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace tb::bench;

namespace {

struct ScenarioSearch : ::testing::Test {
  fs::path root = fs::temp_directory_path() / ("tb-search-" + std::to_string(::getpid()));
  fs::path a = root / "a", b = root / "b";
  fs::path cwd;  // restored after a test that works in `root`
  void work_in_root() {
    cwd = fs::current_path();
    fs::current_path(root);
  }
  void SetUp() override {
    for (const fs::path& d : {a / "x", b / "x", b / "y", b / "not_a_scenario"}) fs::create_directories(d);
    for (const fs::path& d : {a / "x", b / "x", b / "y"}) std::ofstream(d / "scenario.toml") << "name = \"n\"\n";
    ::setenv("TRITON_BENCH_SCENARIOS", (a.string() + "::" + b.string()).c_str(), 1);
  }
  void TearDown() override {
    if (!cwd.empty()) fs::current_path(cwd);
    ::unsetenv("TRITON_BENCH_SCENARIOS");
    fs::remove_all(root);
  }
};

}  // namespace

TEST_F(ScenarioSearch, TheEnvironmentsFoldersComeFirstInOrderThenTheExamples) {
  const auto path = scenario_search_path();
  ASSERT_EQ(path.size(), 3u);  // the empty entry between the colons is no folder
  EXPECT_EQ(path[0], a);
  EXPECT_EQ(path[1], b);
  EXPECT_EQ(path[2], tb::support::data_dir() / "scenarios");
  EXPECT_EQ(find_scenario("x"), a / "x");
  EXPECT_EQ(find_scenario("y"), b / "y");
  EXPECT_EQ(find_scenario("vector_add"), tb::support::data_dir() / "scenarios" / "vector_add");
  EXPECT_TRUE(fs::is_regular_file(find_scenario("vector_add") / "scenario.toml"));
}

TEST_F(ScenarioSearch, AListingHasEachNameOnceTheFirstFoldersCopy) {
  const auto all = available_scenarios();
  EXPECT_EQ(std::count(all.begin(), all.end(), a / "x"), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), b / "x"), 0);
  EXPECT_EQ(std::count(all.begin(), all.end(), b / "y"), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), b / "not_a_scenario"), 0);
  EXPECT_EQ(std::count(all.begin(), all.end(), tb::support::data_dir() / "scenarios" / "sandwich"), 1);
}

TEST_F(ScenarioSearch, APathIsTakenAsItIsAndAMissingOneSaysSo) {
  EXPECT_EQ(find_scenario((b / "y").string()), b / "y");
  EXPECT_EQ(find_scenario((b / "y" / "scenario.toml").string()), b / "y" / "scenario.toml");
  try {
    find_scenario((root / "gone").string());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "--scenario " + (root / "gone").string() + ": no such file or folder");
  }
}

TEST_F(ScenarioSearch, AnUnknownNameNamesEveryFolderSearched) {
  try {
    find_scenario("nope");
    FAIL();
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("--scenario nope: no folder nope/scenario.toml in " + a.string() + ", " + b.string() + ", " +
                     (tb::support::data_dir() / "scenarios").string()),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("TRITON_BENCH_SCENARIOS"), std::string::npos);
  }
}

// `mkdir vector_add; triton-bench --scenario vector_add` took the empty folder as the
// scenario ("scenario file not found"): a bare name is a name, whatever is here.
TEST_F(ScenarioSearch, ABareNameIsANameEvenWhenAFolderHereHasIt) {
  work_in_root();
  fs::create_directories(root / "vector_add");  // no scenario.toml: not what the user meant
  EXPECT_EQ(find_scenario("vector_add"), tb::support::data_dir() / "scenarios" / "vector_add");
  std::ofstream(root / "vector_add" / "scenario.toml") << "name = \"mine\"\n";
  EXPECT_EQ(find_scenario("vector_add"), tb::support::data_dir() / "scenarios" / "vector_add");  // the path wins
  EXPECT_EQ(find_scenario("./vector_add"), fs::path("./vector_add"));  // a path says: this one
}

TEST_F(ScenarioSearch, AFolderHereIsFoundLastWhenNothingOnThePathHasTheName) {
  work_in_root();
  fs::create_directories(root / "only_here");
  std::ofstream(root / "only_here" / "scenario.toml") << "name = \"n\"\n";
  EXPECT_EQ(find_scenario("only_here"), fs::path("only_here"));
  try {
    find_scenario("not_a_scenario_anywhere");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(" or here "), std::string::npos) << e.what();
  }
}
