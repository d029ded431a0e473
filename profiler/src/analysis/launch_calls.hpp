// The one rule for which API call launched the work of a correlation id: a runtime
// launch (cudaLaunchKernel) and the driver launch nested in it share the id, and the
// runtime one counts. The analysis drops the nested driver calls with it; the per-kernel
// statistics look a kernel's launch call up with it.
#pragma once

#include "analysis/correlation_map.hpp"

#include <tb/profiler/trace.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>

namespace tb::profiler::detail {

// Correlation id -> the launch call among `calls` (indices of API events with a non-zero
// id): the first one listed, unless a later runtime call shares its id.
inline correlation_map launch_call_by_correlation(std::span<const event> events, std::span<const std::uint32_t> calls) {
  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0;
  for (const std::uint32_t i : calls) {
    lo = std::min(lo, events[i].correlation_id);
    hi = std::max(hi, events[i].correlation_id);
  }
  correlation_map map(calls.size(), lo, hi);
  for (const std::uint32_t i : calls) {
    bool inserted = false;
    auto& slot = map.get_or_insert(events[i].correlation_id, i, inserted);
    if (!inserted && events[i].kind == event_kind::runtime_api && events[slot].kind != event_kind::runtime_api) slot = i;
  }
  return map;
}

}  // namespace tb::profiler::detail
