#include "report/markdown_reporter.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ostream>
#include <vector>

namespace tb::bench::report {

std::string markdown_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == '\r') out += ' ';
    else if (std::string_view("\\`*_[]<>#|~").find(c) != std::string_view::npos) out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

namespace {

// A code span (mode labels, kernel names, files); "|" escaped for table cells.
std::string code(std::string_view text) {
  std::string inner;
  for (const char c : text) inner += c == '|' ? std::string("\\|") : std::string(1, c);
  return "`" + inner + "`";
}

std::string label_of(const metric_label& row) {
  std::string_view s = row.label;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return std::string(s);
}

void table_head(std::ostream& out, const std::vector<std::string>& columns) {
  std::string head = "| metric |", rule = "|:---|";
  for (const auto& c : columns) {
    head += " " + c + " |";
    rule += "---:|";
  }
  out << head << "\n" << rule << "\n";
}

void heading(std::ostream& out, const results& r, const provenance& from) {
  out << fmt::format("### triton-bench: {} on {}\n\n", markdown_text(r.scenario),
                     markdown_text(r.gpu_name.empty() ? "an unknown GPU" : r.gpu_name));
  if (from.recorded)
    out << fmt::format("> **Recorded run, not measured on this machine**: {} ({}).\n\n",
                       r.created.empty() ? "an unknown date" : r.created.substr(0, 10), code(from.file));
  out << fmt::format("Target {}, {} launch{} per iteration; sm\\_{}, driver {}, CUDA {}, Triton {}, commit {}; {} "
                     "untraced rounds ({}), {} traced.\n\n",
                     code(r.target), r.launches_per_iteration, r.launches_per_iteration == 1 ? "" : "es",
                     r.compute_capability, markdown_text(r.driver_version), markdown_text(r.cuda_version),
                     markdown_text(r.triton_version.empty() ? "-" : r.triton_version),
                     code(r.git_commit.empty() ? "unknown" : r.git_commit.substr(0, 12)), r.rounds,
                     markdown_text(r.stop_reason), r.traced_rounds);
}

void metrics_table(std::ostream& out, const std::vector<const mode_result*>& ok) {
  std::vector<std::string> columns;
  for (const auto* m : ok) columns.push_back(code(m->label()));
  out << "Median ±half-width of its 95 % interval (% of the median):\n\n";
  table_head(out, columns);
  for (const auto& row : table_metrics()) {
    std::string line = "| " + label_of(row) + " |";
    bool any = false;
    for (const auto* m : ok) {
      any = any || has_cell(*m, row.id);
      line += " " + metric_cell(*m, row.id) + " |";
    }
    if (any) out << line << "\n";
  }
  out << "\n";
}

void checks(std::ostream& out, const results& r) {
  out << "Checks:\n\n";
  for (const auto& m : r.modes) {
    if (m.status == "skipped") continue;
    const bool failed = m.check.status == "failed", unchecked = m.check.kind == check_kind::unchecked;
    out << fmt::format("- {}{} {} **{}**: {}\n", failed ? ":x: " : unchecked ? ":warning: " : "", code(m.label()),
                       to_string(m.check.kind), m.check.status, markdown_text(m.check.message));
  }
  for (const auto& m : r.modes)
    if (m.status != "ok")
      out << fmt::format("- {}mode {} **{}**: {}\n", m.status == "failed" ? ":x: " : ":warning: ", code(m.label()),
                         m.status == "failed" ? "FAILED" : "skipped", markdown_text(m.error));
  for (const auto& m : r.modes)
    for (const auto& u : m.not_measured)
      out << fmt::format("- mode {}: {} not measured: {}\n", code(m.label()), code(u.id), markdown_text(u.reason));
  for (const auto& c : r.code)
    out << fmt::format("- {}code, launch {} ({}): {}\n", c.verdict == "different-code" ? ":warning: " : "",
                       c.launch + 1, code(c.kernel), markdown_text(c.summary));
  out << "\n";
}

void ratios(std::ostream& out, const results& r, const std::vector<const mode_result*>& ok) {
  const mode_result* ref = r.find(reference_mode);
  if (!ref || ref->status != "ok" || ok.size() < 2) return;
  std::vector<std::string> columns;
  for (const auto* m : ok) columns.push_back(code(m->label()));
  out << fmt::format("Ratio of the median to {}:\n\n", code(to_string(reference_mode)));
  table_head(out, columns);
  for (const auto& row : table_metrics()) {
    const metric_result* base = ref->find(row.id);
    if (!base || base->stats.n == 0) continue;
    std::string line = "| " + label_of(row) + " |";
    for (const auto* m : ok) {
      const double ratio = median_ratio(*m, *ref, row.id);
      line += " " + (std::isfinite(ratio) ? fmt::format("{:.2f}x", ratio) : std::string("-")) + " |";
    }
    out << line << "\n";
  }
  out << "\n";
  if (const mode_result* jit = r.find(mode::jit); jit && jit->status == "ok")
    out << fmt::format("{} / {}: host time per launch **{:.2f}x** (goal >= 4.5x), {}.\n\n", code("jit"),
                       code(to_string(reference_mode)), median_ratio(*jit, *ref, "host.time_per_launch"),
                       gap_ratio_phrase(r, median_ratio(*jit, *ref, "gap.before_target"), true));
}

// The breakdown: one row per cold start and phase (the modes' phases differ), medians.
void cold_phases(std::ostream& out, const results& r) {
  bool any = false;
  for (const auto& c : r.cold_start) any = any || (c.status == "ok" && !c.phases.empty());
  if (!any) return;
  out << "Cold start by phase (median; each phase from the end of the one before, the first from the fork; after "
         "context: from the buffers filled to the first completion, goal <= 1 ms for the AOT modes):\n\n"
         "| mode | phases | after context | total |\n|:---|:---|---:|---:|\n";
  for (const auto& c : r.cold_start) {
    if (c.status != "ok" || c.phases.empty()) continue;
    std::string phases;
    for (const auto& p : c.phases)
      phases += fmt::format("{}{} {}", phases.empty() ? "" : ", ", p.name, format_value(p.stats.median, "ns"));
    out << fmt::format("| {} | {} | {} | {} |\n", markdown_text(c.label), phases,
                       format_value(c.after_context.stats.median, "ns"), format_value(c.stats.median, "ns"));
  }
  out << "\n";
}

void repeats_and_cold_starts(std::ostream& out, const results& r) {
  for (const auto& a : repeat_agreements(r))
    out << fmt::format("{}Repeat {} vs {}: host time per launch {} vs {}, {:.2f} % apart (goal <= {:.0f} %).\n\n",
                       a.difference_percent > repeat_goal_percent ? ":warning: " : "", code(a.first), code(a.repeat),
                       format_value(a.first_median, "ns"), format_value(a.repeat_median, "ns"), a.difference_percent,
                       repeat_goal_percent);
  if (r.cold_start.empty()) return;
  out << "Cold start (process start to the first kernel's completion):\n\n| mode | n | median | min .. max |\n"
         "|:---|---:|---:|---:|\n";
  for (const auto& c : r.cold_start)
    out << (c.status == "ok" ? fmt::format("| {} | {} | {} | {} .. {} |\n", markdown_text(c.label), c.stats.n,
                                           format_value(c.stats.median, "ns"), format_value(c.stats.min, "ns"),
                                           format_value(c.stats.max, "ns"))
                             : fmt::format("| {} | {} | {} | |\n", markdown_text(c.label), c.status,
                                           markdown_text(c.error)));
  out << "\n";
  cold_phases(out, r);
}

void analysis_heading(std::ostream& out, const tb::profiler::analysis_result& a, std::string_view trace) {
  out << fmt::format("### triton-bench analyze: {}\n\n", code(trace));
  if (!a.metadata.gpu_name.empty() || !a.metadata.mode.empty())
    out << fmt::format("GPU {}, mode {}, scenario {}.\n\n", markdown_text(a.metadata.gpu_name.empty() ? "-" : a.metadata.gpu_name),
                       code(a.metadata.mode.empty() ? "-" : a.metadata.mode),
                       code(a.metadata.scenario.empty() ? "-" : a.metadata.scenario));
  std::vector<std::string> names;
  for (const auto& n : a.target_names) names.push_back(code(n));
  out << fmt::format("Target {} ({} executions); {} events, {} kernels, {} launch calls, {} iterations.\n\n",
                     names.empty() ? "-" : fmt::format("{}", fmt::join(names, ", ")), a.target_kernels, a.events,
                     a.kernels, a.launches, a.iterations);
  if (a.metadata.dropped_records > 0)
    out << fmt::format(":warning: {} CUPTI records were dropped; the numbers are incomplete.\n\n",
                       a.metadata.dropped_records);
}

class markdown_reporter final : public reporter {
 public:
  void report(const destination& to, const results& r, const provenance& from) const override {
    heading(to.out, r, from);
    std::vector<const mode_result*> ok;
    for (const auto& m : r.modes)
      if (m.status == "ok") ok.push_back(&m);
    if (!ok.empty()) metrics_table(to.out, ok);
    checks(to.out, r);
    ratios(to.out, r, ok);
    repeats_and_cold_starts(to.out, r);
  }

  void report(const destination& to, const tb::profiler::analysis_result& a, std::string_view trace) const override {
    analysis_heading(to.out, a, trace);
    to.out << "| metric | n | median | 95% CI | p5 | p95 | MAD |\n|:---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& m : a.metrics) {
      const std::string unit(tb::profiler::to_string(m.unit));
      const auto& s = m.stats;
      if (s.n == 0) to.out << fmt::format("| {} | 0 | - | - | - | - | - |\n", code(m.name));
      else
        to.out << fmt::format("| {} | {} | {} | {} .. {} | {} | {} | {} |\n", code(m.name), s.n,
                              format_value(s.median, unit), format_value(s.ci_low, unit), format_value(s.ci_high, unit),
                              format_value(s.p5, unit), format_value(s.p95, unit), format_value(s.mad, unit));
    }
    to.out << fmt::format("\nGPU busy: {} of {} ({} span).\n",
                          format_value(a.gpu_busy_percent, "percent"),
                          format_value(static_cast<double>(a.span_ns), "ns"),
                          a.span_is_iterations ? "iteration" : "trace");
  }

  void report(const destination& to, std::span<const tb::profiler::kernel_stats_row> rows,
              std::string_view trace) const override {
    to.out << fmt::format("### triton-bench analyze --per-kernel: {}\n\n", code(trace));
    to.out << "| Time % | Total | Instances | Med | Min | Max | API med | Latency med | Gap med | Stream | Name |\n"
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|:---|\n";
    auto med = [](const tb::profiler::summary& s) { return s.n ? format_value(s.median, "ns") : std::string("-"); };
    for (const auto& r : rows)
      to.out << fmt::format("| {:.1f} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.time_percent,
                            format_value(static_cast<double>(r.total_ns), "ns"), r.count, med(r.duration),
                            format_value(r.duration.min, "ns"), format_value(r.duration.max, "ns"),
                            med(r.launch_api), med(r.launch_latency), med(r.gap_before),
                            r.stream.empty() ? "-" : markdown_text(r.stream), code(r.name));
  }
};

}  // namespace

std::unique_ptr<const reporter> make_markdown_reporter() { return std::make_unique<markdown_reporter>(); }

}  // namespace tb::bench::report
