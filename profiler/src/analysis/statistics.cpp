// Summary statistics.
//
// Quantiles: linear interpolation between order statistics (Hyndman & Fan type 7): for
// sorted x[0..n-1] and p in [0, 1], h = (n - 1) p and q = x[floor h] + (h - floor h) *
// (x[floor h + 1] - x[floor h]). The median is q(0.5): the mean of the two middle values
// for even n. MAD is the median of |x - median|, not scaled by 1.4826.
//
// Confidence interval of the median (95 %), in the spirit of nvbench's noise estimates:
//  * n <= bootstrap_max_samples: percentile bootstrap. B resamples (default 1000), each n
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

#include <algorithm>
#include <cmath>
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

// Median of values (reorders them).
double median_in_place(std::vector<double>& v) {
  const std::size_t n = v.size();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  const double upper = *mid;
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), mid);
  return lower + (upper - lower) / 2;
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
  summary s;
  s.n = samples.size();
  if (samples.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.mean = s.median = s.p5 = s.p95 = s.p99 = s.min = s.max = s.mad = s.ci_low = s.ci_high = nan;
    return s;
  }
  std::vector<double> x(samples.begin(), samples.end());
  std::sort(x.begin(), x.end());
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

  std::vector<double> dev(n);
  for (std::size_t i = 0; i < n; ++i) dev[i] = std::fabs(x[i] - s.median);
  s.mad = median_in_place(dev);

  if (n == 1) {
    s.ci_low = s.ci_high = x[0];
    s.ci_from_bootstrap = true;
    return s;
  }
  if (n <= options.bootstrap_max_samples && options.bootstrap_resamples > 0 &&
      n < std::numeric_limits<std::uint32_t>::max()) {
    splitmix64 rng(options.seed);
    std::vector<std::uint32_t> idx(n);
    std::vector<double> medians(options.bootstrap_resamples);
    const auto bound = static_cast<std::uint32_t>(n);
    for (auto& m : medians) {
      for (auto& i : idx) i = rng.below(bound);
      // x is sorted, so the median of the drawn indices picks the resample's median.
      const auto mid = idx.begin() + static_cast<std::ptrdiff_t>(n / 2);
      std::nth_element(idx.begin(), mid, idx.end());
      const double upper = x[*mid];
      if (n % 2 == 1) {
        m = upper;
      } else {
        const double lower = x[*std::max_element(idx.begin(), mid)];
        m = lower + (upper - lower) / 2;
      }
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
