#include "compare/gate.hpp"

#include "compare/cells.hpp"

#include <tb/bench/exit_code.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tb::bench::compare {

namespace {

std::string mode_list(const run_summary& run) {
  std::vector<std::string> labels;
  for (const auto& m : run.modes) labels.push_back(m.label);
  return labels.empty() ? std::string("none") : fmt::format("{}", fmt::join(labels, ", "));
}

// The median of `metric` in mode `label`, or the reason there is none.
struct median_of {
  const metric_summary* metric = nullptr;
  std::string problem;
};
median_of find_median(const run_summary& run, const std::string& label, const std::string& metric) {
  const mode_summary* m = run.find(label);
  if (!m) return {nullptr, fmt::format("mode '{}' is not in this run (it has {})", label, mode_list(run))};
  if (m->status != "ok") return {nullptr, fmt::format("mode '{}' {} in this run", label, m->status)};
  const metric_summary* x = m->find(metric);
  if (!x || x->stats.n == 0 || !std::isfinite(x->stats.median))
    return {nullptr, fmt::format("mode '{}' has no samples of {} in this run", label, metric)};
  return {x, {}};
}

gate_case checks_case(const budget& b, const run_summary& next) {
  gate_case c{"budget", b.name, case_outcome::pass, ""};
  std::vector<std::string> bad;
  for (const auto& m : next.modes) {
    if (m.status != "ok") bad.push_back(fmt::format("{} {}", m.label, m.status));
    else if (m.check_status != "passed" && m.check_kind != "oracle")
      bad.push_back(fmt::format("{} {} ({})", m.label, m.check_status, m.check_kind));
  }
  if (next.modes.empty()) bad.emplace_back("the run has no modes");
  if (bad.empty()) {
    c.message = fmt::format("every mode ok and its outputs checked ({})", mode_list(next));
  } else {
    c.outcome = case_outcome::fail;
    c.message = fmt::format("not every mode's outputs passed: {}", fmt::join(bad, "; "));
  }
  return c;
}

// "slower: 4.000 us -> 4.400 us, +10.02 % [+9.51, +10.60] %, p <0.0001, band 3.00 % (why)"
std::string row_message(const comparison_row& row) {
  if (!std::isfinite(row.change_percent))
    return fmt::format("{}: {} ({})", to_string(row.result), medians_cell(row), row.reason);
  return fmt::format("{}: {}, {} {}, p {}, band {} ({})", to_string(row.result), medians_cell(row),
                     change_cell(row), interval_cell(row.low_percent, row.high_percent),
                     p_cell(row.p_value), band_cell(row.band_percent), row.reason);
}

}  // namespace

std::string_view to_string(case_outcome o) noexcept {
  switch (o) {
    case case_outcome::pass: return "pass";
    case case_outcome::fail: return "fail";
    case case_outcome::unsure: return "unsure";
    case case_outcome::skipped: return "skipped";
  }
  return "fail";
}

std::size_t gate_result::count(case_outcome o) const noexcept {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [&](const gate_case& c) { return c.outcome == o; }));
}

gate_case evaluate_budget(const budget& b, const run_summary& next) {
  if (!b.scenario.empty() && b.scenario != next.scenario)
    return {"budget", b.name, case_outcome::skipped,
            fmt::format("applies to scenario '{}', this run is of '{}'", b.scenario, next.scenario)};
  if (b.kind == budget_kind::checks) return checks_case(b, next);
  gate_case c{"budget", b.name, case_outcome::fail, ""};
  const auto subject = find_median(next, b.mode, b.metric);
  if (!subject.metric) {
    c.message = subject.problem;
    return c;
  }
  const double value = subject.metric->stats.median;
  const std::string& unit = subject.metric->unit;
  const char* op = b.at_most ? "<=" : ">=";
  double measured = value;
  if (b.kind == budget_kind::ratio) {
    const auto of = find_median(next, b.of_mode, b.metric);
    if (!of.metric) {
      c.message = of.problem;
      return c;
    }
    if (of.metric->stats.median == 0) {
      c.message = fmt::format("the median of {} in '{}' is 0: no ratio", b.metric, b.of_mode);
      return c;
    }
    measured = value / of.metric->stats.median;
    c.message = fmt::format("{} {} / {} {} = {:.3f}, budget {} {:g}", b.mode, format_value(value, unit), b.of_mode,
                            format_value(of.metric->stats.median, unit), measured, op, b.bound);
  } else {
    c.message = fmt::format("{} median {}, budget {} {}", b.mode, format_value(value, unit), op,
                            format_value(b.bound, unit));
  }
  const bool holds = b.at_most ? measured <= b.bound : measured >= b.bound;
  c.outcome = holds ? case_outcome::pass : case_outcome::fail;
  return c;
}

gate_result evaluate_gate(const gate_file& gate, const run_summary& next, const comparison* against,
                          bool strict) {
  gate_result r;
  r.strict = strict;
  r.new_source = next.source;
  if (against) {
    r.base_source = against->base_source;
    for (const auto& m : gate.metrics) {
      bool any = false;
      for (const auto& row : against->rows) {
        if (row.metric != m.id || !m.gates(row.mode)) continue;
        any = true;
        const case_outcome o = row.result == verdict::slower   ? case_outcome::fail
                               : row.result == verdict::unsure ? case_outcome::unsure
                                                               : case_outcome::pass;
        r.cases.push_back({"regression", fmt::format("{} {}", row.mode, row.metric), o, row_message(row)});
      }
      if (!any)
        r.cases.push_back({"regression", m.id, case_outcome::skipped,
                           m.modes.empty() ? std::string("measured in no mode of both runs")
                                           : fmt::format("measured in none of {} in both runs", fmt::join(m.modes, ", "))});
    }
  }
  for (const auto& b : gate.budgets) r.cases.push_back(evaluate_budget(b, next));
  return r;
}

bool gate_result::passed() const noexcept {
  return count(case_outcome::fail) == 0 && !(strict && count(case_outcome::unsure) > 0);
}

int gate_exit_status(const gate_result& r) noexcept {
  if (r.count(case_outcome::fail) > 0) return to_int(exit_code::regression);
  if (r.strict && r.count(case_outcome::unsure) > 0) return to_int(exit_code::unsure);
  return to_int(exit_code::ok);
}

}  // namespace tb::bench::compare
