// Analysis of a trace: launch gaps, module loading, dispatch overhead, launch latency,
// kernel and iteration times, GPU busy time. Pure functions of the trace; the metric
// definitions are in docs/profiler.md ("Metrics").
#pragma once

#include <tb/profiler/statistics.hpp>
#include <tb/profiler/trace.hpp>

#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tb::profiler {

/// The target cannot be resolved (no kernel name matches it).
class analysis_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct analysis_options {
  /// Kernel name to analyse: an exact name, else every kernel whose name contains it.
  /// Empty: the kernel name with the most executions (ties: the first seen).
  std::string target;
  /// Ranges that mark one iteration: an exact name, or a prefix when it ends in '#'
  /// ("ProfilerStep#" matches "ProfilerStep#12"). Empty: ours ("iteration", "iter*") and
  /// Kineto's "ProfilerStep#N" (is_iteration_range_name). Either way NVTX ranges
  /// (Kineto's user_annotation) and Kineto's cpu_op events on CPU threads count.
  std::string iteration_range;
  summary_options statistics;
};

enum class metric_unit : std::uint8_t { nanoseconds, count, percent };
std::string_view to_string(metric_unit unit) noexcept;

struct metric {
  std::string name;         ///< stable id, e.g. "gap.before_target" (see docs/profiler.md)
  metric_unit unit = metric_unit::nanoseconds;
  std::vector<double> samples;  ///< one per occurrence, in trace order
  summary stats;
};

/// Gaps around the target kernel on one GPU stream.
struct stream_gaps {
  std::uint32_t track = 0;        ///< index into trace::tracks()
  std::string process_name;
  std::string track_name;
  std::int64_t stream_id = 0;     ///< the track's tid
  std::uint64_t target_kernels = 0;
  metric gap_before;   ///< negative: the target started before the kernel before it ended
  metric gap_after;    ///< negative: the next kernel started before the target ended
  std::uint64_t overlapped_before = 0;  ///< gap_before samples < 0
  std::uint64_t overlapped_after = 0;   ///< gap_after samples < 0
};

/// Calls of one module/library API.
struct module_api_stats {
  std::string name;
  std::uint64_t calls = 0;
  std::int64_t total_ns = 0;
  summary duration;
};

struct analysis_result {
  std::string target_pattern;              ///< as given (may be empty)
  std::vector<std::string> target_names;   ///< kernel names that matched
  bool target_exact = false;               ///< matched by exact name (else substring / most frequent)
  std::uint64_t target_kernels = 0;

  std::uint64_t events = 0;
  std::uint64_t kernels = 0;
  std::uint64_t launches = 0;              ///< launch API calls (driver calls under a runtime call counted once)
  std::uint64_t iterations = 0;

  /// Read one by id with find(). Listed (table, summary JSON) in this order: kernel.duration,
  /// gap.before_target, gap.after_target, overlap.before_target, overlap.after_target,
  /// gap.per_launch, launch.api_duration, launch.latency,
  /// launch.dispatch_overhead, launch.dispatch_range_to_launch, module.call_duration,
  /// module.calls_per_iteration, module.time_per_iteration, iteration.duration,
  /// gpu.busy_per_iteration.
  std::vector<metric> metrics;
  std::vector<stream_gaps> streams;

  std::uint64_t module_calls = 0;
  std::int64_t module_total_ns = 0;
  std::vector<module_api_stats> module_apis;  ///< sorted by name

  double gpu_busy_percent = 0;       ///< NaN when the span is empty
  std::int64_t gpu_busy_ns = 0;
  std::int64_t span_ns = 0;
  bool span_is_iterations = false;   ///< span: first iteration start to last iteration end

  trace_metadata metadata;           ///< copied from the trace

  const metric* find(std::string_view name) const noexcept;  ///< by id; nullptr when there is none
};

/// Runs every analysis. Throws analysis_error when `options.target` is non-empty and no
/// kernel name equals or contains it.
analysis_result analyze(const trace& t, const analysis_options& options = {});

/// Launch API names recognised (cuLaunchKernel, cuLaunchKernelEx, ..., cudaGraphLaunch).
bool is_launch_api_name(std::string_view name) noexcept;
/// Module/library API names counted as module loading.
bool is_module_api_name(std::string_view name) noexcept;
/// Range names that mark one iteration by default: ours ("iteration" or starting with
/// "iter") and Kineto's "ProfilerStep#N".
bool is_iteration_range_name(std::string_view name) noexcept;
/// True when `name` is `pattern`, or starts with it when the pattern ends in '#'
/// (analysis_options::iteration_range).
bool matches_range_name(std::string_view name, std::string_view pattern) noexcept;

/// Summary JSON (schema "tb.profiler.analysis", version 1; see docs/profiler.md).
/// `source` names the analysed trace file.
std::string analysis_to_json(const analysis_result& result, std::string_view source = {});
void write_analysis_json(std::ostream& out, const analysis_result& result, std::string_view source = {});

/// Human-readable table: metric, n, median [95 % CI], p5, p95, MAD, with units scaled to
/// ns/us/ms/s. This and write_analysis_json are the only printing functions.
void print_analysis_table(std::ostream& out, const analysis_result& result);

/// Formats a duration with an adapted unit ("850 ns", "4.32 us", "1.250 ms").
std::string format_duration(double ns);

}  // namespace tb::profiler
