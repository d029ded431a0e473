// Traces made up for tests, screenshots and the benchmark, built with the profiler's
// trace model (and written with its writer by tb-gui-tracegen).
#pragma once

#include <tb/bench/mode.hpp>
#include <tb/profiler/trace.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace tb::gui {

/// One iteration of the project's "sandwich" scenario per NVTX "iteration" range: a memset,
/// then producer_kernel, add_kernel (the target) and consumer_kernel launched on one
/// stream, then a stream synchronize. The host side follows the launch mode:
///  - "ptx" / "cubin" (per call): cuModuleLoadData + cuModuleGetFunction + cuLaunchKernel
///    + cuModuleUnload for every launch (load 41 us for PTX, 18 us for cubin);
///  - "ptx-cached" / "cubin-cached" / "library": cuLaunchKernel alone (about 4.3 us a launch);
///  - "jit": Triton's Python launcher then cuLaunchKernelEx (about 21 us a launch).
/// Durations follow docs/reference-measurements (H200), with deterministic jitter.
struct ScenarioTraceOptions {
  std::string mode = "cubin-cached";
  int iterations = 5;
  std::uint64_t seed = 1;
  bool jitter = true;
};
tb::profiler::trace makeScenarioTrace(const ScenarioTraceOptions& options);

/// Which of triton-bench's modes (tb/bench/mode.hpp) makeScenarioTrace can draw: all but
/// graph (a replayed graph has no per-launch host calls to draw).
bool syntheticModeSupported(tb::bench::mode m) noexcept;

/// A large trace for the benchmark: `kernels` kernels round-robin on `streams` streams,
/// each launched by a cuLaunchKernel on one host thread (so about 2 x kernels events),
/// plus an NVTX "iteration" range every 100 launches.
tb::profiler::trace makeSyntheticTrace(std::size_t kernels, int streams = 4, std::uint64_t seed = 1);

}  // namespace tb::gui
