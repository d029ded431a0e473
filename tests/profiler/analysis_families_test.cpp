// One test per metric family of analyze() (profiler/src/analysis/*.cpp), each on a small
// hand-built trace with the edge its family handles; every number worked out by hand.
#include <tb/profiler/analysis.hpp>

#include "trace_builder.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

using namespace tb::profiler;
using samples = std::vector<double>;

namespace {

const metric& metric_of(const analysis_result& r, std::string_view id) {
  const metric* m = r.find(id);
  if (!m) throw std::runtime_error("no metric " + std::string(id));
  return *m;
}

const samples& samples_of(const analysis_result& r, std::string_view id) { return metric_of(r, id).samples; }

analysis_result analyze_for(const trace& t, std::string target) {
  analysis_options o;
  o.target = std::move(target);
  return analyze(t, o);
}

}  // namespace

TEST(analysis_families, lists_every_metric_once_in_the_documented_order) {
  const auto r = analyze(trace{});
  std::vector<std::string> ids;
  for (const auto& m : r.metrics) ids.push_back(m.name);
  EXPECT_EQ(ids, (std::vector<std::string>{"kernel.duration", "gap.before_target", "gap.after_target",
                                           "overlap.before_target", "overlap.after_target", "gap.per_launch",
                                           "launch.api_duration", "launch.latency", "launch.dispatch_overhead",
                                           "launch.dispatch_range_to_launch", "module.call_duration",
                                           "module.calls_per_iteration", "module.time_per_iteration",
                                           "iteration.duration", "gpu.busy_per_iteration"}));
  EXPECT_EQ(metric_of(r, "module.calls_per_iteration").unit, metric_unit::count);
  EXPECT_EQ(metric_of(r, "gpu.busy_per_iteration").unit, metric_unit::percent);
  EXPECT_EQ(r.find("no.such_metric"), nullptr);
}

// Kernel durations in trace order (not start order), target kernels only; iterations by
// start, "iter..." names counted, "Iteration" not.
TEST(analysis_families, kernel_and_iteration_times) {
  test_support::trace_builder b;
  b.kernel("t", 500, 530, 0);
  b.kernel("t", 100, 110, 0);
  b.kernel("x", 200, 300, 0);
  b.range("iter 2", 400, 1000);
  b.range("iteration", 0, 400);
  b.range("Iteration", 0, 50);
  const auto r = analyze_for(b.t, "t");
  EXPECT_EQ(samples_of(r, "kernel.duration"), (samples{30, 10}));
  EXPECT_EQ(samples_of(r, "iteration.duration"), (samples{400, 600}));
  EXPECT_EQ(r.iterations, 2u);
}

// One stream: no gap before its first kernel, none after its last; the stream's summaries
// are the overall ones.
TEST(analysis_families, gaps_on_one_stream) {
  test_support::trace_builder b;
  b.kernel("t", 0, 10, 0);
  b.kernel("t", 13, 20, 0);
  b.kernel("x", 30, 40, 0);
  b.kernel("t", 47, 50, 0);
  const auto r = analyze_for(b.t, "t");
  EXPECT_EQ(samples_of(r, "gap.before_target"), (samples{3, 7}));  // 13 - 10, 47 - 40
  EXPECT_EQ(samples_of(r, "gap.after_target"), (samples{3, 10}));  // 13 - 10, 30 - 20
  ASSERT_EQ(r.streams.size(), 1u);
  EXPECT_EQ(r.streams[0].target_kernels, 3u);
  EXPECT_EQ(r.streams[0].track_name, "stream 7");
  EXPECT_EQ(r.streams[0].gap_before.stats.median, 5);
  EXPECT_EQ(r.streams[0].gap_after.stats.median, 6.5);
  EXPECT_EQ(metric_of(r, "gap.before_target").stats.median, 5);
}

// Programmatic dependent launch (issue 16): kernels overlap on one stream. A negative gap
// is the measured overlap, kept as it is; overlap.* holds each overlap (-gap) and the
// stream counts them; GPU busy merges the overlapping kernels.
//   iteration 1 [0, 300):   p [0, 100)   t [80, 200)   c [190, 300)
//   iteration 2 [300, 650): p [310, 400) t [405, 500)  c [470, 560)
TEST(analysis_families, overlapping_kernels_on_one_stream_give_negative_gaps) {
  test_support::trace_builder b;
  b.range("iteration", 0, 300);
  b.range("iteration", 300, 650);
  b.kernel("p", 0, 100, 0);
  b.kernel("t", 80, 200, 0);
  b.kernel("c", 190, 300, 0);
  b.kernel("p", 310, 400, 0);
  b.kernel("t", 405, 500, 0);
  b.kernel("c", 470, 560, 0);
  const auto r = analyze_for(b.t, "t");
  EXPECT_EQ(samples_of(r, "gap.before_target"), (samples{-20, 5}));    // 80 - 100, 405 - 400
  EXPECT_EQ(samples_of(r, "gap.after_target"), (samples{-10, -30}));   // 190 - 200, 470 - 500
  EXPECT_EQ(samples_of(r, "overlap.before_target"), (samples{20}));    // the 5 ns gap is no overlap
  EXPECT_EQ(samples_of(r, "overlap.after_target"), (samples{10, 30}));
  EXPECT_EQ(metric_of(r, "gap.after_target").stats.median, -20);
  EXPECT_EQ(metric_of(r, "overlap.before_target").unit, metric_unit::nanoseconds);
  ASSERT_EQ(r.streams.size(), 1u);
  EXPECT_EQ(r.streams[0].overlapped_before, 1u);
  EXPECT_EQ(r.streams[0].overlapped_after, 2u);
  EXPECT_EQ(samples_of(r, "kernel.duration"), (samples{120, 95}));
  EXPECT_EQ(samples_of(r, "iteration.duration"), (samples{300, 350}));
  // (310 - 300) + (405 - 400) + (470 - 500) over 3 items
  EXPECT_EQ(samples_of(r, "gap.per_launch"), (samples{-5}));
  const samples& busy = samples_of(r, "gpu.busy_per_iteration");
  ASSERT_EQ(busy.size(), 2u);
  EXPECT_DOUBLE_EQ(busy[0], 100.0);             // [0, 300) covered once, not 330 ns
  EXPECT_DOUBLE_EQ(busy[1], 100.0 * 245 / 350);  // [310, 400) + [405, 560)

  std::ostringstream table;
  print_analysis_table(table, r);
  EXPECT_NE(table.str().find("the target overlapped the kernel before it 1 of 2 times, the kernel after it 2 of 2 "
                             "times (negative gaps: measured overlaps)"),
            std::string::npos)
      << table.str();
  std::ostringstream json;
  write_analysis_json(json, r);
  EXPECT_NE(json.str().find("\"overlapped_after_target\": 2"), std::string::npos) << json.str();
}

// Three items per iteration (kernel, copy, kernel on another stream: all GPU work counts);
// the first iteration's items have no mean (its first item has nothing before it), an
// overlap counts negative, and a count that is not a whole number per iteration gives none.
TEST(analysis_families, gaps_per_launch_per_iteration) {
  test_support::trace_builder b;
  b.range("iteration", 0, 100);
  b.range("iteration", 100, 200);
  b.range("iteration", 200, 300);
  b.kernel("p", 10, 20, 0);
  b.copy(22, 30);
  b.kernel("t", 31, 40, 0);
  b.kernel("p", 50, 60, 0);  // 50 - 40 = 10
  b.copy(64, 70);            // 64 - 60 = 4
  b.kernel("t", 71, 80, 0, b.add_stream(9));  // 71 - 70 = 1
  b.kernel("p", 78, 90, 0);  // 78 - 80 = -2: overlaps
  b.copy(92, 95);            // 92 - 90 = 2
  b.kernel("t", 95, 99, 0);  // 95 - 95 = 0
  const auto r = analyze_for(b.t, "t");
  EXPECT_EQ(samples_of(r, "gap.per_launch"), (samples{5, 0}));  // (10 + 4 + 1) / 3, (-2 + 2 + 0) / 3

  b.kernel("t", 120, 130, 0);  // 10 items over 3 iterations
  EXPECT_TRUE(samples_of(analyze_for(b.t, "t"), "gap.per_launch").empty());
  EXPECT_TRUE(samples_of(analyze(trace{}), "gap.per_launch").empty());
}

// With a target, only the calls that launched a target kernel; without kernels, every call.
TEST(analysis_families, launch_api_time_and_latency) {
  test_support::trace_builder b;
  b.api("cuLaunchKernel", 0, 10, 1);
  b.api("cuLaunchKernel", 20, 24, 2);
  b.api("cuLaunchKernel", 30, 37, 3);
  b.api("cuLaunchKernel", 40, 41, 4);  // its kernel is not in the trace
  b.api("cuLaunchHostFunc", 42, 44, 5);  // not a launch call
  b.kernel("t", 50, 60, 1);
  b.kernel("x", 70, 80, 2);
  b.kernel("t", 90, 95, 3);
  const auto r = analyze_for(b.t, "t");
  EXPECT_EQ(r.launches, 4u);
  EXPECT_EQ(samples_of(r, "launch.api_duration"), (samples{10, 7}));
  EXPECT_EQ(samples_of(r, "launch.latency"), (samples{50, 60}));

  test_support::trace_builder calls_only;
  calls_only.api("cuLaunchKernel", 0, 10, 1);
  calls_only.api("cuLaunchKernelEx", 20, 24, 0);
  const auto u = analyze(calls_only.t);
  EXPECT_EQ(samples_of(u, "launch.api_duration"), (samples{10, 4}));
  EXPECT_TRUE(samples_of(u, "launch.latency").empty());
}

// Nested dispatch ranges: the innermost open one; after it ends, the outer one; outside
// both, none. Without iterations every consecutive pair of calls counts.
TEST(analysis_families, dispatch_overhead_and_range_to_launch) {
  test_support::trace_builder b;
  b.range("dispatch:outer", 0, 100);
  b.range("dispatch:inner", 10, 30);
  b.range("other", 0, 200);
  b.api("cuLaunchKernel", 5, 8, 1);
  b.api("cuLaunchKernel", 15, 18, 2);
  b.api("cuLaunchKernel", 40, 45, 3);
  b.api("cuLaunchKernel", 120, 125, 4);
  for (std::int64_t c = 1; c <= 4; ++c) b.kernel("t", 1000 * c, 1000 * c + 50, static_cast<std::uint64_t>(c));
  const auto r = analyze_for(b.t, "t");
  EXPECT_EQ(samples_of(r, "launch.dispatch_range_to_launch"), (samples{5, 5, 40}));  // 5-0, 15-10, 40-0
  EXPECT_EQ(samples_of(r, "launch.dispatch_overhead"), (samples{7, 22, 75}));      // 15-8, 40-18, 120-45
}

// Module calls inside and outside iterations; cuModuleGetGlobal is not module loading.
TEST(analysis_families, module_loads) {
  test_support::trace_builder b;
  b.range("iteration", 0, 100);
  b.range("iteration", 100, 200);
  b.api("cuModuleLoadData", 10, 30);
  b.api("cuLibraryGetKernel", 40, 45);
  b.api("cuModuleGetGlobal", 50, 60);
  b.api("cuModuleLoadData", 150, 160);
  b.api("cuModuleUnload", 250, 252);
  const auto r = analyze(b.t);
  EXPECT_EQ(samples_of(r, "module.call_duration"), (samples{20, 5, 10, 2}));
  EXPECT_EQ(samples_of(r, "module.calls_per_iteration"), (samples{2, 1}));
  EXPECT_EQ(samples_of(r, "module.time_per_iteration"), (samples{25, 10}));
  EXPECT_EQ(r.module_calls, 4u);
  EXPECT_EQ(r.module_total_ns, 37);
  ASSERT_EQ(r.module_apis.size(), 3u);
  EXPECT_EQ(r.module_apis[0].name, "cuLibraryGetKernel");
  EXPECT_EQ(r.module_apis[1].name, "cuModuleLoadData");
  EXPECT_EQ(r.module_apis[1].calls, 2u);
  EXPECT_EQ(r.module_apis[1].total_ns, 30);
  EXPECT_EQ(r.module_apis[1].duration.median, 15);
  EXPECT_EQ(r.module_apis[2].name, "cuModuleUnload");
}

// Overlapping kernels on two streams count once, copies count, an empty kernel adds
// nothing; the span is the iterations', else the whole trace's.
TEST(analysis_families, gpu_busy) {
  auto work = [](test_support::trace_builder& b) {
    const auto s8 = b.add_stream(8);
    b.kernel("k", 0, 50, 0);
    b.kernel("k", 30, 80, 0, s8);
    b.copy(100, 120);
    b.kernel("k", 150, 150, 0);
  };
  test_support::trace_builder with_iterations;
  work(with_iterations);
  with_iterations.range("iteration", 0, 100);
  with_iterations.range("iteration", 100, 200);
  const auto r = analyze(with_iterations.t);
  EXPECT_EQ(samples_of(r, "gpu.busy_per_iteration"), (samples{80, 20}));  // [0, 80); [100, 120)
  EXPECT_TRUE(r.span_is_iterations);
  EXPECT_EQ(r.span_ns, 200);
  EXPECT_EQ(r.gpu_busy_ns, 100);
  EXPECT_EQ(r.gpu_busy_percent, 50.0);

  test_support::trace_builder bare;
  work(bare);
  const auto t = analyze(bare.t);
  EXPECT_TRUE(samples_of(t, "gpu.busy_per_iteration").empty());
  EXPECT_FALSE(t.span_is_iterations);
  EXPECT_EQ(t.span_ns, 150);
  EXPECT_EQ(t.gpu_busy_ns, 100);
  EXPECT_DOUBLE_EQ(t.gpu_busy_percent, 100.0 * 100 / 150);
}
