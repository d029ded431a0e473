// A scenario: a folder with `scenario.toml` and the Triton kernel files it names.
// docs/scenario-format.md describes the file; this is its parsed form.
#pragma once

#include <tb/scenario/diagnostic.hpp>
#include <tb/scenario/expression.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tb::scenario {

using constexpr_value = std::variant<std::int64_t, double, bool, std::string>;
using constexpr_list = std::vector<std::pair<std::string, constexpr_value>>;

inline constexpr int hint_divisible_16 = 16;  // pointer 16-byte aligned / integer % 16 == 0
inline constexpr int hint_equal_1 = 1;        // integer == 1: folded into the code

struct param {
  std::string name;
  std::string type;         // Triton's name: "*fp32", "i32"
  std::vector<int> hints;   // which specialisations this argument may take
  source_location where;
};

struct specialization {
  std::string name;                                    // "x_ptr16.n16" or "generic"
  std::vector<std::pair<std::size_t, int>> hints;      // (param index, hint), by index
  source_location where;
};

struct variant {
  std::string name;   // given, or derived: "w4_s3_BLOCK_SIZE1024"
  int num_warps = 4;
  int num_stages = 3;
  // Launch attributes (docs/scenario-format.md): Triton compile options that the runtime
  // turns into cuLaunchKernelEx attributes; all at their defaults, a plain cuLaunchKernel.
  int num_ctas = 1;                      // CTAs per program, a 1-D cluster (sm_90+)
  bool launch_pdl = false;               // programmatic dependent launch
  bool launch_cooperative_grid = false;  // cooperative launch (grid-wide sync)
  constexpr_list constexprs;  // the kernel's defaults overridden by the variant's own
  source_location where;
};

struct kernel {
  std::string name;
  std::string source;                    // as written, relative to the scenario folder
  std::filesystem::path source_path;     // absolute
  std::vector<param> params;
  std::vector<specialization> specializations;  // most specialised first
  std::vector<variant> variants;
  source_location where;
  source_location signature_where;
  // Compiled from Triton IR (source ending in .ttir or .ttgir, Triton's IR source path)
  // instead of a Python function: one specialisation, the IR's (docs/scenario-format.md).
  bool from_ir() const { return source_path.extension() == ".ttir" || source_path.extension() == ".ttgir"; }
};

// ---- What the harness runs (docs/scenario-format.md, "Running a scenario") ----
// Every value below is evaluated when the file is loaded, so a scenario that loads
// is runnable: sizes are positive, offsets lie inside their buffers, each argument
// fits its type.

struct scalar_def {  // [scalars]: NAME = integer or float, usable in expressions
  std::string name;
  number value;
  source_location where;
};

enum class buffer_init : std::uint8_t { constant, random };

struct buffer_def {  // [buffers]: NAME = { dtype, size, init, seed, low, high }
  std::string name;
  std::string dtype;          // a scalar type name: "fp32", "fp16", "i32", ...
  std::int64_t size = 0;      // elements
  expression size_expr;
  buffer_init init = buffer_init::constant;
  double value = 0;           // constant init
  std::uint64_t seed = 0;     // random init: uniform in [low, high), from `seed`
  double low = -1, high = 1;
  source_location where;
};

struct launch_arg {  // one runtime argument of a [[launch]], in the kernel's order
  std::size_t param = 0;        // index into kernel::params
  bool is_buffer = false;
  std::size_t buffer = 0;       // index into scenario::buffers (pointer arguments)
  std::int64_t offset = 0;      // elements into that buffer ("x + 1")
  number value{std::int64_t{0}};  // scalar arguments
  expression expr;
  source_location where;
};

struct launch_def {  // [[launch]]: one kernel launch of an iteration
  std::size_t kernel = 0;       // index into scenario::kernels
  std::size_t variant = 0;      // index into kernel::variants
  std::array<std::int64_t, 3> grid{1, 1, 1};
  std::vector<launch_arg> args;  // one per kernel::params entry, in order
  source_location where;
};

struct run_settings {  // [run]
  bool given = false;
  std::string target;           // the kernel whose gaps are measured
  std::size_t target_kernel = 0;
  int iterations = 100;         // measured iterations per mode and round
  int warmup = 10;              // untimed iterations per mode before the first round
  double time_limit_s = 20;     // stop adding rounds after this long
  double rtol = 1e-4, atol = 1e-5;  // output check against the host reference
  source_location where;
};

struct scenario {
  std::string name;
  std::string description;
  std::filesystem::path file;   // absolute path of scenario.toml
  std::filesystem::path dir;    // its folder
  std::vector<kernel> kernels;
  std::vector<scalar_def> scalars;
  std::vector<buffer_def> buffers;
  std::vector<launch_def> launches;  // one iteration, in order (empty: compile-only)
  run_settings run;

  const buffer_def* find_buffer(std::string_view name) const noexcept;
  const scalar_def* find_scalar(std::string_view name) const noexcept;
};

// Parse and check `scenario.toml` (or the one in the given folder). Throws
// diagnostic_error located in the file.
scenario load_scenario(const std::filesystem::path& path_or_dir);

// Accepts a scenario folder or its scenario.toml.
std::filesystem::path resolve_scenario_file(const std::filesystem::path& path_or_dir);

// The scenario with every [[launch]] on the variant of its kernel whose launch_pdl is
// `on` and which is otherwise the same compile configuration (num_warps, num_stages,
// num_ctas, launch_cooperative_grid, constexprs): triton-bench's --pdl off,on. A launch
// whose variant already has that launch_pdl keeps it. Throws diagnostic_error located
// at a launch that has no such twin.
scenario with_launch_pdl(const scenario& s, bool on);

// The oldest arch a variant compiles for: 90 for clusters (num_ctas > 1) and programmatic
// dependent launch, else 0 (any). Of a scenario: the largest of its variants'. triton-aot
// refuses an older --arch at the variant; triton-bench compiles only the archs it allows.
int min_arch(const variant& v) noexcept;
int min_arch(const scenario& s) noexcept;

std::string to_string(const constexpr_value& value);

// Size in bytes of one element of a buffer dtype (fp32: 4).
std::size_t dtype_size(std::string_view dtype) noexcept;  // 1024, 0.5, true, "s" (TOML-ish)

}  // namespace tb::scenario
