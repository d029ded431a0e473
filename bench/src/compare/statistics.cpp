// Method (docs/compare.md, "Method"):
//  - Mann-Whitney U: U counts the pairs (a, b) with b > a, ties half. Without ties and with
//    small samples, its exact null distribution comes from counting arrangements: with i
//    values of `a` and j of `b`, the largest value is either an `a` (no pair gained) or a
//    `b` (i pairs gained), so N(i, j, u) = N(i - 1, j, u) + N(i, j - 1, u - i). Otherwise
//    z = (|U - mn/2| - 1/2) / sigma with sigma^2 = mn/12 ((N + 1) - sum(t^3 - t) / (N (N - 1)))
//    over the tie groups t, and p = erfc(z / sqrt 2).
//  - The ratio interval: each side resampled with replacement (splitmix64, indices by
//    rejection so that every index is equally likely), the ratio of the two medians taken
//    each time, and the type-7 quantiles of those ratios.
#include "compare/statistics.hpp"

#include <tb/profiler/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tb::bench::compare {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double sorted_median(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  return tb::profiler::quantile_sorted(v, 0.5);
}

// The exact two-sided p of U = u for samples of m and n values without ties.
double exact_p(std::size_t m, std::size_t n, double u) {
  const std::size_t max_u = m * n;
  // counts[j][k]: arrangements of i a's and j b's with U = k, for the current i.
  std::vector<std::vector<double>> counts(n + 1, std::vector<double>(max_u + 1, 0.0));
  for (std::size_t j = 0; j <= n; ++j) counts[j][0] = 1;  // i = 0: U is 0
  for (std::size_t i = 1; i <= m; ++i) {
    // in place, j ascending: counts[j] still holds i - 1, counts[j - 1] already holds i
    for (std::size_t j = 1; j <= n; ++j)
      for (std::size_t k = max_u + 1; k-- > 0;)
        counts[j][k] += k >= i ? counts[j - 1][k - i] : 0.0;
  }
  const auto& dist = counts[n];
  double total = 0, below = 0, above = 0;
  for (std::size_t k = 0; k <= max_u; ++k) {
    total += dist[k];
    if (static_cast<double>(k) <= u) below += dist[k];
    if (static_cast<double>(k) >= u) above += dist[k];
  }
  return std::min(1.0, 2.0 * std::min(below, above) / total);
}

class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) noexcept : m_state(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound): draws above the largest multiple of bound are drawn again.
  std::size_t below(std::size_t bound) noexcept {
    const std::uint64_t b = bound;
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % b;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return static_cast<std::size_t>(x % b);
  }

 private:
  std::uint64_t m_state;
};

double resampled_median(std::span<const double> values, splitmix64& rng, std::vector<double>& scratch) {
  scratch.resize(values.size());
  for (auto& x : scratch) x = values[rng.below(values.size())];
  return sorted_median(scratch);
}

}  // namespace

double median(std::span<const double> values) {
  std::vector<double> v(values.begin(), values.end());
  return v.empty() ? nan : sorted_median(v);
}

rank_test mann_whitney(std::span<const double> a, std::span<const double> b) {
  rank_test r;
  if (a.empty() || b.empty()) return r;
  for (const double x : a)
    for (const double y : b) r.u += y > x ? 1.0 : (y == x ? 0.5 : 0.0);
  std::vector<double> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  double tie_sum = 0;  // sum of t^3 - t over the groups of equal values
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    const auto t = static_cast<double>(j - i);
    tie_sum += t * t * t - t;
    i = j;
  }
  const auto m = static_cast<double>(a.size()), n = static_cast<double>(b.size()), total = m + n;
  if (tie_sum == 0 && a.size() <= exact_rank_test_max && b.size() <= exact_rank_test_max) {
    r.exact = true;
    r.p_value = exact_p(a.size(), b.size(), r.u);
    return r;
  }
  const double variance = m * n / 12.0 * ((total + 1) - tie_sum / (total * (total - 1)));
  if (variance <= 0) return r;  // every value equal: no evidence either way
  const double z = std::max(0.0, std::fabs(r.u - m * n / 2.0) - 0.5) / std::sqrt(variance);
  r.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

ratio_interval bootstrap_median_ratio(std::span<const double> base, std::span<const double> next,
                                      const bootstrap_options& options) {
  ratio_interval out{nan, nan, nan};
  if (base.empty() || next.empty()) return out;
  const double base_median = median(base);
  if (base_median == 0 || !std::isfinite(base_median)) return out;
  out.ratio = median(next) / base_median;
  splitmix64 rng(options.seed);
  std::vector<double> ratios, scratch;
  ratios.reserve(options.resamples);
  for (std::uint32_t i = 0; i < options.resamples; ++i) {
    const double b = resampled_median(base, rng, scratch);
    const double x = resampled_median(next, rng, scratch);
    ratios.push_back(b == 0 ? std::numeric_limits<double>::infinity() : x / b);
  }
  std::sort(ratios.begin(), ratios.end());
  out.low = tb::profiler::quantile_sorted(ratios, (1 - options.level) / 2);
  out.high = tb::profiler::quantile_sorted(ratios, (1 + options.level) / 2);
  return out;
}

}  // namespace tb::bench::compare
