// Steps in a series of per-run medians (triton-bench history, the GUI's History view): a
// penalised piecewise-constant fit, solved exactly by dynamic programming (optimal
// partitioning), with an L1 cost (segment medians: one wild run is not a level) scaled by
// a robust noise estimate, and adjacent levels closer than a minimum relative step merged
// (docs/results-db.md, "Change points"). The standard library only, so the Qt GUI links
// it (tb_change_points) without the rest of the harness.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tb::bench {

struct change_point_options {
  // Each level beyond the first costs penalty_per_log_n * ln(n) noise scales of fit.
  double penalty_per_log_n = 3.0;
  // Adjacent levels that differ by less than this fraction of the earlier are one level.
  double min_relative_step = 0.02;
  // The noise scale is never below this fraction of the series' median (a series of
  // equal values has no noise to scale by).
  double noise_floor_relative = 0.001;
  // A level lasts this many runs at least, but for the newest one (the newest run may
  // start a level: a regression shows at once). 2: one wild run in the middle is no level.
  std::size_t min_level_runs = 2;
};

struct change_point {
  std::size_t index = 0;      // the first value after the step
  double before = 0, after = 0;  // the medians of the levels either side
  double relative = 0;        // after / before - 1
};

// The steps of `values` (finite numbers, in run order), in order of index.
std::vector<change_point> find_change_points(std::span<const double> values, const change_point_options& options = {});

// The robust noise scale used: 1.4826 * MAD of the successive differences / sqrt(2),
// floored as described above; 0 for fewer than 2 values.
double noise_scale(std::span<const double> values, const change_point_options& options = {});

}  // namespace tb::bench
