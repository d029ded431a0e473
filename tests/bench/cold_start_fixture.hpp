// Invented cold starts with the breakdown (bench/src/cold_phases.hpp), for the tests of
// the results JSON and the reporters: per phase its duration in each process; the
// totals and the time after the buffers follow from them as the harness computes them.
#pragma once

#include "cold_phases.hpp"
#include "results.hpp"

#include <tb/profiler/statistics.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tb::bench::test {

inline cold_start_result cold_start_with_phases(std::string label,
                                                const std::vector<std::pair<std::string, std::vector<double>>>& phases) {
  cold_start_result c;
  c.label = std::move(label);
  const std::size_t n = phases.front().second.size();
  c.samples_ns.assign(n, 0.0);
  c.after_context.name = "after_context";
  c.after_context.samples_ns.assign(n, 0.0);
  bool after = false;
  for (const auto& [name, samples] : phases) {
    for (std::size_t i = 0; i < n; ++i) {
      c.samples_ns[i] += samples[i];
      if (after) c.after_context.samples_ns[i] += samples[i];
    }
    c.phases.push_back({name, samples, tb::profiler::summarize(samples)});
    after = after || name == cold_after_phase;
  }
  c.stats = tb::profiler::summarize(c.samples_ns);
  c.after_context.stats = tb::profiler::summarize(c.after_context.samples_ns);
  return c;
}

// cubin-cached, ptx (no module phase), graph and the JIT with an empty cache, 3 processes each.
inline std::vector<cold_start_result> invented_cold_starts() {
  using p = std::vector<std::pair<std::string, std::vector<double>>>;
  return {
      cold_start_with_phases("cubin-cached", p{{"main", {1.2e6, 1.0e6, 1.1e6}},
                                               {"setup", {2.0e6, 2.2e6, 2.1e6}},
                                               {"driver", {95e6, 97e6, 96e6}},
                                               {"context", {88e6, 86e6, 87e6}},
                                               {"buffers", {9.0e6, 9.2e6, 9.1e6}},
                                               {"module", {210e3, 190e3, 200e3}},
                                               {"launch", {12e3, 14e3, 13e3}},
                                               {"complete", {40e3, 44e3, 42e3}}}),
      cold_start_with_phases("ptx", p{{"main", {1.1e6, 1.2e6, 1.0e6}},
                                      {"setup", {2.1e6, 2.0e6, 2.2e6}},
                                      {"driver", {96e6, 95e6, 97e6}},
                                      {"context", {87e6, 88e6, 86e6}},
                                      {"buffers", {9.1e6, 9.0e6, 9.2e6}},
                                      {"launch", {41e6, 43e6, 42e6}},
                                      {"complete", {45e3, 41e3, 43e3}}}),
      cold_start_with_phases("graph", p{{"main", {1.0e6, 1.1e6, 1.2e6}},
                                        {"setup", {2.2e6, 2.1e6, 2.0e6}},
                                        {"driver", {97e6, 96e6, 95e6}},
                                        {"context", {86e6, 87e6, 88e6}},
                                        {"buffers", {9.2e6, 9.1e6, 9.0e6}},
                                        {"module", {600e3, 620e3, 610e3}},
                                        {"graph", {300e3, 320e3, 310e3}},
                                        {"launch", {20e3, 22e3, 21e3}},
                                        {"complete", {60e3, 62e3, 61e3}}}),
      cold_start_with_phases("jit (empty Triton cache)", p{{"python", {30e6, 31e6, 32e6}},
                                                           {"torch", {2.1e9, 2.2e9, 2.0e9}},
                                                           {"triton", {400e6, 410e6, 420e6}},
                                                           {"kernels", {50e6, 52e6, 51e6}},
                                                           {"context", {300e6, 310e6, 305e6}},
                                                           {"buffers", {20e6, 21e6, 22e6}},
                                                           {"compile", {3.9e9, 4.0e9, 4.1e9}},
                                                           {"module", {30e6, 31e6, 32e6}},
                                                           {"launch", {1.0e6, 1.1e6, 1.2e6}},
                                                           {"complete", {50e3, 51e3, 52e3}}}),
  };
}

}  // namespace tb::bench::test
