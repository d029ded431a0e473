// The interleaved method of the launch and tracer benchmarks (bench/micro/interleaved.hpp):
// the rotation, the pairing and the failure path, on sides that only count their calls.
#include "interleaved.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tb::bench {
namespace {

TEST(Interleaved, OrderRotatesSoEverySideTakesEveryPosition) {
  EXPECT_EQ(side_at(0, 0, 3), 0u);
  EXPECT_EQ(side_at(0, 2, 3), 2u);
  EXPECT_EQ(side_at(1, 0, 3), 1u);
  EXPECT_EQ(side_at(1, 2, 3), 0u);
  EXPECT_EQ(side_at(5, 1, 3), 0u);
  EXPECT_EQ(side_at(7, 0, 0), 0u);
}

TEST(Interleaved, RunsEveryBlockInRotatedOrderAndKeepsOnlyTheRoundsAfterWarmUp) {
  std::vector<std::string> order;
  std::vector<int> calls(3, 0);
  int between = 0;
  std::vector<interleaved_side> sides;
  for (int k = 0; k < 3; ++k) {
    const std::string name = std::string(1, static_cast<char>('a' + k));
    sides.push_back({name,
                     [&, k](int n) {
                       calls[static_cast<std::size_t>(k)] += n;
                       return true;
                     },
                     [&order, name] { order.push_back(name); }});
  }
  interleaved_options o;
  o.block = 7;
  o.rounds = 4;
  o.warmup_rounds = 2;
  o.between = [&] { ++between; };
  const interleaved_result r = run_interleaved(sides, o);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "b", "c", "a", "c", "a", "b", "a", "b", "c", "b", "c",
                                             "a", "c", "a", "b"}));
  EXPECT_EQ(calls, (std::vector<int>{42, 42, 42}));  // 6 rounds x 7 calls
  EXPECT_EQ(between, 18);
  ASSERT_EQ(r.ns_per_call.size(), 3u);
  for (const auto& v : r.ns_per_call) EXPECT_EQ(v.size(), 4u);
  ASSERT_EQ(r.minus_baseline.size(), 3u);
  EXPECT_EQ(r.minus_baseline[0].n, 0u);
  EXPECT_EQ(r.minus_baseline[2].n, 4u);
}

TEST(Interleaved, AFailingSideStopsTheRunAndIsNamed) {
  int b_calls = 0;
  std::vector<interleaved_side> sides = {{"a", [](int) { return true; }, {}},
                                         {"b", [&](int) { return ++b_calls < 3; }, {}}};
  interleaved_options o;
  o.rounds = 10;
  o.warmup_rounds = 0;
  const interleaved_result r = run_interleaved(sides, o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failed_side, "b");
  EXPECT_EQ(b_calls, 3);
}

TEST(Interleaved, DifferencesArePairedByRound) {
  EXPECT_EQ(paired_differences({10, 20, 30}, {1, 2, 3}), (std::vector<double>{9, 18, 27}));
  EXPECT_EQ(paired_differences({10, 20}, {1, 2, 3}), (std::vector<double>{9, 18}));
  interleaved_result r;
  r.names = {"raw", "x"};
  // Drift moves both sides together; the paired difference stays 5 in every round.
  r.ns_per_call = {{100, 300, 200, 900, 400}, {105, 305, 205, 905, 405}};
  summarize_sides(r);
  EXPECT_DOUBLE_EQ(r.per_side[0].median, 300);
  EXPECT_DOUBLE_EQ(r.minus_baseline[1].median, 5);
  EXPECT_DOUBLE_EQ(r.minus_baseline[1].min, 5);
  EXPECT_DOUBLE_EQ(r.minus_baseline[1].max, 5);
}

}  // namespace
}  // namespace tb::bench
