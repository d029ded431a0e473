#include "untraced_gap.hpp"

#include <tb/profiler/analysis.hpp>

#include <fmt/format.h>

namespace tb::bench {

namespace {

// Why `work` cannot be spread over the windows, or empty.
std::string work_refusal(std::span<const event_window> windows, const iteration_work& work) {
  if (!work.problem.empty()) return work.problem;
  if (work.streams > 1)
    return fmt::format("the kernels ran on {} streams: two events on one stream do not bound the others' work",
                       work.streams);
  if (work.launches == 0) return "the traced rounds recorded no GPU work";
  if (windows.empty()) return "no event windows: the untraced rounds recorded no GPU time";
  return {};
}

std::string overlap(std::size_t index, double gpu_ns, double busy_ns) {
  return fmt::format("window {}: GPU time {} < its kernels' traced time {} (kernels overlap, or run shorter untraced)",
                     index + 1, tb::profiler::format_duration(gpu_ns), tb::profiler::format_duration(busy_ns));
}

}  // namespace

untraced_gaps untraced_gap_per_window(std::span<const event_window> windows, const iteration_work& work) {
  untraced_gaps out;
  out.refusal = work_refusal(windows, work);
  if (!out.refusal.empty()) return out;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto n = static_cast<double>(windows[i].iterations);
    if (n == 0) continue;  // nothing launched: no boundary to spread anything over
    const double busy = n * work.busy_ns;
    if (windows[i].gpu_ns < busy) {
      out.refusal = overlap(i, windows[i].gpu_ns, busy);
      out.gap_ns.clear();
      return out;
    }
    out.gap_ns.push_back((windows[i].gpu_ns - busy) / (n * static_cast<double>(work.launches)));
  }
  return out;
}

}  // namespace tb::bench
