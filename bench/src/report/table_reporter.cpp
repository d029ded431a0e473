#include "report/table_reporter.hpp"

#include "report/colour.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>

namespace tb::bench {

using report::colour;
using report::paint;

namespace {

void print_header(std::ostream& out, const results& r) {
  out << fmt::format("scenario {}  target {}  {} launch{} per iteration\n", r.scenario, r.target,
                     r.launches_per_iteration, r.launches_per_iteration == 1 ? "" : "es");
  out << fmt::format("GPU {} (sm_{})  driver {}  CUDA {}  CUPTI {}  Triton {}  commit {}\n",
                     r.gpu_name.empty() ? "?" : r.gpu_name, r.compute_capability, r.driver_version, r.cuda_version,
                     r.cupti_version, r.triton_version.empty() ? "-" : r.triton_version,
                     r.git_commit.empty() ? "unknown" : r.git_commit.substr(0, 12));
  out << fmt::format("method: warm-up {} iterations per mode{}; {} untraced rounds interleaved (host time, {}{}; stop: {}), "
                     "then {} traced rounds (gaps, latency, kernel time); at most {} iterations per batch; {:.1f} s\n",
                     r.warmup,
                     r.gpu_warmup_s > 0 ? fmt::format(", GPU settled in {:.2f} s{}", r.gpu_warmup_s,
                                                      r.gpu_warmup_settled ? "" : " (NOT settled: timings may drift)")
                                        : "",
                     r.rounds, r.host_timing, r.cpu >= 0 ? fmt::format(", on CPU {}", r.cpu) : "", r.stop_reason,
                     r.traced_rounds, r.iterations_per_round, r.elapsed_s);
}

// What each mode's outputs were checked against, and whether each launch ran the
// JIT's code: the lines a user reads first.
void print_checks(std::ostream& out, const results& r, bool on) {
  for (const auto& m : r.modes) {
    if (m.status == "skipped") continue;
    const bool failed = m.check.status == "failed", unchecked = m.check.kind == check_kind::unchecked;
    // The status padded as "{:<9}" would, coloured without its padding.
    const std::string status = paint(m.check.status, colour::green, on && m.check.status == "passed") +
                               std::string(m.check.status.size() < 9 ? 9 - m.check.status.size() : 0, ' ');
    const std::string line = fmt::format("{}check {:<16} {:<13} {} {}", failed || unchecked ? "!! " : "", m.label(),
                                         to_string(m.check.kind), status, m.check.message);
    out << paint(line, failed ? colour::red : colour::yellow, on && (failed || unchecked)) << "\n";
  }
  // The summary of different code ends with its reasons; the JSON keeps them one by one.
  for (const auto& c : r.code) {
    const bool different = c.verdict == "different-code";
    out << paint(fmt::format("{}code  launch {} ({}): {}", different ? "!! " : "", c.launch + 1, c.kernel, c.summary),
                 colour::yellow, on && different)
        << "\n";
  }
}

void print_mode_notes(std::ostream& out, const results& r, bool on) {
  for (const auto& m : r.modes) {
    const bool failed = m.status == "failed";
    if (m.status != "ok")
      out << paint(fmt::format("!! mode {} {}: {}", m.label(), failed ? "FAILED" : "skipped", m.error),
                   failed ? colour::red : colour::yellow, on)
          << "\n";
    if (m.dropped_records > 0)
      out << paint(fmt::format("!! mode {}: CUPTI dropped {} records: its metrics are incomplete", m.label(),
                               m.dropped_records),
                   colour::yellow, on)
          << "\n";
    for (const auto& u : m.not_measured) out << fmt::format("mode {}: {} not measured: {}\n", m.label(), u.id, u.reason);
  }
}

std::string pad(const std::string& s, std::size_t width, bool left = false) {
  // width in characters; "±" and "µ" count as one
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xc0) != 0x80;
  if (chars >= width) return s;
  return left ? s + std::string(width - chars, ' ') : std::string(width - chars, ' ') + s;
}

void print_cold_start(std::ostream& out, const results& r) {
  if (r.cold_start.empty()) return;
  out << "\ncold start: process start to the first kernel's completion, fresh process each time\n";
  out << fmt::format("{} {:>4} {:>12} {:>26}\n", pad("mode", 30, true), "n", "median", "min .. max");
  for (const auto& c : r.cold_start) {
    if (c.status != "ok") {
      out << fmt::format("{} {}: {}\n", pad(c.label, 30, true), c.status, c.error);
      continue;
    }
    out << fmt::format("{} {:>4} {:>12} {:>26}\n", pad(c.label, 30, true), c.stats.n, format_value(c.stats.median, "ns"),
                       format_value(c.stats.min, "ns") + " .. " + format_value(c.stats.max, "ns"));
  }
}

// The phases the rows of one kind of process have, in their order (a phase only some
// rows have goes after the phase before it in theirs).
std::vector<std::string> phase_columns(const std::vector<const cold_start_result*>& rows) {
  std::vector<std::string> columns;
  for (const auto* c : rows)
    for (std::size_t k = 0; k < c->phases.size(); ++k) {
      if (std::find(columns.begin(), columns.end(), c->phases[k].name) != columns.end()) continue;
      auto at = columns.begin();
      if (k > 0) at = std::find(columns.begin(), columns.end(), c->phases[k - 1].name) + 1;
      columns.insert(at, c->phases[k].name);
    }
  return columns;
}

// The breakdown (cold_phases.hpp): per kind of process (rows grouped by their first phase:
// main for triton-bench's children, python for the JIT's), the median of each phase.
void print_cold_phases(std::ostream& out, const results& r, bool on) {
  std::vector<std::vector<const cold_start_result*>> groups;
  for (const auto& c : r.cold_start) {
    if (c.status != "ok" || c.phases.empty()) continue;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const auto& rows) { return rows.front()->phases.front().name == c.phases.front().name; });
    if (g == groups.end()) groups.push_back({&c});
    else g->push_back(&c);
  }
  if (groups.empty()) return;
  out << "\ncold start by phase (median of each; a phase starts where the one before ended, the first at the fork)\n";
  constexpr double after_context_goal_ns = 1e6;  // issue 18: the AOT modes' share after the context
  bool over = false;
  for (const auto& rows : groups) {
    const std::vector<std::string> columns = phase_columns(rows);
    const bool aot = rows.front()->phases.front().name == "main";
    std::string header = (&rows == &groups.front() ? "" : "\n") + pad("mode", 26, true);
    for (const auto& name : columns) header += " " + pad(name, 10);
    out << header << " " << pad("after ctx", 13) << " " << pad("total", 10) << "\n";
    for (const auto* c : rows) {
      std::string line = pad(c->label, 26, true);
      for (const auto& name : columns) {
        const cold_phase_result* p = c->phase(name);
        line += " " + pad(p ? format_value(p->stats.median, "ns") : "-", 10);
      }
      const bool slow = aot && c->after_context.stats.median > after_context_goal_ns;
      over = over || slow;
      const std::string after = (slow ? "!! " : "") + format_value(c->after_context.stats.median, "ns");
      out << line << " " << paint(pad(after, 13), colour::yellow, on && slow) << " "
          << pad(format_value(c->stats.median, "ns"), 10) << "\n";
    }
  }
  out << "after ctx: from the buffers filled to the first completion (module load, graph capture, first launch, "
         "completion; jit: compile or cache lookup too), goal <= 1 ms for the AOT modes"
      << (over ? " (!! over it)" : "") << "\n"
      << "-: no such phase (ptx and cubin load the module inside every launch: their launch includes it)\n";
}

}  // namespace

void print_results_table(std::ostream& out, const results& r, bool on) {
  print_header(out, r);
  print_checks(out, r, on);
  print_mode_notes(out, r, on);
  std::vector<const mode_result*> ok;
  for (const auto& m : r.modes)
    if (m.status == "ok") ok.push_back(&m);
  if (ok.size() == 1) {
    const mode_result& m = *ok.front();
    out << fmt::format("\nmode {}  ({} iterations measured, check: {} {})\n", m.label(), m.iterations,
                       to_string(m.check.kind), m.check.status);
    out << fmt::format("{} {:>7} {:>11}  {:>25}  {:>25} {:>10} {:>7}\n", pad("metric", 28, true), "n", "median",
                       "95% CI of the median", "spread p5 .. p95", "MAD", "floor");
    for (const auto& row : table_metrics()) {
      const metric_result* x = m.find(row.id);
      if (!x && m.unmeasured(row.id)) out << pad(std::string(row.label), 28, true) << "       - not measured\n";
      if (!x) continue;
      const auto& s = x->stats;
      out << fmt::format("{} {:>7} {:>11}  {:>25}  {:>25} {:>10} {:>7}\n", pad(std::string(row.label), 28, true), s.n,
                         format_value(s.median, x->unit),
                         s.n ? "[" + format_value(s.ci_low, x->unit) + ", " + format_value(s.ci_high, x->unit) + "]" : "-",
                         s.n ? format_value(s.p5, x->unit) + " .. " + format_value(s.p95, x->unit) : "-",
                         format_value(s.mad, x->unit), x->at_clock_floor);
    }
  } else if (ok.size() > 1) {
    out << "\nmedian ±half-width of its 95% interval (% of the median)\n";
    std::string header = pad("metric", 28, true);
    for (const auto* m : ok) header += " " + pad(m->label(), 20);
    out << header << "\n";
    for (const auto& row : table_metrics()) {
      std::string line = pad(std::string(row.label), 28, true);
      bool any = false;
      for (const auto* m : ok) {
        any = any || has_cell(*m, row.id);
        line += " " + pad(metric_cell(*m, row.id), 20);
      }
      if (any) out << line << "\n";
    }
    const mode_result* ref = r.find(reference_mode);
    if (ref && ref->status == "ok") {
      out << fmt::format("\nratio of the median to {} (x: times the {} value)\n", to_string(reference_mode),
                         to_string(reference_mode));
      header = pad("metric", 28, true);
      for (const auto* m : ok) header += " " + pad(m->label(), 14);
      out << header << "\n";
      for (const auto& row : table_metrics()) {
        const metric_result* base = ref->find(row.id);
        if (!base || base->stats.n == 0) continue;
        std::string line = pad(std::string(row.label), 28, true);
        for (const auto* m : ok) {
          const double ratio = median_ratio(*m, *ref, row.id);
          line += " " + pad(std::isfinite(ratio) ? fmt::format("{:.2f}x", ratio) : "-", 14);
        }
        out << line << "\n";
      }
      if (const mode_result* jit = r.find(mode::jit); jit && jit->status == "ok") {
        auto ratio = [&](std::string_view id) { return median_ratio(*jit, *ref, id); };
        out << fmt::format("\njit / {}: host time per launch {:.2f}x (goal >= 4.5x), {}\n", to_string(reference_mode),
                           ratio("host.time_per_launch"), gap_ratio_phrase(r, ratio("gap.before_target")));
      }
    } else {
      out << fmt::format("\n(no ratios: mode {} was not run or failed)\n", to_string(reference_mode));
    }
  } else {
    out << "\nno mode ran successfully\n";
  }
  for (const auto& a : repeat_agreements(r)) {
    const bool apart = a.difference_percent > repeat_goal_percent;
    out << paint(fmt::format("{}repeat: {} vs {}: host time per launch {} vs {}, {:.2f} % apart (goal <= {:.0f} %)",
                             apart ? "!! " : "", a.first, a.repeat, format_value(a.first_median, "ns"),
                             format_value(a.repeat_median, "ns"), a.difference_percent, repeat_goal_percent),
                 colour::yellow, on && apart)
        << "\n";
  }
  print_cold_start(out, r);
  print_cold_phases(out, r, on);
}

void print_recorded(std::ostream& out, const results& r, std::string_view source, bool on) {
  const std::string banner = fmt::format("RECORDED RUN, not measured on this machine: {} on {} ({})",
                                         r.gpu_name.empty() ? "unknown GPU" : r.gpu_name,
                                         r.created.empty() ? "an unknown date" : r.created.substr(0, 10), source);
  out << std::string(banner.size(), '=') << "\n" << banner << "\n" << std::string(banner.size(), '=') << "\n";
  print_results_table(out, r, on);
}

namespace report {
namespace {

class table_reporter final : public reporter {
 public:
  void report(const destination& to, const results& r, const provenance& from) const override {
    if (from.recorded) print_recorded(to.out, r, from.file, to.colour);
    else print_results_table(to.out, r, to.colour);
  }
  void report(const destination& to, const tb::profiler::analysis_result& a, std::string_view) const override {
    tb::profiler::print_analysis_table(to.out, a);
  }
  void report(const destination& to, std::span<const tb::profiler::kernel_stats_row> rows,
              std::string_view) const override {
    tb::profiler::print_kernel_stats_table(to.out, rows);
  }
};

}  // namespace

std::unique_ptr<const reporter> make_table_reporter() { return std::make_unique<table_reporter>(); }

}  // namespace report
}  // namespace tb::bench
