// The gate file (triton-bench-gate.toml, docs/compare.md "The gate file"): per metric the
// change tolerated between two runs, and budgets that must hold in any single run. Read
// and validated here; every error is one line `file:line:column: error: ...` naming the
// item and what was expected (tb::scenario::diagnostic_error, as for scenario files).
#pragma once

#include "compare/comparison.hpp"

#include <tb/scenario/diagnostic.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench::compare {

// [[metric]]: a gated metric and its tolerance (regressions beyond it fail the gate).
struct metric_gate {
  std::string id;                  // "host.time_per_launch"
  tolerance tol;                   // relative_percent (default 3), absolute (default 0, the metric's unit)
  std::vector<std::string> modes;  // mode labels gated; empty: every mode
  tb::scenario::source_location where;

  bool gates(std::string_view mode_label) const;
};

enum class budget_kind {
  ratio,   // mode's median <= at_most x (>= at_least x) of_mode's median, same metric, same run
  value,   // mode's median <= at_most_value (>= at_least_value), in the metric's unit
  checks,  // checks = "all-passed": every mode ok, its outputs passed (or it is the oracle)
};

// [[budget]]: holds in the new run alone.
struct budget {
  std::string name;      // the test case's name (default: made from the rest)
  budget_kind kind = budget_kind::ratio;
  std::string scenario;  // empty: every scenario; else only runs of this one
  std::string mode, metric, of_mode;
  bool at_most = true;   // the bound is an upper one (at_most, at_most_value), else a lower one
  double bound = 0;
  tb::scenario::source_location where;
};

struct gate_file {
  std::filesystem::path file;
  double alpha = 0.05;  // [gate] alpha
  std::string control = "driver";  // [gate] control: the machine's speed (machine_state.hpp); "none": empty
  std::vector<metric_gate> metrics;
  std::vector<budget> budgets;

  const metric_gate* find(std::string_view metric_id) const noexcept;
  // The comparison's options: alpha and the tolerances of the gated metrics.
  compare_options options() const;
};

// Reads and validates `file`; throws tb::scenario::diagnostic_error.
gate_file load_gate_file(const std::filesystem::path& file);
// The same from text, errors naming `shown` (tests).
gate_file parse_gate_file(std::string_view text, const std::filesystem::path& shown);

}  // namespace tb::bench::compare
