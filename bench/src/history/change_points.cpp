#include "change_points.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

namespace tb::bench {

namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2;
}

// Sum of |x - median| over a growing set, in O(log n) per value: the lower half in a
// max-heap, the upper half in a min-heap, with their sums.
class l1_cost {
 public:
  void add(double x) {
    if (m_lower.empty() || x <= m_lower.top()) push_lower(x);
    else push_upper(x);
    if (m_lower.size() > m_upper.size() + 1) {
      const double t = m_lower.top();
      m_lower.pop(), m_lower_sum -= t;
      push_upper(t);
    } else if (m_upper.size() > m_lower.size()) {
      const double t = m_upper.top();
      m_upper.pop(), m_upper_sum -= t;
      push_lower(t);
    }
  }
  double cost() const {
    const double m = m_lower.top();
    return m * static_cast<double>(m_lower.size()) - m_lower_sum + m_upper_sum - m * static_cast<double>(m_upper.size());
  }

 private:
  void push_lower(double x) { m_lower.push(x), m_lower_sum += x; }
  void push_upper(double x) { m_upper.push(x), m_upper_sum += x; }
  std::priority_queue<double> m_lower;
  std::priority_queue<double, std::vector<double>, std::greater<>> m_upper;
  double m_lower_sum = 0, m_upper_sum = 0;
};

// Optimal partitioning: the segment starts (0 first) minimising the scaled L1 cost plus
// `penalty` per segment, every segment but the last at least `min_length` long.
std::vector<std::size_t> optimal_partition(std::span<const double> v, double scale, double penalty,
                                           std::size_t min_length) {
  const std::size_t n = v.size();
  std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
  std::vector<std::size_t> start(n + 1, 0);
  best[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {  // best[i] is final here: every i' < i relaxed it
    l1_cost c;
    for (std::size_t j = i; j < n; ++j) {
      c.add(v[j]);
      if (j + 1 - i < min_length && j + 1 < n) continue;
      const double total = best[i] + c.cost() / scale + penalty;
      if (total < best[j + 1]) best[j + 1] = total, start[j + 1] = i;
    }
  }
  std::vector<std::size_t> starts;
  for (std::size_t end = n; end > 0; end = start[end]) starts.push_back(start[end]);
  std::reverse(starts.begin(), starts.end());
  return starts;
}

double segment_median(std::span<const double> v, std::size_t first, std::size_t last) {
  return median_of({v.begin() + static_cast<std::ptrdiff_t>(first), v.begin() + static_cast<std::ptrdiff_t>(last)});
}

// Merges adjacent segments whose medians differ by less than `min_relative`, the closest
// pair first, until every remaining step is at least that large.
void merge_small_steps(std::span<const double> v, std::vector<std::size_t>& starts, double min_relative) {
  while (starts.size() > 1) {
    std::size_t weakest = 0;
    double weakest_step = std::numeric_limits<double>::infinity();
    for (std::size_t k = 1; k < starts.size(); ++k) {
      const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : v.size();
      const double before = segment_median(v, starts[k - 1], starts[k]);
      const double after = segment_median(v, starts[k], end);
      const double step = std::abs(after - before) / std::max(std::abs(before), std::numeric_limits<double>::min());
      if (step < weakest_step) weakest_step = step, weakest = k;
    }
    if (weakest_step >= min_relative) return;
    starts.erase(starts.begin() + static_cast<std::ptrdiff_t>(weakest));
  }
}

}  // namespace

double noise_scale(std::span<const double> values, const change_point_options& options) {
  if (values.size() < 2) return 0;
  std::vector<double> diffs;
  for (std::size_t i = 1; i < values.size(); ++i) diffs.push_back(values[i] - values[i - 1]);
  const double md = median_of(diffs);
  for (auto& d : diffs) d = std::abs(d - md);
  const double robust = 1.4826 * median_of(diffs) / std::sqrt(2.0);
  const double floor = options.noise_floor_relative * std::abs(median_of({values.begin(), values.end()}));
  return std::max({robust, floor, std::numeric_limits<double>::min()});
}

std::vector<change_point> find_change_points(std::span<const double> values, const change_point_options& options) {
  if (values.size() < 2) return {};
  const double scale = noise_scale(values, options);
  const double penalty = options.penalty_per_log_n * std::log(static_cast<double>(values.size()));
  auto starts = optimal_partition(values, scale, penalty, std::max<std::size_t>(options.min_level_runs, 1));
  merge_small_steps(values, starts, options.min_relative_step);
  std::vector<change_point> out;
  for (std::size_t k = 1; k < starts.size(); ++k) {
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : values.size();
    change_point c;
    c.index = starts[k];
    c.before = segment_median(values, starts[k - 1], starts[k]);
    c.after = segment_median(values, starts[k], end);
    c.relative = c.after / c.before - 1;
    out.push_back(c);
  }
  return out;
}

}  // namespace tb::bench
