// The text of the scenario.toml that `triton-aot init` writes, from what
// tb_aot/scan.py found in the Python file (its "kernels" list; protocol there).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace tb::compiler {

struct skeleton_input {
  nlohmann::json kernels;   // scan.py's KERNEL records, in file order
  std::string scenario;     // [scenario] name
  std::string source;       // the Python file relative to the scenario folder, '/'-separated
  std::string folder;       // the scenario folder as the user named it, for the compile hint
};

std::string render_skeleton(const skeleton_input& input);

}  // namespace tb::compiler
