#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>

#include "trace_builder.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

using namespace tb::profiler;
using samples = std::vector<double>;

namespace {

// Two iterations on one thread and one stream; every number below is worked out by hand.
//
// iteration 1 [0, 1000)        dispatch range "dispatch:step" [10, 200)
//   cuModuleLoadData    [20, 60)
//   cuModuleGetFunction [60, 70)
//   cuLaunchKernel      [100, 110) c3 -> other_k  [150, 250)
//   cuLaunchKernel      [130, 145) c4 -> target_k [300, 400)
//   cuLaunchKernel      [170, 180) c5 -> other_k  [460, 500)
//   cuModuleUnload      [500, 520)
// iteration 2 [1000, 2000)
//   cuLaunchKernel      [1100, 1108) c6 -> target_k [1200, 1300)
//   cuLaunchKernel      [1150, 1160) c7 -> target_k [1310, 1410)
trace two_iterations() {
  test_support::trace_builder b;
  b.range("iteration", 0, 1000);
  b.range("dispatch:step", 10, 200);
  b.api("cuModuleLoadData", 20, 60, 1);
  b.api("cuModuleGetFunction", 60, 70, 2);
  b.api("cuLaunchKernel", 100, 110, 3);
  b.api("cuLaunchKernel", 130, 145, 4);
  b.api("cuLaunchKernel", 170, 180, 5);
  b.kernel("other_k", 150, 250, 3);
  b.kernel("target_k", 300, 400, 4);
  b.kernel("other_k", 460, 500, 5);
  b.api("cuModuleUnload", 500, 520, 8);
  b.range("iteration", 1000, 2000);
  b.api("cuLaunchKernel", 1100, 1108, 6);
  b.api("cuLaunchKernel", 1150, 1160, 7);
  b.kernel("target_k", 1200, 1300, 6);
  b.kernel("target_k", 1310, 1410, 7);
  return b.t;
}

const samples& metric_samples(const analysis_result& r, std::string_view name) {
  const auto* m = r.find(name);
  EXPECT_NE(m, nullptr) << name;
  static const samples none;
  return m ? m->samples : none;
}

}  // namespace

TEST(analysis, exact_numbers_on_a_hand_built_trace) {
  analysis_options o;
  o.target = "target_k";
  const auto r = analyze(two_iterations(), o);
  EXPECT_TRUE(r.target_exact);
  EXPECT_EQ(r.target_names, (std::vector<std::string>{"target_k"}));
  EXPECT_EQ(r.target_kernels, 3u);
  EXPECT_EQ(r.kernels, 5u);
  EXPECT_EQ(r.launches, 5u);
  EXPECT_EQ(r.iterations, 2u);

  EXPECT_EQ(metric_samples(r, "kernel.duration"), (samples{100, 100, 100}));
  EXPECT_EQ(metric_samples(r, "gap.before_target"), (samples{50, 700, 10}));
  EXPECT_EQ(metric_samples(r, "gap.after_target"), (samples{60, 10}));
  EXPECT_EQ(metric_samples(r, "launch.api_duration"), (samples{15, 8, 10}));
  EXPECT_EQ(metric_samples(r, "launch.latency"), (samples{170, 100, 160}));
  // c4: 130 - 110; c6 follows c5 of the previous iteration: no sample; c7: 1150 - 1108.
  EXPECT_EQ(metric_samples(r, "launch.dispatch_overhead"), (samples{20, 42}));
  EXPECT_EQ(metric_samples(r, "launch.dispatch_range_to_launch"), (samples{120}));
  EXPECT_EQ(metric_samples(r, "module.call_duration"), (samples{40, 10, 20}));
  EXPECT_EQ(metric_samples(r, "module.calls_per_iteration"), (samples{3, 0}));
  EXPECT_EQ(metric_samples(r, "module.time_per_iteration"), (samples{70, 0}));
  EXPECT_EQ(metric_samples(r, "iteration.duration"), (samples{1000, 1000}));
  EXPECT_EQ(metric_samples(r, "gpu.busy_per_iteration"), (samples{24, 20}));

  EXPECT_EQ(r.module_calls, 3u);
  EXPECT_EQ(r.module_total_ns, 70);
  ASSERT_EQ(r.module_apis.size(), 3u);
  EXPECT_EQ(r.module_apis[0].name, "cuModuleGetFunction");
  EXPECT_EQ(r.module_apis[1].name, "cuModuleLoadData");
  EXPECT_EQ(r.module_apis[1].total_ns, 40);
  EXPECT_EQ(r.gpu_busy_ns, 440);
  EXPECT_EQ(r.span_ns, 2000);
  EXPECT_TRUE(r.span_is_iterations);
  EXPECT_DOUBLE_EQ(r.gpu_busy_percent, 22.0);

  ASSERT_EQ(r.streams.size(), 1u);
  EXPECT_EQ(r.streams[0].stream_id, 7);
  EXPECT_EQ(r.streams[0].target_kernels, 3u);
  EXPECT_EQ(r.streams[0].gap_before.samples, (samples{50, 700, 10}));

  const auto* gap = r.find("gap.before_target");
  EXPECT_EQ(gap->stats.n, 3u);
  EXPECT_EQ(gap->stats.median, 50);
  EXPECT_EQ(gap->stats.min, 10);
  EXPECT_EQ(gap->stats.max, 700);
  EXPECT_EQ(gap->stats.mad, 40);  // |10-50| |50-50| |700-50| -> 40
}

TEST(analysis, target_by_substring_and_default_and_unknown) {
  const auto t = two_iterations();
  analysis_options o;
  o.target = "target";
  const auto sub = analyze(t, o);
  EXPECT_FALSE(sub.target_exact);
  EXPECT_EQ(sub.target_kernels, 3u);
  o.target = "_k";
  EXPECT_EQ(analyze(t, o).target_kernels, 5u);  // other_k and target_k
  EXPECT_EQ(analyze(t).target_names, (std::vector<std::string>{"target_k"}));  // 3 of 5 executions
  o.target = "missing";
  try {
    analyze(t, o);
    FAIL() << "no error";
  } catch (const analysis_error& e) {
    EXPECT_EQ(std::string(e.what()), "no kernel name equals or contains \"missing\" (kernels: other_k, target_k)");
  }
}

TEST(analysis, gaps_are_per_stream) {
  test_support::trace_builder b;
  const auto s2 = b.add_stream(8);
  b.kernel("t", 0, 10, 0);
  b.kernel("t", 0, 5, 0, s2);
  b.kernel("x", 15, 20, 0);
  b.kernel("t", 30, 40, 0);
  b.kernel("t", 100, 110, 0, s2);
  const auto r = analyze(b.t);
  ASSERT_EQ(r.streams.size(), 2u);
  EXPECT_EQ(r.streams[0].gap_before.samples, (samples{10}));     // 30 - 20
  EXPECT_EQ(r.streams[0].gap_after.samples, (samples{5}));       // 15 - 10
  EXPECT_EQ(r.streams[1].gap_before.samples, (samples{95}));     // 100 - 5
  EXPECT_EQ(r.streams[1].gap_after.samples, (samples{95}));
  EXPECT_EQ(metric_samples(r, "gap.before_target"), (samples{10, 95}));
  // No iterations: the span is the whole trace [0, 110), busy [0,10) [15,20) [30,40) [100,110).
  EXPECT_FALSE(r.span_is_iterations);
  EXPECT_EQ(r.gpu_busy_ns, 35);
  EXPECT_EQ(r.span_ns, 110);
}

TEST(analysis, runtime_launch_hides_its_nested_driver_launch_and_graphs_link_to_first_kernel) {
  test_support::trace_builder b;
  b.api("cudaLaunchKernel", 0, 20, 1, event_kind::runtime_api);
  b.api("cuLaunchKernel_ptsz", 5, 15, 1);
  b.kernel("k", 30, 40, 1);
  b.api("cudaGraphLaunch", 50, 60, 2, event_kind::runtime_api);
  b.kernel("k", 90, 95, 2);
  b.kernel("k", 70, 80, 2);
  b.api("cuLaunchKernelEx", 100, 103, 0);  // no correlation: counted only when nothing is targeted
  const auto r = analyze(b.t);
  EXPECT_EQ(r.launches, 3u);
  EXPECT_EQ(metric_samples(r, "launch.latency"), (samples{30, 20}));
  EXPECT_EQ(metric_samples(r, "launch.api_duration"), (samples{20, 10}));
  EXPECT_EQ(metric_samples(r, "launch.dispatch_overhead"), (samples{30}));  // 50 - 20
}

TEST(analysis, launch_and_module_names) {
  for (auto n : {"cuLaunchKernel", "cuLaunchKernelEx", "cuLaunchKernel_ptsz", "cuLaunchKernelEx_ptsz",
                 "cuLaunchCooperativeKernel", "cuGraphLaunch", "cudaLaunchKernel", "cudaGraphLaunch"}) {
    EXPECT_TRUE(is_launch_api_name(n)) << n;
  }
  EXPECT_FALSE(is_launch_api_name("cuLaunchHostFunc"));
  for (auto n : {"cuModuleLoad", "cuModuleLoadData", "cuModuleLoadDataEx", "cuModuleLoadFatBinary", "cuLibraryLoadData",
                 "cuLibraryLoadFromFile", "cuModuleGetFunction", "cuLibraryGetKernel", "cuModuleUnload"}) {
    EXPECT_TRUE(is_module_api_name(n)) << n;
  }
  EXPECT_FALSE(is_module_api_name("cuModuleGetGlobal"));
  EXPECT_TRUE(is_iteration_range_name("iteration"));
  EXPECT_TRUE(is_iteration_range_name("iter 3"));
  EXPECT_FALSE(is_iteration_range_name("Iteration"));
}

TEST(analysis, empty_trace_is_fine) {
  const auto r = analyze(trace{});
  EXPECT_EQ(r.events, 0u);
  EXPECT_TRUE(r.target_names.empty());
  EXPECT_TRUE(std::isnan(r.gpu_busy_percent));
  for (const auto& m : r.metrics) EXPECT_EQ(m.stats.n, 0u) << m.name;
  std::ostringstream table;
  print_analysis_table(table, r);
  EXPECT_NE(table.str().find("kernel.duration"), std::string::npos);
  const auto j = nlohmann::json::parse(analysis_to_json(r));
  EXPECT_TRUE(j["metrics"]["kernel.duration"]["median"].is_null());
}

TEST(analysis, summary_json_schema) {
  analysis_options o;
  o.target = "target_k";
  const auto r = analyze(two_iterations(), o);
  const auto j = nlohmann::json::parse(analysis_to_json(r, "x.json"));
  EXPECT_EQ(j["schema"], "tb.profiler.analysis");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["source"], "x.json");
  EXPECT_EQ(j["target"]["match"], "exact");
  EXPECT_EQ(j["target"]["kernels"], 3);
  const auto& gap = j["metrics"]["gap.before_target"];
  EXPECT_EQ(gap["unit"], "ns");
  EXPECT_EQ(gap["n"], 3);
  EXPECT_EQ(gap["median"], 50.0);
  EXPECT_EQ(gap["p5"], 14.0);  // h = 0.1: 10 + 0.1 * 40
  EXPECT_EQ(gap["ci_method"], "bootstrap");
  EXPECT_TRUE(j["metrics"]["launch.dispatch_range_to_launch"]["ci95_low"].is_number());
  EXPECT_EQ(j["module_load"]["calls"], 3);
  EXPECT_EQ(j["module_load"]["total_ns"], 70);
  EXPECT_EQ(j["gpu_busy"]["percent"], 22.0);
  EXPECT_EQ(j["gpu_busy"]["span"], "iterations");
  EXPECT_EQ(j["streams"][0]["stream"], 7);
  EXPECT_TRUE(j["metrics"]["gpu.busy_per_iteration"]["unit"] == "percent");
}

TEST(analysis, table_uses_adaptive_units) {
  EXPECT_EQ(format_duration(850), "850 ns");
  EXPECT_EQ(format_duration(4321), "4.321 us");
  EXPECT_EQ(format_duration(1'250'000), "1.250 ms");
  EXPECT_EQ(format_duration(2.5e9), "2.500 s");
  analysis_options o;
  o.target = "target_k";
  std::ostringstream out;
  print_analysis_table(out, analyze(two_iterations(), o));
  const auto s = out.str();
  EXPECT_NE(s.find("target: target_k (3 executions)"), std::string::npos) << s;
  EXPECT_NE(s.find("launch.latency"), std::string::npos);
  EXPECT_NE(s.find("160 ns [100 ns .. 170 ns]"), std::string::npos) << s;
  EXPECT_NE(s.find("GPU busy: 22.0 %"), std::string::npos) << s;
}

TEST(analysis, survives_a_round_trip_through_json) {
  const auto t = two_iterations();
  const auto back = parse_chrome_trace(to_chrome_trace_json(t));
  analysis_options o;
  o.target = "target_k";
  EXPECT_EQ(analyze(back, o).find("launch.latency")->samples, analyze(t, o).find("launch.latency")->samples);
}
