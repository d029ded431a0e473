// compare/comparison.hpp: verdicts on per-round medians of known distributions (A/A is
// "same", a 5 % shift "slower"), the noise band, higher-is-better metrics, too few rounds,
// and runs that must not be compared (another GPU, driver, CUDA or Triton; nothing in common).
#include "compare/comparison.hpp"

#include "compare_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace {

using namespace tb::bench::compare;
using tb::test::lognormal_units;
using tb::test::metric_of;

verdict verdict_of(const std::vector<double>& base, const std::vector<double>& next, const compare_options& o = {},
                   const std::string& id = "host.time_per_launch") {
  return compare_units(metric_of(id, base), metric_of(id, next), o).result;
}

struct trial_counts {
  int same = 0, faster = 0, slower = 0, unsure = 0;
};

trial_counts trials(double shift, double sigma, int rounds, int n = 100) {
  trial_counts c;
  for (int seed = 0; seed < n; ++seed) {
    const auto base = lognormal_units(4000, sigma, rounds, 1000 + 2 * seed);
    const auto next = lognormal_units(4000 * (1 + shift), sigma, rounds, 1001 + 2 * seed);
    switch (verdict_of(base, next)) {
      case verdict::same: ++c.same; break;
      case verdict::faster: ++c.faster; break;
      case verdict::slower: ++c.slower; break;
      case verdict::unsure: ++c.unsure; break;
    }
  }
  return c;
}

TEST(Verdict, SameDistributionIsSameIn99Of100Trials) {
  // Up to 2 % per-round noise, 20 to 40 rounds; an A/A pair whose test comes out
  // significant by chance (alpha of them) stays same while its change is within the band
  // (it was unsure, in about 2 % of pairs at 2 % noise and 20 rounds, before that rule);
  // never slower or faster (docs/compare.md, "How often it is right").
  for (const auto& [sigma, rounds, at_least] :
       {std::tuple{0.01, 20, 99}, {0.015, 30, 99}, {0.02, 40, 99}, {0.01, 40, 99}, {0.02, 20, 99}}) {
    const auto c = trials(0.0, sigma, rounds);
    EXPECT_GE(c.same, at_least) << "sigma " << sigma << ", " << rounds << " rounds: " << c.same << " same, " << c.unsure
                          << " unsure, " << c.slower << " slower, " << c.faster << " faster";
    EXPECT_EQ(c.slower + c.faster, 0);
  }
}

TEST(Verdict, FivePercentSlowerWithRealisticNoiseIsSlower) {
  // 1 % noise, 20 rounds and 1.5 % noise, 30 rounds: the interval (about +-0.6 % and
  // +-0.9 %) clears the 3 % band nearly always; 2 % noise and 40 rounds most of the time.
  for (const auto& [sigma, rounds, at_least] : {std::tuple{0.01, 20, 99}, {0.015, 30, 95}, {0.02, 40, 85}}) {
    const auto c = trials(0.05, sigma, rounds);
    EXPECT_GE(c.slower, at_least) << "sigma " << sigma << ", " << rounds << " rounds: " << c.slower << " slower, "
                                  << c.unsure << " unsure, " << c.same << " same";
    EXPECT_EQ(c.faster + c.same, 0);  // never the wrong way, never "same"
  }
}

TEST(Verdict, FivePercentFasterIsFaster) {
  const auto c = trials(-0.05, 0.01, 20);
  EXPECT_GE(c.faster, 99);
  EXPECT_EQ(c.slower, 0);
}

TEST(Verdict, OneOfTheSeededShiftsInDetail) {
  const auto base = lognormal_units(4000, 0.01, 30, 11), next = lognormal_units(4200, 0.01, 30, 12);
  const auto row = compare_units(metric_of("host.time_per_launch", base), metric_of("host.time_per_launch", next), {});
  EXPECT_EQ(row.result, verdict::slower);
  EXPECT_EQ(row.reason, "significant, interval beyond the band");
  EXPECT_NEAR(row.change_percent, 5.0, 1.0);
  EXPECT_LT(row.low_percent, row.change_percent);
  EXPECT_GT(row.high_percent, row.change_percent);
  EXPECT_GT(row.low_percent, 3.0);
  EXPECT_LT(row.p_value, 1e-6);
  EXPECT_EQ(row.band_percent, 3.0);
  EXPECT_EQ(row.base_units, 30u);
}

TEST(Verdict, AShiftInsideTheBandIsSame) {
  // 1 % slower, precisely measured: significant, but within the 3 % band.
  const auto base = lognormal_units(4000, 0.002, 40, 21), next = lognormal_units(4040, 0.002, 40, 22);
  const auto row = compare_units(metric_of("host.time_per_launch", base), metric_of("host.time_per_launch", next), {});
  EXPECT_LT(row.p_value, 0.05);
  EXPECT_EQ(row.result, verdict::same);
  EXPECT_EQ(row.reason, "interval within the band");
}

TEST(Verdict, AnIntervalAcrossTheBandEdgeIsUnsure) {
  // 4 % slower, each side spread over +-5 %: the interval reaches both sides of +3 %.
  const std::vector<double> base{950, 960, 970, 980, 990, 1000, 1010, 1020, 1030, 1040, 1050};
  std::vector<double> next;
  for (const double x : base) next.push_back(x * 1.04);
  const auto row = compare_units(metric_of("host.time_per_launch", base), metric_of("host.time_per_launch", next), {});
  EXPECT_NEAR(row.change_percent, 4.0, 1e-9);
  EXPECT_LT(row.low_percent, 3.0);
  EXPECT_GT(row.high_percent, 3.0);
  EXPECT_EQ(row.result, verdict::unsure);
}

TEST(Verdict, TheAbsoluteToleranceWidensTheBand) {
  // 100 ns base, +5 ns is 5 %, but 10 ns absolute makes the band 10 %.
  const auto base = lognormal_units(100, 0.005, 30, 41), next = lognormal_units(105, 0.005, 30, 42);
  compare_options o;
  EXPECT_EQ(verdict_of(base, next, o), verdict::slower);
  o.per_metric["host.time_per_launch"] = {3.0, 10.0};
  const auto row = compare_units(metric_of("host.time_per_launch", base), metric_of("host.time_per_launch", next), o);
  EXPECT_NEAR(row.band_percent, 100.0 * 10.0 / row.base_median, 1e-9);
  EXPECT_EQ(row.result, verdict::same);
  EXPECT_DOUBLE_EQ(noise_band_percent({3.0, 50.0}, 4000), 3.0);
  EXPECT_DOUBLE_EQ(noise_band_percent({3.0, 50.0}, 1000), 5.0);
}

TEST(Verdict, HigherIsBetterMetricsTurnTheDirection) {
  // gpu.busy_per_iteration 5 % lower is worse: "slower".
  const auto base = lognormal_units(80, 0.01, 20, 51), next = lognormal_units(76, 0.01, 20, 52);
  EXPECT_TRUE(higher_is_better("gpu.busy_per_iteration"));
  EXPECT_FALSE(higher_is_better("host.time_per_launch"));
  EXPECT_EQ(verdict_of(base, next, {}, "gpu.busy_per_iteration"), verdict::slower);
  EXPECT_EQ(verdict_of(next, base, {}, "gpu.busy_per_iteration"), verdict::faster);
  EXPECT_EQ(verdict_of(base, next, {}, "host.time_per_launch"), verdict::faster);
}

TEST(Verdict, SlowerNeedsTheTestToo) {
  // 10 % slower in 3 rounds each: every resampled ratio is above +7.8 %, but the exact
  // rank test of 3 against 3 cannot go below p = 0.1.
  const auto row = compare_units(metric_of("host.time_per_launch", {100, 101, 102}),
                                 metric_of("host.time_per_launch", {110, 111, 112}), {});
  EXPECT_GT(row.low_percent, 7.8);
  EXPECT_NEAR(row.p_value, 0.1, 1e-12);
  EXPECT_EQ(row.result, verdict::unsure);
  EXPECT_EQ(row.reason, "not significant, change beyond the band");
}

TEST(Verdict, FewerThanThreeRoundsIsUnsure) {
  const auto row = compare_units(metric_of("kernel.duration", {100, 101}), metric_of("kernel.duration", {200, 201, 202}), {});
  EXPECT_EQ(row.result, verdict::unsure);
  EXPECT_EQ(row.reason, "too few rounds (2 base, 3 new; 3 needed)");
  EXPECT_TRUE(std::isnan(row.change_percent));
  EXPECT_TRUE(std::isnan(row.p_value));
}

TEST(Verdict, ABaseOfZeroHasNoRatio) {
  const std::vector<double> zeros(10, 0.0), some(10, 40.0);
  auto row = compare_units(metric_of("module.time_per_iteration", zeros), metric_of("module.time_per_iteration", zeros), {});
  EXPECT_EQ(row.result, verdict::same);
  EXPECT_EQ(row.reason, "both 0");
  row = compare_units(metric_of("module.time_per_iteration", zeros), metric_of("module.time_per_iteration", some), {});
  EXPECT_EQ(row.result, verdict::unsure);
  EXPECT_EQ(row.reason, "base median is 0: no ratio");
  compare_options o;
  o.per_metric["module.time_per_iteration"] = {3.0, 50.0};
  EXPECT_EQ(compare_units(metric_of("module.time_per_iteration", zeros), metric_of("module.time_per_iteration", some), o).result,
            verdict::same);
}

TEST(CompareRuns, RowsForWhatBothRunsHaveAndNotesForTheRest) {
  const auto base = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 1)},
                                      {"jit", lognormal_units(20000, 0.01, 20, 2)}},
                                     "base.json");
  const auto next = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 3)},
                                      {"graph", lognormal_units(3000, 0.01, 20, 4)}},
                                     "new.json");
  const comparison c = compare_runs(base, next, {});
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].mode, "cubin-cached");
  EXPECT_EQ(c.rows[0].metric, "host.time_per_launch");
  EXPECT_EQ(c.rows[0].scenario, "sandwich");
  EXPECT_EQ(c.rows[0].result, verdict::same);
  EXPECT_EQ(c.notes, (std::vector<std::string>{"mode jit only in the base run", "mode graph only in the new run"}));
  EXPECT_EQ(c.base_source, "base.json");
}

TEST(CompareRuns, AnotherGpuDriverOrTritonIsRefusedNamingWhatDiffers) {
  const auto base = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 1)}}, "base.json");
  auto next = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 2)}}, "new.json");
  next.env.gpu_name = "NVIDIA H200";
  next.env.triton_version = "3.7.0";
  try {
    compare_runs(base, next, {});
    FAIL() << "compared runs of different GPUs";
  } catch (const environment_mismatch& e) {
    EXPECT_EQ(e.differences(), (std::vector<std::string>{"GPU: NVIDIA H100 80GB HBM3 (base) vs NVIDIA H200 (new)",
                                                        "Triton: 3.6.0 (base) vs 3.7.0 (new)"}));
    EXPECT_NE(std::string(e.what()).find("--allow-env-change"), std::string::npos);
  }
  next.env = base.env;
  next.env.driver_version = "590.1";
  next.env.cuda_version = "13.1";
  EXPECT_EQ(environment_differences(base.env, next.env),
            (std::vector<std::string>{"driver: 580.159.04 (base) vs 590.1 (new)", "CUDA: 13.0 (base) vs 13.1 (new)"}));
  compare_options allowed;
  allowed.allow_env_change = true;
  const comparison c = compare_runs(base, next, allowed);
  EXPECT_EQ(c.env_differences.size(), 2u);
  EXPECT_EQ(c.rows.size(), 1u);
}

TEST(CompareRuns, NothingInCommonIsAnError) {
  const auto base = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 1)}}, "base.json");
  const auto other_scenario = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 2)}}, "new.json", "softmax");
  EXPECT_THROW(
      {
        try {
          compare_runs(base, other_scenario, {});
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "nothing to compare: base.json is a run of scenario 'sandwich', new.json of 'softmax'");
          throw;
        }
      },
      std::runtime_error);
  const auto other_modes = tb::test::run_of({{"graph", lognormal_units(4000, 0.01, 20, 2)}}, "new.json");
  EXPECT_THROW(compare_runs(base, other_modes, {}), std::runtime_error);
}

TEST(CompareRuns, AFailedModeIsNotComparedButNoted) {
  const auto base = tb::test::run_of({{"cubin-cached", lognormal_units(4000, 0.01, 20, 1)},
                                      {"ptx", lognormal_units(9000, 0.01, 20, 2)}});
  auto next = base;
  next.modes[1].status = "failed";
  const comparison c = compare_runs(base, next, {});
  EXPECT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.notes, (std::vector<std::string>{"mode ptx not compared: ok in the base run, failed in the new"}));
}

}  // namespace

namespace {

// The table of docs/compare.md, "How often it is right" (1000 pairs per case):
//   tb_test_bench_compare_verdict --gtest_also_run_disabled_tests --gtest_filter='*Table*'
TEST(Verdict, DISABLED_TableOf1000Trials) {
  for (const auto& [sigma, rounds] : {std::pair{0.01, 20}, {0.01, 40}, {0.015, 30}, {0.02, 30}, {0.02, 40}, {0.02, 20}}) {
    const auto aa = trials(0.0, sigma, rounds, 1000);
    const auto shifted = trials(0.05, sigma, rounds, 1000);
    std::printf("| %g %%, %d | %.1f %% | %.1f %% | %.1f %% |  (A/A unsure %d, slower+faster %d; shifted same %d)\n",
                sigma * 100, rounds, aa.same / 10.0, shifted.slower / 10.0, shifted.unsure / 10.0, aa.unsure,
                aa.slower + aa.faster, shifted.same);
  }
}

}  // namespace
