// Builds small traces by hand for the profiler tests.
#pragma once

#include <tb/profiler/trace.hpp>

#include <string_view>

namespace tb::profiler::test_support {

struct trace_builder {
  trace t;
  std::uint32_t host = 0, thread = 0, gpu = 0, stream = 0;

  trace_builder() {
    host = t.add_process({4242, t.intern("host"), process_kind::host, -1, 0});
    thread = t.add_track({host, 4243, t.intern("main thread"), track_kind::cpu_thread, 0});
    gpu = t.add_process({(std::int64_t{1} << 30), t.intern("GPU 0"), process_kind::device, 0, 1});
    stream = t.add_track({gpu, 7, t.intern("stream 7"), track_kind::gpu_stream, 7});
  }
  std::uint32_t add_stream(std::int64_t id) {
    return t.add_track({gpu, id, t.intern("stream " + std::to_string(id)), track_kind::gpu_stream, static_cast<std::int32_t>(id)});
  }
  std::uint32_t api(std::string_view name, std::int64_t start, std::int64_t end, std::uint64_t correlation = 0,
                    event_kind kind = event_kind::driver_api) {
    event e;
    e.kind = kind;
    e.name = t.intern(name);
    e.start_ns = start;
    e.end_ns = end;
    e.correlation_id = correlation;
    e.track = thread;
    e.cbid = kind == event_kind::driver_api ? 307 : 211;
    return t.add_event(e);
  }
  std::uint32_t kernel(std::string_view name, std::int64_t start, std::int64_t end, std::uint64_t correlation,
                       std::uint32_t track = no_index) {
    kernel_info k;
    k.grid = {4, 1, 1};
    k.block = {128, 1, 1};
    k.registers_per_thread = 32;
    k.static_shared_bytes = 1024;
    k.dynamic_shared_bytes = 256;
    k.stream_id = 7;
    k.device_id = 0;
    event e;
    e.kind = event_kind::kernel;
    e.name = t.intern(name);
    e.start_ns = start;
    e.end_ns = end;
    e.correlation_id = correlation;
    e.track = track == no_index ? stream : track;
    e.kernel = t.add_kernel_info(k);
    return t.add_event(e);
  }
  std::uint32_t copy(std::int64_t start, std::int64_t end, std::uint32_t track = no_index) {
    event e;
    e.kind = event_kind::memcpy;
    e.name = t.intern("Memcpy HtoD");
    e.start_ns = start;
    e.end_ns = end;
    e.track = track == no_index ? stream : track;
    return t.add_event(e);
  }
  std::uint32_t range(std::string_view name, std::int64_t start, std::int64_t end) {
    event e;
    e.kind = event_kind::nvtx_range;
    e.name = t.intern(name);
    e.start_ns = start;
    e.end_ns = end;
    e.track = thread;
    return t.add_event(e);
  }
};

}  // namespace tb::profiler::test_support
