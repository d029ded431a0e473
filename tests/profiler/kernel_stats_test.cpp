// per_kernel_stats on a small Kineto-shaped trace whose every number is computed by hand:
//
//   stream 7:  A 20-30 (c1)  B 32-35 (c2)  A 40-60 (c3)  memcpy 61-65  B 70-75 (c6)
//   stream 20: A 50-80 (c5)  A 90-100 (no correlation)
//   launch calls (us, start + duration): c1 10+5, c2 16+4, c3 21+6 (the driver call nested in
//   it, 22+3, loses to the runtime one), c5 30+3, c6 34+2; c4 is the memcpy's.
//
//   A: 4 kernels, durations 10, 20, 30, 10 us: total 70, median 15, stddev sqrt(275/3);
//      launch API 5, 6, 3 (median 5); latency 10, 19, 20 (median 19); gap before: 40 - 35 = 5
//      and 90 - 80 = 10 (the first kernel of each stream has none), median 7.5.
//   B: 2 kernels, 3 and 5 us: total 8; API 4, 2; latency 16, 36; gap 32 - 30 = 2, 70 - 65 = 5.
//   All kernels: 78 us, A 70/78 of it.
#include <tb/profiler/kernel_stats.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

using namespace tb::profiler;

namespace {

constexpr const char* kineto_trace = R"({"schemaVersion": 1, "traceEvents": [
 {"ph": "X", "cat": "kernel", "name": "A", "pid": 0, "tid": 7, "ts": 20, "dur": 10, "args": {"correlation": 1, "stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "B", "pid": 0, "tid": 7, "ts": 32, "dur": 3, "args": {"correlation": 2, "stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "A", "pid": 0, "tid": 7, "ts": 40, "dur": 20, "args": {"correlation": 3, "stream": 7}},
 {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy DtoH", "pid": 0, "tid": 7, "ts": 61, "dur": 4, "args": {"correlation": 4}},
 {"ph": "X", "cat": "kernel", "name": "B", "pid": 0, "tid": 7, "ts": 70, "dur": 5, "args": {"correlation": 6, "stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "A", "pid": 0, "tid": 20, "ts": 50, "dur": 30, "args": {"correlation": 5, "stream": 20}},
 {"ph": "X", "cat": "kernel", "name": "A", "pid": 0, "tid": 20, "ts": 90, "dur": 10, "args": {"stream": 20}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 10, "dur": 5, "args": {"correlation": 1}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 16, "dur": 4, "args": {"correlation": 2}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 21, "dur": 6, "args": {"correlation": 3}},
 {"ph": "X", "cat": "cuda_driver", "name": "cuLaunchKernel", "pid": 100, "tid": 100, "ts": 22, "dur": 3, "args": {"correlation": 3}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 100, "tid": 100, "ts": 28, "dur": 2, "args": {"correlation": 4}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 30, "dur": 3, "args": {"correlation": 5}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 34, "dur": 2, "args": {"correlation": 6}},
 {"name": "process_labels", "ph": "M", "pid": 0, "tid": 0, "args": {"labels": "GPU 0"}},
 {"name": "thread_name", "ph": "M", "pid": 0, "tid": 7, "args": {"name": "stream 7"}}
]})";

const trace& sample() {
  static const trace t = parse_chrome_trace(kineto_trace, "kineto_stats.json");
  return t;
}

kernel_stats_options window(std::int64_t begin_ns, std::int64_t end_ns) {
  kernel_stats_options o;
  o.begin_ns = begin_ns;
  o.end_ns = end_ns;
  return o;
}

}  // namespace

TEST(per_kernel_stats, rows_by_name_sorted_by_total_time) {
  const auto rows = per_kernel_stats(sample());
  ASSERT_EQ(rows.size(), 2u);
  const auto& a = rows[0];
  EXPECT_EQ(a.name, "A");
  EXPECT_EQ(a.track, no_index);
  EXPECT_EQ(a.stream_id, -1);
  EXPECT_EQ(a.stream, "");
  EXPECT_EQ(a.count, 4u);
  EXPECT_EQ(a.total_ns, 70'000);
  EXPECT_DOUBLE_EQ(a.time_percent, 100.0 * 70 / 78);
  EXPECT_EQ(a.duration.n, 4u);
  EXPECT_EQ(a.duration.median, 15'000);
  EXPECT_EQ(a.duration.mean, 17'500);
  EXPECT_EQ(a.duration.min, 10'000);
  EXPECT_EQ(a.duration.max, 30'000);
  EXPECT_DOUBLE_EQ(a.duration_stddev_ns, std::sqrt(275e6 / 3));
  EXPECT_EQ(a.launch_api.n, 3u);
  EXPECT_EQ(a.launch_api.median, 5'000);
  EXPECT_EQ(a.launch_api.max, 6'000);  // the runtime call, not the 3 us driver call inside it
  EXPECT_EQ(a.launch_latency.n, 3u);
  EXPECT_EQ(a.launch_latency.median, 19'000);
  EXPECT_EQ(a.launch_latency.min, 10'000);
  EXPECT_EQ(a.gap_before.n, 2u);
  EXPECT_EQ(a.gap_before.median, 7'500);

  const auto& b = rows[1];
  EXPECT_EQ(b.name, "B");
  EXPECT_EQ(b.count, 2u);
  EXPECT_EQ(b.total_ns, 8'000);
  EXPECT_DOUBLE_EQ(b.time_percent, 100.0 * 8 / 78);
  EXPECT_EQ(b.duration.median, 4'000);
  EXPECT_DOUBLE_EQ(b.duration_stddev_ns, std::sqrt(2e6));
  EXPECT_EQ(b.launch_api.median, 3'000);
  EXPECT_EQ(b.launch_latency.median, 26'000);
  EXPECT_EQ(b.gap_before.n, 2u);
  EXPECT_EQ(b.gap_before.min, 2'000);  // after A on the same stream
  EXPECT_EQ(b.gap_before.max, 5'000);  // after the memcpy: any GPU work counts
}

TEST(per_kernel_stats, by_stream_rows) {
  kernel_stats_options o;
  o.by_stream = true;
  const auto rows = per_kernel_stats(sample(), o);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "A");
  EXPECT_EQ(rows[0].stream_id, 20);
  EXPECT_EQ(rows[0].stream, "GPU 0 / stream 20");  // no thread_name: the stream id
  EXPECT_EQ(sample().tracks()[rows[0].track].tid, 20);
  EXPECT_EQ(rows[0].total_ns, 40'000);
  EXPECT_EQ(rows[0].launch_api.n, 1u);
  EXPECT_EQ(rows[0].gap_before.n, 1u);
  EXPECT_EQ(rows[0].gap_before.median, 10'000);
  EXPECT_EQ(rows[1].name, "A");
  EXPECT_EQ(rows[1].stream, "GPU 0 / stream 7");
  EXPECT_EQ(rows[1].total_ns, 30'000);
  EXPECT_EQ(rows[1].launch_api.median, 5'500);
  EXPECT_EQ(rows[1].launch_latency.median, 14'500);
  EXPECT_EQ(rows[1].gap_before.n, 1u);
  EXPECT_EQ(rows[2].name, "B");
  EXPECT_EQ(rows[2].stream_id, 7);
  EXPECT_DOUBLE_EQ(rows[0].time_percent + rows[1].time_percent + rows[2].time_percent, 100.0);
}

TEST(per_kernel_stats, window_keeps_kernels_starting_inside_it) {
  // [40 us, 90 us): A at 40 and 50, B at 70; A at 90 starts at the excluded end.
  const auto rows = per_kernel_stats(sample(), window(40'000, 90'000));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "A");
  EXPECT_EQ(rows[0].count, 2u);
  EXPECT_EQ(rows[0].total_ns, 50'000);
  EXPECT_DOUBLE_EQ(rows[0].time_percent, 100.0 * 50 / 55);
  EXPECT_EQ(rows[0].gap_before.n, 1u);  // A at 40 after B at 32-35, outside the window
  EXPECT_EQ(rows[0].gap_before.median, 5'000);
  EXPECT_EQ(rows[1].name, "B");
  EXPECT_EQ(rows[1].count, 1u);
  EXPECT_EQ(rows[1].gap_before.median, 5'000);
  EXPECT_TRUE(per_kernel_stats(sample(), window(101'000, 200'000)).empty());
  kernel_stats_options from;
  from.begin_ns = 90'000;  // one bound only
  ASSERT_EQ(per_kernel_stats(sample(), from).size(), 1u);
  EXPECT_EQ(per_kernel_stats(sample(), from)[0].total_ns, 10'000);
}

TEST(per_kernel_stats, order_statistic_intervals_when_asked) {
  kernel_stats_options o;
  o.statistics.bootstrap_max_samples = 0;
  const auto rows = per_kernel_stats(sample(), o);
  EXPECT_FALSE(rows[0].duration.ci_from_bootstrap);
  EXPECT_TRUE(per_kernel_stats(sample())[0].duration.ci_from_bootstrap);
}

TEST(per_kernel_stats, equal_totals_sort_by_name) {
  const trace t = parse_chrome_trace(R"([
    {"ph": "X", "cat": "kernel", "name": "z", "pid": 0, "tid": 7, "ts": 1, "dur": 2},
    {"ph": "X", "cat": "kernel", "name": "y", "pid": 0, "tid": 7, "ts": 5, "dur": 2}])");
  const auto rows = per_kernel_stats(t);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "y");
  EXPECT_EQ(rows[0].duration_stddev_ns, 0);  // one kernel
  EXPECT_EQ(rows[0].gap_before.median, 2'000);  // y at 5 after z, which ends at 3
  EXPECT_EQ(rows[1].gap_before.n, 0u);          // z is the stream's first
}

TEST(per_kernel_stats, json_and_table) {
  kernel_stats_options o;
  o.by_stream = true;
  const auto rows = per_kernel_stats(sample(), o);
  const auto j = nlohmann::json::parse(kernel_stats_to_json(rows, "kineto_stats.json"));
  EXPECT_EQ(j["schema"], "tb.profiler.kernel_stats");
  EXPECT_EQ(j["version"], 1);
  ASSERT_EQ(j["kernels"].size(), 3u);
  EXPECT_EQ(j["kernels"][0]["stream"]["stream_id"], 20);
  EXPECT_EQ(j["kernels"][0]["total_ns"], 40'000);
  EXPECT_EQ(j["kernels"][1]["launch_latency"]["median"], 14'500);
  std::ostringstream table;
  print_kernel_stats_table(table, rows);
  EXPECT_NE(table.str().find("Time %"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("GPU 0 / stream 20"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("51.3"), std::string::npos) << table.str();  // 40 / 78
}
