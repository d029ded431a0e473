// The statistics of a comparison (docs/compare.md, "Method"): the Mann-Whitney U rank
// test of two samples of per-round medians, and a bootstrap percentile interval of the
// ratio of their medians. Pure functions, deterministic (a fixed seed), no GPU.
#pragma once

#include <cstdint>
#include <span>

namespace tb::bench::compare {

// The median (type-7 quantile 0.5, as the results' summaries); NaN when empty.
double median(std::span<const double> values);

struct rank_test {
  // U of the second sample: the pairs (a, b) with b > a, plus half the ties.
  double u = 0;
  double p_value = 1;  // two-sided
  bool exact = false;  // the exact distribution (small samples without ties), else normal
};

// Above this many units on either side, or with any tie, the normal approximation.
inline constexpr std::size_t exact_rank_test_max = 20;

// Mann-Whitney U test of `a` against `b`, two-sided. Exact (the distribution of U over
// every arrangement) when both have at most exact_rank_test_max values and no value
// ties; otherwise the normal approximation with the tie correction of the variance and
// a continuity correction of 0.5. Either side empty: p = 1.
rank_test mann_whitney(std::span<const double> a, std::span<const double> b);

struct ratio_interval {
  double ratio = 0;       // median(next) / median(base)
  double low = 0, high = 0;  // the percentile interval at `level`
};

struct bootstrap_options {
  std::uint32_t resamples = 2000;
  std::uint64_t seed = 0x636f'6d70'6172'6521ULL;  // fixed: the same inputs give the same interval
  double level = 0.95;
};

// Bootstrap percentile interval of median(next) / median(base): each side resampled
// with replacement on its own, `resamples` times; the interval is the type-7 quantiles
// (1 - level) / 2 and (1 + level) / 2 of the resampled ratios. NaN when either side is
// empty or a median of `base` is 0.
ratio_interval bootstrap_median_ratio(std::span<const double> base, std::span<const double> next,
                                      const bootstrap_options& options = {});

}  // namespace tb::bench::compare
