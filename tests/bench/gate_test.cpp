// compare/gate.hpp: budgets pass and fail as configured (ratios, values, checks; a mode
// or metric the run lacks fails and says so), regressions from a comparison, and the
// exit statuses.
#include "compare/gate.hpp"

#include "compare_support.hpp"

#include <tb/bench/exit_code.hpp>

#include <gtest/gtest.h>

namespace {

using namespace tb::bench::compare;
using tb::bench::exit_code;
using tb::test::lognormal_units;

// cubin-cached 4000 ns, driver 3950 ns, jit 16000 ns: cubin-cached / driver = 1.0127, jit / cubin-cached = 4.
tb::bench::run_summary run() {
  return tb::test::run_of({{"jit", std::vector<double>(10, 16000.0)},
                           {"cubin-cached", std::vector<double>(10, 4000.0)},
                           {"driver", std::vector<double>(10, 3950.0)}},
                          "new.json");
}

gate_file gate_of(const std::string& text) { return parse_gate_file(text, "g.toml"); }

case_outcome budget_outcome(const std::string& text, const tb::bench::run_summary& r, std::string* message = nullptr) {
  const auto g = gate_of(text);
  const auto c = evaluate_budget(g.budgets.at(0), r);
  if (message) *message = c.message;
  return c.outcome;
}

const std::string ratio_budget = "[[budget]]\nmode = \"cubin-cached\"\nmetric = \"host.time_per_launch\"\nof_mode = \"driver\"\n";
const std::string jit_budget = "[[budget]]\nmode = \"jit\"\nmetric = \"host.time_per_launch\"\nof_mode = \"cubin-cached\"\n";

TEST(Budget, RatioAtMostPassesAndFails) {
  std::string message;
  EXPECT_EQ(budget_outcome(ratio_budget + "at_most = 1.02\n", run(), &message), case_outcome::pass);
  EXPECT_EQ(message, "cubin-cached 4.000 us / driver 3.950 us = 1.013, budget <= 1.02");
  EXPECT_EQ(budget_outcome(ratio_budget + "at_most = 1.01\n", run()), case_outcome::fail);
}

TEST(Budget, RatioAtLeastPassesAndFails) {
  EXPECT_EQ(budget_outcome(jit_budget + "at_least = 3.5\n", run()), case_outcome::pass);
  EXPECT_EQ(budget_outcome(jit_budget + "at_least = 4.5\n", run()), case_outcome::fail);
}

TEST(Budget, ValuePassesAndFails) {
  const std::string value = "[[budget]]\nmode = \"cubin-cached\"\nmetric = \"host.time_per_launch\"\n";
  std::string message;
  EXPECT_EQ(budget_outcome(value + "at_most_value = 4100\n", run(), &message), case_outcome::pass);
  EXPECT_EQ(message, "cubin-cached median 4.000 us, budget <= 4.100 us");
  EXPECT_EQ(budget_outcome(value + "at_most_value = 3900\n", run()), case_outcome::fail);
  EXPECT_EQ(budget_outcome(value + "at_least_value = 3900\n", run()), case_outcome::pass);
}

TEST(Budget, AModeTheRunLacksFailsSayingSo) {
  auto r = run();
  r.modes.pop_back();  // no driver
  std::string message;
  EXPECT_EQ(budget_outcome(ratio_budget + "at_most = 1.02\n", r, &message), case_outcome::fail);
  EXPECT_EQ(message, "mode 'driver' is not in this run (it has jit, cubin-cached)");
}

TEST(Budget, AMetricTheRunLacksFailsSayingSo) {
  std::string message;
  EXPECT_EQ(budget_outcome("[[budget]]\nmode = \"jit\"\nmetric = \"kernel.duration\"\nat_most_value = 1\n", run(), &message),
            case_outcome::fail);
  EXPECT_EQ(message, "mode 'jit' has no samples of kernel.duration in this run");
}

TEST(Budget, AFailedModeFails) {
  auto r = run();
  r.modes[2].status = "failed";
  std::string message;
  EXPECT_EQ(budget_outcome(ratio_budget + "at_most = 1.02\n", r, &message), case_outcome::fail);
  EXPECT_EQ(message, "mode 'driver' failed in this run");
}

TEST(Budget, ChecksAllPassed) {
  const std::string checks = "[[budget]]\nchecks = \"all-passed\"\n";
  auto r = run();  // jit is the oracle (unchecked), the others passed
  EXPECT_EQ(budget_outcome(checks, r), case_outcome::pass);
  r.modes[1].check_kind = "unchecked";
  r.modes[1].check_status = "unchecked";
  r.modes[2].status = "failed";
  std::string message;
  EXPECT_EQ(budget_outcome(checks, r, &message), case_outcome::fail);
  EXPECT_EQ(message, "not every mode's outputs passed: cubin-cached unchecked (unchecked); driver failed");
}

TEST(Budget, AnotherScenarioIsSkipped) {
  std::string message;
  EXPECT_EQ(budget_outcome("[[budget]]\nscenario = \"softmax\"\nchecks = \"all-passed\"\n", run(), &message),
            case_outcome::skipped);
  EXPECT_EQ(message, "applies to scenario 'softmax', this run is of 'sandwich'");
}

TEST(Gate, RegressionsOfGatedMetricsFailAndUnsureFailsOnlyWhenStrict) {
  const auto g = gate_of("[[metric]]\nid = \"host.time_per_launch\"\nmodes = [\"cubin-cached\", \"jit\"]\n"
                         "[[budget]]\nchecks = \"all-passed\"\n");
  const auto base = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 1)},
                                      {"jit", {16000, 16100}},
                                      {"graph", lognormal_units(3000, 0.01, 20, 3)}},
                                     "base.json");
  const auto same = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 4)},
                                      {"jit", {16000, 16100, 15900}},
                                      {"graph", lognormal_units(4000, 0.01, 20, 6)}},  // graph much slower, not gated
                                     "new.json");
  const comparison c = compare_runs(base, same, g.options());
  const gate_result r = evaluate_gate(g, same, &c);
  ASSERT_EQ(r.cases.size(), 3u);
  EXPECT_EQ(r.cases[0].name, "cubin-cached host.time_per_launch");
  EXPECT_EQ(r.cases[0].outcome, case_outcome::pass);
  EXPECT_EQ(r.cases[1].name, "jit host.time_per_launch");
  EXPECT_EQ(r.cases[1].outcome, case_outcome::unsure);
  EXPECT_EQ(r.cases[1].message, "unsure: 16.050 us -> 16.000 us (too few rounds (2 base, 3 new; 3 needed))");
  EXPECT_EQ(r.cases[2].group, "budget");
  EXPECT_EQ(gate_exit_status(r), 0);
  EXPECT_EQ(gate_exit_status(evaluate_gate(g, same, &c, true)), tb::bench::to_int(exit_code::unsure));

  auto slower = same;
  slower.modes[0].metrics[0].round_medians = lognormal_units(4400, 0.01, 20, 7);
  const comparison cs = compare_runs(base, slower, g.options());
  const gate_result rs = evaluate_gate(g, slower, &cs);
  EXPECT_EQ(rs.cases[0].outcome, case_outcome::fail);
  // "slower: 4.014 us -> 4.399 us, +9.59 % [+8.69, +10.63] %, p <0.0001, band 3.00 % (...)"
  EXPECT_EQ(rs.cases[0].message.rfind("slower: 4.0", 0), 0u) << rs.cases[0].message;
  EXPECT_NE(rs.cases[0].message.find(" us, +9.59 % [+8.69, +10.63] %, p <0.0001, band 3.00 % (significant, interval "
                                     "beyond the band)"),
            std::string::npos)
      << rs.cases[0].message;
  EXPECT_EQ(gate_exit_status(rs), tb::bench::to_int(exit_code::regression));
  EXPECT_FALSE(rs.passed());
}

TEST(Gate, AGatedMetricMeasuredInNeitherRunIsSkipped) {
  const auto g = gate_of("[[metric]]\nid = \"kernel.duration\"\n");
  const auto base = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 1)}});
  const comparison c = compare_runs(base, base, g.options());
  const gate_result r = evaluate_gate(g, base, &c);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, case_outcome::skipped);
  EXPECT_EQ(r.cases[0].message, "measured in no mode of both runs");
  EXPECT_TRUE(r.passed());
}

TEST(Gate, WithoutABaseOnlyBudgets) {
  const auto g = gate_of("[[metric]]\nid = \"host.time_per_launch\"\n" + ratio_budget + "at_most = 1.01\n");
  const gate_result r = evaluate_gate(g, run(), nullptr);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, case_outcome::fail);
  EXPECT_EQ(gate_exit_status(r), tb::bench::to_int(exit_code::regression));
}

TEST(ExitCodes, TheGateStatusesAreDocumentedNumbersInTheHelp) {
  EXPECT_EQ(tb::bench::to_int(exit_code::regression), 6);
  EXPECT_EQ(tb::bench::to_int(exit_code::unsure), 7);
  EXPECT_EQ(tb::bench::to_int(exit_code::env_differs), 8);
  const std::string help = tb::bench::exit_code_help();
  EXPECT_NE(help.find("  6  gate: a gated metric got slower, or a budget failed"), std::string::npos) << help;
  EXPECT_NE(help.find("  8  compare, gate --base: the runs' GPU, driver, CUDA or Triton differ"), std::string::npos);
}

}  // namespace
