#include "gpu_clock_metrics.hpp"

#include "method.hpp"

namespace tb::bench {

namespace {

std::vector<double> per_launch(std::span<const event_window> windows, std::uint64_t launches_per_iteration) {
  std::vector<double> out;
  for (const auto& w : windows)
    if (w.iterations > 0) out.push_back(w.gpu_ns / static_cast<double>(w.iterations * launches_per_iteration));
  return out;
}

}  // namespace

void add_gpu_clock_metrics(mode_result& m, std::span<const event_window> windows, const iteration_work& work,
                           std::uint64_t launches_per_iteration, double clock_floor_ns) {
  if (windows.empty()) return;
  if (launches_per_iteration > 0)
    m.metrics.push_back(make_metric("gpu.time_per_launch_untraced", "ns", per_launch(windows, launches_per_iteration),
                                    clock_floor_ns));
  untraced_gaps gaps = untraced_gap_per_window(windows, work);
  if (!gaps.refusal.empty()) m.not_measured.push_back({"gap.untraced_mean", std::move(gaps.refusal)});
  else m.metrics.push_back(make_metric("gap.untraced_mean", "ns", std::move(gaps.gap_ns), clock_floor_ns));
}

}  // namespace tb::bench
