#include "results.hpp"

#include <tb/profiler/analysis.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace tb::bench {

const metric_result* mode_result::find(std::string_view id) const noexcept {
  for (const auto& m : metrics)
    if (m.id == id) return &m;
  return nullptr;
}

const unmeasured_metric* mode_result::unmeasured(std::string_view id) const noexcept {
  for (const auto& u : not_measured)
    if (u.id == id) return &u;
  return nullptr;
}

const cold_phase_result* cold_start_result::phase(std::string_view name) const noexcept {
  for (const auto& p : phases)
    if (p.name == name) return &p;
  return nullptr;
}

const mode_result* results::find(tb::bench::mode mode) const noexcept {
  for (const auto& m : modes)
    if (m.mode == mode && m.instance == 1) return &m;
  return nullptr;
}

namespace {
constexpr std::array<std::pair<check_kind, std::string_view>, check_kind_count> check_kind_names = {{
    {check_kind::jit_exact, "jit-exact"},
    {check_kind::jit_tolerance, "jit-tolerance"},
    {check_kind::host_model, "host-model"},
    {check_kind::oracle, "oracle"},
    {check_kind::unchecked, "unchecked"},
}};
}  // namespace

std::string_view to_string(check_kind k) noexcept { return check_kind_names[static_cast<std::size_t>(k)].second; }

std::array<std::string_view, check_kind_count> check_kind_texts() noexcept {
  std::array<std::string_view, check_kind_count> out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = check_kind_names[i].second;
  return out;
}

std::optional<check_kind> parse_check_kind(std::string_view text) noexcept {
  for (const auto& [k, name] : check_kind_names)
    if (name == text) return k;
  return std::nullopt;
}

std::vector<repeat_agreement> repeat_agreements(const results& r) {
  std::vector<repeat_agreement> out;
  constexpr std::string_view metric = "host.time_per_launch";
  for (const auto& m : r.modes) {
    if (m.instance == 1 || m.status != "ok") continue;
    const mode_result* first = r.find(m.mode);
    if (!first || first->status != "ok") continue;
    const metric_result* a = first->find(metric);
    const metric_result* b = m.find(metric);
    if (!a || !b || a->stats.n == 0 || b->stats.n == 0 || !(a->stats.median > 0)) continue;
    out.push_back({first->label(), m.label(), std::string(metric), a->stats.median, b->stats.median,
                   100.0 * std::fabs(b->stats.median - a->stats.median) / a->stats.median});
  }
  return out;
}

double median_ratio(const mode_result& m, const mode_result& base, std::string_view metric_id) noexcept {
  const metric_result* x = m.find(metric_id);
  const metric_result* b = base.find(metric_id);
  if (!x || !b || x->stats.n == 0 || b->stats.n == 0 || b->stats.median == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return x->stats.median / b->stats.median;
}

std::string gap_ratio_phrase(const results& r, double ratio, bool bold) {
  if (std::isfinite(ratio))
    return bold ? fmt::format("gap before target **{:.2f}x** (goal >= 4x)", ratio)
                : fmt::format("gap before target {:.2f}x (goal >= 4x)", ratio);
  return r.traced_rounds == 0 ? "gap before target not measured (no traced rounds)" : "gap before target not measured";
}

const std::vector<metric_label>& table_metrics() {
  static const std::vector<metric_label> rows = {
      {"gap.before_target", "gap before target"},
      {"gap.after_target", "gap after target"},
      {"overlap.before_target", "overlap before target (gap < 0)"},
      {"overlap.after_target", "overlap after target (gap < 0)"},
      {"gap.per_launch", "gap per launch, traced"},
      {"gap.untraced_mean", "gap per launch, untraced"},
      {"launch.dispatch_overhead", "dispatch overhead"},
      {"launch.api_duration", "launch API time"},
      {"host.time_per_launch", "host time per launch"},
      {"host.time_per_launch_traced", "  same, while traced"},
      {"tracer.cost_per_launch", "  tracer's cost per launch"},
      {"host.time_per_launch_gpu_traced", "  same, traced GPU side only"},
      {"tracer.cost_per_launch_gpu", "  tracer's cost, GPU side only"},
      {"gpu.time_per_launch_untraced", "GPU time per launch"},
      {"launch.latency", "launch latency"},
      {"module.time_per_iteration", "module load / iteration"},
      {"kernel.duration", "kernel time"},
      {"iteration.duration", "iteration time (traced)"},
      {"host.iteration", "iteration time (host clock)"},
      {"gpu.busy_per_iteration", "GPU busy"},
  };
  return rows;
}

std::string metric_cell(const mode_result& m, std::string_view id) {
  const metric_result* x = m.find(id);
  if (!x || x->stats.n == 0) return m.unmeasured(id) ? "not measured" : "-";
  const auto& s = x->stats;
  std::string cell = format_value(s.median, x->unit);
  if (std::isfinite(s.ci_low) && std::isfinite(s.ci_high) && s.median != 0)
    cell += fmt::format(" ±{:.1f}%", 100.0 * (s.ci_high - s.ci_low) / 2.0 / std::fabs(s.median));
  return cell;
}

bool has_cell(const mode_result& m, std::string_view id) noexcept {
  const metric_result* x = m.find(id);
  return (x && x->stats.n > 0) || m.unmeasured(id);
}

std::string format_value(double value, std::string_view unit) {
  if (!std::isfinite(value)) return "-";
  if (unit == "percent") return fmt::format("{:.1f} %", value);
  if (unit == "count") return fmt::format("{:.3g}", value);
  return tb::profiler::format_duration(value);
}

}  // namespace tb::bench
