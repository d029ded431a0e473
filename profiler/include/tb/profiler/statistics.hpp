// Summary statistics of a metric's samples, with a bootstrap confidence interval of the
// median. The method is described in src/analysis/statistics.cpp and docs/profiler.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tb::profiler {

struct summary_options {
  std::uint32_t bootstrap_resamples = 1000;
  std::uint64_t seed = 0x7462'7072'6f66'696cULL;  ///< fixed: results are reproducible
  /// Above this many samples the Monte-Carlo bootstrap is replaced by its large-sample
  /// limit (order-statistic interval), which costs nothing after sorting.
  std::size_t bootstrap_max_samples = 1000;
};

/// Statistics of one metric. All values are NaN when n == 0.
struct summary {
  std::size_t n = 0;
  double mean = 0, median = 0;
  double p5 = 0, p95 = 0, p99 = 0;   ///< linear interpolation between order statistics
  double min = 0, max = 0;
  double mad = 0;                    ///< median absolute deviation from the median (unscaled)
  double ci_low = 0, ci_high = 0;    ///< 95 % confidence interval of the median
  bool ci_from_bootstrap = false;    ///< false: large-sample order-statistic interval
};

/// Summarizes `samples` (any order). Deterministic for a given seed.
summary summarize(std::span<const double> samples, const summary_options& options = {});

/// The p-quantile (0 <= p <= 1) of sorted data by linear interpolation between the order
/// statistics at (n - 1) * p (Hyndman-Fan type 7, numpy's default). NaN when empty.
double quantile_sorted(std::span<const double> sorted, double p) noexcept;

}  // namespace tb::profiler
