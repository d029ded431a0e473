#include "interleaved.hpp"

#include <sched.h>

#include <chrono>

namespace tb::bench {

std::size_t side_at(int round, std::size_t position, std::size_t sides) noexcept {
  return sides == 0 ? 0 : (static_cast<std::size_t>(round) + position) % sides;
}

std::vector<double> paired_differences(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d;
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  d.reserve(n);
  for (std::size_t i = 0; i < n; ++i) d.push_back(a[i] - b[i]);
  return d;
}

void summarize_sides(interleaved_result& r) {
  r.per_side.clear();
  r.minus_baseline.clear();
  for (std::size_t k = 0; k < r.ns_per_call.size(); ++k) {
    r.per_side.push_back(tb::profiler::summarize(r.ns_per_call[k]));
    r.minus_baseline.push_back(k == 0 ? tb::profiler::summary{}
                                      : tb::profiler::summarize(paired_differences(r.ns_per_call[k], r.ns_per_call[0])));
  }
}

interleaved_result run_interleaved(const std::vector<interleaved_side>& sides, const interleaved_options& options) {
  using clock = std::chrono::steady_clock;
  interleaved_result r;
  for (const auto& s : sides) r.names.push_back(s.name);
  r.ns_per_call.assign(sides.size(), {});
  for (auto& v : r.ns_per_call) v.reserve(static_cast<std::size_t>(options.rounds));
  const int total = options.warmup_rounds + options.rounds;
  for (int round = 0; round < total && r.ok; ++round) {
    for (std::size_t position = 0; position < sides.size(); ++position) {
      const std::size_t k = side_at(round, position, sides.size());
      if (sides[k].before) sides[k].before();
      const auto t0 = clock::now();
      const bool ok = sides[k].run(options.block);
      const auto t1 = clock::now();
      if (options.between) options.between();
      if (!ok) {
        r.ok = false;
        r.failed_side = sides[k].name;
        break;
      }
      if (round >= options.warmup_rounds) {
        r.ns_per_call[k].push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / options.block);
      }
    }
  }
  summarize_sides(r);
  return r;
}

int pin_to_current_cpu() noexcept {
  const int cpu = sched_getcpu();
  if (cpu < 0) return -1;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

}  // namespace tb::bench
