#include <tb/compiler/python_env.hpp>

#include <tb/scenario/diagnostic.hpp>
#include <tb/support/build_info.hpp>
#include <tb/support/install_layout.hpp>

#include <cstdlib>

namespace tb::compiler {

namespace fs = std::filesystem;

support::python_choice compiler_python(const std::string& option) {
  support::python_request request;
  request.option_value = option;
  request.env_var = "TRITON_AOT_PYTHON";
  request.triton_version = std::string(support::this_build().triton_pinned);
  try {
    return support::find_python(request);
  } catch (const support::python_not_found& e) {
    throw scenario::diagnostic_error({"triton-aot"}, e.what());
  }
}

fs::path scanner_python(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("TRITON_AOT_PYTHON"); env && *env) return env;
  const char* path = std::getenv("PATH");
  const auto candidates = support::python_candidates(path ? path : "");
  if (candidates.empty())
    throw scenario::diagnostic_error({"triton-aot"}, "no python3 on PATH (give --python or set TRITON_AOT_PYTHON)");
  return candidates.front();
}

fs::path frontend_dir() {
  if (const char* env = std::getenv("TRITON_AOT_FRONTEND_DIR"); env && *env) return env;
  return support::data_dir() / "python";
}

}  // namespace tb::compiler
