// `triton-bench history`: one mode's metric of one scenario over the recorded runs, one
// line per run, with the steps the change-point detector finds marked (docs/results-db.md).
#pragma once

#include "history/change_points.hpp"
#include "history/results_store.hpp"
#include "report/console.hpp"

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>

namespace tb::bench {

struct history_command {
  CLI::App* command = nullptr;
  std::string db, format = "table";
  series_query query;
  std::string relative_to;  // --relative-to MODE: the series divided by that mode's, run by run
  double min_step_percent = 2.0;
};

void add_history_command(CLI::App& app, history_command& state);
int run_history_command(const history_command& state, const report::console& c);

// The series and its steps, as printed.
struct history {
  std::string db, scenario, mode, metric, unit;
  std::vector<series_point> runs;  // those with a value (n > 0), oldest first
  std::vector<change_point> steps; // indices into runs
};

// Reads the series from `store`; throws std::runtime_error naming what exists when the
// scenario, mode or metric has no runs. With `relative_to` (a mode label) each run's
// median and interval are divided by that mode's median of the same metric in the same
// run (unit "x MODE"; runs without it are left out): the machine's speed, which moves
// every mode alike, cancels (docs/compare.md, "Machine state").
history read_history(results_store& store, const series_query& q, const change_point_options& options,
                     const std::string& relative_to = {});

void print_history_table(std::ostream& out, const history& h);
nlohmann::json history_json(const history& h);

}  // namespace tb::bench
