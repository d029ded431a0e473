// compare/gate_file.hpp: the shipped example reads, and every diagnostic of the gate file
// is one line `file:line:column: error: ...` naming the item and what was expected.
#include "compare/gate_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using namespace tb::bench::compare;

// The error `text` gives, "" when it reads.
std::string error_of(const std::string& text) {
  try {
    parse_gate_file(text, "g.toml");
    return "";
  } catch (const tb::scenario::diagnostic_error& e) {
    return e.what();
  }
}

const std::string tolerance = "[[metric]]\nid = \"host.time_per_launch\"\n";

TEST(GateFile, TheShippedExampleReads) {
  const gate_file g = load_gate_file(std::filesystem::path(TB_SOURCE_DIR) / "bench" / "triton-bench-gate.toml");
  EXPECT_EQ(g.alpha, 0.05);
  ASSERT_EQ(g.metrics.size(), 2u);
  EXPECT_EQ(g.metrics[0].id, "host.time_per_launch");
  EXPECT_EQ(g.metrics[0].tol.relative_percent, 3.0);
  EXPECT_EQ(g.metrics[0].tol.absolute, 50.0);
  EXPECT_TRUE(g.metrics[0].gates("jit"));
  EXPECT_FALSE(g.metrics[1].gates("jit"));
  EXPECT_TRUE(g.metrics[1].gates("graph"));
  ASSERT_EQ(g.budgets.size(), 3u);
  EXPECT_EQ(g.budgets[0].kind, budget_kind::ratio);
  EXPECT_EQ(g.budgets[0].of_mode, "driver");
  EXPECT_TRUE(g.budgets[0].at_most);
  EXPECT_EQ(g.budgets[0].bound, 1.05);
  EXPECT_EQ(g.control, "driver");
  EXPECT_EQ(g.budgets[1].name, "jit costs at least 3.5x cubin-cached");
  EXPECT_FALSE(g.budgets[1].at_most);
  EXPECT_EQ(g.budgets[2].kind, budget_kind::checks);
  const auto o = g.options();
  EXPECT_EQ(o.per_metric.at("launch.api_duration").absolute, 100.0);
}

TEST(GateFile, DefaultsAndGeneratedNames) {
  const gate_file g = parse_gate_file(tolerance + "[[budget]]\nmode = \"cubin-cached\"\nmetric = \"host.time_per_launch\"\n"
                                                  "at_most_value = 5000\n", "g.toml");
  EXPECT_EQ(g.metrics[0].tol.relative_percent, 3.0);
  EXPECT_EQ(g.metrics[0].tol.absolute, 0.0);
  EXPECT_EQ(g.budgets[0].kind, budget_kind::value);
  EXPECT_EQ(g.budgets[0].name, "cubin-cached host.time_per_launch <= 5000");
  EXPECT_EQ(g.budgets[0].where.line, 3);
}

// One test per diagnostic, each with its exact line.
TEST(GateFileError, FileNotFound) {
  try {
    load_gate_file("/nonexistent/gate.toml");
    FAIL();
  } catch (const tb::scenario::diagnostic_error& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/gate.toml: error: gate file not found (expected a TOML file)");
  }
}

TEST(GateFileError, NonAscii) {
  EXPECT_EQ(error_of(tolerance + "relative_percent = 3 \xc2\xa0\n"),
            "g.toml:3:22: error: a non-ASCII character (a gate file is ASCII only)");
}

TEST(GateFileError, InvalidToml) {
  EXPECT_EQ(error_of("[[metric]\n").rfind("g.toml:1:", 0), 0u);
  EXPECT_NE(error_of("[[metric]\n").find(": error: invalid TOML: "), std::string::npos);
}

TEST(GateFileError, UnknownTopLevelKey) {
  EXPECT_EQ(error_of("[metrics]\n"),
            "g.toml:1:2: error: unknown key 'metrics' in the gate file (expected one of 'gate', 'metric', 'budget')");
}

TEST(GateFileError, UnknownKeyInMetric) {
  EXPECT_EQ(error_of(tolerance + "relative = 0.03\n"),
            "g.toml:3:1: error: unknown key 'relative' in [[metric]] (expected one of 'id', 'relative_percent', "
            "'absolute', 'modes')");
}

TEST(GateFileError, UnknownKeyInBudget) {
  EXPECT_EQ(error_of("[[budget]]\nchecks = \"all-passed\"\nmax = 3\n"),
            "g.toml:3:1: error: unknown key 'max' in [[budget]] (expected one of 'name', 'scenario', 'mode', 'metric', "
            "'of_mode', 'at_most', 'at_least', 'at_most_value', 'at_least_value', 'checks')");
}

TEST(GateFileError, UnknownKeyInGate) {
  EXPECT_EQ(error_of("[gate]\nbeta = 1\n" + tolerance),
            "g.toml:2:1: error: unknown key 'beta' in [gate] (expected one of 'alpha', 'control')");
}

TEST(GateFileError, GateNotATable) {
  EXPECT_EQ(error_of("gate = 1\n" + tolerance), "g.toml:1:8: error: 'gate' must be a table ([gate])");
}

TEST(GateFileError, AlphaOutOfRange) {
  EXPECT_EQ(error_of("[gate]\nalpha = 0\n" + tolerance),
            "g.toml:2:9: error: 'alpha' in [gate] must be a number between 0 and 1 (e.g. 0.05)");
  EXPECT_EQ(error_of("[gate]\nalpha = 1.5\n" + tolerance),
            "g.toml:2:9: error: 'alpha' in [gate] must be a number between 0 and 1 (e.g. 0.05)");
}

TEST(GateFileError, ControlNotAMode) {
  EXPECT_EQ(error_of("[gate]\ncontrol = \"raw\"\n" + tolerance),
            "g.toml:2:11: error: 'control' in [gate] must be a mode (jit, ptx, cubin, ptx-cached, cubin-cached, "
            "library, graph, driver) or \"none\", not 'raw'");
  EXPECT_EQ(error_of("[gate]\ncontrol = 3\n" + tolerance), "g.toml:2:11: error: 'control' in [gate] must be a string");
}

TEST(GateFile, ControlDefaultsToDriverAndNoneTurnsItOff) {
  EXPECT_EQ(parse_gate_file(tolerance, "g.toml").options().control, "driver");
  EXPECT_EQ(parse_gate_file("[gate]\ncontrol = \"none\"\n" + tolerance, "g.toml").options().control, "");
  EXPECT_EQ(parse_gate_file("[gate]\ncontrol = \"cubin-cached#2\"\n" + tolerance, "g.toml").options().control,
            "cubin-cached#2");
}

TEST(GateFileError, MetricNotAnArrayOfTables) {
  EXPECT_EQ(error_of("metric = \"host.time_per_launch\"\n"),
            "g.toml:1:10: error: 'metric' must be an array of tables ([[metric]])");
}

TEST(GateFileError, EntryNotATable) {
  EXPECT_EQ(error_of("budget = [1]\n"), "g.toml:1:11: error: each [[budget]] entry must be a table");
}

TEST(GateFileError, MetricWithoutId) {
  EXPECT_EQ(error_of("[[metric]]\nrelative_percent = 3\n"),
            "g.toml:1:1: error: [[metric]] has no 'id' (expected a metric id, e.g. \"host.time_per_launch\")");
}

TEST(GateFileError, IdNotAString) {
  EXPECT_EQ(error_of("[[metric]]\nid = 3\n"), "g.toml:2:6: error: 'id' in [[metric]] must be a string");
}

TEST(GateFileError, BadMetricId) {
  EXPECT_EQ(error_of("[[metric]]\nid = \"host time\"\n"),
            "g.toml:2:6: error: metric id 'host time' in [[metric]] must be letters, digits, '_' and '.' (e.g. "
            "\"host.time_per_launch\")");
}

TEST(GateFileError, NegativeTolerance) {
  EXPECT_EQ(error_of(tolerance + "relative_percent = -1\n"),
            "g.toml:3:20: error: 'relative_percent' in [[metric]] must be a number >= 0 (percent)");
  EXPECT_EQ(error_of(tolerance + "absolute = \"50 ns\"\n"),
            "g.toml:3:12: error: 'absolute' in [[metric]] must be a number >= 0 (in the metric's unit)");
}

TEST(GateFileError, ModesNotStrings) {
  EXPECT_EQ(error_of(tolerance + "modes = [\"jit\", 2]\n"),
            "g.toml:3:9: error: 'modes' in [[metric]] must be an array of strings");
}

TEST(GateFileError, MetricListedTwice) {
  EXPECT_EQ(error_of(tolerance + tolerance),
            "g.toml:3:1: error: metric 'host.time_per_launch' is listed twice (first at line 1)");
}

TEST(GateFileError, BudgetWithoutMode) {
  EXPECT_EQ(error_of("[[budget]]\nmetric = \"host.time_per_launch\"\nat_most_value = 1\n"),
            "g.toml:1:1: error: [[budget]] has no 'mode' (expected a mode label and a metric id, or checks = "
            "\"all-passed\")");
}

TEST(GateFileError, BudgetBadMetricId) {
  EXPECT_EQ(error_of("[[budget]]\nmode = \"jit\"\nmetric = \"\"\nat_most_value = 1\n"),
            "g.toml:3:10: error: metric id '' in [[budget]] must be letters, digits, '_' and '.'");
}

TEST(GateFileError, BudgetWithoutBound) {
  EXPECT_EQ(error_of("[[budget]]\nmode = \"jit\"\nmetric = \"host.time_per_launch\"\n"),
            "g.toml:1:1: error: [[budget]] needs exactly one of 'at_most', 'at_least' (with 'of_mode'), "
            "'at_most_value', 'at_least_value' (or checks = \"all-passed\")");
}

TEST(GateFileError, BudgetWithTwoBounds) {
  EXPECT_EQ(error_of("[[budget]]\nmode = \"jit\"\nmetric = \"host.time_per_launch\"\nof_mode = \"cubin-cached\"\n"
                     "at_most = 9\nat_least = 3.5\n"),
            "g.toml:6:12: error: [[budget]] needs exactly one of 'at_most', 'at_least' (with 'of_mode'), "
            "'at_most_value', 'at_least_value', not 'at_most' and 'at_least'");
}

TEST(GateFileError, BoundNotPositive) {
  EXPECT_EQ(error_of("[[budget]]\nmode = \"jit\"\nmetric = \"host.time_per_launch\"\nat_most_value = 0\n"),
            "g.toml:4:17: error: 'at_most_value' in [[budget]] must be a number > 0");
}

TEST(GateFileError, RatioWithoutOfMode) {
  EXPECT_EQ(error_of("[[budget]]\nmode = \"jit\"\nmetric = \"host.time_per_launch\"\nat_least = 3.5\n"),
            "g.toml:4:12: error: 'at_least' in [[budget]] is a ratio and needs 'of_mode' (the mode it is a multiple of; "
            "or use 'at_least_value' for a value)");
}

TEST(GateFileError, ValueWithOfMode) {
  EXPECT_EQ(error_of("[[budget]]\nmode = \"jit\"\nmetric = \"host.time_per_launch\"\nat_most_value = 9000\n"
                     "of_mode = \"cubin-cached\"\n"),
            "g.toml:5:11: error: 'of_mode' in [[budget]] goes with 'at_most' or 'at_least' (a ratio), not "
            "'at_most_value' (a value)");
}

TEST(GateFileError, UnknownChecks) {
  EXPECT_EQ(error_of("[[budget]]\nchecks = \"all\"\n"),
            "g.toml:2:10: error: 'checks' in [[budget]] is 'all' (expected \"all-passed\")");
}

TEST(GateFileError, ChecksWithAMode) {
  EXPECT_EQ(error_of("[[budget]]\nchecks = \"all-passed\"\nmode = \"jit\"\n"),
            "g.toml:3:8: error: a 'checks' budget takes no 'mode' (it covers every mode)");
}

TEST(GateFileError, BudgetNamedTwice) {
  EXPECT_EQ(error_of("[[budget]]\nchecks = \"all-passed\"\n[[budget]]\nchecks = \"all-passed\"\n"),
            "g.toml:3:1: error: budget 'every mode's outputs checked' is named twice (first at line 1; names are the "
            "test cases' and must differ)");
}

TEST(GateFileError, NameNotAString) {
  EXPECT_EQ(error_of("[[budget]]\nchecks = \"all-passed\"\nname = 1\n"),
            "g.toml:3:8: error: 'name' in [[budget]] must be a string");
}

TEST(GateFileError, GatesNothing) {
  EXPECT_EQ(error_of("[gate]\nalpha = 0.01\n"),
            "g.toml:1:1: error: the gate file gates nothing (expected [[metric]] or [[budget]] entries)");
}

}  // namespace
