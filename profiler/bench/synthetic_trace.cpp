#include "synthetic_trace.hpp"

namespace tb::profiler::bench {

trace make_synthetic_trace(std::size_t events) {
  trace t;
  const auto host = t.add_process({1000, t.intern("host"), process_kind::host, -1, 0});
  const auto thread = t.add_track({host, 1001, t.intern("main"), track_kind::cpu_thread, 0});
  const auto gpu = t.add_process({std::int64_t{1} << 30, t.intern("GPU 0"), process_kind::device, 0, 1});
  const auto stream = t.add_track({gpu, 7, t.intern("stream 7"), track_kind::gpu_stream, 7});
  const auto launch = t.intern("cuLaunchKernel");
  const auto add = t.intern("add_kernel");
  const auto other = t.intern("other_kernel");
  const auto iteration = t.intern("iteration");
  const auto dispatch = t.intern("dispatch");
  const auto load = t.intern("cuModuleLoadData");
  const auto get = t.intern("cuModuleGetFunction");
  const auto unload = t.intern("cuModuleUnload");
  kernel_info info;
  info.grid = {4, 1, 1};
  info.block = {128, 1, 1};
  info.registers_per_thread = 16;
  info.stream_id = 7;
  info.device_id = 0;
  const auto kinfo = t.add_kernel_info(info);
  t.reserve(events + 16);

  std::int64_t now = 1'700'000'000'000'000'000;
  std::uint64_t correlation = 1;
  std::size_t launches = 0;
  auto api = [&](string_id name, std::int64_t start, std::int64_t dur) {
    event e;
    e.kind = event_kind::driver_api;
    e.name = name;
    e.start_ns = start;
    e.end_ns = start + dur;
    e.correlation_id = correlation++;
    e.track = thread;
    e.cbid = 307;
    t.add_event(e);
    return e.correlation_id;
  };
  while (t.events().size() + 8 < events) {
    // One iteration of 100 launches.
    const std::int64_t iter_start = now;
    api(load, now + 100, 18'000);
    api(get, now + 18'200, 5'000);
    now += 24'000;
    for (int i = 0; i < 100 && t.events().size() + 4 < events; ++i, ++launches) {
      const std::int64_t jitter = static_cast<std::int64_t>((launches * 2654435761u) % 700);
      const auto c = api(launch, now, 4'000 + jitter);
      event k;
      k.kind = event_kind::kernel;
      k.name = launches % 4 == 3 ? other : add;
      k.start_ns = now + 7'000 + jitter;
      k.end_ns = k.start_ns + 860;
      k.correlation_id = c;
      k.track = stream;
      k.kernel = kinfo;
      t.add_event(k);
      now += 4'300 + jitter;
    }
    api(unload, now, 8'000);
    now += 8'500;
    event r;
    r.kind = event_kind::nvtx_range;
    r.name = iteration;
    r.start_ns = iter_start;
    r.end_ns = now;
    r.track = thread;
    t.add_event(r);
    r.name = dispatch;
    r.start_ns = iter_start + 50;
    r.end_ns = now - 50;
    t.add_event(r);
    now += 1'000;
  }
  t.sort_by_start();
  return t;
}

}  // namespace tb::profiler::bench
