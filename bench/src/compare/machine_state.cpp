#include "compare/machine_state.hpp"

#include <tb/bench/mode.hpp>

namespace tb::bench::compare {

bool relative_to_control(std::string_view mode_label, std::string_view metric_id, std::string_view control) noexcept {
  // host times of the untraced rounds; not their GPU-clock metrics (an untraced gap is
  // the GPU's, and near 0 when GPU-bound: no ratio to take)
  if (control.empty() || mode_label == control || !metric_id.starts_with("host.") || !measured_untraced(metric_id))
    return false;
  const auto m = parse_mode_label(mode_label);
  return m && is_loaded_launch(m->kind);
}

const metric_summary* control_series(const run_summary& run, std::string_view control, std::string_view metric_id) {
  if (control.empty()) return nullptr;
  const mode_summary* m = run.find(control);
  if (!m || m->status != "ok") return nullptr;
  const metric_summary* x = m->find(metric_id);
  return x && x->units == "rounds" && !x->round_medians.empty() ? x : nullptr;
}

std::optional<std::vector<double>> ratios_to_control(const metric_summary& metric, const metric_summary& control) {
  if (metric.units != "rounds" || control.units != "rounds" ||
      metric.round_medians.size() != control.round_medians.size() || metric.round_medians.empty())
    return std::nullopt;
  std::vector<double> out;
  out.reserve(metric.round_medians.size());
  for (std::size_t i = 0; i < metric.round_medians.size(); ++i) {
    if (!(control.round_medians[i] > 0)) return std::nullopt;
    out.push_back(metric.round_medians[i] / control.round_medians[i]);
  }
  return out;
}

}  // namespace tb::bench::compare
