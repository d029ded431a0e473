// Reusable buffers for summarize(), so that a run of summaries allocates (and page-faults)
// once instead of per metric.
#pragma once

#include <tb/profiler/statistics.hpp>

#include <cstdint>
#include <vector>

namespace tb::profiler::detail {

struct summary_scratch {
  std::vector<std::uint64_t> keys, tmp;
  std::vector<double> sorted;
  std::vector<std::uint32_t> hits;
};

summary summarize(std::span<const double> samples, const summary_options& options, summary_scratch& scratch);

}  // namespace tb::profiler::detail
