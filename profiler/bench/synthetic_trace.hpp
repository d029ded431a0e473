// A synthetic trace shaped like a traced launch loop, for the CPU benchmarks.
#pragma once

#include <tb/profiler/trace.hpp>

#include <cstddef>

namespace tb::profiler::bench {

/// About `events` events: per launch one cuLaunchKernel call and one kernel (3 of 4 are
/// "add_kernel", 1 of 4 "other_kernel"), an "iteration" NVTX range with a "dispatch" range
/// every 100 launches, and a module load + get-function + unload per iteration. Sorted by start.
trace make_synthetic_trace(std::size_t events);

}  // namespace tb::profiler::bench
