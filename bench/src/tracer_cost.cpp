#include "tracer_cost.hpp"

#include <cmath>

namespace tb::bench {

std::optional<metric_result> tracer_cost_metric(const metric_result& untraced, const metric_result& traced) {
  const auto& u = untraced.stats;
  const auto& t = traced.stats;
  if (u.n == 0 || t.n == 0) return std::nullopt;
  metric_result m;
  m.id = "tracer.cost_per_launch";
  m.unit = "ns";
  for (double x : traced.samples) m.samples.push_back(x - u.median);
  m.stats = tb::profiler::summarize(m.samples);
  const double d = t.median - u.median;  // the summary's median already; exact by construction
  m.stats.median = d;
  m.stats.ci_low = d - std::hypot(t.median - t.ci_low, u.ci_high - u.median);
  m.stats.ci_high = d + std::hypot(t.ci_high - t.median, u.median - u.ci_low);
  m.stats.ci_from_bootstrap = u.ci_from_bootstrap && t.ci_from_bootstrap;
  return m;
}

}  // namespace tb::bench
