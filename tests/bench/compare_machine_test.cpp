// compare/machine_state.hpp: two runs of the same build on a machine whose speed moved
// between them (a VM's CPUs in their slow state for one run and their fast state for the
// other: every mode 10-30 % apart, docs/compare.md "Machine state"). With the driver mode
// as the control measured in the same rounds, no row of such an A/A pair is slower or
// faster; a launcher that really got slower still is, and so is anything when the
// machine held.
#include "compare/comparison.hpp"
#include "compare/machine_state.hpp"

#include "compare_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace tb::bench::compare;
using tb::test::lognormal_units;

// Per round r the machine's speed factor state[r] times the mode's own cost, with 1 %
// independent noise per round; `python` modes feel the machine's state `python` times as
// much (the JIT gains more from the fast state than the driver's launch path does).
std::vector<double> rounds_of(double cost, const std::vector<double>& state, double exponent, std::uint64_t seed) {
  auto units = lognormal_units(cost, 0.01, static_cast<int>(state.size()), seed);
  for (std::size_t r = 0; r < units.size(); ++r) units[r] *= std::pow(state[r], exponent);
  return units;
}

// A run of driver, cubin-cached, library, ptx and jit on a machine in `state`;
// cubin-cached's and library's launcher cost `launcher` times what it was.
tb::bench::run_summary run_in(const std::vector<double>& state, std::uint64_t seed, double launcher = 1.0,
                              double jit = 1.0, const std::string& source = "run.json") {
  return tb::test::run_of({{"driver", rounds_of(3900, state, 1.0, seed)},
                           {"cubin-cached", rounds_of(4000 * launcher, state, 1.0, seed + 1)},
                           {"library", rounds_of(4050 * launcher, state, 1.0, seed + 2)},
                           {"ptx", rounds_of(90000, state, 1.0, seed + 3)},
                           {"jit", rounds_of(18000 * jit, state, 2.0, seed + 4)}},
                          source);
}

std::vector<double> steady(double speed, int rounds = 20) { return std::vector<double>(rounds, speed); }

// Rounds in the slow state (1.2) for `slow` of every 10 rounds, the rest in the fast one.
std::vector<double> mixed(int slow, int rounds = 20) {
  std::vector<double> s;
  for (int r = 0; r < rounds; ++r) s.push_back(r % 10 < slow ? 1.2 : 1.0);
  return s;
}

const comparison_row& row(const comparison& c, const std::string& mode) {
  for (const auto& r : c.rows)
    if (r.mode == mode && r.metric == "host.time_per_launch") return r;
  throw std::runtime_error("no row for " + mode);
}

int slower_or_faster(const comparison& c) {
  int n = 0;
  for (const auto& r : c.rows) n += r.result == verdict::slower || r.result == verdict::faster;
  return n;
}

TEST(MachineState, AnAaPairOnAMachineThatGotSlowerHasNoSlowerOrFasterRow) {
  const comparison c = compare_runs(run_in(steady(1.0), 10), run_in(steady(1.2), 20), {});
  EXPECT_EQ(c.machine.control, "driver");
  EXPECT_TRUE(c.machine.moved);
  EXPECT_EQ(slower_or_faster(c), 0);
  for (const char* m : {"cubin-cached", "library"}) {
    EXPECT_EQ(row(c, m).result, verdict::same) << m << ": " << row(c, m).reason;
    EXPECT_EQ(row(c, m).relative_to, "driver");
    EXPECT_NEAR(row(c, m).raw_change_percent, 20, 2) << m;  // the machine's 20 %, shown beside
    EXPECT_NEAR(row(c, m).change_percent, 0, 1) << m;
  }
  for (const char* m : {"driver", "ptx", "jit"}) {
    EXPECT_EQ(row(c, m).result, verdict::unsure) << m;
    EXPECT_TRUE(row(c, m).relative_to.empty()) << m;
  }
  EXPECT_NE(row(c, "driver").reason.find("this is the control"), std::string::npos) << row(c, "driver").reason;
  EXPECT_NE(row(c, "jit").reason.find("the machine's speed moved (driver host.time_per_launch +"), std::string::npos)
      << row(c, "jit").reason;
  EXPECT_NE(c.machine.summary().find("MOVED"), std::string::npos);
}

// The bug this fixes: without the control the same pair is called slower in every mode.
TEST(MachineState, WithoutTheControlTheSamePairIsSlowerEverywhere) {
  compare_options o;
  o.control.clear();
  const comparison c = compare_runs(run_in(steady(1.0), 10), run_in(steady(1.2), 20), o);
  EXPECT_TRUE(c.machine.control.empty());
  EXPECT_EQ(slower_or_faster(c), 5);
  EXPECT_EQ(row(c, "cubin-cached").result, verdict::slower);
}

// Both states in both runs, in other proportions: the medians differ by several percent,
// the same-round ratios do not.
TEST(MachineState, StatesMixedInOtherProportionsCancelRoundByRound) {
  const comparison c = compare_runs(run_in(mixed(3), 30), run_in(mixed(7), 40), {});
  EXPECT_EQ(row(c, "cubin-cached").result, verdict::same) << row(c, "cubin-cached").reason;
  EXPECT_EQ(row(c, "library").result, verdict::same) << row(c, "library").reason;
  EXPECT_GT(row(c, "cubin-cached").raw_change_percent, 10);
}

TEST(MachineState, ALauncherThatGotSlowerIsSlowerWhateverTheMachineDid) {
  for (const double machine : {1.0, 1.2, 0.85}) {
    const comparison c = compare_runs(run_in(steady(1.0), 50), run_in(steady(machine), 60, 1.25), {});
    for (const char* m : {"cubin-cached", "library"}) {
      EXPECT_EQ(row(c, m).result, verdict::slower) << "machine x" << machine << " " << m << ": " << row(c, m).reason;
      EXPECT_NEAR(row(c, m).change_percent, 25, 2);
    }
    EXPECT_NE(row(c, "driver").result, verdict::slower);
  }
}

TEST(MachineState, WhenTheMachineHeldEveryRowIsComparedAsItIs) {
  const comparison c = compare_runs(run_in(steady(1.0), 70), run_in(steady(1.0), 80, 1.0, 1.10), {});
  EXPECT_FALSE(c.machine.moved);
  EXPECT_EQ(row(c, "driver").result, verdict::same);
  EXPECT_EQ(row(c, "jit").result, verdict::slower) << row(c, "jit").reason;
  EXPECT_EQ(row(c, "ptx").result, verdict::same);
  EXPECT_NE(c.machine.summary().find("held"), std::string::npos);
}

TEST(MachineState, NoControlWithoutItsModeInBothRunsOrWithItFailed) {
  auto base = run_in(steady(1.0), 10), next = run_in(steady(1.2), 20);
  auto failed = next;
  failed.modes[0].status = "failed";
  const comparison c = compare_runs(base, failed, {});
  EXPECT_TRUE(c.machine.control.empty());
  EXPECT_EQ(row(c, "cubin-cached").result, verdict::slower);
  EXPECT_TRUE(row(c, "cubin-cached").relative_to.empty());
  next.modes.erase(next.modes.begin());
  EXPECT_TRUE(compare_runs(base, next, {}).machine.control.empty());
}

TEST(MachineState, OnlyLoadedLaunchesOnUntracedMetricsAreRelative) {
  EXPECT_TRUE(relative_to_control("cubin-cached", "host.time_per_launch", "driver"));
  EXPECT_TRUE(relative_to_control("ptx-cached", "host.iteration", "driver"));
  EXPECT_TRUE(relative_to_control("cubin-cached#2", "host.time_per_launch", "driver"));
  EXPECT_FALSE(relative_to_control("driver", "host.time_per_launch", "driver"));
  EXPECT_FALSE(relative_to_control("jit", "host.time_per_launch", "driver"));
  EXPECT_FALSE(relative_to_control("ptx", "host.time_per_launch", "driver"));
  EXPECT_FALSE(relative_to_control("graph", "host.time_per_launch", "driver"));
  EXPECT_FALSE(relative_to_control("cubin-cached", "gap.before_target", "driver"));
  EXPECT_FALSE(relative_to_control("cubin-cached", "gap.untraced_mean", "driver"));
  EXPECT_FALSE(relative_to_control("cubin-cached", "gpu.time_per_launch_untraced", "driver"));
  EXPECT_FALSE(relative_to_control("cubin-cached", "host.time_per_launch", ""));
}

TEST(MachineState, RatiosPairRoundsAndRefuseWhatIsNotPaired) {
  const auto m = tb::test::metric_of("host.time_per_launch", {4, 6, 8});
  const auto c = tb::test::metric_of("host.time_per_launch", {2, 3, 2});
  EXPECT_EQ(ratios_to_control(m, c), (std::vector<double>{2, 2, 4}));
  EXPECT_FALSE(ratios_to_control(m, tb::test::metric_of("host.time_per_launch", {2, 3})));
  EXPECT_FALSE(ratios_to_control(m, tb::test::metric_of("host.time_per_launch", {2, 0, 2})));
  auto blocks = c;
  blocks.units = "blocks";
  EXPECT_FALSE(ratios_to_control(m, blocks));
}

}  // namespace
