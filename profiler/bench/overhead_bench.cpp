// Tracing overhead per launch: a cubin-cached cuLaunchKernel loop of an empty kernel on one
// stream, untraced and traced (CONCURRENT_KERNEL + DRIVER, and every kind). The reported
// time is wall-clock us per launch; the stream is synchronized every 1024 launches with
// the timer paused, so the queue never fills. Without a GPU it prints the reason and exits 0.
//
// Those four benchmarks run one after the other, so the machine's drift between them is
// as large as the effect (issue 18). BM_tracing_interleaved is the measurement of the goal
// (tracing adds at most 1.0 us per launch with kernel + driver records, none dropped):
// ONE tracer runs throughout, and blocks of 100 launches with its activity kinds off and
// on alternate in rotated order (interleaved.hpp), the kinds switched untimed before each
// block (tracer::record) and the stream synchronized untimed after it. So "off" is the
// cost of a launch with CUPTI attached but recording nothing (what the untraced benchmark
// after a traced one measures, too), and each side's difference to it is what its records
// cost, with a 95 % interval. Its arguments: the CUPTI buffer size in MiB, launches per block.
#include "interleaved.hpp"

#include <tb/profiler/tracer.hpp>

#include <benchmark/benchmark.h>
#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct gpu {
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*device_count)(int*) = nullptr;
  CUresult (*device_get)(CUdevice*, int) = nullptr;
  CUresult (*primary_retain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*ctx_set_current)(CUcontext) = nullptr;
  CUresult (*module_load_data)(CUmodule*, const void*) = nullptr;
  CUresult (*module_get_function)(CUfunction*, CUmodule, const char*) = nullptr;
  CUresult (*stream_create)(CUstream*, unsigned) = nullptr;
  CUresult (*stream_synchronize)(CUstream) = nullptr;
  CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                     void**, void**) = nullptr;
  CUfunction function = nullptr;
  CUstream stream = nullptr;

  std::string open() {
    void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (lib == nullptr) return std::string("cannot load libcuda.so.1: ") + dlerror();
    auto sym = [&](auto& f, const char* name) {
      f = reinterpret_cast<std::remove_reference_t<decltype(f)>>(dlsym(lib, name));
      return f != nullptr;
    };
    if (!sym(init, "cuInit") || !sym(device_count, "cuDeviceGetCount") || !sym(device_get, "cuDeviceGet") ||
        !sym(primary_retain, "cuDevicePrimaryCtxRetain") || !sym(ctx_set_current, "cuCtxSetCurrent") ||
        !sym(module_load_data, "cuModuleLoadData") || !sym(module_get_function, "cuModuleGetFunction") ||
        !sym(stream_create, "cuStreamCreate") || !sym(stream_synchronize, "cuStreamSynchronize") ||
        !sym(launch, "cuLaunchKernel")) {
      return "libcuda.so.1 lacks a driver API entry point";
    }
    if (const auto r = init(0); r != CUDA_SUCCESS) return "cuInit failed with CUresult " + std::to_string(r);
    int n = 0;
    if (device_count(&n) != CUDA_SUCCESS || n == 0) return "no CUDA device";
    CUdevice dev;
    CUcontext ctx;
    if (device_get(&dev, 0) != CUDA_SUCCESS || primary_retain(&ctx, dev) != CUDA_SUCCESS ||
        ctx_set_current(ctx) != CUDA_SUCCESS) {
      return "cannot make the primary context of device 0 current";
    }
    // Relative to the build folder, found from this executable (<build>/bin/): the build
    // is copied to the GPU machine under another path.
    const auto cubin = std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / TB_BENCH_CUBIN;
    std::ifstream f(cubin, std::ios::binary);
    const std::vector<char> image{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    if (image.empty()) return "cannot read " + cubin.string();
    CUmodule module;
    if (const auto r = module_load_data(&module, image.data()); r != CUDA_SUCCESS) {
      return "cuModuleLoadData failed with CUresult " + std::to_string(r) + " (the cubin is sm_90)";
    }
    if (module_get_function(&function, module, "tb_bench_empty") != CUDA_SUCCESS) return "no tb_bench_empty in the cubin";
    if (stream_create(&stream, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) return "cuStreamCreate failed";
    return {};
  }
};

gpu g_gpu;

void launch_loop(benchmark::State& state) {
  std::size_t n = 0;
  for (auto _ : state) {
    if (g_gpu.launch(g_gpu.function, 1, 1, 1, 32, 1, 1, 0, g_gpu.stream, nullptr, nullptr) != CUDA_SUCCESS) {
      state.SkipWithError("cuLaunchKernel failed");
      break;
    }
    if (++n % 1024 == 0) {
      state.PauseTiming();
      g_gpu.stream_synchronize(g_gpu.stream);
      state.ResumeTiming();
    }
  }
  g_gpu.stream_synchronize(g_gpu.stream);
}

void BM_launch_untraced(benchmark::State& state) { launch_loop(state); }

// Starts `t`; false (and the benchmark skipped with CUPTI's reason) when it cannot.
bool started(tb::profiler::tracer& t, benchmark::State& state) {
  try {
    t.start();
    return true;
  } catch (const tb::profiler::tracer_error& e) {
    state.SkipWithError(e.what());
    return false;
  }
}

void traced(benchmark::State& state, const tb::profiler::tracer_kinds& kinds) {
  tb::profiler::tracer_options o;
  o.kinds = kinds;
  tb::profiler::tracer t(o);
  if (!started(t, state)) return;
  launch_loop(state);
  t.stop();
  const auto trace = t.take_trace();
  state.counters["events"] = static_cast<double>(trace.events().size());
  state.counters["dropped"] = static_cast<double>(trace.metadata().dropped_records);
}

void BM_launch_traced_kernel_driver(benchmark::State& state) {
  traced(state, tb::profiler::parse_tracer_kinds("kernel,driver"));
}
void BM_launch_traced_all(benchmark::State& state) { traced(state, tb::profiler::tracer_kinds{}); }

// Sides of BM_tracing_interleaved: which activity kinds each block records.
std::vector<tb::bench::interleaved_side> tracing_sides(tb::profiler::tracer& t, bool& ok) {
  auto loop = [&ok](int calls) {
    for (int k = 0; k < calls; ++k)
      ok &= g_gpu.launch(g_gpu.function, 1, 1, 1, 32, 1, 1, 0, g_gpu.stream, nullptr, nullptr) == CUDA_SUCCESS;
    return ok;
  };
  tb::profiler::tracer_kinds off;
  off.kernel = off.driver_api = off.runtime_api = off.memcpy = off.memset = off.synchronization = off.nvtx =
      off.overhead = false;
  tb::profiler::tracer_kinds kernel = off;
  kernel.kernel = true;
  std::vector<tb::bench::interleaved_side> sides;
  for (const auto& [name, kinds] : {std::pair{"off", off}, std::pair{"kernel", kernel},
                                    std::pair{"kernel+driver", tb::profiler::parse_tracer_kinds("kernel,driver")},
                                    std::pair{"all", tb::profiler::tracer_kinds{}}}) {
    sides.push_back({name, loop, [&t, k = kinds] { t.record(k); }});
  }
  return sides;
}

void BM_tracing_interleaved(benchmark::State& state) {
  tb::profiler::tracer_options o;
  o.buffer_bytes = static_cast<std::size_t>(state.range(0)) << 20;
  tb::profiler::tracer t(o);
  if (!started(t, state)) return;
  bool ok = true;
  const auto sides = tracing_sides(t, ok);
  tb::bench::interleaved_options io;
  io.block = static_cast<int>(state.range(1));
  io.rounds = io.block >= 1000 ? 100 : 400;
  io.between = [] { g_gpu.stream_synchronize(g_gpu.stream); };
  tb::bench::interleaved_result r;
  for (auto _ : state) r = tb::bench::run_interleaved(sides, io);
  t.stop();
  const auto trace = t.take_trace();
  if (!r.ok || !ok) {
    state.SkipWithError("a launch failed");
    return;
  }
  std::size_t kernels = 0;
  for (const auto& e : trace.events()) kernels += e.kind == tb::profiler::event_kind::kernel;
  std::fprintf(stderr,
               "tracing, CUPTI buffers of %lld MiB, blocks of %d launches (us per launch; difference to off: median "
               "[95%% CI] of %zu rounds)\n",
               static_cast<long long>(state.range(0)), io.block, r.ns_per_call[0].size());
  for (std::size_t k = 0; k < r.names.size(); ++k) {
    const auto& s = r.per_side[k];
    state.counters[r.names[k] + "_us"] = s.median / 1e3;
    if (k == 0) {
      std::fprintf(stderr, "  %-14s %7.3f\n", r.names[k].c_str(), s.median / 1e3);
      continue;
    }
    const auto& d = r.minus_baseline[k];
    state.counters[r.names[k] + "_minus_off_us"] = d.median / 1e3;
    state.counters[r.names[k] + "_minus_off_ci_low_us"] = d.ci_low / 1e3;
    state.counters[r.names[k] + "_minus_off_ci_high_us"] = d.ci_high / 1e3;
    std::fprintf(stderr, "  %-14s %7.3f  %+.3f [%+.3f, %+.3f]\n", r.names[k].c_str(), s.median / 1e3, d.median / 1e3,
                 d.ci_low / 1e3, d.ci_high / 1e3);
  }
  // Every side but off records kernels: (sides - 1) x (rounds + warm-up) x block launches.
  const double expected = static_cast<double>((r.names.size() - 1) * (io.rounds + io.warmup_rounds) * io.block);
  state.counters["kernel_records"] = static_cast<double>(kernels);
  state.counters["kernel_records_expected"] = expected;
  state.counters["dropped"] = static_cast<double>(trace.metadata().dropped_records);
  std::fprintf(stderr, "  kernel records %zu of %.0f expected, %llu dropped\n", kernels, expected,
               static_cast<unsigned long long>(trace.metadata().dropped_records));
}

}  // namespace

int main(int argc, char** argv) {
  const auto why = g_gpu.open();
  if (!why.empty()) {
    std::printf("SKIPPED: tb_bench_profiler_overhead needs a GPU: %s\n", why.c_str());
    return 0;
  }
  // Untraced first and last: drift between them bounds the noise of the comparison.
  for (const char* name : {"BM_launch_untraced", "BM_launch_traced_kernel_driver", "BM_launch_traced_all",
                           "BM_launch_untraced/again"}) {
    const std::string n = name;
    auto* b = n.starts_with("BM_launch_untraced") ? benchmark::RegisterBenchmark(name, BM_launch_untraced)
              : n == "BM_launch_traced_all"       ? benchmark::RegisterBenchmark(name, BM_launch_traced_all)
                                                  : benchmark::RegisterBenchmark(name, BM_launch_traced_kernel_driver);
    b->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(100'000)->Repetitions(3);
  }
  benchmark::RegisterBenchmark("BM_tracing_interleaved", BM_tracing_interleaved)
      ->Args({8, 100})
      ->Args({1, 100})
      ->Args({8, 1000})  // as long as the separate benchmarks' stretches between syncs
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime()
      ->Iterations(1)
      ->Repetitions(1);  // its rounds are the repetitions
  if (const int cpu = tb::bench::pin_to_current_cpu(); cpu >= 0) std::printf("pinned to CPU %d\n", cpu);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
