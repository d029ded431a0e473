// Two runs compared (docs/compare.md): for every mode and metric both runs have, the
// change of the median with its 95 % interval, the rank test's p and a verdict. The
// model alone; the printers are compare/*_report.hpp.
#pragma once

#include "run_summary.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench::compare {

// The change a metric may show and still be "same": the larger of `relative_percent`
// of the base median and `absolute` in the metric's unit.
struct tolerance {
  double relative_percent = 3.0;
  double absolute = 0.0;
};

struct compare_options {
  double alpha = 0.05;            // the rank test's significance level
  bool allow_env_change = false;  // compare runs from another GPU, driver, CUDA or Triton
  tolerance default_tolerance;    // for every metric not in per_metric
  std::map<std::string, tolerance, std::less<>> per_metric;  // metric id -> tolerance (the gate file's)
  std::uint32_t resamples = 2000;  // of the bootstrap interval
  // The mode measured in the same rounds that stands for the machine's speed
  // (machine_state.hpp); empty: none, every row compared as it is.
  std::string control = "driver";
};

// The noise band of a metric, in percent of the base median: max(relative, absolute / base).
double noise_band_percent(const tolerance& t, double base_median) noexcept;

// Metrics where more is better (gpu.busy_per_iteration); every other metric is a cost.
bool higher_is_better(std::string_view metric_id) noexcept;

enum class verdict { same, faster, slower, unsure };
std::string_view to_string(verdict v) noexcept;

struct comparison_row {
  std::string scenario, mode, metric, unit;
  std::size_t base_units = 0, new_units = 0;  // per-round medians on each side
  double base_median = 0, new_median = 0;     // the medians of those units
  double change_percent = 0;                  // (new / base - 1) * 100; NaN: no ratio
  double low_percent = 0, high_percent = 0;   // its 95 % interval
  double p_value = 1;                         // NaN: not tested (too few rounds)
  double band_percent = 0;                    // the noise band (tolerance)
  verdict result = verdict::unsure;
  std::string reason;                         // why this verdict, in a few words
  // Compared relative to this control mode, round by round (machine_state.hpp): the
  // change and interval are of the ratio to it; raw_change_percent is the medians' own.
  std::string relative_to;
  double raw_change_percent = 0;
};

// The control mode's host time per launch, base against new: whether the machine's
// speed moved between the runs (machine_state.hpp).
struct machine_state {
  std::string control;                 // empty: no control in both runs
  std::optional<comparison_row> row;   // the control compared as it is
  bool moved = false;                  // that row is not `same`
  std::string summary() const;         // one line for the reports
};

// One way two runs' environments differ: "GPU: NVIDIA H100 80GB HBM3 (base) vs NVIDIA H200 (new)".
std::vector<std::string> environment_differences(const run_environment& base, const run_environment& next);

struct comparison {
  std::string base_source, new_source;
  std::string scenario;
  run_environment base_env, new_env;
  std::vector<std::string> env_differences;  // allowed (--allow-env-change), else compare_runs threw
  double alpha = 0.05;
  machine_state machine;
  std::vector<comparison_row> rows;
  std::vector<std::string> notes;  // modes or metrics only one run has
};

// The runs' environments differ and the comparison was not allowed to: what differs.
class environment_mismatch : public std::runtime_error {
 public:
  explicit environment_mismatch(std::vector<std::string> differences);
  const std::vector<std::string>& differences() const noexcept { return m_differences; }

 private:
  std::vector<std::string> m_differences;
};

// The verdict of one mode and metric from the two runs' per-round medians.
comparison_row compare_units(const metric_summary& base, const metric_summary& next, const compare_options& options);

// Throws environment_mismatch (unless options.allow_env_change), and std::runtime_error
// when the runs have no scenario, mode and metric in common.
comparison compare_runs(const run_summary& base, const run_summary& next, const compare_options& options);

}  // namespace tb::bench::compare
