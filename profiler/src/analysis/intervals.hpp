// Time intervals for the analysis: iterations looked up by time, the length of a union of
// intervals inside a window, index lists sorted by start.
#pragma once

#include <tb/profiler/trace.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tb::profiler::detail {

struct interval {
  std::int64_t start;
  std::int64_t end;
};

// Sorts an index list by the events' start times unless it already is.
inline void sort_by_start(std::vector<std::uint32_t>& list, std::span<const event> events) {
  auto before = [&](std::uint32_t a, std::uint32_t b) { return events[a].start_ns < events[b].start_ns; };
  if (!std::is_sorted(list.begin(), list.end(), before)) std::stable_sort(list.begin(), list.end(), before);
}

// Iteration lookup: iterations sorted by start; returns the index of the last iteration
// starting at or before t that contains t ([start, end)), or no_index.
class iteration_index {
 public:
  iteration_index() = default;
  explicit iteration_index(std::vector<interval> ranges) : m_ranges(std::move(ranges)) {}
  std::uint32_t of(std::int64_t t) const noexcept {
    auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), t,
                               [](std::int64_t v, const interval& r) { return v < r.start; });
    if (it == m_ranges.begin()) return no_index;
    --it;
    if (t >= it->end) return no_index;
    return static_cast<std::uint32_t>(it - m_ranges.begin());
  }
  // The same lookup for non-decreasing times: a cursor that only moves forward, so a
  // sweep over sorted calls costs O(1) per call instead of a binary search.
  class cursor {
   public:
    explicit cursor(const iteration_index& index) noexcept : m_ranges(index.m_ranges) {}
    std::uint32_t of(std::int64_t t) noexcept {
      while (m_next < m_ranges.size() && m_ranges[m_next].start <= t) ++m_next;
      if (m_next == 0) return no_index;
      const std::size_t i = m_next - 1;
      return t < m_ranges[i].end ? static_cast<std::uint32_t>(i) : no_index;
    }

   private:
    const std::vector<interval>& m_ranges;
    std::size_t m_next = 0;  // first range starting after the last time asked
  };
  bool empty() const noexcept { return m_ranges.empty(); }
  std::size_t size() const noexcept { return m_ranges.size(); }
  const std::vector<interval>& ranges() const noexcept { return m_ranges; }

 private:
  std::vector<interval> m_ranges;
};

// The union of `work` (sorted by start) as sorted, disjoint intervals; empty ones dropped.
inline std::vector<interval> union_of(const std::vector<interval>& work) {
  std::vector<interval> merged;
  for (const auto& w : work) {
    if (w.end <= w.start) continue;
    if (!merged.empty() && w.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, w.end);
    } else {
      merged.push_back(w);
    }
  }
  return merged;
}

// Length of the part of the sorted, disjoint `merged` intervals inside [lo, hi).
inline std::int64_t covered(const std::vector<interval>& merged, std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return 0;
  auto it = std::upper_bound(merged.begin(), merged.end(), lo,
                             [](std::int64_t v, const interval& r) { return v < r.end; });
  std::int64_t total = 0;
  for (; it != merged.end() && it->start < hi; ++it) {
    total += std::min(it->end, hi) - std::max(it->start, lo);
  }
  return total;
}

}  // namespace tb::profiler::detail
