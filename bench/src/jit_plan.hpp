// The launch plan the JIT side runs: the scenario resolved once by triton-bench
// (buffers, every launch's kernel, variant, constexprs, grid and argument values, and
// the specialisation the AOT dispatcher chose), written as JSON for bench/jit_runner.py.
// The runner parses no scenario file and evaluates no expression: both sides run the
// same launches by construction. Schema "triton-bench/jit-plan", docs/bench.md.
#pragma once

#include <tb/scenario/scenario.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tb::bench {

inline constexpr std::string_view jit_plan_schema = "triton-bench/jit-plan";
inline constexpr int jit_plan_version = 2;  // 2: launch attributes (num_ctas, launch_pdl, launch_cooperative_grid)

struct jit_plan_kernel {
  std::string name;    // the @triton.jit function
  std::string source;  // absolute path of its Python file
  std::string module;  // the canonical module file name "<scenario>/<file>" (tb_aot/loader.py)
  friend bool operator==(const jit_plan_kernel&, const jit_plan_kernel&) = default;
};

struct jit_plan_buffer {
  std::string name, dtype;
  std::int64_t size = 0;  // elements; the initial bytes are <init_dir>/<name>.bin
  friend bool operator==(const jit_plan_buffer&, const jit_plan_buffer&) = default;
};

struct jit_plan_arg {
  std::string name, type;             // "x_ptr", "*fp32"
  std::optional<std::size_t> buffer;  // pointer arguments: index into buffers
  std::int64_t offset = 0;            // elements into that buffer
  std::variant<std::int64_t, double> value{std::int64_t{0}};  // scalars, as Python int or float
  friend bool operator==(const jit_plan_arg&, const jit_plan_arg&) = default;
};

struct jit_plan_launch {
  std::size_t kernel = 0;  // index into kernels
  std::string variant;
  int num_warps = 4, num_stages = 3;
  // The variant's launch attributes: Triton's JIT gets them as the keyword arguments of
  // the same names, so that it compiles and launches as the AOT side does.
  int num_ctas = 1;
  bool launch_pdl = false, launch_cooperative_grid = false;
  nlohmann::json constexprs = nlohmann::json::object();  // name -> int, float, bool or string
  std::array<std::int64_t, 3> grid{1, 1, 1};
  std::vector<jit_plan_arg> args;  // the runtime arguments, in the kernel's order
  std::string specialization;      // the AOT dispatcher's choice ("" when not known)
  friend bool operator==(const jit_plan_launch&, const jit_plan_launch&) = default;
};

struct jit_plan {
  std::string scenario;
  std::filesystem::path init_dir;
  std::vector<jit_plan_kernel> kernels;
  std::vector<jit_plan_buffer> buffers;
  std::vector<jit_plan_launch> launches;
  friend bool operator==(const jit_plan&, const jit_plan&) = default;
};

// The plan of `s`, reading initial values from `init_dir`; `specializations[i]` is the
// AOT choice for launch i (may be shorter: unknown).
jit_plan make_jit_plan(const tb::scenario::scenario& s, const std::filesystem::path& init_dir,
                       const std::vector<std::string>& specializations = {});

nlohmann::json to_json(const jit_plan& p);
// Throws std::runtime_error naming the item ("launches[2].args[0].buffer: ...").
jit_plan jit_plan_from_json(const nlohmann::json& j);

// Writes the plan to `file` atomically (a temporary file beside it, then rename).
void write_jit_plan(const jit_plan& p, const std::filesystem::path& file);

}  // namespace tb::bench
