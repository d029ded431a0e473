// compare/statistics.hpp: the Mann-Whitney U test (exact and normal) on hand-computed
// examples, and the bootstrap interval of the ratio of medians.
#include "compare/statistics.hpp"

#include "compare_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using namespace tb::bench::compare;

TEST(MannWhitney, SeparatedSamplesOfThreeHaveTheSmallestExactP) {
  // U = 9, every b above every a: 1 of the C(6,3) = 20 arrangements, twice for two sides.
  const std::vector<double> a{1, 2, 3}, b{4, 5, 6};
  const auto t = mann_whitney(a, b);
  EXPECT_TRUE(t.exact);
  EXPECT_EQ(t.u, 9.0);
  EXPECT_NEAR(t.p_value, 0.1, 1e-12);
}

TEST(MannWhitney, InterleavedSamplesOfThree) {
  // U = 1 + 2 + 3 = 6; of the 20 arrangements U is 6..9 in 3 + 2 + 1 + 1 = 7: p = 2 * 7 / 20.
  const std::vector<double> a{1, 3, 5}, b{2, 4, 6};
  const auto t = mann_whitney(a, b);
  EXPECT_TRUE(t.exact);
  EXPECT_EQ(t.u, 6.0);
  EXPECT_NEAR(t.p_value, 0.7, 1e-12);
  // Swapped, U is 9 - 6 = 3 and p the same.
  const auto swapped = mann_whitney(b, a);
  EXPECT_EQ(swapped.u, 3.0);
  EXPECT_NEAR(swapped.p_value, 0.7, 1e-12);
}

TEST(MannWhitney, TiesUseTheNormalApproximationWithTieAndContinuityCorrection) {
  // U = 2.5 + 3.5 + 4.5 + 5 + 5 = 20.5, mean 12.5; three ties of two: sum(t^3 - t) = 18,
  // sigma^2 = 25/12 * (11 - 18/90) = 22.5; z = (8 - 0.5) / sqrt(22.5); p = erfc(z / sqrt 2).
  const std::vector<double> a{1, 2, 3, 4, 5}, b{3, 4, 5, 6, 7};
  const auto t = mann_whitney(a, b);
  EXPECT_FALSE(t.exact);
  EXPECT_EQ(t.u, 20.5);
  EXPECT_NEAR(t.p_value, 0.11384629800665812, 1e-12);
}

TEST(MannWhitney, LargeSamplesUseTheNormalApproximation) {
  std::vector<double> a, b;
  for (int i = 0; i < 25; ++i) a.push_back(i), b.push_back(i + 0.5);  // no ties
  const auto t = mann_whitney(a, b);
  EXPECT_FALSE(t.exact);
  EXPECT_EQ(t.u, 25.0 * 26 / 2);  // b[j] is above a[0..j]
  // mean 312.5, sigma^2 = 625/12 * 51 = 2656.25; z = (325 - 312.5 - 0.5) / 51.539...
  EXPECT_NEAR(t.p_value, std::erfc((12.0 / std::sqrt(2656.25)) / std::sqrt(2.0)), 1e-12);
}

TEST(MannWhitney, EqualValuesOrAnEmptySideGiveNoEvidence) {
  const std::vector<double> same{5, 5, 5, 5}, empty;
  EXPECT_EQ(mann_whitney(same, same).p_value, 1.0);
  EXPECT_EQ(mann_whitney(same, empty).p_value, 1.0);
}

TEST(Median, IsTheMiddleOrTheMeanOfTheTwoMiddles) {
  EXPECT_EQ(median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(median(std::vector<double>{})));
}

TEST(BootstrapRatio, ConstantSidesGiveTheExactRatio) {
  const std::vector<double> base(20, 100.0), next(20, 105.0);
  const auto r = bootstrap_median_ratio(base, next);
  EXPECT_DOUBLE_EQ(r.ratio, 1.05);
  EXPECT_DOUBLE_EQ(r.low, 1.05);
  EXPECT_DOUBLE_EQ(r.high, 1.05);
}

TEST(BootstrapRatio, IsDeterministicAndCoversTheRatio) {
  const auto base = tb::test::lognormal_units(1000, 0.02, 30, 1), next = tb::test::lognormal_units(1050, 0.02, 30, 2);
  const auto r = bootstrap_median_ratio(base, next), again = bootstrap_median_ratio(base, next);
  EXPECT_EQ(r.low, again.low);
  EXPECT_EQ(r.high, again.high);
  EXPECT_LT(r.low, r.ratio);
  EXPECT_GT(r.high, r.ratio);
  EXPECT_LT(r.high - r.low, 0.04);  // 2 % noise, 30 rounds: the ratio within about +-1.5 %
  const auto other_seed = bootstrap_median_ratio(base, next, {2000, 7, 0.95});
  EXPECT_NE(other_seed.low, r.low);
}

TEST(BootstrapRatio, AZeroBaseMedianHasNoRatio) {
  const std::vector<double> base{0, 0, 0, 1}, next{1, 2, 3};
  EXPECT_TRUE(std::isnan(bootstrap_median_ratio(base, next).ratio));
  EXPECT_TRUE(std::isnan(bootstrap_median_ratio({}, next).low));
}

}  // namespace
