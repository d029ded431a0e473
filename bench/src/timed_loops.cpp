#include "timed_loops.hpp"

#include "event_timer.hpp"
#include "method.hpp"

#include <tb/profiler/statistics.hpp>

#include <fmt/format.h>
#include <nvtx3/nvToolsExt.h>

#include <algorithm>
#include <utility>

namespace tb::bench {

double median_of(std::span<const double> v) {
  std::vector<double> sorted(v.begin(), v.end());
  std::sort(sorted.begin(), sorted.end());
  return tb::profiler::quantile_sorted(sorted, 0.5);
}

double elapsed_ns(clock_type::time_point t0) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
}

int lead_in_iterations(int batch) { return std::max(3, batch / 10); }

void run_untimed(aot_mode_runner& runner, device_session& session, int n) {
  for (int i = 0; i < n; ++i) runner.run_iteration();
  session.synchronize();
}

void time_untraced(aot_mode_runner& runner, device_session& session, int n, int drain_every, std::vector<double>& out,
                   std::vector<event_window>& windows) {
  run_untimed(runner, session, lead_in_iterations(n));
  gpu_event_pair events;
  std::uint64_t in_window = 0;
  events.start(session.stream());
  for (int i = 0; i < n; ++i) {
    const auto t0 = clock_type::now();
    runner.run_iteration();
    out.push_back(elapsed_ns(t0));
    ++in_window;
    if ((i + 1) % drain_every != 0 && i + 1 < n) continue;
    events.stop(session.stream());
    session.synchronize();
    windows.push_back({events.elapsed_ns(), std::exchange(in_window, 0)});
    if (i + 1 < n) events.start(session.stream());
  }
}

int drain_interval(bool drain_each, std::size_t launches_per_iteration) {
  if (drain_each) return 1;
  return std::max(1, static_cast<int>(256 / std::max<std::size_t>(1, launches_per_iteration)));
}

void run_traced(aot_mode_runner& runner, device_session& session, const std::string& range, int n,
                std::vector<double>& out) {
  run_untimed(runner, session, lead_in_iterations(n));
  nvtxRangePushA(range.c_str());
  for (int i = 0; i < n; ++i) {
    const auto t0 = clock_type::now();
    nvtxRangePushA("iteration");
    runner.run_iteration();
    nvtxRangePop();
    out.push_back(elapsed_ns(t0));
  }
  session.synchronize();
  nvtxRangePop();
}

std::pair<double, bool> settle_gpu(aot_mode_runner& runner, device_session& session, double iteration_ns,
                                   double limit_s) {
  const auto t0 = clock_type::now();
  const int per_block = batch_iterations(iteration_ns, 1 << 20, 0.05);
  std::vector<double> blocks;
  for (;;) {
    const auto b0 = clock_type::now();
    for (int i = 0; i < per_block; ++i) runner.run_iteration();
    session.synchronize();
    blocks.push_back(elapsed_ns(b0) / per_block);
    const double spent = elapsed_ns(t0) / 1e9;
    if (blocks.size() >= 3 && spent >= 0.5) {
      const auto last = std::span(blocks).last(3);
      const auto [lo, hi] = std::minmax_element(last.begin(), last.end());
      if (*hi <= *lo * 1.02) return {spent, true};
    }
    if (spent >= limit_s) return {spent, false};
  }
}

}  // namespace tb::bench
