// The results of a triton-bench run: the model alone. Its JSON form (schema
// "triton-bench/results", docs/results-schema.md) is results_json.hpp, the validator of
// that JSON results_validate.hpp, and the printers are the reporters (report/reporter.hpp).
#pragma once

#include <tb/bench/mode.hpp>
#include <tb/profiler/statistics.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

inline constexpr std::string_view results_schema = "triton-bench/results";
// 2: mode instances, untraced host time, GPU warm-up; 3: outputs checked against the
// JIT (check kinds, the worst element), the code comparison per launch, every metric.
inline constexpr int results_version = 3;

struct metric_result {
  std::string id;     // "gap.before_target", "host.time_per_launch", ...
  std::string unit;   // "ns", "percent", "count"
  std::vector<double> samples;
  tb::profiler::summary stats;
  std::size_t at_clock_floor = 0;  // samples at or below the clock floor
};

// How a mode's outputs were checked (docs/bench.md, "Checking outputs").
enum class check_kind : std::uint8_t {
  jit_exact,      // bit for bit against Triton's JIT on the same inputs (the same code ran)
  jit_tolerance,  // against the JIT within the scenario's rtol/atol (the code differs)
  host_model,     // against the C++ model of a shipped scenario (no JIT to compare with)
  oracle,         // jit itself, with no host model: it is what the others are checked against
  unchecked,      // neither the JIT nor a model could run
};
std::string_view to_string(check_kind k) noexcept;  // "jit-exact", ...
std::optional<check_kind> parse_check_kind(std::string_view text) noexcept;
inline constexpr std::size_t check_kind_count = 5;
// Every kind's name, in the enum's order (what the validator accepts).
std::array<std::string_view, check_kind_count> check_kind_texts() noexcept;

// The element furthest from the expected value (exact checks: the first that differs).
struct worst_element {
  std::string buffer;
  std::int64_t index = -1;
  double got = 0, expected = 0, abs_error = 0;
};

struct output_check {
  check_kind kind = check_kind::unchecked;
  std::string status = "unchecked";  // passed | failed | unchecked
  std::string message;               // what was compared, or the first mismatch and the count
  double max_abs_error = 0;
  std::optional<worst_element> worst;  // when an element differs
};

// One launch's AOT cubin against the one Triton's JIT built for it (code_identity.hpp).
struct code_result {
  std::size_t launch = 0;
  std::string kernel;
  std::string verdict;               // identical-file | identical-code | different-code | not-compared
  std::string summary;               // "identical code (debug info differs: .debug_line)"
  std::vector<std::string> reasons;  // why the code differs, from the two sides' Triton metadata
};

// A metric a mode could not measure, and why ("the kernels ran on 2 streams: ...").
struct unmeasured_metric {
  std::string id;
  std::string reason;
  friend bool operator==(const unmeasured_metric&, const unmeasured_metric&) = default;
};

struct mode_result {
  tb::bench::mode mode = reference_mode;
  int instance = 1;                   // 2, 3, ...: the same mode again in the same run (a repeat)
  std::string status = "ok";          // ok | failed | skipped
  std::string error;                  // why, when not ok
  output_check check;
  std::string trace_file;             // empty: none written
  std::uint64_t iterations = 0;       // measured
  std::uint64_t dropped_records = 0;
  std::vector<metric_result> metrics;
  std::vector<unmeasured_metric> not_measured;  // reported as "not measured: <reason>"

  const metric_result* find(std::string_view id) const noexcept;
  const unmeasured_metric* unmeasured(std::string_view id) const noexcept;  // why `id` is missing, if said
  // "cubin-cached", or "cubin-cached#2" for a repeat.
  std::string label() const { return mode_instance{mode, instance}.label(); }
};

struct kernel_image_result {
  std::size_t launch = 0;  // index into the launch sequence
  std::string kernel, variant, specialization;
  int arch = 0;
  std::string format;      // cubin | ptx
  std::string sha256;
  std::uint64_t size = 0;
};

// One phase of a cold start (cold_phases.hpp): its duration in each fresh process.
struct cold_phase_result {
  std::string name;                // "main", "driver", "module", ... (cold_phases.hpp)
  std::vector<double> samples_ns;  // one per process, in the order of cold_start_result::samples_ns
  tb::profiler::summary stats;
};

struct cold_start_result {
  std::string label;  // "cubin-cached", "jit (empty Triton cache)", "jit (warm Triton cache)"
  std::string status = "ok";
  std::string error;
  std::vector<double> samples_ns;  // fork to the first completion; per process, the phases' sum
  tb::profiler::summary stats;
  // Empty in results from before the breakdown (and when the children failed).
  std::vector<cold_phase_result> phases;
  // From the end of cold_after_phase ("buffers") to the first completion: module load,
  // graph capture, first launch, completion (jit: compile, load, launch, completion).
  cold_phase_result after_context;

  const cold_phase_result* phase(std::string_view name) const noexcept;
};

struct results {
  std::string created;      // ISO 8601 UTC
  std::string git_commit;
  std::string git_source;   // "git" (asked at run time) | "build" (recorded when built) | "unknown"
  std::string hostname;
  // machine
  std::string gpu_name;
  int gpu_ordinal = 0;
  int compute_capability = 0;
  std::string driver_version, cuda_version, cupti_version, triton_version, torch_version;
  // scenario
  std::string scenario, scenario_file, target, bundle_dir;
  std::uint64_t launches_per_iteration = 0;
  std::vector<kernel_image_result> kernels;
  std::vector<code_result> code;  // per launch, when the JIT ran
  // method
  int warmup = 0;
  int iterations_per_round = 0;
  int rounds = 0;          // untraced rounds (host time)
  int traced_rounds = 0;   // traced rounds (gaps, latency, kernel time)
  std::string traced_records = "all";  // what the traced batches recorded: all, gpu, split (traced_records.hpp)
  std::string host_timing = "back-to-back";  // untraced: "back-to-back", or "drained" after each iteration
  int cpu = -1;            // the CPU the untraced rounds ran on (-1: not pinned)
  double gpu_warmup_s = 0; // the settling warm-up before the rounds
  bool gpu_warmup_settled = false;
  // --test-launch-delay: a known regression put in on purpose (tests of compare and gate)
  std::uint64_t test_launch_delay_ns = 0;
  double time_limit_s = 0;
  double target_ci_percent = 1.0;
  std::string stop_reason;  // converged | time_limit | rounds
  double elapsed_s = 0;
  double clock_floor_ns = 0;
  std::vector<mode_result> modes;
  std::vector<cold_start_result> cold_start;

  // The first instance of `m`.
  const mode_result* find(tb::bench::mode m) const noexcept;
};

// A mode that ran twice or more in one run, against its first instance.
struct repeat_agreement {
  std::string first, repeat;          // labels: "cubin-cached", "cubin-cached#2"
  std::string metric;                 // host.time_per_launch
  double first_median = 0, repeat_median = 0;
  double difference_percent = 0;      // |repeat - first| / first * 100
};
inline constexpr double repeat_goal_percent = 2.0;
std::vector<repeat_agreement> repeat_agreements(const results& r);

// A mode's median of `metric_id` divided by `base`'s (the ratios to cubin-cached): NaN
// when either lacks samples of it or the base median is 0.
double median_ratio(const mode_result& m, const mode_result& base, std::string_view metric_id) noexcept;

// The summary line's phrase for the JIT's gap ratio: "gap before target 5.59x (goal >= 4x)",
// `bold` putting ** around the ratio (Markdown); "gap before target not measured (no traced
// rounds)" when the run traced nothing, "... not measured" when a mode has no gap samples.
std::string gap_ratio_phrase(const results& r, double ratio, bool bold = false);

// The metrics reports show, in order: id, label ("  same, while traced" is indented
// under the metric it repeats).
struct metric_label {
  std::string_view id;
  std::string_view label;
};
const std::vector<metric_label>& table_metrics();

// A table cell for one mode's metric: the median and the half-width of its 95 % interval
// in % of the median ("4.32 us ±1.2%"), "not measured" when the mode says why not, else
// "-". A row is worth showing when one of its cells is not "-" (has_cell).
std::string metric_cell(const mode_result& m, std::string_view id);
bool has_cell(const mode_result& m, std::string_view id) noexcept;

// "4.32 us", "850 ns", "61.2 %", "3".
std::string format_value(double value, std::string_view unit);

}  // namespace tb::bench
