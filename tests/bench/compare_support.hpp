// Shared by the compare and gate tests: per-round medians of known distributions, and
// runs (run_summary, or whole results that validate) made of them.
#pragma once

#include "results.hpp"
#include "run_summary.hpp"

#include <tb/profiler/statistics.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tb::test {

// `n` units center * exp(sigma * z), z standard normal (Box-Muller on mt19937_64's raw
// output, so the numbers are the same with every standard library).
inline std::vector<double> lognormal_units(double center, double sigma, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; };
  std::vector<double> out;
  while (static_cast<int>(out.size()) < n) {
    const double r = std::sqrt(-2 * std::log(uniform())), a = 2 * M_PI * uniform();
    out.push_back(center * std::exp(sigma * r * std::cos(a)));
    if (static_cast<int>(out.size()) < n) out.push_back(center * std::exp(sigma * r * std::sin(a)));
  }
  return out;
}

inline tb::bench::metric_summary metric_of(std::string id, std::vector<double> units, std::string unit = "ns") {
  tb::bench::metric_summary m;
  m.id = std::move(id);
  m.unit = std::move(unit);
  m.stats = tb::profiler::summarize(units);
  m.round_medians = std::move(units);
  return m;
}

inline tb::bench::run_environment h100() {
  return {"NVIDIA H100 80GB HBM3", 90, "580.159.04", "13.0", "3.6.0", "2.9.0"};
}

// A run of `scenario` with one mode per (label, host.time_per_launch units).
inline tb::bench::run_summary run_of(std::vector<std::pair<std::string, std::vector<double>>> modes,
                                     std::string source = "run.json", std::string scenario = "sandwich") {
  tb::bench::run_summary r;
  r.source = std::move(source);
  r.scenario = std::move(scenario);
  r.env = h100();
  for (auto& [label, units] : modes) {
    tb::bench::mode_summary m;
    m.label = label;
    m.check_kind = label == "jit" ? "oracle" : "jit-exact";
    m.check_status = label == "jit" ? "unchecked" : "passed";
    m.metrics.push_back(metric_of("host.time_per_launch", std::move(units)));
    r.modes.push_back(std::move(m));
  }
  return r;
}

// Whole results (they validate): per mode, host.time_per_launch of `rounds` rounds of 5
// samples each, every sample of round i the unit units[i] (so its median is units[i]).
inline tb::bench::results results_of(const std::vector<std::pair<tb::bench::mode, std::vector<double>>>& modes) {
  tb::bench::results r;
  r.created = "2026-12-01T10:00:00Z";
  r.git_source = "unknown";
  r.hostname = "test-host";
  r.gpu_name = h100().gpu_name;
  r.compute_capability = 90;
  r.driver_version = h100().driver_version;
  r.cuda_version = h100().cuda_version;
  r.cupti_version = "130001";
  r.triton_version = h100().triton_version;
  r.scenario = "sandwich";
  r.target = "target_kernel";
  r.launches_per_iteration = 3;
  r.iterations_per_round = 5;
  r.stop_reason = "rounds";
  for (const auto& [kind, units] : modes) {
    r.rounds = static_cast<int>(units.size());
    tb::bench::mode_result m;
    m.mode = kind;
    m.check.kind = kind == tb::bench::mode::jit ? tb::bench::check_kind::oracle : tb::bench::check_kind::jit_exact;
    m.check.status = kind == tb::bench::mode::jit ? "unchecked" : "passed";
    m.iterations = 5 * units.size();
    tb::bench::metric_result x;
    x.id = "host.time_per_launch";
    x.unit = "ns";
    for (const double u : units) x.samples.insert(x.samples.end(), 5, u);
    x.stats = tb::profiler::summarize(x.samples);
    m.metrics.push_back(std::move(x));
    r.modes.push_back(std::move(m));
  }
  return r;
}

}  // namespace tb::test
