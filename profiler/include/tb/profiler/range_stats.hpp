// What the GPU did in a time window: how many kernels started in it, how much of it some
// GPU work (kernel, memcpy, memset; any stream, any device) covered, and the idle time
// between that work. The timeline viewer shows it for a selected range, beside the
// per-kernel table of the same window (kernel_stats.hpp). A pure function of the trace.
#pragma once

#include <tb/profiler/trace.hpp>

#include <cstdint>

namespace tb::profiler {

struct range_stats {
  std::int64_t begin_ns = 0, end_ns = 0;  ///< the window [begin_ns, end_ns), trace times
  std::uint64_t kernels = 0;              ///< kernels whose start is in the window (per_kernel_stats' rule)
  std::uint64_t gpu_operations = 0;       ///< kernels, memcpys and memsets overlapping the window
  std::int64_t busy_ns = 0;               ///< length of the union of that GPU work inside the window
  double busy_percent = 0;                ///< busy_ns / (end_ns - begin_ns) x 100; 0 for an empty window
  /// Idle time between GPU work inside the window: from the first work's start to the last
  /// work's end (both clipped to the window), what no work covers. Idle time before the
  /// first and after the last work is not a gap between work, so it is not counted.
  std::int64_t gaps_ns = 0;
  std::uint64_t gaps = 0;  ///< the idle stretches summed in gaps_ns
};

/// The statistics of [begin_ns, end_ns); an empty or reversed window gives zeros. O(events
/// + GPU work log GPU work).
range_stats compute_range_stats(const trace& t, std::int64_t begin_ns, std::int64_t end_ns);

}  // namespace tb::profiler
