// Tracing overhead per launch: a cubin-cached cuLaunchKernel loop of an empty kernel on one
// stream, untraced and traced (CONCURRENT_KERNEL + DRIVER, and every kind). The reported
// time is wall-clock us per launch; the stream is synchronized every 1024 launches with
// the timer paused, so the queue never fills. Without a GPU it prints the reason and exits 0.
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

void traced(benchmark::State& state, const tb::profiler::tracer_kinds& kinds) {
  tb::profiler::tracer_options o;
  o.kinds = kinds;
  tb::profiler::tracer t(o);
  try {
    t.start();
  } catch (const tb::profiler::tracer_error& e) {
    state.SkipWithError(e.what());
    return;
  }
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
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
