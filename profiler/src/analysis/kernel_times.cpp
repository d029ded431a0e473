// kernel.duration (each target kernel, trace order) and iteration.duration (each
// iteration range, by start).
#include "analysis/context.hpp"

namespace tb::profiler::detail {

void kernel_times(const analysis_context& c, analysis_result& r) {
  metric m = make_metric("kernel.duration", metric_unit::nanoseconds);
  m.samples.reserve(c.target_kernels.size());
  for (const auto& k : c.target_kernels) m.samples.push_back(static_cast<double>(k.end - k.start));
  r.metrics.push_back(std::move(m));
}

void iteration_times(const analysis_context& c, analysis_result& r) {
  metric m = make_metric("iteration.duration", metric_unit::nanoseconds);
  m.samples.reserve(c.iterations.size());
  for (const auto& it : c.iterations.ranges()) m.samples.push_back(static_cast<double>(it.end - it.start));
  r.metrics.push_back(std::move(m));
}

}  // namespace tb::profiler::detail
