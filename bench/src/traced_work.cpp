#include "traced_work.hpp"

#include <tb/profiler/analysis.hpp>
#include <tb/profiler/statistics.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>
#include <vector>

namespace tb::bench {

namespace tp = tb::profiler;

namespace {

std::uint64_t iteration_ranges(const tp::trace& t) {
  return static_cast<std::uint64_t>(std::count_if(t.events().begin(), t.events().end(), [&](const tp::event& e) {
    return e.kind == tp::event_kind::nvtx_range && tp::is_iteration_range_name(t.str(e.name));
  }));
}

// Per name, every duration of the trace's GPU work.
std::unordered_map<tp::string_id, std::vector<double>> durations_by_name(const tp::trace& t) {
  std::unordered_map<tp::string_id, std::vector<double>> out;
  for (const auto& e : t.events())
    if (tp::is_gpu_work(e.kind)) out[e.name].push_back(static_cast<double>(e.duration_ns()));
  return out;
}

int gpu_streams(const tp::trace& t) {
  std::set<std::uint32_t> tracks;
  for (const auto& e : t.events())
    if (tp::is_gpu_work(e.kind)) tracks.insert(e.track);
  return static_cast<int>(tracks.size());
}

double median_duration(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return tp::quantile_sorted(v, 0.5);
}

}  // namespace

iteration_work traced_work_of(const tp::trace& t, bool one_submission_stream) {
  iteration_work w;
  const std::uint64_t iterations = iteration_ranges(t);
  if (t.events().empty()) w.problem = "the traced rounds left no trace";
  else if (iterations == 0) w.problem = "the trace has no 'iteration' NVTX ranges";
  if (!w.problem.empty()) return w;
  std::uint64_t items = 0;
  double busy = 0;
  for (const auto& [name, durations] : durations_by_name(t)) {
    items += durations.size();
    busy += median_duration(durations) * static_cast<double>(durations.size());
  }
  if (items % iterations != 0) {
    w.problem = fmt::format("the trace's {} GPU work items are not a whole number per iteration ({} iterations; records "
                            "dropped?)",
                            items, iterations);
    return w;
  }
  w.launches = items / iterations;
  w.busy_ns = busy / static_cast<double>(iterations);
  w.streams = one_submission_stream ? 1 : gpu_streams(t);
  return w;
}

}  // namespace tb::bench
