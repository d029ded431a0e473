// Interleaved comparison of launch paths in one process: what issue 18 asks of the
// launch and tracer benchmarks, so that a difference of a few ns is resolved although
// the machine drifts by more than that between benchmarks.
//
// Method. A round runs one block of `block` calls of every side, each block timed
// alone on the steady clock (the side's `before` runs untimed first), with `between` (a stream synchronization) run untimed
// after every block so that no side inherits the queue of another. The order of the
// sides rotates from round to round (round r starts at side r mod n), so every side
// takes every position equally often and a position effect (the first block after a
// sync, the cache left by the previous side) falls on all sides alike. The first
// `warmup_rounds` rounds are discarded. Per side: ns per call in each round. Per side
// against side 0 (the baseline): the per-round differences, summarized with
// tb::profiler::summarize (median with its 95 % confidence interval). Drift slower than
// a round cancels in the differences; the interval says how well the median is known.
#pragma once

#include <tb/profiler/statistics.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace tb::bench {

struct interleaved_side {
  std::string name;
  // Runs `calls` calls of this side; false when one failed (the comparison stops).
  std::function<bool(int calls)> run;
  std::function<void()> before;  // untimed, before each of its blocks (optional)
};

struct interleaved_options {
  int block = 100;          // calls per timed block
  int rounds = 1000;        // rounds kept
  int warmup_rounds = 20;   // rounds run first and discarded
  std::function<void()> between;  // untimed, after every block (e.g. a stream sync)
};

struct interleaved_result {
  std::vector<std::string> names;
  std::vector<std::vector<double>> ns_per_call;  // [side][round]
  std::vector<tb::profiler::summary> per_side;   // of ns_per_call[side]
  std::vector<tb::profiler::summary> minus_baseline;  // of side - side 0, per round; [0] is empty
  bool ok = true;
  std::string failed_side;  // the side whose run() returned false
};

// The side that runs at `position` of `round` among `sides` sides (the rotation).
std::size_t side_at(int round, std::size_t position, std::size_t sides) noexcept;

// Per-round differences a[r] - b[r].
std::vector<double> paired_differences(const std::vector<double>& a, const std::vector<double>& b);

// Summaries of `ns_per_call` as interleaved_result holds them (per side, and against side 0).
void summarize_sides(interleaved_result& r);

interleaved_result run_interleaved(const std::vector<interleaved_side>& sides, const interleaved_options& options);

// Pins the calling thread to the CPU it runs on now (no migration between the blocks of
// a round); returns that CPU, or -1 when the affinity cannot be set.
int pin_to_current_cpu() noexcept;

}  // namespace tb::bench
