// The JIT side of a run: one bench/jit_runner.py process, driven over its stdin and
// stdout (the protocol is in the script's docstring). triton-bench starts two: an
// untraced one (the check and the host-time rounds) and one under the CUPTI injection
// library (the traced rounds), so that neither side's host time carries CUPTI's cost.
#pragma once

#include "harness.hpp"
#include "untraced_gap.hpp"

#include <tb/scenario/scenario.hpp>
#include <tb/support/child_process.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

// The command line of the runner of the launch plan in `plan_file` (jit_plan.hpp).
std::vector<std::string> jit_runner_argv(const run_options& o, const std::filesystem::path& plan_file);

class jit_process {
 public:
  // Starts the runner and waits for its start-up reply (importing torch and Triton takes
  // seconds). `trace_out` empty: untraced (the injection variables removed from its
  // environment); else traced by o.inject_library, writing its trace there at exit.
  // Throws std::runtime_error when it does not start or answers with an error.
  jit_process(const tb::scenario::scenario& s, const run_options& o, const std::filesystem::path& plan_file,
              const std::filesystem::path& trace_out);

  // One request, its reply; throws std::runtime_error with the runner's error.
  nlohmann::json request(const nlohmann::json& command);

  // Host times (ns) of the timed iterations of a "warmup", "time" or "run" request.
  std::vector<double> iterations(const char* command, int n, int lead_in = 0, int drain_every = 1, int cpu = -1);

  // A "run" request (a traced batch): N iterations inside an NVTX range named `range`,
  // the injection library recording `records` ("all" or "gpu", tb_trace_record) from
  // then on; the host times.
  std::vector<double> traced_batch(int n, int lead_in, int cpu, std::string_view range, std::string_view records);

  // A "time" request (the untraced rounds): the host times, and the GPU time of each
  // window between two drains from the runner's two CUDA events (torch.cuda.Event).
  struct timed_batch {
    std::vector<double> iteration_ns;
    std::vector<event_window> windows;
  };
  timed_batch time(int n, int lead_in, int drain_every, int cpu);

  // Asks it to exit (the injection library writes the trace then); its exit status.
  int quit();

  nlohmann::json ready;  // the start-up reply: triton, torch, gpu

 private:
  nlohmann::json expect(const std::string& what);
  std::unique_ptr<tb::support::child_process> m_child;
};

}  // namespace tb::bench
