#include "synthetictrace.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tb::gui {

namespace prof = tb::profiler;

namespace {

// splitmix64: deterministic on every machine.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// `ns` scaled by a factor in [1 - spread, 1 + spread].
  std::int64_t jitter(double ns, double spread) {
    const double u = static_cast<double>(next() >> 11) / 9007199254740992.0;  // [0, 1)
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(ns * (1 - spread + 2 * spread * u)));
  }
};

constexpr std::int64_t kBase = 1'700'000'000'000'000'000LL;

struct KernelSpec {
  const char* name;
  double durationNs;
  prof::dim3i grid;
  std::uint32_t registers;
  std::uint32_t sharedBytes;
};

// An NVTX "iteration" range on `track`.
void addIteration(prof::trace& t, std::uint32_t track, std::int64_t start, std::int64_t end) {
  prof::event range;
  range.kind = prof::event_kind::nvtx_range;
  range.name = t.intern("iteration");
  range.start_ns = start;
  range.end_ns = end;
  range.track = track;
  t.add_event(range);
}

}  // namespace

bool syntheticModeSupported(tb::bench::mode m) noexcept { return m != tb::bench::mode::graph; }

prof::trace makeScenarioTrace(const ScenarioTraceOptions& options) {
  const std::string& mode = options.mode;
  const auto parsed = tb::bench::parse_mode(mode);
  if (!parsed || !syntheticModeSupported(*parsed)) {
    std::string supported;
    for (const auto& m : tb::bench::mode_table)
      if (syntheticModeSupported(m.value)) supported += (supported.empty() ? "" : ", ") + std::string(m.name);
    throw std::invalid_argument("unknown mode " + mode + " (" + supported + ")");
  }
  const bool perCall = *parsed == tb::bench::mode::ptx || *parsed == tb::bench::mode::cubin;
  const bool jit = *parsed == tb::bench::mode::jit;
  Rng rng{options.seed * 7919 + std::hash<std::string>{}(mode)};
  const double spread = options.jitter ? 0.12 : 0.0;
  auto dur = [&](double ns) { return rng.jitter(ns, spread); };

  prof::trace t;
  auto& md = t.metadata();
  md.gpu_name = "NVIDIA H200";
  md.driver_version = "580.159.04";
  md.cuda_version = "13.0";
  md.cupti_version = "130001";
  md.mode = mode;
  md.scenario = "sandwich";
  md.values.emplace_back("generator", "tb-gui-tracegen (synthetic, durations from reference-measurements.md)");
  const auto host = t.add_process({4242, t.intern("triton-bench"), prof::process_kind::host, -1, 0});
  const auto device = t.add_process({1 << 30, t.intern("GPU 0 (NVIDIA H200)"), prof::process_kind::device, 0, 1});
  const auto thread = t.add_track({host, 4243, t.intern("main"), prof::track_kind::cpu_thread, 0});
  const auto stream = t.add_track({device, 7, t.intern("stream 7"), prof::track_kind::gpu_stream, 7});

  const std::array<KernelSpec, 3> kernels{{
      {"producer_kernel", 2100, {16, 1, 1}, 40, 4096},
      {"add_kernel", 860, {4, 1, 1}, 32, 0},
      {"consumer_kernel", 1500, {8, 1, 1}, 38, 2048},
  }};
  const double loadNs = mode.starts_with("ptx") ? 41000 : 18000;

  std::int64_t now = kBase;
  std::int64_t streamFree = kBase;
  std::uint64_t correlation = 1;
  auto api = [&](const char* name, std::int64_t start, std::int64_t length, std::uint64_t corr = 0,
                 prof::event_kind kind = prof::event_kind::driver_api) {
    prof::event e;
    e.kind = kind;
    e.name = t.intern(name);
    e.start_ns = start;
    e.end_ns = start + length;
    e.correlation_id = corr;
    e.track = thread;
    t.add_event(e);
    return e.end_ns;
  };
  auto gpuWork = [&](const char* name, prof::event_kind kind, std::int64_t launchStart, std::int64_t length,
                     std::uint64_t corr, const KernelSpec* spec) {
    prof::event e;
    e.kind = kind;
    e.name = t.intern(name);
    e.start_ns = std::max(streamFree, launchStart + dur(7500 * 0.6));
    e.end_ns = e.start_ns + length;
    e.correlation_id = corr;
    e.track = stream;
    if (spec) {
      prof::kernel_info k;
      k.grid = spec->grid;
      k.block = {128, 1, 1};
      k.registers_per_thread = spec->registers;
      k.static_shared_bytes = spec->sharedBytes;
      k.stream_id = 7;
      k.device_id = 0;
      k.context_id = 1;
      e.kernel = t.add_kernel_info(k);
    }
    t.add_event(e);
    streamFree = e.end_ns;
  };

  for (int it = 0; it < options.iterations; ++it) {
    const std::int64_t iterStart = now;
    now += dur(1500);
    if (it == 0) {
      const std::uint64_t c = correlation++;
      const std::int64_t s = now;
      now = api("cuMemcpyHtoDAsync_v2", s, dur(6000), c);
      gpuWork("Memcpy HtoD (Pageable -> Device)", prof::event_kind::memcpy, s, dur(2400), c, nullptr);
      now += dur(800);
    }
    {
      const std::uint64_t c = correlation++;
      const std::int64_t s = now;
      now = api("cuMemsetD32Async", s, dur(3200), c);
      gpuWork("Memset (Device)", prof::event_kind::memset, s, dur(900), c, nullptr);
      now += dur(600);
    }
    for (const auto& k : kernels) {
      if (jit) now += dur(14000);  // Triton's Python launcher (binding, cache lookup)
      if (perCall) {
        now = api("cuModuleLoadData", now, dur(loadNs)) + dur(300);
        now = api("cuModuleGetFunction", now, dur(6000)) + dur(300);
      }
      const std::uint64_t c = correlation++;
      const std::int64_t s = now;
      now = api(jit ? "cuLaunchKernelEx" : "cuLaunchKernel", s, dur(jit ? 7000 : 4300), c);
      gpuWork(k.name, prof::event_kind::kernel, s, dur(k.durationNs), c, &k);
      if (perCall) now = api("cuModuleUnload", now + dur(300), dur(8500));
      now += dur(jit ? 600 : 500);
    }
    {
      const std::int64_t s = now;
      now = std::max(s + dur(1200), streamFree + dur(900));
      api("cuStreamSynchronize", s, now - s);
    }
    now += dur(1000);
    addIteration(t, thread, iterStart, now);
    now += dur(2000);
  }
  t.sort_by_start();
  return t;
}

prof::trace makeSyntheticTrace(std::size_t kernels, int streams, std::uint64_t seed) {
  streams = std::max(1, streams);
  Rng rng{seed};
  prof::trace t;
  t.metadata().mode = "synthetic";
  t.metadata().scenario = "benchmark";
  const std::size_t iterations = kernels / 100 + 1;
  t.reserve(2 * kernels + iterations);
  const auto host = t.add_process({4242, t.intern("bench"), prof::process_kind::host, -1, 0});
  const auto device = t.add_process({1 << 30, t.intern("GPU 0"), prof::process_kind::device, 0, 1});
  const auto thread = t.add_track({host, 4243, t.intern("main"), prof::track_kind::cpu_thread, 0});
  std::vector<std::uint32_t> streamTracks;
  for (int s = 0; s < streams; ++s) {
    streamTracks.push_back(
        t.add_track({device, 7 + s, t.intern("stream " + std::to_string(7 + s)), prof::track_kind::gpu_stream, 7 + s}));
  }
  const std::array<prof::string_id, 4> names{t.intern("producer_kernel"), t.intern("add_kernel"),
                                             t.intern("consumer_kernel"), t.intern("reduce_kernel")};
  const auto launchName = t.intern("cuLaunchKernel");
  prof::kernel_info info;
  info.grid = {4, 1, 1};
  info.block = {128, 1, 1};
  info.registers_per_thread = 32;
  info.device_id = 0;
  info.context_id = 1;
  const auto kernelInfo = t.add_kernel_info(info);

  std::vector<std::int64_t> streamFree(static_cast<std::size_t>(streams), kBase);
  std::int64_t now = kBase;
  std::int64_t iterStart = now;
  for (std::size_t i = 0; i < kernels; ++i) {
    if (i % 100 == 0) {
      if (i > 0) addIteration(t, thread, iterStart, now);
      iterStart = now;
      now += 1;
    }
    prof::event launch;
    launch.kind = prof::event_kind::driver_api;
    launch.name = launchName;
    launch.start_ns = now;
    launch.end_ns = now + rng.jitter(4300, 0.2);
    launch.correlation_id = i + 1;
    launch.track = thread;
    t.add_event(launch);
    const auto s = static_cast<std::size_t>(i % static_cast<std::size_t>(streams));
    prof::event k;
    k.kind = prof::event_kind::kernel;
    k.name = names[i % names.size()];
    k.start_ns = std::max(streamFree[s], launch.start_ns + rng.jitter(7500, 0.2));
    k.end_ns = k.start_ns + rng.jitter(i % 4 == 1 ? 860 : 2000, 0.3);
    k.correlation_id = i + 1;
    k.track = streamTracks[s];
    k.kernel = kernelInfo;
    t.add_event(k);
    streamFree[s] = k.end_ns;
    now = launch.end_ns + rng.jitter(600, 0.5);
  }
  addIteration(t, thread, iterStart, now);
  t.sort_by_start();
  return t;
}

}  // namespace tb::gui
