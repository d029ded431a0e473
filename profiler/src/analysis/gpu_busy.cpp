// gpu.busy_per_iteration and gpu_busy_*: the length of the union of kernel, memcpy and
// memset intervals (all devices) inside each iteration, and over the span (first iteration
// start to last iteration end, else the whole trace).
#include "analysis/context.hpp"

#include <limits>

namespace tb::profiler::detail {

namespace {

void busy_over_span(const analysis_context& c, const std::vector<interval>& merged, analysis_result& r) {
  std::int64_t lo = c.first_start, hi = c.last_end;
  if (!c.iterations.empty()) {
    r.span_is_iterations = true;
    lo = c.iterations.ranges().front().start;
    hi = std::numeric_limits<std::int64_t>::min();
    for (const auto& it : c.iterations.ranges()) hi = std::max(hi, it.end);
  }
  if (c.events.empty() || hi <= lo) {
    r.span_ns = 0;
    r.gpu_busy_percent = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  r.span_ns = hi - lo;
  r.gpu_busy_ns = covered(merged, lo, hi);
  r.gpu_busy_percent = 100.0 * static_cast<double>(r.gpu_busy_ns) / static_cast<double>(r.span_ns);
}

}  // namespace

void gpu_busy(const analysis_context& c, analysis_result& r) {
  const std::vector<interval> merged = union_of(c.gpu_work);
  busy_over_span(c, merged, r);
  metric per_iteration = make_metric("gpu.busy_per_iteration", metric_unit::percent);
  for (const auto& it : c.iterations.ranges()) {
    if (it.end <= it.start) continue;
    per_iteration.samples.push_back(100.0 * static_cast<double>(covered(merged, it.start, it.end)) /
                                    static_cast<double>(it.end - it.start));
  }
  r.metrics.push_back(std::move(per_iteration));
}

}  // namespace tb::profiler::detail
