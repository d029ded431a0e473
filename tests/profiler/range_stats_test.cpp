// compute_range_stats on a small trace whose every number is computed by hand (us):
//
//   stream 7: K1 10-20  K2 25-30  memcpy 40-50
//   stream 8: K3 15-28 (overlaps K1 and K2)  K4 60-70
//   a runtime launch call 5-8 (host work is not GPU work)
//
//   whole trace [0, 100): GPU work 10-30, 40-50, 60-70: busy 40 (40 %); gaps between work
//   30-40 and 50-60: 20 in 2 (the idle time before 10 and after 70 is not a gap between work)
//   [12, 65): 3 kernels start in it (K3, K2, K4; K1 started at 10), 5 operations overlap it;
//   clipped union 12-30, 40-50, 60-65: busy 33 of 53; gaps 10 + 10
#include <tb/profiler/range_stats.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <gtest/gtest.h>

using namespace tb::profiler;

namespace {

constexpr const char* trace_json = R"({"traceEvents": [
 {"ph": "X", "cat": "kernel", "name": "K1", "pid": 0, "tid": 7, "ts": 10, "dur": 10, "args": {"stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "K2", "pid": 0, "tid": 7, "ts": 25, "dur": 5, "args": {"stream": 7}},
 {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoH", "pid": 0, "tid": 7, "ts": 40, "dur": 10},
 {"ph": "X", "cat": "kernel", "name": "K3", "pid": 0, "tid": 8, "ts": 15, "dur": 13, "args": {"stream": 8}},
 {"ph": "X", "cat": "kernel", "name": "K4", "pid": 0, "tid": 8, "ts": 60, "dur": 10, "args": {"stream": 8}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 5, "dur": 3}
]})";

const trace& sample() {
  static const trace t = parse_chrome_trace(trace_json, "range_stats.json");
  return t;
}

constexpr std::int64_t us = 1000;

}  // namespace

TEST(range_stats, whole_trace_counts_gaps_between_work_only) {
  const auto r = compute_range_stats(sample(), 0, 100 * us);
  EXPECT_EQ(r.begin_ns, 0);
  EXPECT_EQ(r.end_ns, 100 * us);
  EXPECT_EQ(r.kernels, 4u);
  EXPECT_EQ(r.gpu_operations, 5u);
  EXPECT_EQ(r.busy_ns, 40 * us);
  EXPECT_DOUBLE_EQ(r.busy_percent, 40.0);
  EXPECT_EQ(r.gaps_ns, 20 * us);
  EXPECT_EQ(r.gaps, 2u);
}

TEST(range_stats, window_clips_work_and_counts_kernels_by_start) {
  const auto r = compute_range_stats(sample(), 12 * us, 65 * us);
  EXPECT_EQ(r.kernels, 3u);
  EXPECT_EQ(r.gpu_operations, 5u);
  EXPECT_EQ(r.busy_ns, 33 * us);
  EXPECT_DOUBLE_EQ(r.busy_percent, 100.0 * 33 / 53);
  EXPECT_EQ(r.gaps_ns, 20 * us);
  EXPECT_EQ(r.gaps, 2u);
}

TEST(range_stats, window_inside_one_operation_is_all_busy) {
  const auto r = compute_range_stats(sample(), 42 * us, 45 * us);
  EXPECT_EQ(r.kernels, 0u);
  EXPECT_EQ(r.gpu_operations, 1u);
  EXPECT_EQ(r.busy_ns, 3 * us);
  EXPECT_DOUBLE_EQ(r.busy_percent, 100.0);
  EXPECT_EQ(r.gaps, 0u);
}

TEST(range_stats, idle_window_and_reversed_window_are_zero) {
  const auto idle = compute_range_stats(sample(), 31 * us, 39 * us);
  EXPECT_EQ(idle.gpu_operations, 0u);
  EXPECT_EQ(idle.busy_ns, 0);
  EXPECT_DOUBLE_EQ(idle.busy_percent, 0.0);
  EXPECT_EQ(idle.gaps_ns, 0);
  const auto reversed = compute_range_stats(sample(), 65 * us, 12 * us);
  EXPECT_EQ(reversed.kernels, 0u);
  EXPECT_EQ(reversed.busy_ns, 0);
  EXPECT_EQ(reversed.begin_ns, 65 * us);
}
