// The timed run: every requested mode of one scenario, its outputs checked first
// against Triton's JIT on the same inputs (or a host model), then interleaved in untraced rounds (host time) and traced rounds
// (gaps, latency, kernel time); and the cold-start measurements. docs/bench.md, "Method".
#pragma once

#include "results.hpp"
#include "traced_records.hpp"

#include <tb/bench/mode.hpp>

#include <tb/scenario/scenario.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tb::bench {

struct run_options {
  std::vector<mode> modes;              // expanded, in order; a mode given twice runs twice (a repeat)
  bool jit_check = true;                // check the AOT modes' outputs against the JIT (needs Python, torch)
  int device = 0;
  int iterations = 0;                   // 0: the scenario's [run] iterations
  int rounds = 0;                       // 0: stopping rule
  int traced_rounds = 2;                // rounds under CUPTI after the untraced ones (0: none)
  traced_records records = traced_records::split;  // what their batches record
  bool drain = false;                   // untraced: drain after every iteration, not every 256 launches
  static constexpr int no_cpu = -1, current_cpu = -2;
  int cpu = current_cpu;                // untraced rounds (and the JIT runner's) pinned to this CPU
  double time_limit_s = 0;              // 0: the scenario's [run] time_limit_s
  std::filesystem::path bundle_dir;     // the scenario's bundle (manifest.json inside)
  std::filesystem::path trace_dir;      // empty: no traces kept
  std::filesystem::path jit_runner;     // jit_runner.py (share/triton-bench/ beside the executable)
  std::filesystem::path frontend_dir;   // the folder holding tb_aot/ (share/triton-bench/python)
  std::string python;                   // with Triton and torch, for the JIT; empty: none found...
  std::string python_problem;           // ...and why (the JIT then checks nothing)
  std::filesystem::path inject_library; // libtb_cupti_inject.so for the JIT process
  std::filesystem::path self;           // this executable, for cold-start children
  bool cold_start = false;
  int cold_start_repeats = 3;
  bool quiet = false;
  bool progress = false;                // draw a progress bar on stderr
  std::uint64_t test_launch_delay_ns = 0;  // test only: busy-wait before every AOT launch (recorded)
};

// Runs everything; throws std::runtime_error for what stops the whole run (no
// device, unreadable bundle). Failed modes are reported in the results.
results run_benchmark(const tb::scenario::scenario& s, const run_options& options);

}  // namespace tb::bench
