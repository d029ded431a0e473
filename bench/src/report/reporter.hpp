// How triton-bench prints what it has, apart from what it has (as Google Benchmark keeps
// its reporters apart from its runs): a reporter is chosen by name (--format) and prints
// each kind of thing the command produces through one overload of report().
//
//   results    a run's results (results.hpp), measured now or read from a recording
//   analysis   one trace's analysis (tb::profiler::analysis_result, `triton-bench analyze`)
//   kernels    one trace's per-kernel statistics (`triton-bench analyze --per-kernel`)
//
// Extension point for `compare` and `gate` (two results files, a later issue): their
// model goes beside results.hpp (a `comparison`: per mode and metric both summaries, the
// ratio of the medians, whether the 95 % intervals overlap, a verdict; for `gate` the
// threshold and pass/fail), built by a function, not by a reporter. It is then printed by
// a third overload here, `virtual void report(const destination&, const comparison&) const`,
// which every reporter implements; the registry and --format stay as they are.
#pragma once

#include "results.hpp"

#include <tb/profiler/analysis.hpp>
#include <tb/profiler/kernel_stats.hpp>

#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench::report {

// Where a report goes, and whether it may use ANSI colours (a terminal, no NO_COLOR:
// console.hpp decides). Only the table reporter colours; the others ignore it.
struct destination {
  std::ostream& out;
  bool colour = false;
};

// Whence results came: measured by this run, or read from a recording (`file`) because
// this machine has no GPU. A report of a recording says so.
struct provenance {
  bool recorded = false;
  std::string file;
};

class reporter {
 public:
  virtual ~reporter() = default;
  virtual void report(const destination& to, const results& r, const provenance& from) const = 0;
  // `trace` names the analysed file.
  virtual void report(const destination& to, const tb::profiler::analysis_result& a, std::string_view trace) const = 0;
  // The rows of tb::profiler::per_kernel_stats, as it sorts them.
  virtual void report(const destination& to, std::span<const tb::profiler::kernel_stats_row> rows,
                      std::string_view trace) const = 0;
};

// The reporters by name, in the order --help lists them: table, json, csv, markdown.
const std::vector<std::string>& reporter_names();
// nullptr when `name` is none of reporter_names().
std::unique_ptr<const reporter> make_reporter(std::string_view name);

}  // namespace tb::bench::report
