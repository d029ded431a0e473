// The untraced gap (bench/src/untraced_gap.hpp) on synthetic windows, exactly; its
// refusals, each with its reason; one iteration's GPU work from a hand-built trace
// (traced_work.hpp); and the GPU-clock metrics a mode gets from both
// (gpu_clock_metrics.hpp), with the refusal reported as "not measured".
#include "gpu_clock_metrics.hpp"
#include "run_summary.hpp"
#include "traced_work.hpp"
#include "untraced_gap.hpp"

#include "trace_builder.hpp"

#include <gtest/gtest.h>

namespace {

using namespace tb::bench;
namespace tp = tb::profiler;

// Three launches per iteration, 1 + 2 + 3 us of kernels.
const iteration_work three_kernels{.launches = 3, .busy_ns = 6000, .streams = 1, .problem = {}};

TEST(UntracedGap, IsTheWindowsIdleTimeOverItsLaunches) {
  const std::vector<event_window> windows = {
      {2 * 6000 + 6 * 500, 2},       // 2 iterations, 6 gaps of 500 ns
      {10 * 6000 + 30 * 1000, 10},   // 10 iterations, 30 gaps of 1 us
      {0, 0},                        // nothing launched: skipped
      {6000, 1},                     // back to back: no gap at all
  };
  const untraced_gaps g = untraced_gap_per_window(windows, three_kernels);
  EXPECT_EQ(g.refusal, "");
  EXPECT_EQ(g.gap_ns, (std::vector<double>{500, 1000, 0}));
}

TEST(UntracedGap, RefusesWhenKernelsOverlap) {
  const std::vector<event_window> windows = {{2 * 6000 + 600, 2}, {2 * 6000 - 1, 2}};
  const untraced_gaps g = untraced_gap_per_window(windows, three_kernels);
  EXPECT_EQ(g.refusal,
            "window 2: GPU time 11.999 us < its kernels' traced time 12.000 us (kernels overlap, or run shorter untraced)");
  EXPECT_TRUE(g.gap_ns.empty());
}

TEST(UntracedGap, RefusesSeveralStreams) {
  iteration_work two = three_kernels;
  two.streams = 2;
  const std::vector<event_window> windows = {{20000, 2}};
  EXPECT_EQ(untraced_gap_per_window(windows, two).refusal,
            "the kernels ran on 2 streams: two events on one stream do not bound the others' work");
}

TEST(UntracedGap, RefusesWithoutTracedRoundsOrWindows) {
  const iteration_work none{.problem = "no traced rounds: the kernels' durations come from them"};
  const std::vector<event_window> windows = {{20000, 2}};
  EXPECT_EQ(untraced_gap_per_window(windows, none).refusal, "no traced rounds: the kernels' durations come from them");
  EXPECT_EQ(untraced_gap_per_window({}, three_kernels).refusal,
            "no event windows: the untraced rounds recorded no GPU time");
  EXPECT_EQ(untraced_gap_per_window(windows, iteration_work{}).refusal, "the traced rounds recorded no GPU work");
}

// Three iterations of producer (1 us) and target (1.8, 2, 2.2 us: median 2 us), the
// target on `target_stream` (the builder's stream when no_index).
tp::trace two_kernel_trace(std::uint32_t target_stream = tp::no_index, tp::test_support::trace_builder b = {}) {
  std::uint64_t c = 1;
  b.range("mode:cubin-cached", 0, 100000);
  for (int i = 0; i < 3; ++i) {
    const std::int64_t at = 1000 + i * 10000;
    b.range("iteration", at, at + 5000);
    b.kernel("producer", at + 1000, at + 2000, c++);
    b.kernel("target", at + 3000, at + 3000 + 1800 + 200 * i, c++, target_stream);
  }
  b.t.sort_by_start();
  return b.t;
}

TEST(TracedWork, IsTheMedianDurationsOfOneIteration) {
  const iteration_work w = traced_work_of(two_kernel_trace(), false);
  EXPECT_EQ(w.problem, "");
  EXPECT_EQ(w.launches, 2u);
  EXPECT_EQ(w.busy_ns, 3000.0);
  EXPECT_EQ(w.streams, 1);
}

TEST(TracedWork, CountsStreamsUnlessOneStreamTookEverything) {
  tp::test_support::trace_builder b;
  const std::uint32_t other = b.add_stream(9);
  const tp::trace t = two_kernel_trace(other, b);
  EXPECT_EQ(traced_work_of(t, false).streams, 2);
  EXPECT_EQ(traced_work_of(t, true).streams, 1);  // graph: its replays went to one stream
  EXPECT_EQ(traced_work_of(t, true).busy_ns, 3000.0);
}

TEST(TracedWork, SaysWhenTheTraceCannotTell) {
  EXPECT_EQ(traced_work_of(tp::trace{}, false).problem, "the traced rounds left no trace");
  tp::test_support::trace_builder b;
  b.kernel("target", 0, 1000, 1);
  EXPECT_EQ(traced_work_of(b.t, false).problem, "the trace has no 'iteration' NVTX ranges");
  tp::trace odd = two_kernel_trace();
  tp::event e = odd.events().back();
  e.start_ns += 50000;
  e.end_ns += 50000;
  odd.add_event(e);  // one kernel more: 7 over 3 iterations
  EXPECT_EQ(traced_work_of(odd, false).problem,
            "the trace's 7 GPU work items are not a whole number per iteration (3 iterations; records dropped?)");
}

TEST(GpuClockMetrics, GapAndGpuTimePerLaunchFromTheWindows) {
  const std::vector<event_window> windows = {{2 * 6000 + 6 * 500, 2}, {2 * 6000 + 6 * 1500, 2}};
  mode_result m;
  add_gpu_clock_metrics(m, windows, three_kernels, 3, 20);
  ASSERT_NE(m.find("gap.untraced_mean"), nullptr);
  EXPECT_EQ(m.find("gap.untraced_mean")->samples, (std::vector<double>{500, 1500}));
  EXPECT_EQ(m.find("gap.untraced_mean")->unit, "ns");
  ASSERT_NE(m.find("gpu.time_per_launch_untraced"), nullptr);
  EXPECT_EQ(m.find("gpu.time_per_launch_untraced")->samples, (std::vector<double>{2500, 3500}));
  EXPECT_TRUE(m.not_measured.empty());
}

TEST(GpuClockMetrics, ARefusedGapIsNotMeasuredWithItsReason) {
  const std::vector<event_window> windows = {{30000, 2}};
  mode_result m;
  add_gpu_clock_metrics(m, windows, {.problem = "no traced rounds: the kernels' durations come from them"}, 3, 20);
  EXPECT_EQ(m.find("gap.untraced_mean"), nullptr);
  EXPECT_EQ(m.not_measured, (std::vector<unmeasured_metric>{
                                {"gap.untraced_mean", "no traced rounds: the kernels' durations come from them"}}));
  ASSERT_NE(m.find("gpu.time_per_launch_untraced"), nullptr);  // needs no trace
  EXPECT_EQ(m.find("gpu.time_per_launch_untraced")->samples, (std::vector<double>{5000}));
  mode_result none;
  add_gpu_clock_metrics(none, {}, three_kernels, 3, 20);  // no untraced batch: nothing
  EXPECT_TRUE(none.metrics.empty());
  EXPECT_TRUE(none.not_measured.empty());
}

TEST(GpuClockMetrics, AreComparedByUntracedRound) {
  // compare's units: per-round medians of the untraced rounds (8 of them, 2 windows each).
  EXPECT_TRUE(measured_untraced("gap.untraced_mean"));
  EXPECT_TRUE(measured_untraced("gpu.time_per_launch_untraced"));
  EXPECT_FALSE(measured_untraced("tracer.cost_per_launch"));  // its samples are the traced rounds'
  std::string units;
  const auto medians = unit_medians({1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10}, 8, &units);
  EXPECT_EQ(units, "rounds");
  EXPECT_EQ(medians, (std::vector<double>{2, 3, 4, 5, 6, 7, 8, 9}));
}

}  // namespace
