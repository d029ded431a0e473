// The change-point detector (bench/src/history/change_points.hpp) on exact series.
#include "history/change_points.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace {

using tb::bench::find_change_points;

std::vector<double> steps(std::vector<std::pair<std::size_t, double>> levels, double noise = 0, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::vector<double> out;
  for (const auto& [count, level] : levels)
    for (std::size_t i = 0; i < count; ++i) out.push_back(level * (1 + noise * z(rng)));
  return out;
}

TEST(ChangePoints, FlatSeriesHasNone) {
  EXPECT_TRUE(find_change_points(steps({{12, 1000}})).empty());
  EXPECT_TRUE(find_change_points(std::vector<double>{}).empty());
  EXPECT_TRUE(find_change_points(std::vector<double>{5}).empty());
}

TEST(ChangePoints, TenPercentStepAfterRunSixOfTwelve) {
  const auto c = find_change_points(steps({{6, 1000}, {6, 1100}}));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].index, 6u);
  EXPECT_EQ(c[0].before, 1000);
  EXPECT_EQ(c[0].after, 1100);
  EXPECT_EQ(c[0].relative, 1100.0 / 1000.0 - 1);
}

TEST(ChangePoints, TenPercentStepInOnePercentNoise) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto c = find_change_points(steps({{6, 1000}, {6, 1100}}, 0.01, seed));
    ASSERT_EQ(c.size(), 1u) << "seed " << seed;
    EXPECT_EQ(c[0].index, 6u) << "seed " << seed;
  }
}

TEST(ChangePoints, TwoSteps) {
  const auto c = find_change_points(steps({{5, 1000}, {5, 900}, {6, 1200}}, 0.005, 3));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].index, 5u);
  EXPECT_EQ(c[1].index, 10u);
  EXPECT_LT(c[0].relative, -0.09);
  EXPECT_GT(c[1].relative, 0.3);
}

TEST(ChangePoints, OnePercentNoiseHasNoSteps) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed)
    EXPECT_TRUE(find_change_points(steps({{30, 1000}}, 0.01, seed)).empty()) << "seed " << seed;
}

TEST(ChangePoints, OneWildRunIsNotAStep) {
  auto v = steps({{12, 1000}}, 0.005, 4);
  v[5] = 1500;
  EXPECT_TRUE(find_change_points(v).empty());
}

TEST(ChangePoints, NewestRunCanStartALevel) {
  const auto c = find_change_points(steps({{11, 1000}, {1, 1200}}, 0.005, 5));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].index, 11u);
}

TEST(ChangePoints, StepsBelowTheMinimumAreNotMarked) {
  const auto v = steps({{6, 1000}, {6, 1015}});  // 1.5 %: exact, but under 2 %
  EXPECT_TRUE(find_change_points(v).empty());
  tb::bench::change_point_options o;
  o.min_relative_step = 0.01;
  ASSERT_EQ(find_change_points(v, o).size(), 1u);
  EXPECT_EQ(find_change_points(v, o)[0].index, 6u);
}

TEST(ChangePoints, NoiseScaleIsRobust) {
  EXPECT_EQ(tb::bench::noise_scale(steps({{10, 1000}})), 1.0);  // the floor: 0.1 % of the median
  EXPECT_EQ(tb::bench::noise_scale(std::vector<double>{1}), 0);
}

}  // namespace
