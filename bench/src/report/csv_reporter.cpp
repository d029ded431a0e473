#include "report/csv_reporter.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ostream>

namespace tb::bench::report {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\n";
}

namespace {

// The shortest text that reads back as the same double; empty for NaN and infinities.
std::string number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

// n, median, ci95_low, ci95_high, mean, p5, p95, p99, min, max, mad, ci_method.
void append_summary(std::vector<std::string>& row, const tb::profiler::summary& s) {
  row.push_back(std::to_string(s.n));
  for (const double v : {s.median, s.ci_low, s.ci_high, s.mean, s.p5, s.p95, s.p99, s.min, s.max, s.mad})
    row.push_back(s.n ? number(v) : std::string());
  row.push_back(s.n ? (s.ci_from_bootstrap ? "bootstrap" : "order_statistic") : "");
}

void mode_rows(std::ostream& out, const results& r, const mode_result& m) {
  const mode_result* ref = r.find(reference_mode);
  for (const auto& x : m.metrics) {
    std::vector<std::string> row = {r.scenario, r.gpu_name, m.label(), m.status, std::string(to_string(m.check.kind)),
                                    m.check.status, x.id, x.unit};
    append_summary(row, x.stats);
    row.push_back(std::to_string(x.at_clock_floor));
    row.push_back(ref && ref->status == "ok" ? number(median_ratio(m, *ref, x.id)) : "");
    out << csv_row(row);
  }
}

void analysis_row(std::ostream& out, std::string_view trace, const std::string& scope, const std::string& metric,
                  tb::profiler::metric_unit unit, const tb::profiler::summary& s) {
  std::vector<std::string> row = {std::string(trace), scope, metric, std::string(tb::profiler::to_string(unit))};
  append_summary(row, s);
  out << csv_row(row);
}

std::vector<const cold_phase_result*> cold_rows(const cold_start_result& c) {
  std::vector<const cold_phase_result*> rows;
  for (const auto& p : c.phases) rows.push_back(&p);
  if (!c.phases.empty()) rows.push_back(&c.after_context);
  return rows;
}

class csv_reporter final : public reporter {
 public:
  void report(const destination& to, const results& r, const provenance&) const override {
    to.out << csv_results_header << "\n";
    for (const auto& m : r.modes) mode_rows(to.out, r, m);
    for (const auto& c : r.cold_start) {
      std::vector<std::string> row = {r.scenario, r.gpu_name, c.label, c.status, "", "", "cold_start", "ns"};
      append_summary(row, c.stats);
      row.insert(row.end(), {"", ""});
      to.out << csv_row(row);
      // The breakdown (issue 18): cold_start.<phase>, then cold_start.after_context.
      for (const cold_phase_result* p : cold_rows(c)) {
        row = {r.scenario, r.gpu_name, c.label, c.status, "", "", "cold_start." + p->name, "ns"};
        append_summary(row, p->stats);
        row.insert(row.end(), {"", ""});
        to.out << csv_row(row);
      }
    }
  }

  void report(const destination& to, const tb::profiler::analysis_result& a, std::string_view trace) const override {
    using tb::profiler::metric_unit;
    to.out << csv_analysis_header << "\n";
    for (const auto& m : a.metrics) analysis_row(to.out, trace, "trace", m.name, m.unit, m.stats);
    for (const auto& s : a.streams) {
      const std::string scope = s.process_name.empty() ? fmt::format("stream {}", s.stream_id)
                                                       : fmt::format("{} / stream {}", s.process_name, s.stream_id);
      analysis_row(to.out, trace, scope, s.gap_before.name, s.gap_before.unit, s.gap_before.stats);
      analysis_row(to.out, trace, scope, s.gap_after.name, s.gap_after.unit, s.gap_after.stats);
    }
    for (const auto& api : a.module_apis)
      analysis_row(to.out, trace, "module API", api.name, metric_unit::nanoseconds, api.duration);
  }

  void report(const destination& to, std::span<const tb::profiler::kernel_stats_row> rows,
              std::string_view trace) const override {
    to.out << csv_kernel_stats_header << "\n";
    for (const auto& r : rows) to.out << csv_row(kernel_row(trace, r));
  }

 private:
  static std::vector<std::string> kernel_row(std::string_view trace, const tb::profiler::kernel_stats_row& r) {
    const auto& d = r.duration;
    auto median = [](const tb::profiler::summary& s) { return s.n ? number(s.median) : std::string(); };
    return {std::string(trace), r.name, r.stream, r.stream.empty() ? "" : std::to_string(r.stream_id),
            number(r.time_percent), std::to_string(r.total_ns), std::to_string(r.count), number(d.mean),
            number(d.median), number(d.min), number(d.max), number(r.duration_stddev_ns), number(d.ci_low),
            number(d.ci_high), std::to_string(r.launch_api.n), median(r.launch_api),
            std::to_string(r.launch_latency.n), median(r.launch_latency),
            r.launch_latency.n ? number(r.launch_latency.p95) : "", std::to_string(r.gap_before.n),
            median(r.gap_before)};
  }
};

}  // namespace

std::unique_ptr<const reporter> make_csv_reporter() { return std::make_unique<csv_reporter>(); }

}  // namespace tb::bench::report
