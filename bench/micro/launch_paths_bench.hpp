// Shared between launch_bench.cpp and launch_paths_bench.cpp (every launch path, interleaved).
#pragma once

#include "driver_api.hpp"

namespace tb::bench {

struct launch_fixture {
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  CUdeviceptr buffers[5] = {};  // device buffers, 4 KiB each, for pointer arguments
  int sync_every = 256;         // launches between stream synchronizations (untimed)
};

void register_launch_paths_benchmarks(const launch_fixture& fixture);

}  // namespace tb::bench
