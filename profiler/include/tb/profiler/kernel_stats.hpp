// Per-kernel launch statistics: for each kernel name (and stream), how often it ran, its
// total and share of GPU kernel time, and summaries of its duration, launch call, launch
// latency and the gap before it (nsys' cuda_gpu_kern_sum and cuda_kern_exec_sum, Holistic
// Trace Analysis' kernel launch statistics; docs/profiler.md, "Per-kernel statistics").
// A pure function of the trace; the timeline viewer calls it for a selected time range.
#pragma once

#include <tb/profiler/statistics.hpp>
#include <tb/profiler/trace.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tb::profiler {

struct kernel_stats_options {
  /// One row per kernel name and stream (GPU track) instead of one per kernel name.
  bool by_stream = false;
  /// Only kernels whose start is in [begin_ns, end_ns) (trace times); unset: no bound.
  std::optional<std::int64_t> begin_ns, end_ns;
  /// For a viewer recomputing on every selection: bootstrap_max_samples = 0 makes every
  /// interval the order-statistic one (no resampling; O(n log n) per row).
  summary_options statistics;
};

struct kernel_stats_row {
  std::string name;                 ///< the kernel's name
  std::uint32_t track = no_index;   ///< by_stream: the stream, an index into trace::tracks(); else no_index
  std::int64_t stream_id = -1;      ///< by_stream: the track's tid (the stream id); else -1
  std::string stream;               ///< by_stream: "PROCESS / TRACK" names (e.g. "GPU 0 / stream 7"); else empty
  std::uint64_t count = 0;          ///< kernels (instances)
  std::int64_t total_ns = 0;        ///< summed duration
  double time_percent = 0;          ///< total_ns / the total of every row x 100
  double duration_stddev_ns = 0;    ///< sample standard deviation (n - 1) of the duration; 0 for one kernel
  summary duration;                 ///< end - start of each kernel
  summary launch_api;               ///< duration of its launch call (same correlation id; n: kernels that have one)
  summary launch_latency;           ///< kernel start - its launch call's start
  summary gap_before;               ///< kernel start - end of the previous GPU work on its stream (not for the first)
};

/// The rows, sorted by total_ns descending (then name, then track). Kernels are events of
/// kind kernel (Kineto's "kernel" and "cuda_profiler_range"). The launch call is the
/// runtime or driver API event with the kernel's correlation id (the runtime one when
/// both are there); the previous GPU work (kernel, memcpy, memset; by start, ties in trace
/// order) may lie before the window. O(events) plus sorting and summarising the samples.
std::vector<kernel_stats_row> per_kernel_stats(const trace& t, const kernel_stats_options& options = {});

/// JSON of the rows (schema "tb.profiler.kernel_stats", version 1; docs/profiler.md);
/// `source` names the trace file.
std::string kernel_stats_to_json(std::span<const kernel_stats_row> rows, std::string_view source = {});

/// Table in the order of nsys' cuda_gpu_kern_sum (Time %, Total, Instances, Avg, Med, Min,
/// Max, StdDev) plus the medians of launch API, launch latency and gap before, then the
/// stream (by_stream rows) and the name; durations scaled to ns/us/ms/s.
void print_kernel_stats_table(std::ostream& out, std::span<const kernel_stats_row> rows);

}  // namespace tb::profiler
