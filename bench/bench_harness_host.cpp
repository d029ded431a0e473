// Host-only costs of the harness (Google Benchmark): what an AOT launch adds before
// the driver call (choosing the specialisation, packing the parameters), and the
// analysis of a mode's trace. docs/bench.md says how to run it.
#include "launch_plan.hpp"
#include "method.hpp"
#include "scenario_search.hpp"
#include "synthetic_bundle.hpp"

#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace.hpp>
#include <tb/runtime/bundle.hpp>
#include <tb/scenario/scenario.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct fixture {
  tb::scenario::scenario s;
  tb::runtime::bundle b;
  std::vector<tb::bench::planned_launch> plan;
  explicit fixture(const char* name) {
    s = tb::scenario::load_scenario(tb::bench::find_scenario(name));
    const fs::path dir = fs::temp_directory_path() / ("tb-bench-host-" + std::to_string(::getpid()) + "-" + name);
    tb::bench::write_synthetic_bundle(s, dir);
    if (!tb::runtime::bundle::load(dir, b)) std::abort();
    fs::remove_all(dir);
    std::vector<std::uint64_t> addresses;
    for (std::size_t i = 0; i < s.buffers.size(); ++i) addresses.push_back(0x7f0000000000ULL + (i << 24));
    plan = tb::bench::plan_launches(s, b, addresses);
  }
};

// The dispatcher for every launch of dynamic_shapes (4 launches, 4 different choices).
void BM_ChooseSpecialization(benchmark::State& state) {
  static fixture f("dynamic_shapes");
  for (auto _ : state)
    for (const auto& l : f.plan) benchmark::DoNotOptimize(tb::bench::choose_specialization(l));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.plan.size()));
}
BENCHMARK(BM_ChooseSpecialization);

// Choose + pack, per launch: what the AOT modes do before runtime::launch.
void BM_ChooseAndPack(benchmark::State& state) {
  static fixture f(state.range(0) == 0 ? "sandwich" : "matmul");
  void* params[tb::bench::max_kernel_params + 2];
  for (auto _ : state)
    for (const auto& l : f.plan) {
      const auto* spec = tb::bench::choose_specialization(l);
      benchmark::DoNotOptimize(tb::bench::pack_params(l, *spec, params));
      benchmark::ClobberMemory();
    }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.plan.size()));
  state.SetLabel(state.range(0) == 0 ? "sandwich (5 args)" : "matmul (12 args)");
}
BENCHMARK(BM_ChooseAndPack)->Arg(0)->Arg(1);

// A traced mode of N iterations of 3 launches: split it out of the process trace and
// compute every metric, as triton-bench does after the rounds.
void BM_ModeMetrics(benchmark::State& state) {
  namespace tp = tb::profiler;
  const auto iterations = state.range(0);
  tp::trace t;
  const auto host = t.add_process({1, t.intern("host"), tp::process_kind::host, -1, 0});
  const auto thread = t.add_track({host, 1, t.intern("main"), tp::track_kind::cpu_thread, 0});
  const auto gpu = t.add_process({1 << 30, t.intern("GPU 0"), tp::process_kind::device, 0, 1});
  const auto stream = t.add_track({gpu, 7, t.intern("stream 7"), tp::track_kind::gpu_stream, 0});
  const char* names[] = {"producer_kernel", "target_kernel", "consumer_kernel"};
  std::int64_t now = 1000;
  std::uint64_t correlation = 1;
  tp::event mode;
  mode.kind = tp::event_kind::nvtx_range;
  mode.name = t.intern("mode:cubin-cached");
  mode.track = thread;
  mode.process = host;
  mode.start_ns = now - 10;
  for (std::int64_t i = 0; i < iterations; ++i) {
    tp::event it;
    it.kind = tp::event_kind::nvtx_range;
    it.name = t.intern("iteration");
    it.track = thread;
    it.process = host;
    it.start_ns = now;
    for (const char* n : names) {
      tp::event call;
      call.kind = tp::event_kind::driver_api;
      call.name = t.intern("cuLaunchKernel");
      call.track = thread;
      call.process = host;
      call.start_ns = now;
      call.end_ns = now + 2000;
      call.correlation_id = correlation;
      t.add_event(call);
      tp::event k;
      k.kind = tp::event_kind::kernel;
      k.name = t.intern(n);
      k.track = stream;
      k.process = gpu;
      k.start_ns = now + 3000;
      k.end_ns = now + 5000;
      k.correlation_id = correlation++;
      k.kernel = t.add_kernel_info({});
      t.add_event(k);
      now += 2500;
    }
    it.end_ns = now;
    t.add_event(it);
    now += 100;
  }
  mode.end_ns = now + 10000;
  t.add_event(mode);
  t.sort_by_start();
  std::vector<double> host_ns(static_cast<std::size_t>(iterations), 7500.0);
  for (auto _ : state) {
    const auto part = tb::bench::extract_ranges(t, "mode:cubin-cached", "cubin-cached");
    benchmark::DoNotOptimize(tb::bench::mode_metrics(part, tb::profiler::trace{}, "target_kernel", 3, {host_ns, host_ns, {}}, 20.0));
  }
  state.SetItemsProcessed(state.iterations() * iterations);
}
BENCHMARK(BM_ModeMetrics)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
