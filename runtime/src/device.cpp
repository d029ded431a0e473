#include <tb/runtime/device.hpp>

#include "driver_api.hpp"

#include <string>

namespace tb::runtime {
namespace {

using detail::driver_table;

status failure(const driver_table& d, CUresult result, const char* call) {
  try {
    return status::error(std::string(call) + " failed: " + detail::describe_result(d, result), static_cast<int>(result));
  } catch (...) {
    return status::error(call, static_cast<int>(result));
  }
}

// One call of the process's driver: `entry` is its field in the table, `name` the
// driver's name for it (for the message).
template <class F, class... Args>
status call(F* driver_table::*entry, const char* name, Args... args) noexcept {
  const driver_table* d = nullptr;
  if (status s = detail::acquire_driver(d); !s) return s;
  F* const fn = d->*entry;
  if (fn == nullptr) return status::error(std::string("the CUDA driver has no entry point ") + name);
  const CUresult result = fn(args...);
  return result == CUDA_SUCCESS ? status{} : failure(*d, result, name);
}

status device_of(int ordinal, CUdevice& device) noexcept {
  return call(&driver_table::cuDeviceGet, "cuDeviceGet", &device, ordinal);
}

status attribute(CUdevice device, CUdevice_attribute which, int& value) noexcept {
  return call(&driver_table::cuDeviceGetAttribute, "cuDeviceGetAttribute", &value, which, device);
}

}  // namespace

status driver_version(int& version) noexcept {
  return call(&driver_table::cuDriverGetVersion, "cuDriverGetVersion", &version);
}

status device_count(int& count) noexcept { return call(&driver_table::cuDeviceGetCount, "cuDeviceGetCount", &count); }

status device_name(int ordinal, std::string& name) noexcept {
  CUdevice device = 0;
  if (status s = device_of(ordinal, device); !s) return s;
  char text[256] = {};
  const int length = static_cast<int>(sizeof text);
  if (status s = call(&driver_table::cuDeviceGetName, "cuDeviceGetName", text, length, device); !s) return s;
  try {
    name = text;
  } catch (...) {
    return status::error("out of memory");
  }
  return {};
}

status compute_capability(int ordinal, int& arch) noexcept {
  CUdevice device = 0;
  if (status s = device_of(ordinal, device); !s) return s;
  int major = 0, minor = 0;
  if (status s = attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, major); !s) return s;
  if (status s = attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, minor); !s) return s;
  arch = major * 10 + minor;
  return {};
}

status retain_primary_context(int ordinal, context_handle& context) noexcept {
  CUdevice device = 0;
  if (status s = device_of(ordinal, device); !s) return s;
  return call(&driver_table::cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", &context, device);
}

status release_primary_context(int ordinal) noexcept {
  CUdevice device = 0;
  if (status s = device_of(ordinal, device); !s) return s;
  return call(&driver_table::cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease", device);
}

status make_current(context_handle context) noexcept {
  return call(&driver_table::cuCtxSetCurrent, "cuCtxSetCurrent", context);
}

status synchronize_context() noexcept { return call(&driver_table::cuCtxSynchronize, "cuCtxSynchronize"); }

status create_stream(stream_handle& stream) noexcept {
  return call(&driver_table::cuStreamCreate, "cuStreamCreate", &stream, static_cast<unsigned>(CU_STREAM_NON_BLOCKING));
}

status destroy_stream(stream_handle stream) noexcept {
  return call(&driver_table::cuStreamDestroy, "cuStreamDestroy", stream);
}

status synchronize(stream_handle stream) noexcept {
  return call(&driver_table::cuStreamSynchronize, "cuStreamSynchronize", stream);
}

status mem_alloc(std::size_t bytes, device_ptr& address) noexcept {
  return call(&driver_table::cuMemAlloc, "cuMemAlloc", &address, bytes);
}

status mem_free(device_ptr address) noexcept { return call(&driver_table::cuMemFree, "cuMemFree", address); }

status copy_to_device(device_ptr destination, const void* source, std::size_t bytes) noexcept {
  return call(&driver_table::cuMemcpyHtoD, "cuMemcpyHtoD", destination, source, bytes);
}

status copy_to_host(void* destination, device_ptr source, std::size_t bytes) noexcept {
  return call(&driver_table::cuMemcpyDtoH, "cuMemcpyDtoH", destination, source, bytes);
}

status begin_capture(stream_handle stream) noexcept {
  return call(&driver_table::cuStreamBeginCapture, "cuStreamBeginCapture", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
}

status end_capture(stream_handle stream, graph_handle& graph) noexcept {
  return call(&driver_table::cuStreamEndCapture, "cuStreamEndCapture", stream, &graph);
}

status instantiate(graph_handle graph, graph_exec_handle& exec) noexcept {
  return call(&driver_table::cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags", &exec, graph, 0ULL);
}

status launch_graph(graph_exec_handle exec, stream_handle stream) noexcept {
  return call(&driver_table::cuGraphLaunch, "cuGraphLaunch", exec, stream);
}

status destroy_graph_exec(graph_exec_handle exec) noexcept {
  return call(&driver_table::cuGraphExecDestroy, "cuGraphExecDestroy", exec);
}

status destroy_graph(graph_handle graph) noexcept { return call(&driver_table::cuGraphDestroy, "cuGraphDestroy", graph); }

status create_event(event_handle& event) noexcept {
  return call(&driver_table::cuEventCreate, "cuEventCreate", &event, static_cast<unsigned>(CU_EVENT_DEFAULT));
}

status record_event(event_handle event, stream_handle stream) noexcept {
  return call(&driver_table::cuEventRecord, "cuEventRecord", event, stream);
}

status synchronize_event(event_handle event) noexcept {
  return call(&driver_table::cuEventSynchronize, "cuEventSynchronize", event);
}

status elapsed_ms(event_handle start, event_handle end, float& milliseconds) noexcept {
  return call(&driver_table::cuEventElapsedTime, "cuEventElapsedTime", &milliseconds, start, end);
}

status destroy_event(event_handle event) noexcept { return call(&driver_table::cuEventDestroy, "cuEventDestroy", event); }

}  // namespace tb::runtime
