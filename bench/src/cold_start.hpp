// Cold start (--cold-start): per mode, the time from just before a fresh process is
// forked to the completion of its first kernel, as the child reports it on
// CLOCK_MONOTONIC (the same clock in both). AOT modes run `triton-bench --cold-child
// MODE`; jit runs bench/jit_runner.py --cold-start with an empty Triton cache each time
// and with a warm one.
#pragma once

#include "harness.hpp"
#include "host_data.hpp"
#include "results.hpp"

#include <tb/scenario/scenario.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tb::bench {

// o.cold_start_repeats fresh processes per entry: every mode of o.modes once, repeats
// included only once (jit twice: empty and warm Triton cache). A mode whose children fail is reported, not thrown.
std::vector<cold_start_result> measure_cold_starts(const tb::scenario::scenario& s, const run_options& o,
                                                   const std::vector<host_buffer>& initial);

// The hidden --cold-child entry: one AOT mode from a fresh process; prints the
// CLOCK_MONOTONIC time at which the first kernel completed. Returns the exit code.
int cold_child(const tb::scenario::scenario& s, mode m, const std::filesystem::path& bundle_dir,
               int device);

}  // namespace tb::bench
