// --format csv, for spreadsheets and scripts: a header row, then one row per mode and
// metric (results) or per metric (analysis), every summary statistic in its own column,
// numbers unformatted (nanoseconds, percent or counts; empty when there is none). Fields
// are quoted as RFC 4180 says (a field with a comma, quote or line break is enclosed in
// quotes, its quotes doubled); rows end with "\n".
#pragma once

#include "report/reporter.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench::report {

// The results' columns. Cold starts are rows too: mode = their label ("jit (empty Triton
// cache)"), metric = "cold_start", then per phase "cold_start.<phase>" and
// "cold_start.after_context" when the run has the breakdown. A mode that has no metrics
// (it failed) has no row.
inline constexpr std::string_view csv_results_header =
    "scenario,gpu,mode,status,check_kind,check_status,metric,unit,n,median,ci95_low,ci95_high,mean,p5,p95,p99,"
    "min,max,mad,ci_method,at_clock_floor,ratio_to_cubin_cached";
// The analysis' columns: scope is "trace", a stream ("stream 7", "python / stream 7") for
// its gaps, or "module API" for each API's call durations (metric = the API's name).
inline constexpr std::string_view csv_analysis_header =
    "trace,scope,metric,unit,n,median,ci95_low,ci95_high,mean,p5,p95,p99,min,max,mad,ci_method";
// Per-kernel statistics (analyze --per-kernel): one row per kernel (and stream), in
// nanoseconds; the launch columns are medians over the kernels that have a launch call, the
// gap column over those with GPU work before them on their stream; empty when none.
inline constexpr std::string_view csv_kernel_stats_header =
    "trace,name,stream,stream_id,time_percent,total_ns,instances,avg_ns,med_ns,min_ns,max_ns,stddev_ns,"
    "med_ci95_low_ns,med_ci95_high_ns,launch_api_n,launch_api_med_ns,launch_latency_n,launch_latency_med_ns,"
    "launch_latency_p95_ns,gap_before_n,gap_before_med_ns";

// One field, quoted when it must be.
std::string csv_field(std::string_view text);
// The fields joined by commas, each through csv_field, and "\n".
std::string csv_row(const std::vector<std::string>& fields);

std::unique_ptr<const reporter> make_csv_reporter();

}  // namespace tb::bench::report
