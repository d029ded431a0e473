// The gap between kernels as it is without the tracer (docs/bench.md, "Method", untraced
// gap): the GPU's own clock around each window of untraced launches (two CUDA events on
// the launch stream, the launches between two drains inside), less the time the window's
// kernels run by their traced durations, spread over the window's launches. Pure
// arithmetic: the events are gpu_event_pair's (event_timer.hpp) and the JIT runner's,
// the durations traced_work_of's (traced_work.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tb::bench {

// One window of an untraced batch: from the event recorded before its first launch to
// the one recorded after its last, on the GPU's clock.
struct event_window {
  double gpu_ns = 0;
  std::uint64_t iterations = 0;  // iterations launched in between
};

// One iteration's GPU work by the traced rounds: what the windows' GPU time is made of
// besides the gaps. Kernel durations do not change under tracing; the gaps do.
struct iteration_work {
  std::uint64_t launches = 0;  // GPU work items per iteration (kernels; copies and sets if any)
  double busy_ns = 0;          // their durations added, each its kernel's traced median
  int streams = 1;             // streams the work was submitted to
  std::string problem;         // not empty: no usable trace, and why ("no traced rounds")
};

struct untraced_gaps {
  std::vector<double> gap_ns;  // per window: the mean gap before each of its launches
  std::string refusal;         // not empty: not measured, and why (gap_ns then empty)
};

// Per window: (gpu_ns - iterations * busy_ns) / (iterations * launches), the gap before
// each launch, the first one's measured from the opening event. Refuses, with the reason,
// when `work` has a problem, when the work ran on several streams (two events on one
// stream do not bound the others), when there are no windows, and when a window's GPU
// time is shorter than its kernels' (they overlapped, or ran shorter untraced).
untraced_gaps untraced_gap_per_window(std::span<const event_window> windows, const iteration_work& work);

}  // namespace tb::bench
