// Summary JSON of an analysis (schema "tb.profiler.analysis", version 1, documented in
// docs/profiler.md). Statistics of empty metrics are written as null.
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/kernel_stats.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <ostream>

namespace tb::profiler {

namespace {

using json = nlohmann::ordered_json;

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json summary_json(const summary& s) {
  json j;
  j["n"] = s.n;
  if (s.n == 0) {
    for (const char* k : {"mean", "median", "ci95_low", "ci95_high", "p5", "p95", "p99", "min", "max", "mad"}) j[k] = nullptr;
    j["ci_method"] = nullptr;
    return j;
  }
  j["mean"] = number_or_null(s.mean);
  j["median"] = number_or_null(s.median);
  j["ci95_low"] = number_or_null(s.ci_low);
  j["ci95_high"] = number_or_null(s.ci_high);
  j["p5"] = number_or_null(s.p5);
  j["p95"] = number_or_null(s.p95);
  j["p99"] = number_or_null(s.p99);
  j["min"] = number_or_null(s.min);
  j["max"] = number_or_null(s.max);
  j["mad"] = number_or_null(s.mad);
  j["ci_method"] = s.ci_from_bootstrap ? "bootstrap" : "order_statistic";
  return j;
}

json build(const analysis_result& r, std::string_view source) {
  json j;
  j["schema"] = "tb.profiler.analysis";
  j["version"] = 1;
  j["source"] = std::string(source);
  const auto& md = r.metadata;
  j["trace"] = {{"events", r.events},
                {"kernels", r.kernels},
                {"launches", r.launches},
                {"iterations", r.iterations},
                {"gpu_name", md.gpu_name},
                {"driver_version", md.driver_version},
                {"cuda_version", md.cuda_version},
                {"cupti_version", md.cupti_version},
                {"mode", md.mode},
                {"scenario", md.scenario},
                {"dropped_records", md.dropped_records}};
  j["target"] = {{"pattern", r.target_pattern},
                 {"match", r.target_pattern.empty() ? "most_frequent" : (r.target_exact ? "exact" : "substring")},
                 {"names", r.target_names},
                 {"kernels", r.target_kernels}};
  json metrics = json::object();
  for (const auto& m : r.metrics) {
    json mj = summary_json(m.stats);
    mj["unit"] = std::string(to_string(m.unit));
    metrics[m.name] = std::move(mj);
  }
  j["metrics"] = std::move(metrics);
  json streams = json::array();
  for (const auto& s : r.streams) {
    streams.push_back({{"process", s.process_name},
                       {"track", s.track_name},
                       {"stream", s.stream_id},
                       {"target_kernels", s.target_kernels},
                       {"gap_before_target", summary_json(s.gap_before.stats)},
                       {"gap_after_target", summary_json(s.gap_after.stats)},
                       {"overlapped_before_target", s.overlapped_before},
                       {"overlapped_after_target", s.overlapped_after}});
  }
  j["streams"] = std::move(streams);
  json apis = json::array();
  for (const auto& a : r.module_apis) {
    apis.push_back({{"name", a.name}, {"calls", a.calls}, {"total_ns", a.total_ns}, {"duration", summary_json(a.duration)}});
  }
  j["module_load"] = {{"calls", r.module_calls}, {"total_ns", r.module_total_ns}, {"apis", std::move(apis)}};
  j["gpu_busy"] = {{"percent", number_or_null(r.gpu_busy_percent)},
                   {"busy_ns", r.gpu_busy_ns},
                   {"span_ns", r.span_ns},
                   {"span", r.span_is_iterations ? "iterations" : "trace"}};
  return j;
}

}  // namespace

std::string analysis_to_json(const analysis_result& result, std::string_view source) {
  return build(result, source).dump(2) + "\n";
}

void write_analysis_json(std::ostream& out, const analysis_result& result, std::string_view source) {
  out << analysis_to_json(result, source);
}

std::string kernel_stats_to_json(std::span<const kernel_stats_row> rows, std::string_view source) {
  json j;
  j["schema"] = "tb.profiler.kernel_stats";
  j["version"] = 1;
  j["source"] = std::string(source);
  j["kernels"] = json::array();
  for (const auto& r : rows) {
    json k;
    k["name"] = r.name;
    if (r.track != no_index) k["stream"] = {{"track", r.track}, {"stream_id", r.stream_id}, {"name", r.stream}};
    k["count"] = r.count;
    k["total_ns"] = r.total_ns;
    k["time_percent"] = number_or_null(r.time_percent);
    k["duration_stddev_ns"] = number_or_null(r.duration_stddev_ns);
    k["duration"] = summary_json(r.duration);
    k["launch_api"] = summary_json(r.launch_api);
    k["launch_latency"] = summary_json(r.launch_latency);
    k["gap_before"] = summary_json(r.gap_before);
    j["kernels"].push_back(std::move(k));
  }
  return j.dump(1) + "\n";
}

}  // namespace tb::profiler
