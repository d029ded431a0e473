// Two CUDA events that time a stretch of a stream on the GPU's clock (the untraced gap,
// untraced_gap.hpp): recorded before a window's first launch and after its last, read
// once the stream has drained. Nothing per launch. Through tb::runtime's device calls,
// so CPU tests put the runtime's fake driver behind it.
#pragma once

#include <tb/runtime/device.hpp>

namespace tb::bench {

class gpu_event_pair {
 public:
  gpu_event_pair();  // creates both events; throws device_error
  ~gpu_event_pair();
  gpu_event_pair(const gpu_event_pair&) = delete;
  gpu_event_pair& operator=(const gpu_event_pair&) = delete;

  void start(tb::runtime::stream_handle stream);  // records the opening event
  void stop(tb::runtime::stream_handle stream);   // records the closing event
  // GPU time from the opening to the closing event, waiting for the closing one. Throws.
  double elapsed_ns();

 private:
  tb::runtime::event_handle m_start = nullptr;
  tb::runtime::event_handle m_stop = nullptr;
};

}  // namespace tb::bench
