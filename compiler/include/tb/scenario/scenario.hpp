// A scenario: a folder with `scenario.toml` and the Triton kernel files it names.
// docs/scenario-format.md describes the file; this is its parsed form.
#pragma once

#include <tb/scenario/diagnostic.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
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
};

struct scenario {
  std::string name;
  std::string description;
  std::filesystem::path file;   // absolute path of scenario.toml
  std::filesystem::path dir;    // its folder
  std::vector<kernel> kernels;
};

// Parse and check `scenario.toml` (or the one in the given folder). Throws
// diagnostic_error located in the file.
scenario load_scenario(const std::filesystem::path& path_or_dir);

// Accepts a scenario folder or its scenario.toml.
std::filesystem::path resolve_scenario_file(const std::filesystem::path& path_or_dir);

std::string to_string(const constexpr_value& value);  // 1024, 0.5, true, "s" (TOML-ish)

}  // namespace tb::scenario
