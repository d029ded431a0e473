#include "compare/comparison.hpp"

#include "compare/machine_state.hpp"
#include "compare/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tb::bench::compare {

namespace {

constexpr std::size_t min_units_to_compare = 3;

// The verdict from the interval and the test, in terms of "worse" (a cost that grew, or
// a higher-is-better metric that shrank): [low, high] is the worsening in percent.
void decide(comparison_row& row, double worse_low, double worse_high, double worse_change, double alpha) {
  const double band = row.band_percent;
  const bool significant = row.p_value < alpha;
  if (significant && worse_low > band) {
    row.result = verdict::slower;
    row.reason = "significant, interval beyond the band";
  } else if (significant && worse_high < -band) {
    row.result = verdict::faster;
    row.reason = "significant, interval beyond the band";
  } else if (worse_low >= -band && worse_high <= band) {
    row.result = verdict::same;
    row.reason = "interval within the band";
  } else if (std::fabs(worse_change) <= band) {
    // The best estimate is within the tolerance and nothing shows it is not: an A/A pair
    // whose test happens to come out significant (alpha of them) is not made unsure.
    row.result = verdict::same;
    row.reason = significant ? "significant, but the change is within the band" : "not significant, change within the band";
  } else {
    row.result = verdict::unsure;
    row.reason = significant ? "significant, interval overlaps the band" : "not significant, change beyond the band";
  }
}

// A base median of 0 (module.time_per_iteration of a cached mode) has no ratio.
void decide_from_zero(comparison_row& row, const tolerance& t) {
  if (row.new_median == 0) {
    row.result = verdict::same;
    row.reason = "both 0";
  } else if (std::fabs(row.new_median) <= t.absolute) {
    row.result = verdict::same;
    row.reason = "base 0, change within the absolute tolerance";
  } else {
    row.result = verdict::unsure;
    row.reason = "base median is 0: no ratio";
  }
}

std::string difference(std::string_view what, const std::string& base, const std::string& next) {
  const auto shown = [](const std::string& s) { return s.empty() ? std::string("unknown") : s; };
  return fmt::format("{}: {} (base) vs {} (new)", what, shown(base), shown(next));
}

const tolerance& tolerance_of(const compare_options& o, std::string_view metric) {
  const auto it = o.per_metric.find(metric);
  return it == o.per_metric.end() ? o.default_tolerance : it->second;
}

}  // namespace

double noise_band_percent(const tolerance& t, double base_median) noexcept {
  if (base_median == 0) return t.absolute > 0 ? std::numeric_limits<double>::infinity() : t.relative_percent;
  return std::max(t.relative_percent, 100.0 * t.absolute / std::fabs(base_median));
}

bool higher_is_better(std::string_view metric_id) noexcept { return metric_id == "gpu.busy_per_iteration"; }

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::same: return "same";
    case verdict::faster: return "faster";
    case verdict::slower: return "slower";
    case verdict::unsure: return "unsure";
  }
  return "unsure";
}

std::vector<std::string> environment_differences(const run_environment& base, const run_environment& next) {
  std::vector<std::string> out;
  if (base.gpu_name != next.gpu_name) out.push_back(difference("GPU", base.gpu_name, next.gpu_name));
  if (base.driver_version != next.driver_version)
    out.push_back(difference("driver", base.driver_version, next.driver_version));
  if (base.cuda_version != next.cuda_version) out.push_back(difference("CUDA", base.cuda_version, next.cuda_version));
  if (base.triton_version != next.triton_version)
    out.push_back(difference("Triton", base.triton_version, next.triton_version));
  return out;
}

environment_mismatch::environment_mismatch(std::vector<std::string> differences)
    : std::runtime_error(fmt::format("the runs' environments differ ({}); compare them anyway with --allow-env-change",
                                     fmt::join(differences, "; "))),
      m_differences(std::move(differences)) {}

namespace {

// The verdict of `row` (metric, unit and band already set) from the two sides' units.
void compare_values(comparison_row& row, std::span<const double> base, std::span<const double> next,
                    const tolerance& t, const compare_options& options) {
  row.base_units = base.size();
  row.new_units = next.size();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  row.change_percent = row.low_percent = row.high_percent = nan;
  if (row.base_units < min_units_to_compare || row.new_units < min_units_to_compare) {
    row.p_value = nan;  // not tested
    row.reason = fmt::format("too few rounds ({} base, {} new; {} needed)", row.base_units, row.new_units,
                             min_units_to_compare);
    return;
  }
  row.p_value = mann_whitney(base, next).p_value;
  if (median(base) == 0) {
    decide_from_zero(row, t);
    return;
  }
  const auto ratio = bootstrap_median_ratio(base, next, {options.resamples});
  row.change_percent = (ratio.ratio - 1) * 100;
  row.low_percent = (ratio.low - 1) * 100;
  row.high_percent = (ratio.high - 1) * 100;
  if (higher_is_better(row.metric)) decide(row, -row.high_percent, -row.low_percent, -row.change_percent, options.alpha);
  else decide(row, row.low_percent, row.high_percent, row.change_percent, options.alpha);
}

comparison_row row_of(const metric_summary& base, const metric_summary& next, const compare_options& options) {
  comparison_row row;
  row.metric = base.id;
  row.unit = base.unit;
  row.base_median = median(base.round_medians);
  row.new_median = median(next.round_medians);
  row.band_percent = noise_band_percent(tolerance_of(options, base.id), row.base_median);
  row.raw_change_percent = row.base_median != 0 ? (row.new_median / row.base_median - 1) * 100
                                                : std::numeric_limits<double>::quiet_NaN();
  return row;
}

// The machine's speed between the runs: the control's host time compared as it is.
machine_state machine_of(const run_summary& base, const run_summary& next, const compare_options& options) {
  machine_state m;
  const metric_summary* b = control_series(base, options.control, control_metric);
  const metric_summary* n = control_series(next, options.control, control_metric);
  if (!b || !n) return m;
  m.control = options.control;
  m.row = compare_units(*b, *n, options);
  m.row->mode = options.control;
  m.moved = m.row->result != verdict::same;
  return m;
}

// A mode whose launch is the driver's own path, on a metric of the untraced rounds:
// compared on its per-round ratio to the control of the same rounds.
std::optional<comparison_row> compare_relative(const metric_summary& base, const metric_summary& next,
                                               const run_summary& base_run, const run_summary& next_run,
                                               const machine_state& machine, const compare_options& options) {
  const metric_summary* bc = control_series(base_run, machine.control, base.id);
  const metric_summary* nc = control_series(next_run, machine.control, base.id);
  if (!bc || !nc) return std::nullopt;
  const auto b = ratios_to_control(base, *bc), n = ratios_to_control(next, *nc);
  if (!b || !n) return std::nullopt;
  comparison_row row = row_of(base, next, options);
  compare_values(row, *b, *n, tolerance_of(options, base.id), options);
  row.relative_to = machine.control;
  row.reason = fmt::format("relative to {} in the same rounds: {}", machine.control, row.reason);
  return row;
}

// The machine moved and this row has no control of its own: a difference there may be
// the machine's, so slower and faster become unsure.
void distrust_if_moved(comparison_row& row, const machine_state& machine, std::string_view mode_label) {
  if (!machine.moved || (row.result != verdict::slower && row.result != verdict::faster)) return;
  row.reason = mode_label == machine.control && row.metric == control_metric
                   ? fmt::format("{}, but this is the control: the machine's speed moved, not (only) the code's",
                                 to_string(row.result))
                   : fmt::format("{}, but the machine's speed moved ({} {} {}) and this row has no control in "
                                 "the same rounds",
                                 to_string(row.result), machine.control, control_metric,
                                 fmt::format("{:+.2f} %", machine.row->change_percent));
  row.result = verdict::unsure;
}

}  // namespace

comparison_row compare_units(const metric_summary& base, const metric_summary& next, const compare_options& options) {
  comparison_row row = row_of(base, next, options);
  compare_values(row, base.round_medians, next.round_medians, tolerance_of(options, base.id), options);
  return row;
}

std::string machine_state::summary() const {
  if (control.empty() || !row) return "no control mode in both runs: rows compared as they are";
  const std::string change = std::isfinite(row->change_percent) ? fmt::format("{:+.2f} %", row->change_percent) : "n/a";
  if (!moved)
    return fmt::format("the machine's speed held: {} {} {} ({}); modes launching a loaded function compared "
                       "relative to it, round by round", control, control_metric, change, to_string(row->result));
  return fmt::format("the machine's speed MOVED between the runs: {} {} {} ({}); modes launching a loaded function "
                     "are compared relative to it, round by round; in every other row slower/faster becomes unsure",
                     control, control_metric, change, to_string(row->result));
}

namespace {

// Every metric of one mode both runs measured: a row each, or a note.
void compare_mode(comparison& c, const mode_summary& bm, const mode_summary& nm, const run_summary& base,
                  const run_summary& next, const compare_options& options) {
  for (const auto& metric : bm.metrics) {
    const metric_summary* other = nm.find(metric.id);
    if (metric.round_medians.empty() && (!other || other->round_medians.empty())) continue;  // neither measured it
    if (!other || other->round_medians.empty() || metric.round_medians.empty()) {
      c.notes.push_back(fmt::format("{} {}: measured in the {} run only", bm.label, metric.id,
                                    metric.round_medians.empty() ? "new" : "base"));
      continue;
    }
    std::optional<comparison_row> row;
    if (relative_to_control(bm.label, metric.id, c.machine.control))
      row = compare_relative(metric, *other, base, next, c.machine, options);
    if (!row) {
      row = compare_units(metric, *other, options);
      distrust_if_moved(*row, c.machine, bm.label);
    }
    row->scenario = next.scenario;
    row->mode = bm.label;
    c.rows.push_back(std::move(*row));
  }
  for (const auto& metric : nm.metrics)
    if (!metric.round_medians.empty() && !bm.find(metric.id))
      c.notes.push_back(fmt::format("{} {}: measured in the new run only", bm.label, metric.id));
}

}  // namespace

comparison compare_runs(const run_summary& base, const run_summary& next, const compare_options& options) {
  comparison c;
  c.base_source = base.source;
  c.new_source = next.source;
  c.scenario = next.scenario;
  c.base_env = base.env;
  c.new_env = next.env;
  c.alpha = options.alpha;
  c.env_differences = environment_differences(base.env, next.env);
  if (!c.env_differences.empty() && !options.allow_env_change) throw environment_mismatch(c.env_differences);
  if (base.scenario != next.scenario)
    throw std::runtime_error(fmt::format("nothing to compare: {} is a run of scenario '{}', {} of '{}'", base.source,
                                         base.scenario, next.source, next.scenario));
  c.machine = machine_of(base, next, options);
  for (const auto& bm : base.modes) {
    const mode_summary* nm = next.find(bm.label);
    if (!nm) {
      c.notes.push_back(fmt::format("mode {} only in the base run", bm.label));
      continue;
    }
    if (bm.status != "ok" || nm->status != "ok") {
      c.notes.push_back(fmt::format("mode {} not compared: {} in the base run, {} in the new", bm.label, bm.status,
                                    nm->status));
      continue;
    }
    compare_mode(c, bm, *nm, base, next, options);
  }
  for (const auto& nm : next.modes)
    if (!base.find(nm.label)) c.notes.push_back(fmt::format("mode {} only in the new run", nm.label));
  if (c.rows.empty())
    throw std::runtime_error(fmt::format("nothing to compare: {} and {} have no mode and metric both measured",
                                         base.source, next.source));
  return c;
}

}  // namespace tb::bench::compare
