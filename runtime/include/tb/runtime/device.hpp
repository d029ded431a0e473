// The few driver calls a harness needs around the runtime's launches: devices,
// the primary context, a stream, device memory, CUDA graph capture and replay, and
// events that time a stretch of a stream on the GPU's clock.
//
// Through the same dlopen'd driver as the runtime (so the runtime's fake driver
// stands behind them in tests, and a machine without a driver gets a status, not a
// failure to start); no CUDA header needed. Each call is one driver call, returns a
// status and never throws: on failure the message names the call and the driver's
// error ("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY: out of memory") and
// driver_code() is the CUresult. When the driver cannot be loaded, every call
// returns the loader's message.
#pragma once

#include <tb/runtime/runtime.hpp>

#include <cstddef>
#include <string>

struct CUctx_st;
struct CUgraph_st;
struct CUgraphExec_st;
struct CUevent_st;

namespace tb::runtime {

using context_handle = CUctx_st*;          // the same type as CUcontext
using graph_handle = CUgraph_st*;          // CUgraph
using graph_exec_handle = CUgraphExec_st*; // CUgraphExec
using event_handle = CUevent_st*;          // CUevent

// --- the driver and its devices (ordinals as cuDeviceGet takes them) ---
status driver_version(int& version) noexcept;               // cuDriverGetVersion: 12040 is CUDA 12.4
status device_count(int& count) noexcept;                   // cuDeviceGetCount
status device_name(int ordinal, std::string& name) noexcept;  // cuDeviceGet, cuDeviceGetName
// cuDeviceGet, cuDeviceGetAttribute x2: major * 10 + minor (90 for sm_90).
status compute_capability(int ordinal, int& arch) noexcept;

// --- contexts ---
status retain_primary_context(int ordinal, context_handle& context) noexcept;  // cuDevicePrimaryCtxRetain
status release_primary_context(int ordinal) noexcept;                          // cuDevicePrimaryCtxRelease
status make_current(context_handle context) noexcept;                          // cuCtxSetCurrent
status synchronize_context() noexcept;                                         // cuCtxSynchronize

// --- streams (on the current context) ---
status create_stream(stream_handle& stream) noexcept;  // cuStreamCreate, non-blocking
status destroy_stream(stream_handle stream) noexcept;  // cuStreamDestroy
status synchronize(stream_handle stream) noexcept;     // cuStreamSynchronize

// --- device memory (on the current context) ---
status mem_alloc(std::size_t bytes, device_ptr& address) noexcept;  // cuMemAlloc
status mem_free(device_ptr address) noexcept;                     // cuMemFree
status copy_to_device(device_ptr destination, const void* source, std::size_t bytes) noexcept;  // cuMemcpyHtoD
status copy_to_host(void* destination, device_ptr source, std::size_t bytes) noexcept;          // cuMemcpyDtoH

// --- CUDA graphs: capture what is launched on a stream, replay it ---
status begin_capture(stream_handle stream) noexcept;  // cuStreamBeginCapture, thread-local mode
status end_capture(stream_handle stream, graph_handle& graph) noexcept;     // cuStreamEndCapture
status instantiate(graph_handle graph, graph_exec_handle& exec) noexcept;   // cuGraphInstantiateWithFlags(0)
status launch_graph(graph_exec_handle exec, stream_handle stream) noexcept; // cuGraphLaunch
status destroy_graph_exec(graph_exec_handle exec) noexcept;                 // cuGraphExecDestroy
status destroy_graph(graph_handle graph) noexcept;                          // cuGraphDestroy

// --- events: the GPU's clock between two points of a stream ---
status create_event(event_handle& event) noexcept;                  // cuEventCreate, timing enabled
status record_event(event_handle event, stream_handle stream) noexcept;  // cuEventRecord
status synchronize_event(event_handle event) noexcept;              // cuEventSynchronize
// cuEventElapsedTime: GPU time from `start` to `end`, both recorded and complete, in ms
// (the driver's resolution is about 0.5 us).
status elapsed_ms(event_handle start, event_handle end, float& milliseconds) noexcept;
status destroy_event(event_handle event) noexcept;                  // cuEventDestroy

}  // namespace tb::runtime
