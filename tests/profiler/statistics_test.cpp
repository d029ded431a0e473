#include <tb/profiler/statistics.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

using namespace tb::profiler;

TEST(statistics, hand_computed_odd) {
  const std::vector<double> x{100, 3, 1, 4, 2};
  const auto s = summarize(x);
  EXPECT_EQ(s.n, 5u);
  EXPECT_DOUBLE_EQ(s.mean, 22.0);
  EXPECT_DOUBLE_EQ(s.median, 3.0);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 100.0);
  EXPECT_DOUBLE_EQ(s.p5, 1.2);     // h = 0.2
  EXPECT_DOUBLE_EQ(s.p95, 80.8);   // h = 3.8: 4 + 0.8 * 96
  EXPECT_DOUBLE_EQ(s.p99, 96.16);  // h = 3.96
  EXPECT_DOUBLE_EQ(s.mad, 1.0);    // |x - 3| = 2 1 0 1 97
  EXPECT_LE(s.ci_low, s.median);
  EXPECT_GE(s.ci_high, s.median);
  EXPECT_TRUE(s.ci_from_bootstrap);
}

TEST(statistics, hand_computed_even) {
  const std::vector<double> x{4, 1, 3, 2};
  const auto s = summarize(x);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.mad, 1.0);  // 1.5 0.5 0.5 1.5
  EXPECT_DOUBLE_EQ(s.p5, 1.15);  // h = 0.15
}

TEST(statistics, empty_and_single) {
  const auto e = summarize({});
  EXPECT_EQ(e.n, 0u);
  EXPECT_TRUE(std::isnan(e.median));
  EXPECT_TRUE(std::isnan(e.ci_low));
  const std::vector<double> one{42};
  const auto s = summarize(one);
  EXPECT_EQ(s.median, 42);
  EXPECT_EQ(s.ci_low, 42);
  EXPECT_EQ(s.ci_high, 42);
  EXPECT_EQ(s.mad, 0);
}

TEST(statistics, bootstrap_is_deterministic_and_sensible) {
  std::vector<double> x(101);
  std::iota(x.begin(), x.end(), 0.0);
  const auto a = summarize(x);
  const auto b = summarize(x);
  EXPECT_EQ(a.ci_low, b.ci_low);
  EXPECT_EQ(a.ci_high, b.ci_high);
  EXPECT_TRUE(a.ci_from_bootstrap);
  EXPECT_DOUBLE_EQ(a.median, 50);
  // The order-statistic interval for n = 101 is about x(40)..x(60); the bootstrap is close.
  EXPECT_GE(a.ci_low, 36);
  EXPECT_LE(a.ci_low, 45);
  EXPECT_GE(a.ci_high, 55);
  EXPECT_LE(a.ci_high, 64);
  summary_options other;
  other.seed = 1;
  const auto c = summarize(x, other);
  EXPECT_GE(c.ci_low, 36);
  EXPECT_LE(c.ci_high, 64);
  const std::vector<double> constant(50, 7.0);
  const auto k = summarize(constant);
  EXPECT_EQ(k.ci_low, 7.0);
  EXPECT_EQ(k.ci_high, 7.0);
}

TEST(statistics, large_samples_use_the_order_statistic_interval) {
  std::vector<double> x(10'000);
  std::iota(x.begin(), x.end(), 0.0);
  std::reverse(x.begin(), x.end());
  const auto s = summarize(x);
  EXPECT_FALSE(s.ci_from_bootstrap);
  EXPECT_DOUBLE_EQ(s.median, 4999.5);
  // half width z * sqrt(n) / 2 = 97.998: lo = floor(5000 - 97.998), hi = ceil(5000 + 97.998) - 1
  EXPECT_EQ(s.ci_low, 4902);
  EXPECT_EQ(s.ci_high, 5097);
  EXPECT_DOUBLE_EQ(s.mad, 2500);
}

TEST(statistics, quantile_sorted_interpolates) {
  const std::vector<double> x{10, 20};
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.0), 10);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.25), 12.5);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 1.0), 20);
  EXPECT_TRUE(std::isnan(quantile_sorted({}, 0.5)));
}
