// CPU benchmarks: analysis over a synthetic 5-million-event trace (goal: >= 5 M events/s
// on one core), and the Chrome trace writer/reader over 1 million events.
// BM_read_file and BM_read_analyze_file time what `triton-bench analyze TRACE` does (read a
// 10^6-event file, then analyze it) end to end, with the reader before issue 18 item 3
// (argument 0: profiler/bench/baseline, frozen) and today's (argument 1), in one run.
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>

#include "baseline_reader.hpp"
#include "synthetic_trace.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>
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

// The 10^6-event trace as a file, written once per run (removed at exit).
const std::filesystem::path& trace_file() {
  struct file {
    std::filesystem::path path;
    ~file() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  };
  static const file f = [] {
    file made{std::filesystem::temp_directory_path() /
              ("tb_bench_read_" + std::to_string(static_cast<long>(::getpid())) + ".json")};
    write_chrome_trace_file(trace_of(1'000'000), made.path);
    return made;
  }();
  return f.path;
}

void set_file_counters(benchmark::State& state, std::size_t events) {
  const auto bytes = std::filesystem::file_size(trace_file());
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["events"] = static_cast<double>(events);
  state.counters["MB_per_s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6 *
                                                  static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
  state.SetLabel(state.range(0) == 0 ? "baseline reader" : "reader");
}

void BM_read_file(benchmark::State& state) {
  const auto& path = trace_file();
  std::size_t events = 0;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      events = tb_bench_baseline::read_file(path);
    } else {
      events = read_chrome_trace_file(path).events().size();
    }
    benchmark::DoNotOptimize(events);
  }
  set_file_counters(state, events);
}
BENCHMARK(BM_read_file)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_read_analyze_file(benchmark::State& state) {
  const auto& path = trace_file();
  std::size_t events = 0;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      events = tb_bench_baseline::read_and_analyze(path, "add_kernel");
    } else {
      const auto t = read_chrome_trace_file(path);
      analysis_options o;
      o.target = "add_kernel";
      events = analyze(t, o).events;
    }
    benchmark::DoNotOptimize(events);
  }
  set_file_counters(state, events);
}
BENCHMARK(BM_read_analyze_file)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
