// Launch cost on a GPU: raw cuLaunchKernel with a kept CUfunction (the driver's
// floor) against runtime::launch in the cached modes, for a kernel with 4 arguments
// and one with 22. Host nanoseconds per launch; the stream is synchronized every
// `sync_every` launches with the timer paused, so the launch queue never fills and
// the numbers are the host's cost of submitting, not the GPU's of running.
//
//   tb_bench_runtime_launch --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
//
// Without a GPU it prints "skipped: no CUDA driver/GPU: <reason>" and exits 0.
#include "generated_launcher_bench.hpp"
#include "test_kernels.hpp"

#include <tb/runtime/runtime.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>
#include <string>

namespace {

using tb::runtime::load_mode;

tb::bench::launch_fixture g_fixture;

// Argument values and the parameter array; the two scratch slots point at a null
// pointer for raw cuLaunchKernel (the runtime overwrites them with its own).
struct args4 {
  CUdeviceptr a, b, c;
  int n = 4096;
  void* null_scratch = nullptr;
  void* params[6];
  explicit args4(const tb::bench::launch_fixture& f) : a(f.buffers[0]), b(f.buffers[1]), c(f.buffers[2]) {
    params[0] = &a;
    params[1] = &b;
    params[2] = &c;
    params[3] = &n;
    params[4] = params[5] = &null_scratch;
  }
};

struct args22 {
  CUdeviceptr out;
  int n = 4096;
  float a[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CUdeviceptr p[5];
  int i[4] = {1, 2, 3, 4};
  long long l0 = 5;
  void* null_scratch = nullptr;
  void* params[24];
  explicit args22(const tb::bench::launch_fixture& f) : out(f.buffers[0]) {
    int k = 0;
    params[k++] = &out;
    params[k++] = &n;
    for (float& v : a) {
      params[k++] = &v;
    }
    for (int j = 0; j < 5; ++j) {
      p[j] = f.buffers[j];
      params[k++] = &p[j];
    }
    for (int& v : i) {
      params[k++] = &v;
    }
    params[k++] = &l0;
    params[k++] = &null_scratch;
    params[k++] = &null_scratch;
  }
};

template <class Args>
void** fresh_params(std::unique_ptr<Args>& holder) {
  holder = std::make_unique<Args>(g_fixture);
  return holder->params;
}

void sync_untimed(benchmark::State& state) {
  state.PauseTiming();
  tb::test::driver().cuStreamSynchronize(g_fixture.stream);
  state.ResumeTiming();
}

const char* symbol_for(int nargs) { return nargs == 4 ? "tb_empty4" : "tb_empty22"; }

void** params_for(int nargs, std::unique_ptr<args4>& a4, std::unique_ptr<args22>& a22) {
  return nargs == 4 ? fresh_params(a4) : fresh_params(a22);
}

void BM_raw_cuLaunchKernel(benchmark::State& state) {
  const auto& d = tb::test::driver();
  const int nargs = static_cast<int>(state.range(0));
  tb::test::gpu_kernel k(symbol_for(nargs), static_cast<std::uint32_t>(nargs));
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  if (d.cuModuleLoadData(&module, k.images[0].data) != CUDA_SUCCESS ||
      d.cuModuleGetFunction(&function, module, k.images[0].symbol) != CUDA_SUCCESS) {
    state.SkipWithError("loading the sm_90 cubin failed (not an sm_90 device?)");
    return;
  }
  std::unique_ptr<args4> a4;
  std::unique_ptr<args22> a22;
  void** params = params_for(nargs, a4, a22);
  int n = 0;
  for (auto _ : state) {
    if (d.cuLaunchKernel(function, 8, 1, 1, 128, 1, 1, 0, g_fixture.stream, params, nullptr) != CUDA_SUCCESS) {
      state.SkipWithError("cuLaunchKernel failed");
      break;
    }
    if (++n == g_fixture.sync_every) {
      n = 0;
      sync_untimed(state);
    }
  }
  d.cuStreamSynchronize(g_fixture.stream);
  d.cuModuleUnload(module);
}
BENCHMARK(BM_raw_cuLaunchKernel)->Arg(4)->Arg(22)->UseRealTime();

void BM_runtime_launch(benchmark::State& state, load_mode mode) {
  const auto& d = tb::test::driver();
  const int nargs = static_cast<int>(state.range(0));
  tb::test::gpu_kernel k(symbol_for(nargs), static_cast<std::uint32_t>(nargs));
  tb::runtime::runtime rt(mode);
  if (tb::runtime::status s = rt.preload(k.binary); !s) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  std::unique_ptr<args4> a4;
  std::unique_ptr<args22> a22;
  void** params = params_for(nargs, a4, a22);
  int n = 0;
  for (auto _ : state) {
    if (!rt.launch(k.binary, {8, 1, 1}, g_fixture.stream, params).ok()) {
      state.SkipWithError("runtime::launch failed");
      break;
    }
    if (++n == g_fixture.sync_every) {
      n = 0;
      sync_untimed(state);
    }
  }
  d.cuStreamSynchronize(g_fixture.stream);
}
BENCHMARK_CAPTURE(BM_runtime_launch, cubin_cached, load_mode::cubin_cached)->Arg(4)->Arg(22)->UseRealTime();

// Issue 16: the same kernel with a launch attribute on its images (cubin-cached): one
// cuLaunchKernelEx with programmatic stream serialisation, or a 2-CTA cluster. Next to
// BM_runtime_launch/cubin_cached in the same run, what an attribute costs; the plain
// row is the path every kernel without one keeps (sm_90+; skipped below).
enum class attribute { pdl, cluster2 };
void BM_runtime_launch_attribute(benchmark::State& state, attribute which) {
  const auto& d = tb::test::driver();
  const int nargs = static_cast<int>(state.range(0));
  tb::test::gpu_kernel k(symbol_for(nargs), static_cast<std::uint32_t>(nargs));
  for (auto& image : k.images) {
    if (which == attribute::pdl) image.launch_pdl = true;
    else image.num_ctas = 2;
  }
  k.sync();
  tb::runtime::runtime rt(load_mode::cubin_cached);
  if (tb::runtime::status s = rt.preload(k.binary); !s) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  std::unique_ptr<args4> a4;
  std::unique_ptr<args22> a22;
  void** params = params_for(nargs, a4, a22);
  int n = 0;
  for (auto _ : state) {
    if (const tb::runtime::status s = rt.launch(k.binary, {8, 1, 1}, g_fixture.stream, params); !s) {
      state.SkipWithError(s.message().c_str());
      break;
    }
    if (++n == g_fixture.sync_every) {
      n = 0;
      sync_untimed(state);
    }
  }
  d.cuStreamSynchronize(g_fixture.stream);
}
BENCHMARK_CAPTURE(BM_runtime_launch_attribute, cubin_cached_pdl, attribute::pdl)->Arg(4)->UseRealTime();
BENCHMARK_CAPTURE(BM_runtime_launch_attribute, cubin_cached_cluster2, attribute::cluster2)->Arg(4)->UseRealTime();
BENCHMARK_CAPTURE(BM_runtime_launch, library, load_mode::library)->Arg(4)->Arg(22)->UseRealTime();
BENCHMARK_CAPTURE(BM_runtime_launch, ptx_cached, load_mode::ptx_cached)->Arg(4)->UseRealTime();

// A/B in one loop: blocks of `sync_every` raw launches and of runtime::launch
// (cubin-cached) alternate, each block timed alone, so that drift of the machine
// hits both sides alike. Counters: median ns per launch of each side, and the median
// of the per-pair differences (runtime - raw), which is the number the <= 50 ns goal
// is about; ctx_query_ns is what a raw loop pays for adding the one extra driver call
// the runtime makes (cuCtxGetCurrent); library_delta_ns is library mode minus raw.
// The iteration time itself is one pair of blocks (raw and cubin-cached).
void BM_ab_raw_vs_runtime(benchmark::State& state) {
  const auto& d = tb::test::driver();
  const int nargs = static_cast<int>(state.range(0));
  tb::test::gpu_kernel k(symbol_for(nargs), static_cast<std::uint32_t>(nargs));
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  if (d.cuModuleLoadData(&module, k.images[0].data) != CUDA_SUCCESS ||
      d.cuModuleGetFunction(&function, module, k.images[0].symbol) != CUDA_SUCCESS) {
    state.SkipWithError("loading the sm_90 cubin failed (not an sm_90 device?)");
    return;
  }
  tb::runtime::runtime rt(load_mode::cubin_cached);
  tb::runtime::runtime lib(load_mode::library);
  if (!rt.preload(k.binary).ok() || !lib.preload(k.binary).ok()) {
    state.SkipWithError("preload failed");
    return;
  }
  std::unique_ptr<args4> raw4, rt4, lib4;
  std::unique_ptr<args22> raw22, rt22, lib22;
  void** raw_params = params_for(nargs, raw4, raw22);
  void** rt_params = params_for(nargs, rt4, rt22);
  void** lib_params = params_for(nargs, lib4, lib22);
  const int block = g_fixture.sync_every;
  std::vector<double> raw_ns, rt_ns, delta_ns, ctx_ns, lib_delta_ns;
  bool ok = true;
  for (auto _ : state) {
    // Third side, untimed by the benchmark: raw launches each preceded by the one
    // extra driver call the runtime makes (cuCtxGetCurrent), to split the delta.
    const auto c0 = std::chrono::steady_clock::now();
    for (int i = 0; i < block; ++i) {
      CUcontext current = nullptr;
      ok &= d.cuCtxGetCurrent(&current) == CUDA_SUCCESS;
      benchmark::DoNotOptimize(current);
      ok &= d.cuLaunchKernel(function, 8, 1, 1, 128, 1, 1, 0, g_fixture.stream, raw_params, nullptr) == CUDA_SUCCESS;
    }
    const auto c1 = std::chrono::steady_clock::now();
    d.cuStreamSynchronize(g_fixture.stream);
    // Fourth side, also untimed: library mode (a CUkernel, no context query).
    const auto l0 = std::chrono::steady_clock::now();
    for (int i = 0; i < block; ++i) {
      ok &= lib.launch(k.binary, {8, 1, 1}, g_fixture.stream, lib_params).ok();
    }
    const auto l1 = std::chrono::steady_clock::now();
    d.cuStreamSynchronize(g_fixture.stream);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < block; ++i) {
      ok &= d.cuLaunchKernel(function, 8, 1, 1, 128, 1, 1, 0, g_fixture.stream, raw_params, nullptr) == CUDA_SUCCESS;
    }
    const auto t1 = std::chrono::steady_clock::now();
    d.cuStreamSynchronize(g_fixture.stream);
    const auto t2 = std::chrono::steady_clock::now();
    for (int i = 0; i < block; ++i) {
      ok &= rt.launch(k.binary, {8, 1, 1}, g_fixture.stream, rt_params).ok();
    }
    const auto t3 = std::chrono::steady_clock::now();
    d.cuStreamSynchronize(g_fixture.stream);
    const double a = std::chrono::duration<double, std::nano>(t1 - t0).count() / block;
    const double b = std::chrono::duration<double, std::nano>(t3 - t2).count() / block;
    raw_ns.push_back(a);
    rt_ns.push_back(b);
    delta_ns.push_back(b - a);
    ctx_ns.push_back(std::chrono::duration<double, std::nano>(c1 - c0).count() / block - a);
    lib_delta_ns.push_back(std::chrono::duration<double, std::nano>(l1 - l0).count() / block - a);
    state.SetIterationTime(std::chrono::duration<double>((t1 - t0) + (t3 - t2)).count());
  }
  d.cuModuleUnload(module);
  if (!ok) {
    state.SkipWithError("a launch failed");
    return;
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  state.counters["raw_ns"] = median(raw_ns);
  state.counters["runtime_ns"] = median(rt_ns);
  state.counters["delta_ns"] = median(delta_ns);
  state.counters["ctx_query_ns"] = median(ctx_ns);  // raw + cuCtxGetCurrent, minus raw
  state.counters["library_delta_ns"] = median(lib_delta_ns);  // runtime library mode, minus raw
}
BENCHMARK(BM_ab_raw_vs_runtime)->Arg(4)->Arg(22)->UseManualTime()->MinTime(1.0);

// Per-call modes, for the seed story's table (each launch loads, syncs and unloads).
void BM_runtime_launch_per_call(benchmark::State& state, load_mode mode) {
  tb::test::gpu_kernel k("tb_empty4", 4);
  tb::runtime::runtime rt(mode);
  std::unique_ptr<args4> a4;
  void** params = fresh_params(a4);
  for (auto _ : state) {
    if (!rt.launch(k.binary, {8, 1, 1}, g_fixture.stream, params).ok()) {
      state.SkipWithError("runtime::launch failed");
      break;
    }
  }
}
BENCHMARK_CAPTURE(BM_runtime_launch_per_call, cubin, load_mode::cubin)->UseRealTime()->MinTime(0.2);
BENCHMARK_CAPTURE(BM_runtime_launch_per_call, ptx, load_mode::ptx)->UseRealTime()->MinTime(0.2);

bool set_up(std::string& why) {
  if (!tb::test::gpu_available(why)) {
    return false;
  }
  const auto& d = tb::test::driver();
  CUdevice device = 0;
  if (d.cuDeviceGet(&device, 0) != CUDA_SUCCESS ||
      d.cuDevicePrimaryCtxRetain(&g_fixture.context, device) != CUDA_SUCCESS ||
      d.cuCtxSetCurrent(g_fixture.context) != CUDA_SUCCESS ||
      d.cuStreamCreate(&g_fixture.stream, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) {
    why = "could not set up device 0's primary context and a stream";
    return false;
  }
  for (CUdeviceptr& b : g_fixture.buffers) {
    if (d.cuMemAlloc(&b, 4096) != CUDA_SUCCESS || d.cuMemsetD8(b, 0, 4096) != CUDA_SUCCESS) {
      why = "cuMemAlloc failed";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string why;
  if (!set_up(why)) {
    std::printf("skipped: no CUDA driver/GPU: %s\n", why.c_str());
    return 0;
  }
  tb::bench::register_generated_launcher_benchmarks(g_fixture);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
