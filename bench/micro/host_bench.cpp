// The runtime's own cost per launch, on the CPU: the driver is the fake one, whose
// entry points return at once, so what is left is the runtime's work (context query,
// table lookup, argument slots, the indirect calls). Compare with BM_fake_raw_launch,
// which calls the fake cuLaunchKernel directly.
#include "fake_driver.hpp"
#include "fake_kernels.hpp"

#include <launch_overhead_kernels.hpp>
#include <tb/runtime/runtime.hpp>

#include <benchmark/benchmark.h>

namespace {

using tb::runtime::load_mode;

tb::test::fake_driver& fake() {
  static tb::test::fake_driver* f = [] {
    auto* d = new tb::test::fake_driver;
    d->record = false;
    d->install();
    return d;
  }();
  return *f;
}

void BM_fake_raw_launch(benchmark::State& state) {
  const auto& table = fake().table();
  const auto nargs = static_cast<std::uint32_t>(state.range(0));
  fake().scratch_index = nargs;
  tb::test::param_pack params(nargs);
  CUfunction f = reinterpret_cast<CUfunction>(0x1234);
  for (auto _ : state) {
    CUresult r = table.cuLaunchKernel(f, 8, 1, 1, 128, 1, 1, 0, nullptr, params.data(), nullptr);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_fake_raw_launch)->Arg(4)->Arg(22);

void BM_runtime_launch(benchmark::State& state, load_mode mode, bool scratch, bool cluster) {
  fake();
  const auto nargs = static_cast<std::uint32_t>(state.range(0));
  fake().scratch_index = nargs;
  tb::test::test_kernel kernel("bench", nargs, {tb::test::cubin90(), tb::test::ptx80()});
  if (scratch) {
    kernel.images[0].global_scratch_size = 256;
    kernel.images[1].global_scratch_size = 256;
  }
  if (cluster) {
    kernel.images[0].num_ctas = 2;
    kernel.images[1].num_ctas = 2;
  }
  tb::test::param_pack params(nargs);
  tb::runtime::runtime rt(mode);
  if (!rt.preload(kernel.binary).ok()) {
    state.SkipWithError("preload failed");
    return;
  }
  for (auto _ : state) {
    tb::runtime::status s = rt.launch(kernel.binary, {8, 1, 1}, nullptr, params.data());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK_CAPTURE(BM_runtime_launch, cubin_cached, load_mode::cubin_cached, false, false)->Arg(4)->Arg(22);
BENCHMARK_CAPTURE(BM_runtime_launch, ptx_cached, load_mode::ptx_cached, false, false)->Arg(4);
BENCHMARK_CAPTURE(BM_runtime_launch, library, load_mode::library, false, false)->Arg(4)->Arg(22);
BENCHMARK_CAPTURE(BM_runtime_launch, cubin_cached_scratch, load_mode::cubin_cached, true, false)->Arg(4);
BENCHMARK_CAPTURE(BM_runtime_launch, cubin_cached_cluster_ex, load_mode::cubin_cached, false, true)->Arg(4);
BENCHMARK_CAPTURE(BM_runtime_launch, cubin_per_call, load_mode::cubin, false, false)->Arg(4);

// Many kernels alive at once: the lookup stays flat as the table fills.
void BM_runtime_launch_among_many(benchmark::State& state) {
  fake();
  fake().scratch_index = 4;
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<std::unique_ptr<tb::test::test_kernel>> kernels;
  tb::runtime::runtime rt(load_mode::cubin_cached);
  for (std::size_t i = 0; i < count; ++i) {
    kernels.push_back(std::make_unique<tb::test::test_kernel>("k", 4, std::initializer_list<tb::runtime::kernel_image>{
                                                                           tb::test::cubin90()}));
    (void)rt.preload(kernels.back()->binary);
  }
  tb::test::param_pack params(4);
  std::size_t i = 0;
  for (auto _ : state) {
    tb::runtime::status s = rt.launch(kernels[i]->binary, {8, 1, 1}, nullptr, params.data());
    benchmark::DoNotOptimize(s);
    i = i + 1 == count ? 0 : i + 1;
  }
}
BENCHMARK(BM_runtime_launch_among_many)->Arg(1)->Arg(64)->Arg(4096);

// triton-aot's generated launchers for the launch_overhead scenario's Triton kernels:
// what dispatch (alignment/divisibility tests) and argument packing add on top of
// runtime::launch, with the fake driver behind both.
void BM_generated_launcher(benchmark::State& state) {
  namespace aot = tb_aot::launch_overhead;
  fake();
  const auto nargs = static_cast<int>(state.range(0));
  fake().scratch_index = static_cast<std::uint32_t>(nargs);
  tb::runtime::runtime rt(load_mode::cubin_cached);
  const tb::runtime::device_ptr p = 0x7f0000000000;
  const tb::runtime::launch_grid grid{8, 1, 1};
  for (auto _ : state) {
    tb::runtime::status s =
        nargs == 4 ? aot::args4_kernel(nullptr, grid, p, p + 4096, p + 8192, 4096, aot::args4_kernel_variant::w4_s3, rt)
                   : aot::args22_kernel(nullptr, grid, p, 4096, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, p, p + 4096, p + 8192,
                                        p + 12288, p + 16384, 2, 3, 4, 5, 6, aot::args22_kernel_variant::w4_s3, rt);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_generated_launcher)->Arg(4)->Arg(22);

}  // namespace

BENCHMARK_MAIN();
