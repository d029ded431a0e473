#include <tb/profiler/statistics.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
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

TEST(statistics, fast_paths_match_a_naive_computation) {
  // Above 2048 samples the sort is a radix sort and the MAD a merge; compare with the
  // textbook computation on values with negatives, fractions and duplicates.
  for (const std::size_t n : {2047u, 2048u, 5001u, 10'000u}) {
    std::vector<double> x(n);
    std::uint64_t state = 12345;
    for (auto& v : x) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      v = static_cast<double>(static_cast<std::int64_t>(state >> 40) % 20'001 - 10'000) / 4.0;
    }
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    const double median = quantile_sorted(sorted, 0.5);
    std::vector<double> dev(n);
    for (std::size_t i = 0; i < n; ++i) dev[i] = std::fabs(x[i] - median);
    std::sort(dev.begin(), dev.end());
    const auto s = summarize(x);
    EXPECT_EQ(s.median, median) << n;
    EXPECT_EQ(s.min, sorted.front());
    EXPECT_EQ(s.max, sorted.back());
    EXPECT_EQ(s.p5, quantile_sorted(sorted, 0.05));
    EXPECT_EQ(s.p99, quantile_sorted(sorted, 0.99));
    EXPECT_EQ(s.mad, quantile_sorted(dev, 0.5)) << n;
  }
}

TEST(statistics, bootstrap_of_even_sample) {
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8};
  const auto s = summarize(x);
  EXPECT_TRUE(s.ci_from_bootstrap);
  EXPECT_DOUBLE_EQ(s.median, 4.5);
  EXPECT_GE(s.ci_low, 1.0);
  EXPECT_LE(s.ci_low, 4.5);
  EXPECT_GE(s.ci_high, 4.5);
  EXPECT_LE(s.ci_high, 8.0);
  // Medians of resamples of 8 values are averages of two order statistics: halves.
  EXPECT_EQ(s.ci_low * 2, std::floor(s.ci_low * 2));
}
