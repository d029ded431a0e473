// Shared by the results database's tests: synthetic runs, a run_summary as exact text,
// and two run_summaries compared field by field (doubles bit for bit).
#pragma once

#include "results.hpp"
#include "run_summary.hpp"

#include <tb/profiler/statistics.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace tb::test {

// A results model of scenario `scenario` with modes cubin-cached and jit: 8 untraced
// rounds of 16 samples of host.time_per_launch around `level` ns (noise of `noise` relative,
// seeded), 2 traced rounds of gap.before_target.
inline tb::bench::results synthetic_results(const std::string& commit, const std::string& created, double level,
                                            std::uint64_t seed, double noise = 0.001,
                                            const std::string& scenario = "sandwich") {
  using namespace tb::bench;
  results r;
  r.created = created;
  r.git_commit = commit;
  r.git_source = "git";
  r.hostname = "synthetic-host";
  r.gpu_name = "Synthetic GPU";
  r.compute_capability = 90;
  r.driver_version = "580.1", r.cuda_version = "13.0", r.cupti_version = "130001";
  r.triton_version = "3.6.0", r.torch_version = "2.9.0";
  r.scenario = scenario, r.scenario_file = "scenarios/" + scenario + "/scenario.toml", r.target = "target_kernel";
  r.launches_per_iteration = 3;
  r.warmup = 10, r.iterations_per_round = 16, r.rounds = 8, r.traced_rounds = 2;
  r.stop_reason = "rounds";
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  for (const auto& [m, factor] : {std::pair{mode::cubin_cached, 1.0}, {mode::jit, 20.0}}) {
    mode_result mr;
    mr.mode = m;
    mr.check.kind = m == mode::jit ? check_kind::oracle : check_kind::jit_exact;
    mr.check.status = m == mode::jit ? "unchecked" : "passed";
    mr.iterations = 128;
    metric_result host{"host.time_per_launch", "ns", {}, {}, 0};
    for (int i = 0; i < 128; ++i) host.samples.push_back(level * factor * (1 + noise * z(rng)));
    metric_result gap{"gap.before_target", "ns", {}, {}, 0};
    for (int i = 0; i < 32; ++i) gap.samples.push_back(900 + 10 * z(rng));
    for (auto* x : {&host, &gap}) x->stats = tb::profiler::summarize(x->samples);
    mr.metrics = {host, gap};
    r.modes.push_back(mr);
  }
  return r;
}

inline std::string exact(double v) {
  return std::isnan(v) ? "nan" : fmt::format("{} ({:#018x})", v, std::bit_cast<std::uint64_t>(v));
}

// Every field, doubles with their bits: two runs are the same when their texts are.
inline std::string render(const tb::bench::run_summary& s, bool with_source = false) {
  std::string out;
  if (with_source) out += "source " + s.source + "\n";
  out += fmt::format("created {}\ncommit {}\nbranch {}\nhost {}\ngpu {} sm_{}\ndriver {} cuda {} triton {} torch {}\n",
                     s.created, s.git_commit, s.branch, s.hostname, s.env.gpu_name, s.env.compute_capability,
                     s.env.driver_version, s.env.cuda_version, s.env.triton_version, s.env.torch_version);
  out += fmt::format("scenario {} launches {} rounds {} traced {}\n", s.scenario, s.launches_per_iteration, s.rounds,
                     s.traced_rounds);
  for (const auto& m : s.modes) {
    out += fmt::format("mode {} {} {} {}\n", m.label, m.status, m.check_kind, m.check_status);
    for (const auto& x : m.metrics) {
      const auto& st = x.stats;
      out += fmt::format("  {} {} {} n={} bootstrap={}\n", x.id, x.unit, x.units, st.n, st.ci_from_bootstrap);
      for (const auto& [name, v] : {std::pair{"mean", st.mean}, {"median", st.median}, {"ci_low", st.ci_low},
                                    {"ci_high", st.ci_high}, {"p5", st.p5}, {"p95", st.p95}, {"p99", st.p99},
                                    {"min", st.min}, {"max", st.max}, {"mad", st.mad}})
        out += fmt::format("    {} {}\n", name, exact(v));
      for (const double v : x.round_medians) out += "    unit " + exact(v) + "\n";
    }
  }
  return out;
}

inline bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Field by field, doubles bit for bit (NaN equals NaN); the source is not compared.
inline void expect_same(const tb::bench::run_summary& a, const tb::bench::run_summary& b) {
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.git_commit, b.git_commit);
  EXPECT_EQ(a.branch, b.branch);
  EXPECT_EQ(a.hostname, b.hostname);
  EXPECT_EQ(a.env.gpu_name, b.env.gpu_name);
  EXPECT_EQ(a.env.compute_capability, b.env.compute_capability);
  EXPECT_EQ(a.env.driver_version, b.env.driver_version);
  EXPECT_EQ(a.env.cuda_version, b.env.cuda_version);
  EXPECT_EQ(a.env.triton_version, b.env.triton_version);
  EXPECT_EQ(a.env.torch_version, b.env.torch_version);
  EXPECT_EQ(a.scenario, b.scenario);
  EXPECT_EQ(a.launches_per_iteration, b.launches_per_iteration);
  EXPECT_EQ(a.rounds, b.rounds);
  EXPECT_EQ(a.traced_rounds, b.traced_rounds);
  ASSERT_EQ(a.modes.size(), b.modes.size());
  for (std::size_t i = 0; i < a.modes.size(); ++i) {
    const auto &m = a.modes[i], &n = b.modes[i];
    EXPECT_EQ(m.label, n.label);
    EXPECT_EQ(m.status, n.status);
    EXPECT_EQ(m.check_kind, n.check_kind);
    EXPECT_EQ(m.check_status, n.check_status);
    ASSERT_EQ(m.metrics.size(), n.metrics.size()) << m.label;
    for (std::size_t k = 0; k < m.metrics.size(); ++k) {
      const auto &x = m.metrics[k], &y = n.metrics[k];
      EXPECT_EQ(x.id, y.id);
      EXPECT_EQ(x.unit, y.unit);
      EXPECT_EQ(x.units, y.units);
      EXPECT_EQ(x.stats.n, y.stats.n);
      EXPECT_EQ(x.stats.ci_from_bootstrap, y.stats.ci_from_bootstrap);
      const double xs[] = {x.stats.mean, x.stats.median, x.stats.ci_low, x.stats.ci_high, x.stats.p5,
                           x.stats.p95,  x.stats.p99,    x.stats.min,    x.stats.max,     x.stats.mad};
      const double ys[] = {y.stats.mean, y.stats.median, y.stats.ci_low, y.stats.ci_high, y.stats.p5,
                           y.stats.p95,  y.stats.p99,    y.stats.min,    y.stats.max,     y.stats.mad};
      for (std::size_t j = 0; j < std::size(xs); ++j)
        EXPECT_TRUE(same_double(xs[j], ys[j])) << m.label << " " << x.id << " stat " << j << ": " << exact(xs[j])
                                               << " vs " << exact(ys[j]);
      ASSERT_EQ(x.round_medians.size(), y.round_medians.size()) << m.label << " " << x.id;
      for (std::size_t j = 0; j < x.round_medians.size(); ++j)
        EXPECT_TRUE(same_double(x.round_medians[j], y.round_medians[j])) << m.label << " " << x.id << " unit " << j;
    }
  }
}

// A run with what a store might get wrong: awkward doubles, a metric without samples
// (NaN statistics), empty fields, a repeat, a metric with no units, text with quotes.
inline tb::bench::run_summary awkward_summary() {
  auto s = tb::bench::summarize_run(synthetic_results("0123456789abcdef0123456789abcdef01234567", "2026-01-02T03:04:05Z",
                                                      1234.5, 7),
                                    "awkward.json");
  s.branch = "feature/o'brien \"x\"";
  s.env.torch_version = "";
  s.launches_per_iteration = 1ull << 40;
  auto& st = s.modes[0].metrics[0].stats;
  st.mean = 0.1 + 0.2;
  st.median = 1e-300;
  st.p5 = 123456789.123456789;
  st.p95 = std::numeric_limits<double>::denorm_min();
  st.p99 = std::numeric_limits<double>::max();
  st.min = -std::numeric_limits<double>::min();
  st.max = std::nextafter(1.0, 2.0);
  st.mad = 1.0 / 3.0;
  s.modes[0].metrics[0].round_medians.push_back(2.0 / 3.0);
  s.modes[0].metrics[0].round_medians.push_back(std::numeric_limits<double>::infinity());
  tb::bench::metric_summary empty;
  empty.id = "kernel.duration";
  empty.unit = "ns";
  empty.units = "blocks";
  empty.stats = tb::profiler::summarize(std::vector<double>{});
  s.modes[1].metrics.push_back(empty);
  auto repeat = s.modes[0];
  repeat.label = "cubin-cached#2";
  repeat.status = "failed";
  s.modes.push_back(repeat);
  return s;
}

}  // namespace tb::test
