#include <tb/profiler/range_stats.hpp>

#include "analysis/intervals.hpp"

#include <algorithm>
#include <vector>

namespace tb::profiler {

namespace {

// The GPU work overlapping [lo, hi), clipped to it, sorted by start.
std::vector<detail::interval> clipped_work(const trace& t, std::int64_t lo, std::int64_t hi, range_stats& r) {
  std::vector<detail::interval> work;
  for (const auto& e : t.events()) {
    if (!is_gpu_work(e.kind)) continue;
    if (e.kind == event_kind::kernel && e.start_ns >= lo && e.start_ns < hi) ++r.kernels;
    const bool overlaps = e.end_ns > e.start_ns ? e.start_ns < hi && e.end_ns > lo : e.start_ns >= lo && e.start_ns < hi;
    if (!overlaps) continue;
    ++r.gpu_operations;
    work.push_back({std::max(e.start_ns, lo), std::min(e.end_ns, hi)});
  }
  std::sort(work.begin(), work.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  return work;
}

}  // namespace

range_stats compute_range_stats(const trace& t, std::int64_t begin_ns, std::int64_t end_ns) {
  range_stats r;
  r.begin_ns = begin_ns;
  r.end_ns = end_ns;
  if (end_ns <= begin_ns) return r;
  const auto merged = detail::union_of(clipped_work(t, begin_ns, end_ns, r));
  for (std::size_t i = 0; i < merged.size(); ++i) {
    r.busy_ns += merged[i].end - merged[i].start;
    if (i > 0) {
      r.gaps_ns += merged[i].start - merged[i - 1].end;
      ++r.gaps;
    }
  }
  r.busy_percent = 100.0 * static_cast<double>(r.busy_ns) / static_cast<double>(end_ns - begin_ns);
  return r;
}

}  // namespace tb::profiler
