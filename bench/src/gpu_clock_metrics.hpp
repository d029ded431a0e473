// What the untraced rounds' CUDA events give one mode (docs/bench.md, "Method"):
// gpu.time_per_launch_untraced, each window's GPU time over its launches, and
// gap.untraced_mean (untraced_gap.hpp), one sample per window, or why the gap was not
// measured.
#pragma once

#include "results.hpp"
#include "untraced_gap.hpp"

#include <cstdint>
#include <span>

namespace tb::bench {

// Appends the metrics to `m.metrics`, a refused gap to `m.not_measured`. No windows (a
// mode that ran no untraced batch): nothing at all.
void add_gpu_clock_metrics(mode_result& m, std::span<const event_window> windows, const iteration_work& work,
                           std::uint64_t launches_per_iteration, double clock_floor_ns);

}  // namespace tb::bench
