// In-process CUPTI activity tracer. Link tb::profiler_cupti (libcupti is loaded
// dynamically; the CUDA driver is not linked). Only one tracer may be active per process,
// because CUPTI's activity callbacks are process-wide.
//
//   tb::profiler::tracer t;          // checks the CUPTI version
//   t.start();                       // before the work (ideally before modules load)
//   ... launches ...
//   t.stop();                        // disables tracing and flushes every buffer
//   tb::profiler::trace tr = t.take_trace();
#pragma once

#include <tb/profiler/trace.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tb::profiler {

/// What to record. Kernels always use CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL (never the
/// serializing KIND_KERNEL).
struct tracer_kinds {
  bool kernel = true;
  bool driver_api = true;
  bool runtime_api = true;
  bool memcpy = true;
  bool memset = true;
  bool synchronization = true;
  bool nvtx = true;       ///< MARKER + MARKER_DATA (needs NVTX_INJECTION64_PATH, set by start())
  bool overhead = true;
};

/// The GPU's side only: kernels, copies, sets and NVTX ranges; no driver or runtime API
/// records and no synchronization records, whose per-call cost widens the gaps a trace
/// shows (docs/bench.md, "Method", lighter traced rounds).
tracer_kinds gpu_activity_kinds() noexcept;

/// Parses a comma list such as "kernel,driver,runtime,memcpy,memset,sync,nvtx,overhead"
/// (also "all", and "gpu": gpu_activity_kinds()). Throws std::invalid_argument naming the unknown entry.
tracer_kinds parse_tracer_kinds(std::string_view list);

// The path of the libcupti this process uses: what NVTX_INJECTION64_PATH must name for
// NVTX ranges to reach CUPTI in a child process. Set it in the child's environment
// before it starts: NVTX reads it once, at its first call, which may come before CUDA
// (and so the injection library) initialises. Empty if it cannot be found.
std::string cupti_library_path();

// Points NVTX_INJECTION64_PATH at cupti_library_path() unless it is set already. Call it
// before this process makes its first NVTX call when tracing starts later (NVTX looks
// for its tool once): until a tracer enables MARKER records, CUPTI drops the ranges at
// the cost of a function call. tracer::start() calls it too.
void route_nvtx_to_cupti();

struct tracer_options {
  tracer_kinds kinds;
  std::size_t buffer_bytes = std::size_t{8} << 20;  ///< per CUPTI activity buffer
  std::string mode;       ///< copied into trace_metadata::mode
  std::string scenario;   ///< copied into trace_metadata::scenario
};

/// A CUPTI call failed. code() is the CUptiResult.
class tracer_error : public std::runtime_error {
 public:
  tracer_error(std::string message, int code) : std::runtime_error(std::move(message)), m_code(code) {}
  int code() const noexcept { return m_code; }
  /// Another CUPTI client (Nsight Systems, Kineto, ...) already holds the subscription.
  bool is_subscriber_conflict() const noexcept;

 private:
  int m_code;
};

class tracer {
 public:
  /// Checks that libcupti's API version equals the CUPTI_API_VERSION compiled against
  /// (records are read through that header's structs); throws tracer_error otherwise.
  explicit tracer(tracer_options options = {});
  ~tracer();
  tracer(const tracer&) = delete;
  tracer& operator=(const tracer&) = delete;

  /// Subscribes, registers the buffer callbacks and enables the activity kinds. Throws
  /// tracer_error (and leaves nothing enabled) on failure, e.g. when another CUPTI client
  /// holds the subscription.
  void start();
  /// Disables the activity kinds and flushes all buffers, including incomplete ones.
  void stop();
  /// While running: records `kinds` from now on, enabling the activity kinds it adds
  /// and disabling the ones it drops (records already made stay). Not running: the
  /// kinds the next start() enables. Throws tracer_error when CUPTI refuses a kind;
  /// the kinds enabled before stay enabled then.
  void record(const tracer_kinds& kinds);
  const tracer_kinds& kinds() const noexcept { return m_options.kinds; }
  /// Asks CUPTI to hand over the completed buffers (no synchronization, no forced flush).
  /// Never call this on a launch path.
  void flush();
  /// The records converted so far, as a trace (resets the collected data).
  trace take_trace();
  bool running() const noexcept { return m_running; }

  /// libcupti's runtime API version (cuptiGetVersion) and the compiled-in one.
  static std::uint32_t runtime_cupti_version();
  static std::uint32_t compiled_cupti_version() noexcept;

 private:
  tracer_options m_options;
  bool m_running = false;
  void* m_subscriber = nullptr;
};

}  // namespace tb::profiler
