// Launch cost on a GPU: raw cuLaunchKernel with a kept CUfunction (the driver's
// floor) against runtime::launch in the cached modes, for a kernel with 4 arguments
// and one with 22. Host nanoseconds per launch; the stream is synchronized every
// `sync_every` launches with the timer paused, so the launch queue never fills and
// the numbers are the host's cost of submitting, not the GPU's of running.
//
//   tb_bench_runtime_launch --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
//
// Without a GPU it prints "skipped: no CUDA driver/GPU: <reason>" and exits 0.
#include "interleaved.hpp"
#include "launch_paths_bench.hpp"
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

// The interleaved race of every launch path on the same Triton kernels (goal: each
// within a few ns of raw cuLaunchKernel, resolved by its confidence interval) is in
// launch_paths_bench.cpp.

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
  // One CPU for the whole run: a migration between the blocks of a round is drift
  // the interleaving cannot cancel.
  if (const int cpu = tb::bench::pin_to_current_cpu(); cpu >= 0) std::printf("pinned to CPU %d\n", cpu);
  tb::bench::register_launch_paths_benchmarks(g_fixture);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
