// triton-bench's exit statuses, in one place: main returns them, --help lists them from
// this table (exit_code_help), docs/bench.md documents them, and scripts may rely on them.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace tb::bench {

enum class exit_code : int {
  ok = 0,
  error = 1,        // a scenario, file or device error
  bad_option = 2,   // a usage error, named in one line
  mode_failed = 3,  // a mode failed: wrong results or a launch error (the report still prints)
  unchecked = 4,    // --require-check, and a mode's outputs could not be checked
  no_gpu = 5,       // no GPU here, and an option asked for a measurement
  regression = 6,   // gate: a gated metric got slower, or a budget failed (the report still prints)
  unsure = 7,       // gate --strict: a gated metric's comparison is unsure
  env_differs = 8,  // compare, gate --base: the runs' GPU, driver, CUDA or Triton differ (no --allow-env-change)
};

constexpr int to_int(exit_code c) noexcept { return static_cast<int>(c); }

struct exit_code_info {
  exit_code code;
  std::string_view meaning;
};

inline constexpr std::array<exit_code_info, 9> exit_code_table = {{
    {exit_code::ok, "ok"},
    {exit_code::error, "error (a scenario, file or device error)"},
    {exit_code::bad_option, "bad option (one line names it)"},
    {exit_code::mode_failed, "a mode failed: wrong results or a launch error (the report still prints)"},
    {exit_code::unchecked, "--require-check, and a mode's outputs were checked neither against the JIT nor a model"},
    {exit_code::no_gpu, "no GPU on this machine, and an option asked for a measurement (--no-gpu: the recording)"},
    {exit_code::regression, "gate: a gated metric got slower, or a budget failed (the report still prints)"},
    {exit_code::unsure, "gate --strict: a gated metric's comparison is unsure"},
    {exit_code::env_differs, "compare, gate --base: the runs' GPU, driver, CUDA or Triton differ (see "
                             "--allow-env-change)"},
}};

// "Exit status:\n  0  ok\n  1  error ...\n" for the --help footer.
inline std::string exit_code_help() {
  std::string out = "Exit status:\n";
  for (const auto& e : exit_code_table)
    out += "  " + std::to_string(to_int(e.code)) + "  " + std::string(e.meaning) + "\n";
  return out;
}

}  // namespace tb::bench
