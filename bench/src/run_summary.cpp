#include "run_summary.hpp"

#include <tb/profiler/statistics.hpp>

#include <algorithm>

namespace tb::bench {

const metric_summary* mode_summary::find(std::string_view id) const noexcept {
  for (const auto& m : metrics)
    if (m.id == id) return &m;
  return nullptr;
}

const mode_summary* run_summary::find(std::string_view label) const noexcept {
  for (const auto& m : modes)
    if (m.label == label) return &m;
  return nullptr;
}

namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return tb::profiler::quantile_sorted(v, 0.5);
}

// Medians of `groups` consecutive slices of `samples`, `size` each (the last one takes
// the remainder).
std::vector<double> slice_medians(const std::vector<double>& samples, std::size_t groups) {
  std::vector<double> out;
  const std::size_t size = samples.size() / groups;
  for (std::size_t g = 0; g < groups; ++g) {
    const auto first = samples.begin() + static_cast<std::ptrdiff_t>(g * size);
    const auto last = g + 1 == groups ? samples.end() : first + static_cast<std::ptrdiff_t>(size);
    out.push_back(median_of({first, last}));
  }
  return out;
}

}  // namespace

std::vector<double> unit_medians(const std::vector<double>& samples, int rounds, std::string* units_kind) {
  const auto r = static_cast<std::size_t>(std::max(rounds, 0));
  if (r >= min_units && samples.size() % r == 0 && samples.size() >= r) {
    if (units_kind) *units_kind = "rounds";
    return slice_medians(samples, r);
  }
  if (units_kind) *units_kind = "blocks";
  if (samples.size() < min_units) return samples;
  return slice_medians(samples, min_units);
}

bool measured_untraced(std::string_view metric_id) noexcept {
  return metric_id == "host.time_per_launch" || metric_id == "host.iteration" ||
         metric_id == "gpu.time_per_launch_untraced" || metric_id == "gap.untraced_mean";  // per event window
}

run_summary summarize_run(const results& r, std::string source) {
  run_summary s;
  s.source = std::move(source);
  s.created = r.created;
  s.git_commit = r.git_commit;
  s.hostname = r.hostname;
  s.env = {r.gpu_name, r.compute_capability, r.driver_version, r.cuda_version, r.triton_version, r.torch_version};
  s.scenario = r.scenario;
  s.launches_per_iteration = r.launches_per_iteration;
  s.rounds = r.rounds;
  s.traced_rounds = r.traced_rounds;
  for (const auto& m : r.modes) {
    mode_summary ms;
    ms.label = m.label();
    ms.status = m.status;
    ms.check_kind = std::string(to_string(m.check.kind));
    ms.check_status = m.check.status;
    for (const auto& metric : m.metrics) {
      metric_summary x;
      x.id = metric.id;
      x.unit = metric.unit;
      x.stats = metric.stats;
      x.round_medians =
          unit_medians(metric.samples, measured_untraced(metric.id) ? r.rounds : r.traced_rounds, &x.units);
      ms.metrics.push_back(std::move(x));
    }
    s.modes.push_back(std::move(ms));
  }
  return s;
}

}  // namespace tb::bench
