// What every metric family of analyze() reads: the trace's events classified once by
// interned name (the per-name tests run once per distinct string, not once per event) into
// compact index lists. Each family (one .cpp here) adds its metrics to the result by id;
// definitions: docs/profiler.md, "Metrics".
#pragma once

#include <tb/profiler/analysis.hpp>

#include "analysis/intervals.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tb::profiler::detail {

enum name_flags : std::uint8_t {
  flag_launch = 1,
  flag_module = 2,
  flag_iteration = 4,
  flag_dispatch = 8,
  flag_target = 16,
};

inline bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
/// NVTX ranges whose name starts with "dispatch" (launch.dispatch_range_to_launch).
bool is_dispatch_range_name(std::string_view name) noexcept;

/// A launch call and the kernel it started (linked by correlation id), compact so that the
/// launch families need not read the events again.
struct launch_call {
  std::int64_t start = 0, end = 0;  ///< the call's
  std::int64_t kernel_start = 0;    ///< its kernel's, when has_kernel
  bool has_kernel = false;          ///< false: no kernel of the trace has its correlation id
  bool counted = false;             ///< launch metrics sample it: its kernel is a target, or nothing is targeted
};

struct analysis_context {
  const trace* source = nullptr;
  std::span<const event> events;
  std::vector<std::uint8_t> flags;  ///< name_flags per string id
  bool any_target = false;
  std::vector<interval> target_kernels;                       ///< trace order
  std::vector<std::vector<std::uint32_t>> kernels_by_track;   ///< sorted by start
  std::vector<std::vector<launch_call>> launches_by_track;    ///< sorted by start, nested driver launches dropped
  std::vector<std::uint32_t> module_calls;                    ///< trace order
  std::vector<std::uint32_t> dispatch_ranges;                 ///< trace order
  iteration_index iterations;                                 ///< sorted by start
  std::vector<interval> gpu_work;                             ///< kernels, memcpy, memset; sorted by start
  std::int64_t first_start = 0, last_end = 0;                 ///< over all events

  const event& at(std::uint32_t i) const noexcept { return events[i]; }
  bool is_target(string_id name) const noexcept { return (flags[name] & flag_target) != 0; }
};

/// Classifies the trace and resolves the target; fills the result's counts and target
/// fields. Throws analysis_error as analyze() does.
analysis_context make_context(const trace& t, const analysis_options& options, analysis_result& r);

/// Marks the target names in `flags` and fills r.target_names and r.target_kernels;
/// `kernel_count` is per string id. Throws analysis_error when a pattern matches nothing.
void resolve_target(const trace& t, const std::string& pattern, std::span<const std::uint32_t> kernel_count,
                    std::vector<std::uint8_t>& flags, analysis_result& r);

metric make_metric(std::string_view id, metric_unit unit, std::vector<double> samples = {});

// The metric families, in the order their metrics are listed (table, summary JSON, results).
void kernel_times(const analysis_context& c, analysis_result& r);     // kernel.duration
void gaps(const analysis_context& c, analysis_result& r);             // gap.*_target, overlap.*_target, streams
void gaps_per_launch(const analysis_context& c, analysis_result& r);  // gap.per_launch
void launch_api(const analysis_context& c, analysis_result& r);       // launch.api_duration, launch.latency
void dispatch(const analysis_context& c, analysis_result& r);         // launch.dispatch_*
void module_loads(const analysis_context& c, const summary_options& statistics, analysis_result& r);  // module.*
void iteration_times(const analysis_context& c, analysis_result& r);  // iteration.duration
void gpu_busy(const analysis_context& c, analysis_result& r);         // gpu.busy_per_iteration, gpu_busy_*

}  // namespace tb::profiler::detail
