// Summary statistics.
//
// Quantiles: linear interpolation between order statistics (Hyndman & Fan type 7): for
// sorted x[0..n-1] and p in [0, 1], h = (n - 1) p and q = x[floor h] + (h - floor h) *
// (x[floor h + 1] - x[floor h]). The median is q(0.5): the mean of the two middle values
// for even n. MAD is the median of |x - median|, not scaled by 1.4826.
//
// Confidence interval of the median (95 %), in the spirit of nvbench's noise estimates:
//  * n <= bootstrap_max_samples (default 1000): percentile bootstrap. B resamples (default 1000), each n
//    draws with replacement; the resample's median is computed; the interval is the
//    type-7 2.5 % and 97.5 % quantiles of the B medians. The generator is splitmix64 with
//    a fixed seed and the draws use Lemire's unbiased multiply-shift reduction, so results
//    are identical on every platform and run.
//  * larger n: the percentile bootstrap of the median converges to the distribution-free
//    order-statistic interval (the bootstrap median falls at or below x(k) when at least
//    half of the n draws do, a Binomial(n, k/n) tail). With z = 1.959964 the interval is
//    [x(lo), x(hi)], lo = floor(n/2 - z sqrt(n)/2), hi = ceil(n/2 + z sqrt(n)/2) - 1
//    (0-based, clamped to [0, n-1]). This keeps summaries O(n log n) for millions of
//    samples, where B * n resampling would dominate the analysis.
#include <tb/profiler/statistics.hpp>

#include "analysis/statistics_scratch.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

namespace tb::profiler {

namespace {

class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) noexcept : m_state(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) without bias (Lemire 2019), bound < 2^32.
  std::uint32_t below(std::uint32_t bound) noexcept {
    std::uint64_t m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(next() >> 32)) * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(next() >> 32)) * bound;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

 private:
  std::uint64_t m_state;
};

// Maps a double to an unsigned key with the same order (no NaNs here).
std::uint64_t order_key(double d) noexcept {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}
double from_order_key(std::uint64_t k) noexcept {
  const std::uint64_t u = (k & 0x8000000000000000ULL) ? (k & ~0x8000000000000000ULL) : ~k;
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

// Sorts samples into `out`: LSD radix sort on order keys, skipping the byte positions that
// are equal in every key (most of them for nanosecond durations); std::sort when small.
void sort_samples(std::span<const double> in, std::vector<double>& out, detail::summary_scratch& scratch) {
  const std::size_t n = in.size();
  out.assign(in.begin(), in.end());
  if (n < 2048) {
    std::sort(out.begin(), out.end());
    return;
  }
  auto& keys = scratch.keys;
  auto& tmp = scratch.tmp;
  keys.resize(n);
  tmp.resize(n);
  std::uint64_t varying = 0;
  const std::uint64_t first = order_key(in[0]);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = order_key(in[i]);
    varying |= keys[i] ^ first;
  }
  std::array<std::uint32_t, 256> counts;
  for (int b = 0; b < 8; ++b) {
    const int shift = 8 * b;
    if (((varying >> shift) & 0xff) == 0) continue;  // this byte is the same in every key
    counts.fill(0);
    for (std::size_t i = 0; i < n; ++i) ++counts[(keys[i] >> shift) & 0xff];
    std::uint32_t sum = 0;
    for (auto& v : counts) {
      const std::uint32_t count = v;
      v = sum;
      sum += count;
    }
    for (std::size_t i = 0; i < n; ++i) tmp[counts[(keys[i] >> shift) & 0xff]++] = keys[i];
    keys.swap(tmp);
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = from_order_key(keys[i]);
}

// k-th smallest (0-based) of |x[i] - m| for sorted x, by merging the deviations of the
// values below the median (growing leftwards) with those above it (growing rightwards).
double kth_deviation(std::span<const double> x, double m, std::size_t k) {
  std::size_t right = static_cast<std::size_t>(std::lower_bound(x.begin(), x.end(), m) - x.begin());
  std::size_t left = right;  // x[left - 1] is the next value below m
  double d = 0;
  for (std::size_t taken = 0; taken <= k; ++taken) {
    const bool has_left = left > 0, has_right = right < x.size();
    if (has_right && (!has_left || x[right] - m <= m - x[left - 1])) {
      d = x[right++] - m;
    } else {
      d = m - x[--left];
    }
  }
  return d;
}

}  // namespace

double quantile_sorted(std::span<const double> sorted, double p) noexcept {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  const double frac = h - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

summary summarize(std::span<const double> samples, const summary_options& options) {
  detail::summary_scratch scratch;
  return detail::summarize(samples, options, scratch);
}

summary detail::summarize(std::span<const double> samples, const summary_options& options, summary_scratch& scratch) {
  summary s;
  s.n = samples.size();
  if (samples.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.mean = s.median = s.p5 = s.p95 = s.p99 = s.min = s.max = s.mad = s.ci_low = s.ci_high = nan;
    return s;
  }
  std::vector<double>& x = scratch.sorted;
  sort_samples(samples, x, scratch);
  const std::size_t n = x.size();
  // Kahan-compensated mean: exact for the integer nanosecond samples we produce.
  double sum = 0, comp = 0;
  for (double v : x) {
    const double y = v - comp;
    const double t = sum + y;
    comp = (t - sum) - y;
    sum = t;
  }
  s.mean = sum / static_cast<double>(n);
  s.min = x.front();
  s.max = x.back();
  s.median = quantile_sorted(x, 0.5);
  s.p5 = quantile_sorted(x, 0.05);
  s.p95 = quantile_sorted(x, 0.95);
  s.p99 = quantile_sorted(x, 0.99);

  if (n % 2 == 1) {
    s.mad = kth_deviation(x, s.median, n / 2);
  } else {
    const double lower = kth_deviation(x, s.median, n / 2 - 1);
    const double upper = kth_deviation(x, s.median, n / 2);
    s.mad = lower + (upper - lower) / 2;
  }

  if (n == 1) {
    s.ci_low = s.ci_high = x[0];
    s.ci_from_bootstrap = true;
    return s;
  }
  if (n <= options.bootstrap_max_samples && options.bootstrap_resamples > 0 &&
      n < std::numeric_limits<std::uint32_t>::max()) {
    splitmix64 rng(options.seed);
    std::vector<std::uint32_t>& hits = scratch.hits;
    hits.resize(n);
    std::vector<double> medians(options.bootstrap_resamples);
    const auto bound = static_cast<std::uint32_t>(n);
    for (auto& m : medians) {
      // x is sorted, so the resample's order statistics are found by counting how often
      // each index was drawn and walking the counts.
      std::fill(hits.begin(), hits.end(), 0u);
      for (std::size_t d = 0; d < n; ++d) ++hits[rng.below(bound)];
      const std::size_t upper_rank = n / 2;  // 0-based rank of the upper middle element
      std::size_t seen = 0, i = 0;
      std::size_t lower_index = 0;
      for (;; ++i) {
        if (n % 2 == 0 && seen <= upper_rank - 1 && upper_rank - 1 < seen + hits[i]) lower_index = i;
        seen += hits[i];
        if (seen > upper_rank) break;
      }
      const double upper = x[i];
      m = n % 2 == 1 ? upper : x[lower_index] + (upper - x[lower_index]) / 2;
    }
    std::sort(medians.begin(), medians.end());
    s.ci_low = quantile_sorted(medians, 0.025);
    s.ci_high = quantile_sorted(medians, 0.975);
    s.ci_from_bootstrap = true;
  } else {
    constexpr double z = 1.959963984540054;
    const double half_width = z * std::sqrt(static_cast<double>(n)) / 2;
    const double nd = static_cast<double>(n);
    const double lo = std::clamp(std::floor(nd / 2 - half_width), 0.0, nd - 1);
    const double hi = std::clamp(std::ceil(nd / 2 + half_width) - 1, 0.0, nd - 1);
    s.ci_low = x[static_cast<std::size_t>(lo)];
    s.ci_high = x[static_cast<std::size_t>(hi)];
    s.ci_from_bootstrap = false;
  }
  return s;
}

}  // namespace tb::profiler
