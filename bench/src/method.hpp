// The measuring method (docs/bench.md): the stopping rule, batch sizing, the clock
// floor, and turning one process-wide trace into one trace and one set of metrics per
// mode.
#pragma once

#include "results.hpp"

#include <tb/profiler/trace.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

// NVTX range names the harness and the JIT runner emit.
inline constexpr std::string_view mode_range_prefix = "mode:";  // one per batch: "mode:cubin-cached"
inline constexpr std::string_view iteration_range = "iteration";

struct stopping_rule {
  double target_ci_fraction = 0.01;  // CI half-widths within 1 % of the median
  std::size_t min_samples = 20;      // per mode
  int min_rounds = 10;               // per-round medians need a few rounds to say anything
  double time_limit_s = 20;
  int fixed_rounds = 0;              // > 0: exactly this many rounds, no other rule
};

// Whether the 95 % interval of the median of `samples` is within the target.
bool median_converged(std::span<const double> samples, const stopping_rule& rule);

// Whether the batches agree: the 95 % interval (Student's t) of the mean of the
// per-round medians is within the target of their mean. Samples inside one batch are
// correlated (same caches, same clocks), so the pooled interval alone is too
// optimistic; this one sees the batch-to-batch spread that decides whether a second
// run, or the same mode measured twice, would agree.
bool rounds_converged(std::span<const double> round_medians, const stopping_rule& rule);

// The two-sided 95 % quantile of Student's t with `dof` degrees of freedom.
double student_t_975(int dof);

// One mode's stopping metric so far: every sample, and each round's median.
struct mode_progress {
  std::vector<double> samples;
  std::vector<double> round_medians;
};

// "converged" (every mode passes median_converged and rounds_converged, after
// min_rounds), "time_limit", "rounds" (fixed_rounds), or empty while rounds go on.
std::string stop_reason(const std::vector<mode_progress>& per_mode, int rounds_done, double elapsed_s,
                        const stopping_rule& rule);

// Iterations of a mode per round: aims at `batch_seconds` per batch from the warm-up
// estimate of one iteration, within [1, max_iterations].
int batch_iterations(double iteration_ns, int max_iterations, double batch_seconds = 0.25);

// The smallest positive step of the host clock (steady_clock), measured.
double measure_clock_floor_ns();

// The events of `all` that start inside an NVTX range named `range_name` (every such
// range), with the processes and tracks they need; metadata copied, mode set.
tb::profiler::trace extract_ranges(const tb::profiler::trace& all, std::string_view range_name, std::string_view mode);
// The same for the ranges of any of `range_names`.
tb::profiler::trace extract_ranges(const tb::profiler::trace& all, std::span<const std::string_view> range_names,
                                   std::string_view mode);

// The host clock's iteration times of one mode, per phase.
struct host_clock_samples {
  std::span<const double> untraced;    // the untraced rounds
  std::span<const double> traced;      // traced batches recording every kind
  std::span<const double> gpu_traced;  // traced batches recording the GPU's side only
};

// The metrics of one mode: the profiler's analysis of its traced batches for `target`,
// those of from_gpu_records() (traced_records.hpp) from `gpu_only` (the batches that
// recorded the GPU's side only) when it has events, the rest from `full` (every kind
// recorded; with no GPU-only trace, everything); host.time_per_launch and host.iteration
// from the untraced rounds' host clock; host.time_per_launch_traced (and
// host.time_per_launch_gpu_traced) from the traced batches, and tracer.cost_per_launch
// (tracer.cost_per_launch_gpu), the difference (tracer_cost.hpp): what tracing costs
// each launch. Samples at or below `clock_floor_ns` are counted per metric. Throws
// tb::profiler::analysis_error when the target is not in a non-empty trace.
std::vector<metric_result> mode_metrics(const tb::profiler::trace& full, const tb::profiler::trace& gpu_only,
                                        std::string_view target, std::uint64_t launches_per_iteration,
                                        const host_clock_samples& host, double clock_floor_ns);

// Summary of a metric's samples with the profiler's statistics.
metric_result make_metric(std::string id, std::string unit, std::vector<double> samples, double clock_floor_ns);

}  // namespace tb::bench
