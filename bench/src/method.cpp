#include "method.hpp"

#include "traced_records.hpp"
#include "tracer_cost.hpp"

#include <tb/profiler/analysis.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace tb::bench {

namespace tp = tb::profiler;

bool median_converged(std::span<const double> samples, const stopping_rule& rule) {
  if (samples.size() < rule.min_samples) return false;
  const tp::summary s = tp::summarize(samples);
  if (!(s.median > 0)) return false;
  return (s.ci_high - s.ci_low) / 2.0 <= rule.target_ci_fraction * s.median;
}

double student_t_975(int dof) {
  if (dof < 1) return std::numeric_limits<double>::infinity();
  static constexpr double small[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};
  if (dof <= 10) return small[dof - 1];
  // Cornish-Fisher expansion around the normal quantile: within 0.001 for dof > 10.
  const double z = 1.959964, v = dof;
  return z + (z * z * z + z) / (4 * v) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v);
}

bool rounds_converged(std::span<const double> round_medians, const stopping_rule& rule) {
  const std::size_t k = round_medians.size();
  if (k < 2 || static_cast<int>(k) < rule.min_rounds) return false;
  double mean = 0;
  for (double v : round_medians) mean += v;
  mean /= static_cast<double>(k);
  if (!(mean > 0)) return false;
  double ss = 0;
  for (double v : round_medians) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(k - 1));
  return student_t_975(static_cast<int>(k) - 1) * sd / std::sqrt(static_cast<double>(k)) <= rule.target_ci_fraction * mean;
}

std::string stop_reason(const std::vector<mode_progress>& per_mode, int rounds_done, double elapsed_s,
                        const stopping_rule& rule) {
  if (rule.fixed_rounds > 0) return rounds_done >= rule.fixed_rounds ? "rounds" : "";
  if (rounds_done >= rule.min_rounds && std::all_of(per_mode.begin(), per_mode.end(), [&](const mode_progress& m) {
        return median_converged(m.samples, rule) && rounds_converged(m.round_medians, rule);
      }))
    return "converged";
  if (elapsed_s >= rule.time_limit_s && rounds_done >= 1) return "time_limit";
  return "";
}

int batch_iterations(double iteration_ns, int max_iterations, double batch_seconds) {
  if (!(iteration_ns > 0)) return std::max(1, max_iterations);
  const double n = batch_seconds * 1e9 / iteration_ns;
  return static_cast<int>(std::clamp(n, 1.0, static_cast<double>(std::max(1, max_iterations))));
}

double measure_clock_floor_ns() {
  using clock = std::chrono::steady_clock;
  std::int64_t best = INT64_MAX;
  for (int i = 0; i < 2000; ++i) {
    const auto a = clock::now();
    auto b = clock::now();
    while (b == a) b = clock::now();
    best = std::min<std::int64_t>(best, std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
  }
  return static_cast<double>(std::max<std::int64_t>(best, 1));
}

tp::trace extract_ranges(const tp::trace& all, std::string_view range_name, std::string_view mode) {
  return extract_ranges(all, std::span(&range_name, 1), mode);
}

tp::trace extract_ranges(const tp::trace& all, std::span<const std::string_view> range_names, std::string_view mode) {
  std::vector<std::pair<std::int64_t, std::int64_t>> windows;
  for (const auto& e : all.events())
    if (e.kind == tp::event_kind::nvtx_range &&
        std::find(range_names.begin(), range_names.end(), all.str(e.name)) != range_names.end())
      windows.emplace_back(e.start_ns, e.end_ns);
  std::sort(windows.begin(), windows.end());
  tp::trace out;
  out.metadata() = all.metadata();
  out.metadata().mode = std::string(mode);
  std::vector<std::uint32_t> process_map(all.processes().size(), tp::no_index);
  std::vector<std::uint32_t> track_map(all.tracks().size(), tp::no_index);
  auto map_process = [&](std::uint32_t p) {
    if (process_map[p] == tp::no_index) {
      tp::process_info info = all.processes()[p];
      info.name = out.intern(all.str(info.name));
      process_map[p] = out.add_process(info);
    }
    return process_map[p];
  };
  auto map_track = [&](std::uint32_t t) {
    if (track_map[t] == tp::no_index) {
      tp::track_info info = all.tracks()[t];
      info.process = map_process(info.process);
      info.name = out.intern(all.str(info.name));
      track_map[t] = out.add_track(info);
    }
    return track_map[t];
  };
  auto inside = [&](std::int64_t t) {
    auto it = std::upper_bound(windows.begin(), windows.end(), std::make_pair(t, INT64_MAX));
    if (it == windows.begin()) return false;
    --it;
    return t >= it->first && t <= it->second;
  };
  std::vector<tp::event_arg> args;
  for (const auto& e : all.events()) {
    if (windows.empty() || !inside(e.start_ns)) continue;
    tp::event copy = e;
    copy.name = out.intern(all.str(e.name));
    copy.track = map_track(e.track);
    copy.process = out.tracks()[copy.track].process;
    if (const tp::kernel_info* k = all.kernel_of(e)) copy.kernel = out.add_kernel_info(*k);
    args.clear();
    for (const auto& a : all.args_of(e)) args.push_back({out.intern(all.str(a.key)), out.intern(all.str(a.value))});
    out.add_event(copy, args);
  }
  out.sort_by_start();
  return out;
}

metric_result make_metric(std::string id, std::string unit, std::vector<double> samples, double clock_floor_ns) {
  metric_result m;
  m.id = std::move(id);
  m.unit = std::move(unit);
  m.stats = tp::summarize(samples);
  if (m.unit == "ns")
    m.at_clock_floor = static_cast<std::size_t>(
        std::count_if(samples.begin(), samples.end(), [&](double v) { return v <= clock_floor_ns; }));
  m.samples = std::move(samples);
  return m;
}

namespace {

std::vector<metric_result> trace_metrics(const tp::trace& t, std::string_view target, double clock_floor_ns) {
  std::vector<metric_result> out;
  if (t.events().empty()) return out;
  tp::analysis_options options;
  options.target = std::string(target);
  const tp::analysis_result a = tp::analyze(t, options);
  // Every metric the analysis computes; the table chooses what it shows.
  for (const tp::metric& m : a.metrics)
    out.push_back(make_metric(m.name, std::string(tp::to_string(m.unit)), m.samples, clock_floor_ns));
  return out;
}

// From `full`, with the metrics that need no API record taken from `gpu_only` instead.
std::vector<metric_result> merged_trace_metrics(const tp::trace& full, const tp::trace& gpu_only, std::string_view target,
                                                double clock_floor_ns) {
  std::vector<metric_result> from_full = trace_metrics(full, target, clock_floor_ns);
  std::vector<metric_result> from_gpu = trace_metrics(gpu_only, target, clock_floor_ns);
  if (from_gpu.empty()) return from_full;
  std::vector<metric_result> out;
  for (auto& m : from_gpu)  // in the analysis' order, launch and module metrics where full has them
    if (from_gpu_records(m.id)) out.push_back(std::move(m));
  for (auto& m : from_full)
    if (!from_gpu_records(m.id)) out.push_back(std::move(m));
  return out;
}

const metric_result* named(const std::vector<metric_result>& v, std::string_view id) {
  for (const auto& m : v)
    if (m.id == id) return &m;
  return nullptr;
}

}  // namespace

std::vector<metric_result> mode_metrics(const tp::trace& full, const tp::trace& gpu_only, std::string_view target,
                                        std::uint64_t launches_per_iteration, const host_clock_samples& host,
                                        double clock_floor_ns) {
  std::vector<metric_result> out = merged_trace_metrics(full, gpu_only, target, clock_floor_ns);
  auto per_launch = [&](std::span<const double> iterations) {
    std::vector<double> v;
    v.reserve(iterations.size());
    for (double x : iterations) v.push_back(x / static_cast<double>(launches_per_iteration));
    return v;
  };
  // From the host clock, so that they exist for every mode, traced or not.
  auto add_host = [&](const char* id, std::span<const double> iterations) {
    if (launches_per_iteration > 0 && !iterations.empty())
      out.push_back(make_metric(id, "ns", per_launch(iterations), clock_floor_ns));
  };
  add_host("host.time_per_launch", host.untraced);
  add_host("host.time_per_launch_traced", host.traced);
  add_host("host.time_per_launch_gpu_traced", host.gpu_traced);
  for (const auto& [cost, traced] : {std::pair{"tracer.cost_per_launch", "host.time_per_launch_traced"},
                                     std::pair{"tracer.cost_per_launch_gpu", "host.time_per_launch_gpu_traced"}}) {
    const metric_result *u = named(out, "host.time_per_launch"), *t = named(out, traced);
    if (u && t)
      if (auto m = tracer_cost_metric(*u, *t)) {
        m->id = cost;
        out.push_back(std::move(*m));
      }
  }
  out.push_back(make_metric("host.iteration", "ns", {host.untraced.begin(), host.untraced.end()}, clock_floor_ns));
  return out;
}

}  // namespace tb::bench
