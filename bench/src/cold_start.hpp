// Cold start (--cold-start): per mode, the time from just before a fresh process is
// forked to the completion of its first kernel, as the child reports it on
// CLOCK_MONOTONIC (the same clock in both), broken down into phases (cold_phases.hpp).
// AOT modes run `triton-bench --cold-child MODE`; jit runs bench/jit_runner.py
// --cold-start with an empty Triton cache each time and with a warm one.
#pragma once

#include "cold_phases.hpp"
#include "harness.hpp"
#include "host_data.hpp"
#include "results.hpp"

#include <tb/scenario/scenario.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tb::bench {

// o.cold_start_repeats fresh processes per entry: every mode of o.modes once, repeats
// included only once (jit twice: empty and warm Triton cache). A mode whose children fail is reported, not thrown.
std::vector<cold_start_result> measure_cold_starts(const tb::scenario::scenario& s, const run_options& o,
                                                   const std::vector<host_buffer>& initial);

// The hidden --cold-child entry: one AOT mode from a fresh process, from main's first
// line (`main_ns`, CLOCK_MONOTONIC) to the first kernel's completion; prints the end of
// each of cold_phases(m) as cold_phases.hpp's line. Returns the exit code.
int cold_child(const tb::scenario::scenario& s, mode m, const std::filesystem::path& bundle_dir, int device,
               std::int64_t main_ns);

// cold_child's work without the printing: the phases' ends, in cold_phases(m)'s order.
// Throws what stops it.
cold_phase_clock run_cold_child(const tb::scenario::scenario& s, mode m, const std::filesystem::path& bundle_dir,
                                int device, std::int64_t main_ns);

}  // namespace tb::bench
