// Launch cost through triton-aot's generated launchers, against the runtime's dynamic
// API and raw cuLaunchKernel, all three on the SAME Triton kernel (the
// launch_overhead scenario's 4- and 22-argument kernels, sm_90 cubin).
//
// One benchmark per argument count alternates blocks of `sync_every` launches of the
// three sides (raw, runtime::launch in cubin-cached mode, the generated launcher),
// each block timed alone with a steady clock and the stream synchronized between
// blocks, untimed, so the queue never fills and drift hits every side alike.
// Counters: median ns per launch of each side over the blocks, and the medians of the
// per-round differences (runtime - raw, generated - raw), which the <= 50 ns goal is
// about. The generated launcher adds, over runtime::launch, the specialisation
// dispatch (alignment and divisibility tests) and packing the argument array.
#include "generated_launcher_bench.hpp"
#include "test_kernels.hpp"

#include <launch_overhead_kernels.hpp>
#include <tb/runtime/runtime.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace tb::bench {
namespace {

using clock_type = std::chrono::steady_clock;
namespace aot = tb_aot::launch_overhead;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// The arguments of both kernels, as values (for the launchers) and as the parameter
// array raw cuLaunchKernel and runtime::launch take.
struct triton_args {
  CUdeviceptr buffers[5];
  int n = 4096;
  float a[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  int i[4] = {2, 3, 4, 5};
  long long l0 = 6;
  void* null_scratch = nullptr;
  void* params4[6];
  void* params22[24];
  explicit triton_args(const launch_fixture& f) {
    for (int k = 0; k < 5; ++k) buffers[k] = f.buffers[k];
    params4[0] = &buffers[0];
    params4[1] = &buffers[1];
    params4[2] = &buffers[2];
    params4[3] = &n;
    params4[4] = params4[5] = &null_scratch;
    int k = 0;
    params22[k++] = &buffers[0];
    params22[k++] = &n;
    for (float& v : a) params22[k++] = &v;
    for (CUdeviceptr& p : buffers) params22[k++] = &p;
    for (int& v : i) params22[k++] = &v;
    params22[k++] = &l0;
    params22[k++] = &null_scratch;
    params22[k++] = &null_scratch;
  }
};

const tb::runtime::kernel_binary& binary_for(int nargs) {
  return nargs == 4 ? aot::args4_kernel_binaries()[0] : aot::args22_kernel_binaries()[0];
}

void run_ab(benchmark::State& state, const launch_fixture& f, int nargs) {
  const auto& d = tb::test::driver();
  const tb::runtime::kernel_binary& binary = binary_for(nargs);
  const tb::runtime::kernel_image* cubin = nullptr;
  for (std::size_t k = 0; k < binary.num_images; ++k)
    if (binary.images[k].arch == 90 && binary.images[k].format == tb::runtime::image_format::cubin) cubin = &binary.images[k];
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  if (!cubin || d.cuModuleLoadData(&module, cubin->data) != CUDA_SUCCESS ||
      d.cuModuleGetFunction(&function, module, cubin->symbol) != CUDA_SUCCESS) {
    state.SkipWithError("loading the Triton sm_90 cubin failed (not an sm_90 device?)");
    return;
  }
  tb::runtime::runtime runtime(tb::runtime::load_mode::cubin_cached);
  if (!runtime.preload(binary).ok()) {
    state.SkipWithError("runtime preload failed");
    return;
  }
  triton_args raw_args(f), runtime_args(f), launcher_args(f);
  void** raw_params = nargs == 4 ? raw_args.params4 : raw_args.params22;
  void** runtime_params = nargs == 4 ? runtime_args.params4 : runtime_args.params22;
  const std::uint32_t threads = cubin->num_warps * 32;
  const tb::runtime::launch_grid grid{8, 1, 1};
  auto* stream = reinterpret_cast<tb::runtime::stream_handle>(f.stream);
  auto& v = launcher_args;
  auto generated = [&] {
    return nargs == 4
               ? aot::args4_kernel(stream, grid, v.buffers[0], v.buffers[1], v.buffers[2], v.n,
                                   aot::args4_kernel_variant::w4_s3, runtime)
               : aot::args22_kernel(stream, grid, v.buffers[0], v.n, v.a[0], v.a[1], v.a[2], v.a[3], v.a[4], v.a[5],
                                    v.a[6], v.a[7], v.a[8], v.a[9], v.buffers[0], v.buffers[1], v.buffers[2],
                                    v.buffers[3], v.buffers[4], v.i[0], v.i[1], v.i[2], v.i[3], v.l0,
                                    aot::args22_kernel_variant::w4_s3, runtime);
  };
  const int block = f.sync_every;
  std::vector<double> raw_ns, runtime_ns, generated_ns, runtime_delta, generated_delta;
  bool ok = true;
  auto timed_block = [&](auto&& launch_once) {
    const auto t0 = clock_type::now();
    for (int k = 0; k < block; ++k) ok &= launch_once();
    const auto t1 = clock_type::now();
    d.cuStreamSynchronize(f.stream);
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / block;
  };
  for (auto _ : state) {
    const double raw = timed_block([&] {
      return d.cuLaunchKernel(function, grid.x, 1, 1, threads, 1, 1, cubin->shared_bytes, f.stream, raw_params,
                              nullptr) == CUDA_SUCCESS;
    });
    const double rt = timed_block([&] { return runtime.launch(binary, grid, stream, runtime_params).ok(); });
    const double gen = timed_block([&] { return generated().ok(); });
    raw_ns.push_back(raw);
    runtime_ns.push_back(rt);
    generated_ns.push_back(gen);
    runtime_delta.push_back(rt - raw);
    generated_delta.push_back(gen - raw);
  }
  d.cuStreamSynchronize(f.stream);
  d.cuModuleUnload(module);
  if (!ok) {
    state.SkipWithError("a launch failed");
    return;
  }
  state.counters["raw_ns"] = median(raw_ns);
  state.counters["runtime_ns"] = median(runtime_ns);
  state.counters["generated_ns"] = median(generated_ns);
  state.counters["runtime_minus_raw_ns"] = median(runtime_delta);
  state.counters["generated_minus_raw_ns"] = median(generated_delta);
}

}  // namespace

void register_generated_launcher_benchmarks(const launch_fixture& fixture) {
  for (int nargs : {4, 22}) {
    benchmark::RegisterBenchmark(("BM_triton_raw_vs_runtime_vs_generated/" + std::to_string(nargs)).c_str(),
                                 [fixture, nargs](benchmark::State& state) { run_ab(state, fixture, nargs); })
        ->UseRealTime()
        ->Iterations(200);
  }
}

}  // namespace tb::bench
