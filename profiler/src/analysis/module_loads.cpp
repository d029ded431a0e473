// module.call_duration, module.calls_per_iteration, module.time_per_iteration, and per
// module API: calls, total and summary (module_apis, sorted by name).
#include "analysis/context.hpp"

#include <map>

namespace tb::profiler::detail {

namespace {

module_api_stats api_stats(std::string_view name, const std::vector<double>& durations,
                           const summary_options& statistics) {
  module_api_stats s;
  s.name = std::string(name);
  s.calls = durations.size();
  for (double d : durations) s.total_ns += static_cast<std::int64_t>(d);
  s.duration = summarize(durations, statistics);
  return s;
}

}  // namespace

void module_loads(const analysis_context& c, const summary_options& statistics, analysis_result& r) {
  metric duration = make_metric("module.call_duration", metric_unit::nanoseconds);
  metric calls = make_metric("module.calls_per_iteration", metric_unit::count,
                             std::vector<double>(c.iterations.size(), 0.0));
  metric time = make_metric("module.time_per_iteration", metric_unit::nanoseconds,
                            std::vector<double>(c.iterations.size(), 0.0));
  std::map<std::string_view, std::vector<double>> by_name;
  for (auto i : c.module_calls) {
    const event& e = c.at(i);
    const auto d = static_cast<double>(e.duration_ns());
    duration.samples.push_back(d);
    by_name[c.source->str(e.name)].push_back(d);
    r.module_total_ns += e.duration_ns();
    if (const auto it = c.iterations.of(e.start_ns); it != no_index) {
      calls.samples[it] += 1;
      time.samples[it] += d;
    }
  }
  r.module_calls = c.module_calls.size();
  for (const auto& [name, durations] : by_name) r.module_apis.push_back(api_stats(name, durations, statistics));
  r.metrics.push_back(std::move(duration));
  r.metrics.push_back(std::move(calls));
  r.metrics.push_back(std::move(time));
}

}  // namespace tb::profiler::detail
