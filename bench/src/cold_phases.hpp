// The phases of a cold start (docs/bench.md, "Cold start"), and the line a cold-start
// child prints: the CLOCK_MONOTONIC time at which each phase ended, on the clock the
// parent read just before it forked the child, so that the parent turns them into
// durations with one parser for both sides (triton-bench --cold-child and
// bench/jit_runner.py --cold-start):
//
//   {"schema": "triton-bench/cold-start", "version": 1,
//    "phases": [{"phase": "main", "t_ns": 123456789}, ...]}
//
// The first phase runs from the parent's fork to its end, each later one from the end of
// the one before; the last ("complete") ends when the first kernel has completed.
#pragma once

#include <tb/bench/mode.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tb::bench {

inline constexpr std::string_view cold_child_schema = "triton-bench/cold-start";
inline constexpr int cold_child_version = 1;

// The phases a mode's child reports, in order. AOT: main (fork, exec, dynamic loading,
// static initialisation: to main's first line), setup (options, scenario, bundle, initial
// values), driver (libcuda loaded, cuInit), context (primary context retained and
// current, a stream), buffers (allocated and uploaded), module (the first launch's
// module or library loaded: not for ptx and cubin, which load inside every launch),
// graph (graph only: every launch captured and instantiated), launch (the first launch
// returned; graph: the graph's), complete (synchronized). jit: python (to the runner's
// first line), torch, triton (imported), kernels (the kernel files imported), context,
// buffers, compile (Triton's compile, or its cache lookup), module (Triton loads the
// cubin), launch, complete.
std::span<const std::string_view> cold_phases(mode m);

// The phase after which the launch path starts: "after context" (the share) is
// the time from its end to the first completion, the buffers being the workload's.
inline constexpr std::string_view cold_after_phase = "buffers";

// CLOCK_MONOTONIC in nanoseconds.
std::int64_t monotonic_ns() noexcept;

// The child's side: the end of each phase as it happens.
class cold_phase_clock {
 public:
  void mark(std::string_view phase) { m_marks.emplace_back(std::string(phase), monotonic_ns()); }
  void mark_at(std::string_view phase, std::int64_t t_ns) { m_marks.emplace_back(std::string(phase), t_ns); }
  const std::vector<std::pair<std::string, std::int64_t>>& marks() const noexcept { return m_marks; }
  std::string line() const;  // the JSON line above, no line break

 private:
  std::vector<std::pair<std::string, std::int64_t>> m_marks;
};

// The parent's side: one child's durations.
struct cold_child_sample {
  std::vector<double> phase_ns;  // per phase of `expected`, in its order
  double total_ns = 0;           // fork to the first completion
  double after_context_ns = 0;   // the end of cold_after_phase to the first completion
};

// Parses a child's line against the phases `expected` of `who` (the cold start's label,
// for messages) and the parent's `t0_ns`. Throws std::runtime_error naming `who` and the
// phase when the line is not the protocol's, a phase is missing, extra or out of order,
// or a phase ends before the one before it (or before t0).
cold_child_sample parse_cold_child_line(std::string_view line, std::string_view who,
                                        std::span<const std::string_view> expected, std::int64_t t0_ns);

// Whether `line` is meant as the protocol's line (the child may print others).
bool is_cold_child_line(std::string_view line) noexcept;

}  // namespace tb::bench
