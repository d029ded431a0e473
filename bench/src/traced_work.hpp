// One iteration's GPU work as a mode's traced rounds recorded it: what the untraced gap
// (untraced_gap.hpp) takes away from the GPU time between its events.
#pragma once

#include "untraced_gap.hpp"

#include <tb/profiler/trace.hpp>

namespace tb::bench {

// From `t`, one mode's trace of its traced rounds (extract_ranges): the GPU work items
// (kernels, and copies or sets if any) per "iteration" NVTX range, which must come out a
// whole number, and their durations added per iteration, each kernel name's median over
// the trace. Streams: 1 when `one_submission_stream` (graph: its replays go to the one
// stream the events are recorded on, whatever streams its nodes show up on), else the
// GPU streams the work ran on. A trace that says nothing gets `problem` set.
iteration_work traced_work_of(const tb::profiler::trace& t, bool one_submission_stream);

}  // namespace tb::bench
