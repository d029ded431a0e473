// The gate (docs/compare.md, "triton-bench gate"): the gate file's tolerances applied to a
// comparison's rows, and its budgets to the new run alone, as one list of cases that
// pass, fail, are unsure or do not apply. The model alone; printers in compare/*_report.hpp.
#pragma once

#include "compare/comparison.hpp"
#include "compare/gate_file.hpp"

#include <string>
#include <vector>

namespace tb::bench::compare {

enum class case_outcome { pass, fail, unsure, skipped };
std::string_view to_string(case_outcome o) noexcept;

struct gate_case {
  std::string group;  // "regression" (a compared metric) or "budget"
  std::string name;   // "cubin-cached host.time_per_launch", or the budget's name
  case_outcome outcome = case_outcome::pass;
  std::string message;  // what was measured against what, and why it passed or not
};

struct gate_result {
  std::string new_source, base_source;  // base empty: budgets only
  bool strict = false;  // an unsure case fails the gate too (--strict)
  std::vector<gate_case> cases;

  std::size_t count(case_outcome o) const noexcept;
  bool passed() const noexcept;  // no case failed, and none is unsure when strict
};

// One budget on `next`: fails, with the reason, when a mode or metric it names is absent.
gate_case evaluate_budget(const budget& b, const run_summary& next);

// Every budget on `next`, and when `against` is given, a case per row of a gated metric
// (the gate file's [[metric]] and its modes): slower fails, unsure is unsure.
gate_result evaluate_gate(const gate_file& gate, const run_summary& next, const comparison* against,
                          bool strict = false);

// The exit status: 0 when every case passed (or was skipped), exit_code::regression when
// one failed, exit_code::unsure when one is unsure and the gate is strict.
int gate_exit_status(const gate_result& r) noexcept;

}  // namespace tb::bench::compare
