// Issue 18, goal 1: every launch path of the SAME Triton kernel (the launch_overhead
// scenario's 4- and 22-argument kernels, sm_90 cubin, grid 8, 128 threads), raced in one
// process with the interleaved method of interleaved.hpp (blocks of 100 launches, order
// rotated per round, stream synchronized untimed after each block, thread pinned):
//
//   raw         cuLaunchKernel with a kept CUfunction (the driver's floor)
//   raw+ctx     the same, preceded by cuCtxGetCurrent (what per-context caching asks)
//   resolved    runtime::launch_resolved (triton-bench's `driver` mode: one driver call)
//   runtime     runtime::launch, cubin-cached (the dynamic API)
//   generated   triton-aot's generated launcher (dispatch, packing, runtime::launch)
//   library     runtime::launch, library mode (a CUkernel, no context query)
//   triton      the C launcher of Triton's `python -m triton.tools.compile` for the same
//               kernel, when $TB_TRITON_LAUNCHER names the library that
//               scripts/triton-launcher.sh built on this machine
//
// Reported per side (counters, and a table on stderr): the median ns per launch, and
// the median of the per-round differences to raw with its 95 % confidence interval.
#include "launch_paths_bench.hpp"
#include "interleaved.hpp"
#include "test_kernels.hpp"

#include <launch_overhead_kernels.hpp>
#include <tb/runtime/runtime.hpp>

#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace tb::bench {
namespace {

namespace aot = tb_aot::launch_overhead;

// The arguments of both kernels, as values (for the launchers) and as the parameter
// array raw cuLaunchKernel and runtime::launch take. n = 1024 floats: the 4 KiB buffers.
struct triton_args {
  CUdeviceptr buffers[5];
  int n = 1024;
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

// Triton's compile.py launchers, through the shim of scripts/triton-launcher.sh.
struct triton_launcher {
  using args4_fn = CUresult (*)(CUstream, CUdeviceptr, CUdeviceptr, CUdeviceptr, int);
  using args22_fn = CUresult (*)(CUstream, CUdeviceptr, int, float, float, float, float, float, float, float, float,
                                 float, float, CUdeviceptr, CUdeviceptr, CUdeviceptr, CUdeviceptr, CUdeviceptr, int,
                                 int, int, int, long long);
  args4_fn args4 = nullptr;
  args22_fn args22 = nullptr;
  std::string why;  // empty when loaded

  triton_launcher() {
    const char* path = std::getenv("TB_TRITON_LAUNCHER");
    if (path == nullptr || *path == '\0') {
      why = "not measured: TB_TRITON_LAUNCHER is not set (scripts/triton-launcher.sh builds it on the GPU machine)";
      return;
    }
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      why = std::string("not measured: ") + dlerror();
      return;
    }
    auto* load = reinterpret_cast<void (*)()>(dlsym(lib, "tb_triton_load"));
    args4 = reinterpret_cast<args4_fn>(dlsym(lib, "tb_triton_args4"));
    args22 = reinterpret_cast<args22_fn>(dlsym(lib, "tb_triton_args22"));
    if (load == nullptr || args4 == nullptr || args22 == nullptr) {
      why = std::string("not measured: ") + path + " lacks tb_triton_load/args4/args22";
      args4 = nullptr;
      args22 = nullptr;
      return;
    }
    load();  // in the current context (the fixture's), as Triton's launcher does on first use
  }
};

const triton_launcher& triton() {
  static const triton_launcher t;
  return t;
}

const tb::runtime::kernel_binary& binary_for(int nargs) {
  return nargs == 4 ? aot::args4_kernel_binaries()[0] : aot::args22_kernel_binaries()[0];
}

template <class F>
std::function<bool(int)> repeat(F once) {
  return [once](int calls) {
    bool ok = true;
    for (int k = 0; k < calls; ++k) ok &= once();
    return ok;
  };
}

void report(benchmark::State& state, const interleaved_result& r, const char* title) {
  std::fprintf(stderr, "%s (ns per launch; difference to %s: median [95%% CI] of %zu rounds)\n", title,
               r.names[0].c_str(), r.ns_per_call[0].size());
  for (std::size_t k = 0; k < r.names.size(); ++k) {
    const auto& s = r.per_side[k];
    state.counters[r.names[k] + "_ns"] = s.median;
    if (k == 0) {
      std::fprintf(stderr, "  %-10s %8.1f\n", r.names[k].c_str(), s.median);
      continue;
    }
    const auto& d = r.minus_baseline[k];
    state.counters[r.names[k] + "_minus_" + r.names[0] + "_ns"] = d.median;
    state.counters[r.names[k] + "_minus_" + r.names[0] + "_ci_low"] = d.ci_low;
    state.counters[r.names[k] + "_minus_" + r.names[0] + "_ci_high"] = d.ci_high;
    std::fprintf(stderr, "  %-10s %8.1f  %+7.1f [%+.1f, %+.1f]\n", r.names[k].c_str(), s.median, d.median, d.ci_low,
                 d.ci_high);
  }
}

void run_all_paths(benchmark::State& state, const launch_fixture& f, int nargs) {
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
  tb::runtime::runtime library(tb::runtime::load_mode::library);
  if (!runtime.preload(binary).ok() || !library.preload(binary).ok()) {
    state.SkipWithError("runtime preload failed");
    return;
  }
  triton_args raw_args(f), ctx_args(f), resolved_args(f), runtime_args(f), launcher_args(f), library_args(f);
  auto params = [nargs](triton_args& a) { return nargs == 4 ? a.params4 : a.params22; };
  const std::uint32_t threads = cubin->num_warps * 32;
  const tb::runtime::launch_grid grid{8, 1, 1};
  auto* stream = reinterpret_cast<tb::runtime::stream_handle>(f.stream);
  tb::runtime::resolved_launch resolved;
  if (!runtime.resolve(binary, grid, stream, params(resolved_args), resolved).ok()) {
    state.SkipWithError("runtime::resolve failed");
    return;
  }
  auto raw_once = [&, p = params(raw_args)] {
    return d.cuLaunchKernel(function, grid.x, 1, 1, threads, 1, 1, cubin->shared_bytes, f.stream, p, nullptr) ==
           CUDA_SUCCESS;
  };
  auto ctx_once = [&, p = params(ctx_args)] {
    CUcontext current = nullptr;
    const bool ok = d.cuCtxGetCurrent(&current) == CUDA_SUCCESS;
    benchmark::DoNotOptimize(current);
    return ok && d.cuLaunchKernel(function, grid.x, 1, 1, threads, 1, 1, cubin->shared_bytes, f.stream, p, nullptr) ==
                     CUDA_SUCCESS;
  };
  auto& v = launcher_args;
  auto generated_once = [&] {
    return (nargs == 4 ? aot::args4_kernel(stream, grid, v.buffers[0], v.buffers[1], v.buffers[2], v.n,
                                           aot::args4_kernel_variant::w4_s3, runtime)
                       : aot::args22_kernel(stream, grid, v.buffers[0], v.n, v.a[0], v.a[1], v.a[2], v.a[3], v.a[4],
                                            v.a[5], v.a[6], v.a[7], v.a[8], v.a[9], v.buffers[0], v.buffers[1],
                                            v.buffers[2], v.buffers[3], v.buffers[4], v.i[0], v.i[1], v.i[2], v.i[3],
                                            v.l0, aot::args22_kernel_variant::w4_s3, runtime))
        .ok();
  };
  std::vector<interleaved_side> sides = {
      {"raw", repeat(raw_once)},
      {"raw+ctx", repeat(ctx_once)},
      {"resolved", repeat([&, p = params(resolved_args)] { return runtime.launch_resolved(resolved, stream, p).ok(); })},
      {"runtime", repeat([&, p = params(runtime_args)] { return runtime.launch(binary, grid, stream, p).ok(); })},
      {"generated", repeat(generated_once)},
      {"library", repeat([&, p = params(library_args)] { return library.launch(binary, grid, stream, p).ok(); })},
  };
  const triton_launcher& t = triton();
  if (t.why.empty()) {
    const triton_args& a = raw_args;
    if (nargs == 4) {
      sides.push_back({"triton", repeat([&] {
                         return t.args4(f.stream, a.buffers[0], a.buffers[1], a.buffers[2], a.n) == CUDA_SUCCESS;
                       })});
    } else {
      sides.push_back({"triton", repeat([&] {
                         return t.args22(f.stream, a.buffers[0], a.n, a.a[0], a.a[1], a.a[2], a.a[3], a.a[4], a.a[5],
                                         a.a[6], a.a[7], a.a[8], a.a[9], a.buffers[0], a.buffers[1], a.buffers[2],
                                         a.buffers[3], a.buffers[4], a.i[0], a.i[1], a.i[2], a.i[3], a.l0) ==
                                CUDA_SUCCESS;
                       })});
    }
  }
  interleaved_options o;
  o.block = 100;
  o.rounds = static_cast<int>(state.range(1));
  o.between = [&] { d.cuStreamSynchronize(f.stream); };
  interleaved_result r;
  for (auto _ : state) {
    r = run_interleaved(sides, o);
  }
  d.cuModuleUnload(module);
  if (!r.ok) {
    state.SkipWithError(("a launch failed: " + r.failed_side).c_str());
    return;
  }
  const std::string title = "launch paths, " + std::to_string(nargs) + " args" +
                            (t.why.empty() ? std::string() : " (triton launcher " + t.why + ")");
  report(state, r, title.c_str());
}

}  // namespace

void register_launch_paths_benchmarks(const launch_fixture& fixture) {
  for (int nargs : {4, 22}) {
    benchmark::RegisterBenchmark("BM_launch_paths_interleaved",
                                 [fixture, nargs](benchmark::State& state) { run_all_paths(state, fixture, nargs); })
        ->Args({nargs, 3000})
        ->UseRealTime()
        ->Iterations(1)
        ->Repetitions(1);  // its rounds are the repetitions
  }
}

}  // namespace tb::bench
