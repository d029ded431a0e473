// The results of a triton-bench run: the model, its JSON form (schema
// "triton-bench/results", docs/results-schema.md), a validator for that JSON, and the
// table printed for one or several modes.
#pragma once

#include <tb/bench/mode.hpp>
#include <tb/profiler/statistics.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <iosfwd>
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

  const metric_result* find(std::string_view id) const noexcept;
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

struct cold_start_result {
  std::string label;  // "cubin-cached", "jit (empty Triton cache)", "jit (warm Triton cache)"
  std::string status = "ok";
  std::string error;
  std::vector<double> samples_ns;
  tb::profiler::summary stats;
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
  std::string host_timing = "back-to-back";  // untraced: "back-to-back", or "drained" after each iteration
  int cpu = -1;            // the CPU the untraced rounds ran on (-1: not pinned)
  double gpu_warmup_s = 0; // the settling warm-up before the rounds
  bool gpu_warmup_settled = false;
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

nlohmann::json summary_to_json(const tb::profiler::summary& s);
nlohmann::json to_json(const results& r);
// Reads what to_json wrote. Throws std::runtime_error naming the first bad item.
results results_from_json(const nlohmann::json& j);

// Every way `j` departs from the schema, each "path: problem"; empty when valid.
std::vector<std::string> validate_results_json(const nlohmann::json& j);

// The metrics the table shows, in order: id, label.
struct metric_label {
  std::string_view id;
  std::string_view label;
};
const std::vector<metric_label>& table_metrics();

// One mode: per metric n, median, 95 % interval, spread (p5-p95, MAD). Several: one
// column per mode (median +-CI half-width), then each mode's ratio to cubin-cached.
void print_results_table(std::ostream& out, const results& r);

// The same for a recording, under a banner saying where and when it was measured.
void print_recorded(std::ostream& out, const results& r, std::string_view source);

// "4.32 us", "850 ns", "61.2 %", "3".
std::string format_value(double value, std::string_view unit);

}  // namespace tb::bench
