// Which Python a tool runs Triton with. One rule for triton-aot (the compiler's
// frontend) and triton-bench (the JIT side), so that both sides of a comparison use
// the same Triton:
//   1. the --python option, 2. the tool's environment variable, 3. the first python3
//   on PATH that has Triton at the pinned version (and any other module asked for).
// An explicit choice (1, 2) that lacks them is an error, not a fallback: the user
// named it. The error is one line listing what was tried and why each was refused.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tb::support {

// What one interpreter has: distribution name -> version ("" = not installed).
struct python_probe_result {
  bool ran = false;           // false: it could not be started (error says why)
  std::string error;
  std::map<std::string, std::string> versions;
};
using python_probe = std::function<python_probe_result(const std::filesystem::path& python,
                                                       const std::vector<std::string>& distributions)>;

struct python_request {
  std::string option_value;              // --python (empty: not given)
  std::string option_name = "--python";
  std::string env_var;                   // "TRITON_AOT_PYTHON"
  std::string triton_version;            // the pinned version: "3.6.0"
  std::vector<std::string> also_needs;   // further distributions, e.g. {"torch"}
};

struct python_choice {
  std::filesystem::path python;
  std::string triton_version;
  std::string chosen_by;  // "--python", "$TRITON_AOT_PYTHON" or "PATH"
};

class python_not_found : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies the rule above; `path_env` is $PATH's value. Throws python_not_found.
python_choice find_python(const python_request& request, std::string_view path_env, const python_probe& probe);

// Reads the real environment ($PATH and request.env_var) and probes by running each
// candidate (probe_python below).
python_choice find_python(const python_request& request);

// The executables named python3 in the folders of `path_env`, in order, each once.
std::vector<std::filesystem::path> python_candidates(std::string_view path_env);

// Starts `python` and asks importlib.metadata for each distribution's version.
python_probe_result probe_python(const std::filesystem::path& python, const std::vector<std::string>& distributions);

}  // namespace tb::support
