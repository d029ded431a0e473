// launch.api_duration (each launch call of a target kernel; every launch call when nothing
// is targeted) and launch.latency (its kernel's start - the call's start).
#include "analysis/context.hpp"

namespace tb::profiler::detail {

void launch_api(const analysis_context& c, analysis_result& r) {
  metric api = make_metric("launch.api_duration", metric_unit::nanoseconds);
  metric latency = make_metric("launch.latency", metric_unit::nanoseconds);
  api.samples.reserve(r.launches);
  latency.samples.reserve(r.launches);
  for (const auto& list : c.launches_by_track) {
    for (const launch_call& l : list) {
      if (!l.counted) continue;
      api.samples.push_back(static_cast<double>(l.end - l.start));
      if (l.has_kernel) latency.samples.push_back(static_cast<double>(l.kernel_start - l.start));
    }
  }
  r.metrics.push_back(std::move(api));
  r.metrics.push_back(std::move(latency));
}

}  // namespace tb::profiler::detail
