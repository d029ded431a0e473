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
  double target_ci_fraction = 0.01;  // CI half-width of the median within 1 % of it
  std::size_t min_samples = 20;      // per mode
  int min_rounds = 3;
  double time_limit_s = 20;
  int fixed_rounds = 0;              // > 0: exactly this many rounds, no other rule
};

// Whether the 95 % interval of the median of `samples` is within the target.
bool median_converged(std::span<const double> samples, const stopping_rule& rule);

// "converged", "time_limit", "rounds", or empty while the rounds should go on.
// `per_mode` holds each mode's samples of the stopping metric so far.
std::string stop_reason(const std::vector<std::vector<double>>& per_mode, int rounds_done, double elapsed_s,
                        const stopping_rule& rule);

// Iterations of a mode per round: aims at `batch_seconds` per batch from the warm-up
// estimate of one iteration, within [1, max_iterations].
int batch_iterations(double iteration_ns, int max_iterations, double batch_seconds = 0.25);

// The smallest positive step of the host clock (steady_clock), measured.
double measure_clock_floor_ns();

// The events of `all` that start inside an NVTX range named `range_name` (every such
// range), with the processes and tracks they need; metadata copied, mode set.
tb::profiler::trace extract_ranges(const tb::profiler::trace& all, std::string_view range_name, std::string_view mode);

// The metrics of one mode: the profiler's analysis of its trace (from the traced rounds)
// for `target`; host.time_per_launch and host.iteration from the untraced rounds' host
// clock (the launches of one iteration, the queue drained between iterations); and
// host.time_per_launch_traced from the traced rounds, which shows what tracing costs.
// Samples at or below `clock_floor_ns` are counted per metric. Throws
// tb::profiler::analysis_error when the target is not in a non-empty trace.
std::vector<metric_result> mode_metrics(const tb::profiler::trace& t, std::string_view target,
                                        std::uint64_t launches_per_iteration, std::span<const double> host_iteration_ns,
                                        std::span<const double> traced_host_iteration_ns, double clock_floor_ns);

// Summary of a metric's samples with the profiler's statistics.
metric_result make_metric(std::string id, std::string unit, std::vector<double> samples, double clock_floor_ns);

}  // namespace tb::bench
