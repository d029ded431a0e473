// CPU benchmarks: analysis over a synthetic 5-million-event trace (goal: >= 5 M events/s
// on one core), and the Chrome trace writer/reader over 1 million events.
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>

#include "synthetic_trace.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using namespace tb::profiler;

const trace& trace_of(std::size_t n) {
  static std::vector<std::pair<std::size_t, trace>> cache;
  for (const auto& [size, t] : cache) {
    if (size == n) return t;
  }
  cache.emplace_back(n, bench::make_synthetic_trace(n));
  return cache.back().second;
}

void BM_analyze(benchmark::State& state) {
  const auto& t = trace_of(static_cast<std::size_t>(state.range(0)));
  analysis_options o;
  o.target = "add_kernel";
  for (auto _ : state) {
    auto r = analyze(t, o);
    benchmark::DoNotOptimize(r);
  }
  state.counters["events"] = static_cast<double>(t.events().size());
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(t.events().size()) *
                                                      static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_analyze)->Arg(5'000'000)->Unit(benchmark::kMillisecond);

void BM_summarize(benchmark::State& state) {
  std::vector<double> samples(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<double>((i * 2654435761u) % 100'000);
  for (auto _ : state) {
    auto s = summarize(samples);
    benchmark::DoNotOptimize(s);
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(samples.size()) *
                                                       static_cast<double>(state.iterations()),
                                                       benchmark::Counter::kIsRate);
}
BENCHMARK(BM_summarize)->Arg(5'000)->Arg(2'500'000)->Unit(benchmark::kMillisecond);

void BM_write_chrome_trace(benchmark::State& state) {
  const auto& t = trace_of(static_cast<std::size_t>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto json = to_chrome_trace_json(t);
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(t.events().size()) *
                                                      static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_write_chrome_trace)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_read_chrome_trace(benchmark::State& state) {
  const auto& t = trace_of(static_cast<std::size_t>(state.range(0)));
  const auto json = to_chrome_trace_json(t);
  for (auto _ : state) {
    auto back = parse_chrome_trace(json, "bench");
    benchmark::DoNotOptimize(back);
  }
  state.counters["MB"] = static_cast<double>(json.size()) / 1e6;
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(t.events().size()) *
                                                      static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_read_chrome_trace)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
