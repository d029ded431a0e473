#include "compare/markdown_report.hpp"

#include "compare/cells.hpp"
#include "report/markdown_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace tb::bench::compare {

namespace {

using tb::bench::report::markdown_text;

std::string code(std::string_view text) {
  std::string inner;
  for (const char c : text) inner += c == '|' ? std::string("\\|") : c == '`' ? std::string("'") : std::string(1, c);
  return "`" + inner + "`";
}

std::string verdict_cell(verdict v) {
  switch (v) {
    case verdict::slower: return "**slower**";
    case verdict::faster: return "faster";
    case verdict::unsure: return "_unsure_";
    case verdict::same: return "same";
  }
  return "";
}

std::string outcome_cell(case_outcome o) {
  switch (o) {
    case case_outcome::fail: return ":x: **fail**";
    case case_outcome::unsure: return ":grey_question: unsure";
    case case_outcome::skipped: return "skipped";
    case case_outcome::pass: return ":white_check_mark: pass";
  }
  return "";
}

void gate_cases(std::ostream& out, const gate_result& g) {
  out << "| outcome | check | detail |\n|:---|:---|:---|\n";
  // failures first, then unsure, then the rest in the gate file's order
  std::vector<const gate_case*> order;
  for (const auto o : {case_outcome::fail, case_outcome::unsure, case_outcome::pass, case_outcome::skipped})
    for (const auto& c : g.cases)
      if (c.outcome == o) order.push_back(&c);
  for (const auto* c : order)
    out << fmt::format("| {} | {} {} | {} |\n", outcome_cell(c->outcome), c->group, code(c->name),
                       markdown_text(c->message));
  out << "\n";
}

void comparison_table(std::ostream& out, const comparison& c) {
  out << "| mode | metric | base | new | change | 95 % interval | p | band | verdict |\n"
         "|:---|:---|---:|---:|---:|---:|---:|---:|:---|\n";
  for (const auto& r : c.rows)
    out << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", code(r.mode), code(r.metric),
                       markdown_text(format_value(r.base_median, r.unit)), markdown_text(format_value(r.new_median, r.unit)),
                       change_cell(r), interval_cell(r.low_percent, r.high_percent), p_cell(r.p_value),
                       band_cell(r.band_percent), verdict_cell(r.result));
  out << "\n";
  for (const auto& n : c.notes) out << "- " << markdown_text(n) << "\n";
  if (!c.notes.empty()) out << "\n";
}

}  // namespace

void print_markdown(std::ostream& out, const comparison* cmp, const gate_result* gate) {
  if (gate) {
    out << fmt::format("### triton-bench gate: {}\n\n", gate->passed() ? "passed" : "**FAILED**");
    out << fmt::format("{} passed, {} failed, {} unsure, {} skipped; new run {}{}.\n\n", gate->count(case_outcome::pass),
                       gate->count(case_outcome::fail), gate->count(case_outcome::unsure),
                       gate->count(case_outcome::skipped), code(gate->new_source),
                       gate->base_source.empty() ? std::string(" (budgets only)") : ", base " + code(gate->base_source));
  } else if (cmp) {
    out << fmt::format("### triton-bench compare: {}\n\n", markdown_text(cmp->scenario));
  }
  if (cmp) {
    if (!gate) out << fmt::format("Base {}, new {}.\n\n", code(cmp->base_source), code(cmp->new_source));
    for (const auto& d : cmp->env_differences)
      out << fmt::format("> **Warning**: the environments differ: {}\n\n", markdown_text(d));
    if (!cmp->machine.control.empty())
      out << fmt::format("{}Machine: {}.\n\n", cmp->machine.moved ? "> **Note**: " : "",
                         markdown_text(cmp->machine.summary()));
  }
  if (gate) gate_cases(out, *gate);
  if (cmp) {
    if (gate) out << "<details><summary>Every compared metric</summary>\n\n";
    comparison_table(out, *cmp);
    out << fmt::format("Median of the per-round medians; the change's 95 % bootstrap interval; Mann-Whitney p, alpha "
                       "{:g}; `slower`/`faster` only when significant and the interval is beyond the band "
                       "(docs/compare.md).\n", cmp->alpha);
    if (gate) out << "\n</details>\n";
  }
}

}  // namespace tb::bench::compare
