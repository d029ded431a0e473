// --pdl (issue 16): the setting list, the per-setting file names, and the side-by-side
// table on synthetic results with exact numbers (a negative gap shown as measured, and
// its overlap counted).
#include "method.hpp"
#include "pdl_runs.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace {

namespace fs = std::filesystem;
using namespace tb::bench;
namespace sc = tb::scenario;

const fs::path scenarios = TB_SCENARIOS_DIR;

TEST(PdlRuns, SettingsInTheOrderGivenEachOnItsTwins) {
  const auto s = sc::load_scenario(scenarios / "pdl_chain");
  const auto both = pdl_settings("on,off", s);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_TRUE(both[0].on);
  EXPECT_EQ(both[0].label(), "pdl-on");
  EXPECT_EQ(both[0].scenario.kernels[0].variants[both[0].scenario.launches[0].variant].name, "pdl");
  EXPECT_FALSE(both[1].on);
  EXPECT_EQ(both[1].scenario.kernels[0].variants[both[1].scenario.launches[0].variant].name, "plain");
  for (const char* bad : {"", "on,on", "yes", "off,", "off,on,off"}) {
    EXPECT_THROW(pdl_settings(bad, s), std::invalid_argument) << bad;
  }
  EXPECT_THROW(pdl_settings("on", sc::load_scenario(scenarios / "sandwich")), sc::diagnostic_error);
}

TEST(PdlRuns, OneFileAndTraceFolderPerSetting) {
  const pdl_setting on{true, {}}, off{false, {}};
  EXPECT_EQ(pdl_json_file("out/r.json", on), fs::path("out/r.pdl-on.json"));
  EXPECT_EQ(pdl_json_file("r.json", off), fs::path("r.pdl-off.json"));
  EXPECT_EQ(pdl_json_file("", on), fs::path(""));
  EXPECT_EQ(pdl_trace_dir("traces", on), fs::path("traces/pdl-on"));
  EXPECT_EQ(pdl_trace_dir("", on), fs::path(""));
}

mode_result graph_mode(std::vector<double> before, std::vector<double> overlap) {
  mode_result m;
  m.mode = mode::graph;
  m.metrics.push_back(make_metric("gap.before_target", "ns", std::move(before), 0));
  m.metrics.push_back(make_metric("overlap.before_target", "ns", std::move(overlap), 0));
  return m;
}

TEST(PdlRuns, SideBySideShowsNegativeGapsAndHowOftenTheyOverlapped) {
  std::vector<results> runs(2);
  runs[0].scenario = runs[1].scenario = "pdl_chain";
  runs[0].target = runs[1].target = "target_kernel";
  runs[0].modes.push_back(graph_mode({2000, 2000, 2000}, {}));
  runs[1].modes.push_back(graph_mode({-300, -300, 100}, {300, 300}));
  const std::vector<pdl_setting> settings{{false, {}}, {true, {}}};
  std::ostringstream out;
  print_pdl_side_by_side(out, settings, runs);
  const std::string text = out.str();
  EXPECT_NE(text.find("PDL side by side (pdl_chain; target target_kernel):"), std::string::npos) << text;
  EXPECT_NE(text.find("pdl-off"), std::string::npos) << text;
  EXPECT_NE(text.find("2.000 us"), std::string::npos) << text;   // off: the median gap
  EXPECT_NE(text.find("-300 ns"), std::string::npos) << text;    // on: negative, as measured
  EXPECT_NE(text.find("none of 3"), std::string::npos) << text;  // off: no overlap
  EXPECT_NE(text.find("(2 of 3)"), std::string::npos) << text;   // on: 2 of the 3 overlapped
}

// Found on the H200: a cell as wide as the column ("1.120 us ±0.0% (600 of 600)") ran into
// the one before it ("none of 6001.120 us"). Cells are separated whatever their width.
TEST(PdlRuns, WideCellsStaySeparated) {
  std::vector<results> runs(2);
  runs[0].modes.push_back(graph_mode(std::vector<double>(600, 96), {}));
  runs[1].modes.push_back(graph_mode(std::vector<double>(600, -1120), std::vector<double>(600, 1120)));
  std::ostringstream out;
  print_pdl_side_by_side(out, {{false, {}}, {true, {}}}, runs);
  const std::string text = out.str();
  EXPECT_EQ(text.find("none of 6001"), std::string::npos) << text;
  EXPECT_NE(text.find("none of 600  "), std::string::npos) << text;
}

}  // namespace
