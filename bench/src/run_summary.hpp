// A run as compare, gate and the results database see it: the environment it ran in,
// and per mode and metric the summary and the per-round medians (the unit every
// comparison resamples; docs/compare.md, "Units"). Made from a results file
// (summarize_run) or read back from the database (history/results_store.hpp); either
// way the same numbers, so a comparison of two runs does not depend on where they
// were stored.
#pragma once

#include "results.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

// What makes two runs comparable at all: compare refuses to compare runs whose GPU,
// driver or Triton differ (unless --allow-env-change), naming what differs.
struct run_environment {
  std::string gpu_name;
  int compute_capability = 0;
  std::string driver_version, cuda_version, triton_version, torch_version;
};

struct metric_summary {
  std::string id;    // "host.time_per_launch"
  std::string unit;  // "ns" | "percent" | "count"
  tb::profiler::summary stats;       // of every sample, as in the results file
  std::vector<double> round_medians; // the comparison's units, in run order
  // "rounds": one median per round of the kind that measured it (untraced rounds for
  // host.*, traced rounds otherwise); "blocks": the metric had fewer than
  // min_units rounds, so the medians of min_units equal consecutive blocks of its samples.
  std::string units = "rounds";
};

struct mode_summary {
  std::string label;               // "cubin-cached", "cubin-cached#2"
  std::string status = "ok";       // ok | failed | skipped
  std::string check_kind;          // "jit-exact", ... (results.hpp check_kind)
  std::string check_status;        // passed | failed | unchecked
  std::vector<metric_summary> metrics;

  const metric_summary* find(std::string_view id) const noexcept;
};

struct run_summary {
  // where it came from: the results file's path, or "db:<store>#<run id>"
  std::string source;
  std::string created;     // ISO 8601 UTC, when the run started
  std::string git_commit;  // 40 hex digits or empty
  std::string branch;      // empty when unknown (a results file has none; --record adds it)
  std::string hostname;
  run_environment env;
  std::string scenario;
  std::uint64_t launches_per_iteration = 0;
  int rounds = 0, traced_rounds = 0;
  std::vector<mode_summary> modes;

  const mode_summary* find(std::string_view label) const noexcept;
};

// Fewer rounds than this (the traced metrics: 2 rounds by default) and a metric's units
// are block medians instead (metric_summary::units).
inline constexpr std::size_t min_units = 8;

// Per-round medians of `samples` taken in `rounds` equal rounds (the samples of one
// round are consecutive); with fewer than min_units rounds, or samples that do not
// divide into them, the medians of min_units equal consecutive blocks (the last one
// takes the remainder). Fewer samples than min_units: the samples themselves.
std::vector<double> unit_medians(const std::vector<double>& samples, int rounds, std::string* units_kind = nullptr);

// Which rounds measured a metric: host.time_per_launch, host.iteration and the event
// windows' gpu.time_per_launch_untraced and gap.untraced_mean the untraced ones,
// everything else (the trace's metrics, host.time_per_launch_traced,
// tracer.cost_per_launch) the traced.
bool measured_untraced(std::string_view metric_id) noexcept;

run_summary summarize_run(const results& r, std::string source);

}  // namespace tb::bench
