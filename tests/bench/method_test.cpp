// The stopping rule, batch sizing and the split of a process trace per mode.
#include "method.hpp"
#include "trace_builder.hpp"

#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace.hpp>

#include <gtest/gtest.h>

namespace {

using namespace tb::bench;
namespace tp = tb::profiler;

TEST(Method, StopsWhenEveryMedianIsTight) {
  stopping_rule rule;
  std::vector<double> tight(100, 1000.0), noisy;
  for (int i = 0; i < 100; ++i) noisy.push_back(i % 2 ? 500.0 : 1500.0);
  EXPECT_TRUE(median_converged(tight, rule));
  EXPECT_FALSE(median_converged(noisy, rule));
  EXPECT_FALSE(median_converged(std::vector<double>(5, 1.0), rule));  // too few samples
  const mode_progress steady{tight, std::vector<double>(10, 1000.0)};
  const mode_progress jumpy{noisy, std::vector<double>(10, 1000.0)};
  EXPECT_EQ(stop_reason({steady, steady}, 10, 1.0, rule), "converged");
  EXPECT_EQ(stop_reason({steady, steady}, 9, 1.0, rule), "");  // at least 10 rounds
  EXPECT_EQ(stop_reason({steady, jumpy}, 12, 1.0, rule), "");
  EXPECT_EQ(stop_reason({steady, jumpy}, 12, 25.0, rule), "time_limit");
  rule.fixed_rounds = 4;
  EXPECT_EQ(stop_reason({steady}, 3, 100.0, rule), "");
  EXPECT_EQ(stop_reason({jumpy}, 4, 0.0, rule), "rounds");
}

TEST(Method, BatchesThatDisagreeKeepTheRoundsGoing) {
  // Each batch is tight inside (the pooled interval alone would stop) but the batches
  // alternate 3 % apart: the interval of the mean of 10 round medians
  // (t(9) = 2.262, sd 1.581 % of the mean, /sqrt(10)) is 1.13 %, over the 1 % target.
  stopping_rule rule;
  std::vector<double> samples, medians;
  for (int r = 0; r < 10; ++r) {
    const double level = r % 2 ? 1015.0 : 985.0;
    medians.push_back(level);
    for (int i = 0; i < 100; ++i) samples.push_back(level);
  }
  EXPECT_FALSE(rounds_converged(medians, rule));
  EXPECT_EQ(stop_reason({{samples, medians}}, 10, 1.0, rule), "");
  // 1 % apart instead: 0.38 %, converged.
  for (auto& m : medians) m = m < 1000 ? 995.0 : 1005.0;
  EXPECT_TRUE(rounds_converged(medians, rule));
  EXPECT_FALSE(rounds_converged(std::vector<double>(9, 1000.0), rule));  // fewer than 10 rounds
}

TEST(Method, StudentTQuantiles) {
  EXPECT_DOUBLE_EQ(student_t_975(1), 12.706);
  EXPECT_DOUBLE_EQ(student_t_975(9), 2.262);
  EXPECT_NEAR(student_t_975(20), 2.086, 0.002);
  EXPECT_NEAR(student_t_975(60), 2.000, 0.002);
  EXPECT_NEAR(student_t_975(100000), 1.960, 0.001);
}

TEST(Method, BatchSizeAimsAtAQuarterSecond) {
  EXPECT_EQ(batch_iterations(1e6, 1000), 250);   // 1 ms iterations
  EXPECT_EQ(batch_iterations(1e3, 300), 300);    // capped
  EXPECT_EQ(batch_iterations(1e9, 300), 1);      // at least one
}

TEST(Method, ExtractRangesKeepsOnlyThatModesEvents) {
  tp::test_support::trace_builder b;
  std::uint64_t c = 1;
  for (const auto& [mode, base] : {std::pair{"mode:cubin-cached", 0}, std::pair{"mode:jit", 100000}}) {
    b.range(mode, base, base + 50000);
    for (int i = 0; i < 3; ++i) {
      const std::int64_t at = base + 1000 + i * 10000;
      b.range("iteration", at, at + 5000);
      b.api("cuLaunchKernel", at + 100, at + 2100, c);
      b.kernel("add_kernel", at + 3000, at + 4000, c++);
    }
  }
  b.api("cuLaunchKernel", 60000, 61000, 999);  // warm-up: outside
  tp::trace& t = b.t;
  t.sort_by_start();
  const auto part = extract_ranges(t, "mode:cubin-cached", "cubin-cached");
  EXPECT_EQ(part.metadata().mode, "cubin-cached");
  EXPECT_EQ(part.events().size(), 1u + 3 * 3);
  const std::vector<double> host_ns = {5000, 5000, 5000};    // untraced rounds
  const std::vector<double> traced_ns = {7000, 6000};        // traced rounds
  const auto metrics = mode_metrics(part, tp::trace{}, "add_kernel", 2, {host_ns, traced_ns, {}}, 20);
  auto find = [&](const char* id) -> const metric_result* {
    for (const auto& m : metrics)
      if (m.id == id) return &m;
    return nullptr;
  };
  ASSERT_NE(find("kernel.duration"), nullptr);
  EXPECT_EQ(find("kernel.duration")->samples, (std::vector<double>{1000, 1000, 1000}));
  EXPECT_EQ(find("gap.before_target")->samples, (std::vector<double>{9000, 9000}));
  EXPECT_EQ(find("launch.latency")->samples, (std::vector<double>{2900, 2900, 2900}));
  EXPECT_EQ(find("host.time_per_launch")->samples, (std::vector<double>{2500, 2500, 2500}));
  EXPECT_EQ(find("host.time_per_launch_traced")->samples, (std::vector<double>{3500, 3000}));
  EXPECT_EQ(find("host.iteration")->samples, host_ns);
  // Traced samples less the untraced median, from the two host metrics found by id.
  ASSERT_NE(find("tracer.cost_per_launch"), nullptr);
  EXPECT_EQ(find("tracer.cost_per_launch")->samples, (std::vector<double>{1000, 500}));
  // Every metric the analysis computes is kept, shown in the table or not.
  tp::analysis_options options;
  options.target = "add_kernel";
  const auto analysed = tp::analyze(part, options);
  ASSERT_FALSE(analysed.metrics.empty());
  for (const auto& m : analysed.metrics) {
    ASSERT_NE(find(m.name.c_str()), nullptr) << m.name;
    EXPECT_EQ(find(m.name.c_str())->samples, m.samples) << m.name;
  }
}

// --traced-records split: a "gaps:" batch (kernels and ranges only) and a "mode:" batch
// (every kind) of one mode. The gaps and kernel times come from the first, whose gaps
// are narrower; launch latency from the second, the only one with launch calls.
TEST(Method, GpuOnlyBatchesGiveTheGapsAndFullOnesTheLaunchMetrics) {
  tp::test_support::trace_builder b;
  std::uint64_t c = 1;
  b.range("gaps:cubin-cached", 0, 50000);
  for (int i = 0; i < 3; ++i) {  // kernels 1000 ns apart
    b.range("iteration", i * 2000, i * 2000 + 2000);
    b.kernel("add_kernel", 100 + i * 2000, 1100 + i * 2000, 0);
  }
  b.range("mode:cubin-cached", 100000, 150000);
  for (int i = 0; i < 3; ++i) {  // kernels 4000 ns apart, each 300 ns after its launch call
    const std::int64_t at = 100000 + i * 5000;
    b.range("iteration", at, at + 5000);
    b.api("cuLaunchKernel", at + 100, at + 200, c);
    b.kernel("add_kernel", at + 400, at + 1400, c++);
  }
  b.t.sort_by_start();
  const std::string_view both[] = {"gaps:cubin-cached", "mode:cubin-cached"};
  EXPECT_EQ(extract_ranges(b.t, std::span(both), "cubin-cached").events().size(), 2u + 6 + 6 + 3);
  const auto full = extract_ranges(b.t, "mode:cubin-cached", "cubin-cached");
  const auto gpu = extract_ranges(b.t, "gaps:cubin-cached", "cubin-cached");
  const std::vector<double> host_ns = {5000, 5000};
  const auto metrics = mode_metrics(full, gpu, "add_kernel", 1, {host_ns, host_ns, host_ns}, 20);
  auto samples = [&](std::string_view id) {
    for (const auto& m : metrics)
      if (m.id == id) return m.samples;
    return std::vector<double>{-1};
  };
  EXPECT_EQ(samples("gap.before_target"), (std::vector<double>{1000, 1000}));
  EXPECT_EQ(samples("gap.per_launch"), (std::vector<double>{1000, 1000}));
  EXPECT_EQ(samples("iteration.duration"), (std::vector<double>{2000, 2000, 2000}));
  EXPECT_EQ(samples("launch.latency"), (std::vector<double>{300, 300, 300}));
  EXPECT_EQ(samples("launch.api_duration"), (std::vector<double>{100, 100, 100}));
  // Without GPU-only batches, everything from the full ones.
  const auto all = mode_metrics(full, tp::trace{}, "add_kernel", 1, {host_ns, host_ns, {}}, 20);
  for (const auto& m : all) {
    if (m.id == "gap.before_target") {
      EXPECT_EQ(m.samples, (std::vector<double>{4000, 4000}));
    }
  }
}

}  // namespace
