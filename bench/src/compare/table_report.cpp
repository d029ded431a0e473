#include "compare/table_report.hpp"

#include "compare/cells.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <vector>

namespace tb::bench::compare {

namespace {

constexpr std::size_t columns = 10;
using line = std::array<std::string, columns>;

line cells_of(const comparison_row& r) {
  return {r.mode, r.metric, format_value(r.base_median, r.unit), format_value(r.new_median, r.unit),
          change_cell(r), interval_cell(r.low_percent, r.high_percent), p_cell(r.p_value),
          band_cell(r.band_percent), std::string(to_string(r.result)), r.reason};
}

// Left-aligned text columns, right-aligned numbers; the last column (the reason) unpadded.
void print_rows(std::ostream& out, const std::vector<line>& lines) {
  std::array<std::size_t, columns> width{};
  for (const auto& l : lines)
    for (std::size_t i = 0; i < columns; ++i) width[i] = std::max(width[i], l[i].size());
  for (const auto& l : lines) {
    std::string text;
    for (std::size_t i = 0; i < columns; ++i) {
      const bool left = i < 2 || i >= 8;
      if (i + 1 == columns) text += l[i];
      else text += left ? fmt::format("{:<{}}  ", l[i], width[i]) : fmt::format("{:>{}}  ", l[i], width[i]);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  }
}

void print_comparison(std::ostream& out, const comparison& c) {
  out << fmt::format("triton-bench compare: {} (base) -> {} (new), scenario {}\n", c.base_source, c.new_source,
                     c.scenario);
  for (const auto& d : c.env_differences) out << fmt::format("WARNING: environments differ: {}\n", d);
  out << fmt::format("Median of the per-round medians; change with its 95 % bootstrap interval; Mann-Whitney p "
                     "(alpha {:g}).\n", c.alpha);
  if (!c.machine.control.empty()) out << fmt::format("Machine: {}.\n", c.machine.summary());
  out << "\n";
  std::vector<line> lines{{"mode", "metric", "base", "new", "change", "95 % interval", "p", "band", "verdict", "why"}};
  for (const auto& r : c.rows) lines.push_back(cells_of(r));
  print_rows(out, lines);
  for (const auto& n : c.notes) out << "note: " << n << "\n";
}

void print_gate(std::ostream& out, const gate_result& g) {
  out << fmt::format("triton-bench gate: {}{}\n", g.new_source,
                     g.base_source.empty() ? std::string(" (budgets only, no --base)") : " against " + g.base_source);
  for (const auto& c : g.cases)
    out << fmt::format("  {:<7}  {:<10}  {}: {}\n", c.outcome == case_outcome::fail ? "FAIL" : to_string(c.outcome),
                       c.group, c.name, c.message);
  out << fmt::format("gate {}: {} passed, {} failed, {} unsure, {} skipped\n",
                     g.passed() ? "passed" : "FAILED", g.count(case_outcome::pass),
                     g.count(case_outcome::fail), g.count(case_outcome::unsure), g.count(case_outcome::skipped));
}

}  // namespace

void print_table(std::ostream& out, const comparison* cmp, const gate_result* gate) {
  if (cmp) print_comparison(out, *cmp);
  if (cmp && gate) out << "\n";
  if (gate) print_gate(out, *gate);
}

}  // namespace tb::bench::compare
