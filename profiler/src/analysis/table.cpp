// The readable table of an analysis (a printing function by design).
#include <tb/profiler/analysis.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

namespace tb::profiler {

std::string format_duration(double ns) {
  if (!std::isfinite(ns)) return "-";
  const double a = std::fabs(ns);
  if (a < 1e3) return fmt::format("{:.0f} ns", ns);
  if (a < 1e6) return fmt::format("{:.3f} us", ns / 1e3);
  if (a < 1e9) return fmt::format("{:.3f} ms", ns / 1e6);
  return fmt::format("{:.3f} s", ns / 1e9);
}

namespace {

std::string format_value(double v, metric_unit unit) {
  if (!std::isfinite(v)) return "-";
  switch (unit) {
    case metric_unit::nanoseconds: return format_duration(v);
    case metric_unit::count: return v == std::floor(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v);
    case metric_unit::percent: return fmt::format("{:.1f} %", v);
  }
  return "-";
}

struct row {
  std::string cells[6];
};

void print_rows(std::ostream& out, const std::vector<row>& rows) {
  std::size_t width[6] = {};
  for (const auto& r : rows) {
    for (int c = 0; c < 6; ++c) width[c] = std::max(width[c], r.cells[c].size());
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line = fmt::format("{:<{}}", rows[i].cells[0], width[0]);
    for (int c = 1; c < 6; ++c) line += fmt::format("  {:>{}}", rows[i].cells[c], width[c]);
    out << line << '\n';
    if (i == 0) out << std::string(line.size(), '-') << '\n';
  }
}

row make_row(std::string name, const summary& s, metric_unit unit) {
  row r;
  r.cells[0] = std::move(name);
  r.cells[1] = std::to_string(s.n);
  if (s.n == 0) {
    static const std::string dash("-");
    for (int c = 2; c < 6; ++c) r.cells[c].assign(dash);
    return r;
  }
  r.cells[2] = fmt::format("{} [{} .. {}]", format_value(s.median, unit), format_value(s.ci_low, unit),
                           format_value(s.ci_high, unit));
  r.cells[3] = format_value(s.p5, unit);
  r.cells[4] = format_value(s.p95, unit);
  r.cells[5] = format_value(s.mad, unit);
  return r;
}

}  // namespace

void print_analysis_table(std::ostream& out, const analysis_result& r) {
  if (!r.metadata.gpu_name.empty() || !r.metadata.mode.empty()) {
    out << fmt::format("GPU: {}  mode: {}  scenario: {}\n", r.metadata.gpu_name.empty() ? "-" : r.metadata.gpu_name,
                       r.metadata.mode.empty() ? "-" : r.metadata.mode,
                       r.metadata.scenario.empty() ? "-" : r.metadata.scenario);
  }
  std::string names;
  for (std::size_t i = 0; i < r.target_names.size() && i < 3; ++i) {
    if (i) names += ", ";
    names += r.target_names[i];
  }
  if (r.target_names.size() > 3) names += fmt::format(" (+{} more)", r.target_names.size() - 3);
  out << fmt::format("target: {} ({} executions)\n", names.empty() ? "-" : names, r.target_kernels);
  out << fmt::format("events: {}  kernels: {}  launch calls: {}  iterations: {}\n", r.events, r.kernels, r.launches,
                     r.iterations);
  if (r.metadata.dropped_records > 0) {
    out << fmt::format("warning: {} CUPTI records were dropped; the numbers are incomplete\n",
                       r.metadata.dropped_records);
  }
  out << '\n';

  std::vector<row> rows;
  rows.push_back({{"metric", "n", "median [95% CI]", "p5", "p95", "MAD"}});
  for (const auto& m : r.metrics) rows.push_back(make_row(m.name, m.stats, m.unit));
  print_rows(out, rows);

  if (r.streams.size() > 1) {
    out << '\n';
    rows.clear();
    rows.push_back({{"per stream", "n", "median [95% CI]", "p5", "p95", "MAD"}});
    for (const auto& s : r.streams) {
      const std::string label = s.process_name.empty() ? fmt::format("stream {}", s.stream_id)
                                                       : fmt::format("{} / stream {}", s.process_name, s.stream_id);
      rows.push_back(make_row(label + " gap before", s.gap_before.stats, metric_unit::nanoseconds));
      rows.push_back(make_row(label + " gap after", s.gap_after.stats, metric_unit::nanoseconds));
    }
    print_rows(out, rows);
  }
  for (const auto& s : r.streams) {
    if (s.overlapped_before == 0 && s.overlapped_after == 0) continue;
    out << fmt::format("stream {}: the target overlapped the kernel before it {} of {} times, the kernel after it {} "
                       "of {} times (negative gaps: measured overlaps)\n",
                       s.stream_id, s.overlapped_before, s.gap_before.samples.size(), s.overlapped_after,
                       s.gap_after.samples.size());
  }

  if (r.module_calls > 0) {
    out << '\n';
    rows.clear();
    rows.push_back({{"module API", "n", "median [95% CI]", "p5", "p95", "MAD"}});
    for (const auto& a : r.module_apis) rows.push_back(make_row(a.name, a.duration, metric_unit::nanoseconds));
    print_rows(out, rows);
    out << fmt::format("module loading: {} calls, {} in total\n", r.module_calls,
                       format_duration(static_cast<double>(r.module_total_ns)));
  }
  out << '\n'
      << fmt::format("GPU busy: {} of {} ({} span)\n",
                     std::isfinite(r.gpu_busy_percent) ? fmt::format("{:.1f} %", r.gpu_busy_percent) : std::string("-"),
                     format_duration(static_cast<double>(r.span_ns)), r.span_is_iterations ? "iteration" : "trace");
}

}  // namespace tb::profiler
