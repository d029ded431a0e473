// launch.dispatch_overhead (host time between consecutive launch calls on one thread not
// spent in the earlier call; with iterations, pairs inside one iteration only) and
// launch.dispatch_range_to_launch (call start - start of the innermost enclosing "dispatch"
// NVTX range on the thread). Both sampled for the calls launch_api samples.
#include "analysis/context.hpp"

namespace tb::profiler::detail {

namespace {

// The dispatch ranges of one thread swept in call order: open every range starting at or
// before the call, drop the ones that ended before it; the innermost open one encloses it.
class range_sweep {
 public:
  range_sweep(const analysis_context& c, const std::vector<std::uint32_t>& ranges) : m_c(c), m_ranges(ranges) {}
  // The innermost range open at the call (calls in start order), or no_index.
  std::uint32_t enclosing(const launch_call& call) {
    while (m_next < m_ranges.size() && start(m_ranges[m_next]) <= call.start) {
      const std::int64_t opening = start(m_ranges[m_next]);
      while (!m_open.empty() && end(m_open.back()) < opening) m_open.pop_back();
      m_open.push_back(m_ranges[m_next++]);
    }
    while (!m_open.empty() && end(m_open.back()) < call.start) m_open.pop_back();
    return m_open.empty() ? no_index : m_open.back();
  }

 private:
  std::int64_t start(std::uint32_t i) const noexcept { return m_c.at(i).start_ns; }
  std::int64_t end(std::uint32_t i) const noexcept { return m_c.at(i).end_ns; }
  const analysis_context& m_c;
  const std::vector<std::uint32_t>& m_ranges;
  std::size_t m_next = 0;
  std::vector<std::uint32_t> m_open;
};

std::vector<std::vector<std::uint32_t>> ranges_by_track(const analysis_context& c) {
  std::vector<std::vector<std::uint32_t>> by_track(c.launches_by_track.size());
  for (auto i : c.dispatch_ranges) by_track[c.at(i).track].push_back(i);
  for (auto& list : by_track) sort_by_start(list, c.events);
  return by_track;
}

struct dispatch_metrics {
  metric overhead = make_metric("launch.dispatch_overhead", metric_unit::nanoseconds);
  metric range_to_launch = make_metric("launch.dispatch_range_to_launch", metric_unit::nanoseconds);
};

void measure_thread(const analysis_context& c, const std::vector<launch_call>& calls,
                    const std::vector<std::uint32_t>& ranges, dispatch_metrics& out) {
  range_sweep sweep(c, ranges);
  iteration_index::cursor prev_iteration(c.iterations), call_iteration(c.iterations);  // calls sorted by start
  for (std::size_t j = 0; j < calls.size(); ++j) {
    const launch_call& call = calls[j];
    const std::uint32_t range = sweep.enclosing(call);
    if (!call.counted) continue;
    if (j > 0) {
      const launch_call& prev = calls[j - 1];
      bool same_iteration = c.iterations.empty();
      if (!same_iteration) {
        const std::uint32_t prev_it = prev_iteration.of(prev.start);
        same_iteration = prev_it != no_index && prev_it == call_iteration.of(call.start);
      }
      if (same_iteration) out.overhead.samples.push_back(static_cast<double>(call.start - prev.end));
    }
    if (range != no_index)
      out.range_to_launch.samples.push_back(static_cast<double>(call.start - c.at(range).start_ns));
  }
}

}  // namespace

void dispatch(const analysis_context& c, analysis_result& r) {
  const auto ranges = ranges_by_track(c);
  dispatch_metrics out;
  out.overhead.samples.reserve(r.launches);
  for (std::size_t track = 0; track < c.launches_by_track.size(); ++track) {
    if (!c.launches_by_track[track].empty()) measure_thread(c, c.launches_by_track[track], ranges[track], out);
  }
  r.metrics.push_back(std::move(out.overhead));
  r.metrics.push_back(std::move(out.range_to_launch));
}

}  // namespace tb::profiler::detail
