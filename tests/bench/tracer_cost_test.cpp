// The tracer's cost per launch (bench/src/tracer_cost.hpp): the difference of the medians,
// its interval the two intervals combined in quadrature, its samples the traced ones
// less the untraced median; and mode_metrics adds it when both rounds ran.
#include "method.hpp"
#include "tracer_cost.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace {

using namespace tb::bench;

metric_result with_stats(std::vector<double> samples, double median, double low, double high) {
  metric_result m;
  m.unit = "ns";
  m.samples = std::move(samples);
  m.stats.n = m.samples.size();
  m.stats.median = median;
  m.stats.ci_low = low;
  m.stats.ci_high = high;
  m.stats.ci_from_bootstrap = true;
  return m;
}

TEST(TracerCost, IsTheDifferenceOfTheMediansWithTheirIntervalsCombined) {
  const metric_result untraced = with_stats({100, 200, 300}, 200, 120, 240);
  const metric_result traced = with_stats({350, 400, 450, 500, 550}, 450, 420, 510);
  const auto cost = tracer_cost_metric(untraced, traced);
  ASSERT_TRUE(cost);
  EXPECT_EQ(cost->id, "tracer.cost_per_launch");
  EXPECT_EQ(cost->unit, "ns");
  EXPECT_EQ(cost->samples, (std::vector<double>{150, 200, 250, 300, 350}));
  EXPECT_EQ(cost->stats.n, 5u);
  EXPECT_EQ(cost->stats.median, 250.0);
  EXPECT_EQ(cost->stats.ci_low, 250.0 - 50);   // hypot(450 - 420, 240 - 200)
  EXPECT_EQ(cost->stats.ci_high, 250.0 + 100);  // hypot(510 - 450, 200 - 120)
  EXPECT_EQ(cost->stats.p5, 160.0);             // the traced spread, shifted
  EXPECT_TRUE(cost->stats.ci_from_bootstrap);
}

TEST(TracerCost, NeedsBothSides) {
  const metric_result some = with_stats({100}, 100, 100, 100);
  EXPECT_FALSE(tracer_cost_metric(some, metric_result{}));
  EXPECT_FALSE(tracer_cost_metric(metric_result{}, some));
}

TEST(TracerCost, ModeMetricsAddItFromTheHostClocks) {
  const std::vector<double> host_ns = {5000, 5000, 5000}, traced_ns = {7000, 6000};  // 2 launches each
  const auto metrics = mode_metrics(tb::profiler::trace{}, tb::profiler::trace{}, "k", 2, {host_ns, traced_ns, {}}, 20);
  const metric_result* cost = nullptr;
  for (const auto& m : metrics)
    if (m.id == "tracer.cost_per_launch") cost = &m;
  ASSERT_NE(cost, nullptr);
  EXPECT_EQ(cost->samples, (std::vector<double>{1000, 500}));
  EXPECT_EQ(cost->stats.median, 750.0);
  const auto untraced_only = mode_metrics(tb::profiler::trace{}, tb::profiler::trace{}, "k", 2, {host_ns, {}, {}}, 20);
  for (const auto& m : untraced_only) EXPECT_NE(m.id, "tracer.cost_per_launch");
}

// Batches that recorded the GPU's side only have a cost of their own, beside the full one.
TEST(TracerCost, GpuRecordsOnlyHaveTheirOwnCost) {
  const std::vector<double> host_ns = {5000, 5000, 5000}, traced_ns = {7000, 6000}, gpu_ns = {5400, 5600};
  const auto metrics =
      mode_metrics(tb::profiler::trace{}, tb::profiler::trace{}, "k", 2, {host_ns, traced_ns, gpu_ns}, 20);
  std::map<std::string, const metric_result*> by_id;
  for (const auto& m : metrics) by_id[m.id] = &m;
  ASSERT_TRUE(by_id.count("tracer.cost_per_launch_gpu"));
  EXPECT_EQ(by_id["tracer.cost_per_launch_gpu"]->samples, (std::vector<double>{200, 300}));
  EXPECT_EQ(by_id["host.time_per_launch_gpu_traced"]->samples, (std::vector<double>{2700, 2800}));
  EXPECT_EQ(by_id["tracer.cost_per_launch"]->stats.median, 750.0);
}

}  // namespace
