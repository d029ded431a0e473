// The AOT modes on a GPU: a device session (primary context, a stream, the
// scenario's buffers) and one runner per mode that launches the planned sequence
// through tb::runtime. The device calls are the runtime's (tb/runtime/device.hpp), so
// CPU tests put the runtime's fake driver behind all of it (tests/bench/packing_test.cpp).
#pragma once

#include "host_data.hpp"
#include "launch_plan.hpp"

#include <tb/bench/mode.hpp>

#include <tb/runtime/bundle.hpp>
#include <tb/runtime/device.hpp>
#include <tb/runtime/runtime.hpp>

#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

// A driver call failed; what() names the call and the error.
class device_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class device_session {
 public:
  // Retains device `ordinal`'s primary context, makes it current and creates a
  // non-blocking stream. Throws device_error.
  explicit device_session(int ordinal);
  ~device_session();
  device_session(const device_session&) = delete;
  device_session& operator=(const device_session&) = delete;

  int compute_capability() const noexcept { return m_arch; }
  int driver_version() const noexcept { return m_driver_version; }
  tb::runtime::stream_handle stream() const noexcept { return m_stream; }

  // One device allocation per buffer (kept for the session); returns the addresses.
  const std::vector<std::uint64_t>& allocate(const std::vector<host_buffer>& buffers);
  void upload(const std::vector<host_buffer>& buffers);   // every buffer, synchronously
  void download(std::vector<host_buffer>& buffers);       // after synchronize()
  void synchronize();                                     // the stream

  // CUDA graph: capture what `body` launches on the stream; replay it.
  template <class F>
  void capture(F&& body);
  void replay();
  bool has_graph() const noexcept { return m_graph_exec != nullptr; }

  void begin_capture();
  void end_capture();

 private:
  int m_device = 0;
  int m_arch = 0;
  int m_driver_version = 0;
  tb::runtime::context_handle m_context = nullptr;
  tb::runtime::stream_handle m_stream = nullptr;
  std::vector<std::uint64_t> m_addresses;
  tb::runtime::graph_handle m_graph = nullptr;
  tb::runtime::graph_exec_handle m_graph_exec = nullptr;
};

template <class F>
void device_session::capture(F&& body) {
  begin_capture();
  try {
    body();
  } catch (...) {
    end_capture();
    throw;
  }
  end_capture();
}

// The runtime's load mode behind an AOT mode (graph: cubin-cached, captured);
// throws std::invalid_argument for jit.
tb::runtime::load_mode load_mode_of(mode m);

// Launches the planned sequence in one AOT mode.
class aot_mode_runner {
 public:
  // Any mode but jit (graph: cubin-cached launches captured once into a CUDA graph
  // and replayed). Throws std::invalid_argument for jit.
  aot_mode_runner(tb::bench::mode m, device_session& session, const std::vector<planned_launch>& plan);

  tb::bench::mode kind() const noexcept { return m_mode; }

  // Loads what the mode keeps loaded and, for graph, captures one iteration. Throws.
  void prepare();
  // prepare()'s steps, for the cold start's phases: the first launch's module (or
  // library) only, every launch's, and graph's capture and instantiation. Throw.
  void preload_first();
  void preload_all();
  void capture_graph();
  // One iteration: per launch choose the specialisation, pack, launch (graph: replay).
  // Throws device_error with the runtime's message on failure.
  void run_iteration();
  // The first launch only (cold start).
  void run_first_launch();

  // Test only (--test-launch-delay): busy-wait this long before every launch, a known
  // amount of extra host work for the tests of compare and gate (docs/compare.md).
  void set_test_launch_delay(std::uint64_t ns) noexcept { m_delay_ns = ns; }

  // The image each launch uses on this device (after prepare()).
  struct selection {
    const tb::runtime::specialization_desc* spec = nullptr;
    tb::runtime::image_choice image;
  };
  std::vector<selection> selections();

 private:
  void launch(const planned_launch& l);
  void preload(const planned_launch& l);
  void resolve_all();
  // driver mode: one per launch of the plan, resolved in prepare().
  struct resolved {
    std::array<void*, max_kernel_params + tb::runtime::scratch_param_count> params{};
    tb::runtime::resolved_launch launch;
  };
  std::vector<resolved> m_resolved;
  std::uint64_t m_delay_ns = 0;
  tb::bench::mode m_mode;
  device_session& m_session;
  const std::vector<planned_launch>& m_plan;
  std::unique_ptr<tb::runtime::runtime> m_runtime;
};

}  // namespace tb::bench
