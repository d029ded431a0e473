// `triton-aot init`: a scenario.toml skeleton for every @triton.jit function of a
// Python file, so that a first compile needs only the types and sizes checked
// (docs/scenario-format.md, "Start from a Python file").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tb::compiler {

struct init_options {
  std::filesystem::path source;  // the Python file with the kernels
  std::filesystem::path out;     // empty: scenario.toml beside `source`; a folder: scenario.toml in it
  std::string name;              // [scenario] name; empty: from the output's folder name
  std::filesystem::path python;  // empty: $TRITON_AOT_PYTHON, else the build's Python
};

struct init_report {
  std::filesystem::path out;         // the file written
  std::string scenario;              // its [scenario] name
  std::vector<std::string> kernels;  // one [[kernels]] each, in file order
  std::vector<std::string> helpers;  // @triton.jit functions that return a value: not kernels, left out
};

// A folder name as a scenario name: letters, digits and '_' kept, anything else
// '_'; a leading digit (or nothing left) gets "s_" in front. "my-kernels" -> "my_kernels".
std::string scenario_name_for(std::string_view folder);

// Reads `source` with Python's ast (the file is never imported) and writes the
// skeleton atomically. Throws tb::scenario::diagnostic_error, one line naming the
// file, and writes nothing, when: the source is missing or not valid Python, it has
// no @triton.jit kernel, the output exists already (never overwritten), or the name
// is not an identifier.
init_report init_scenario(const init_options& options);

}  // namespace tb::compiler
