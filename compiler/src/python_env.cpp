#include "python_env.hpp"

#include <cstdlib>
#include <system_error>

#ifndef TB_DEFAULT_PYTHON
#define TB_DEFAULT_PYTHON "python3"
#endif
#ifndef TB_FRONTEND_DIR
#define TB_FRONTEND_DIR ""
#endif

namespace tb::compiler {

namespace fs = std::filesystem;

fs::path default_python() {
  if (const char* env = std::getenv("TRITON_AOT_PYTHON"); env && *env) return env;
  return TB_DEFAULT_PYTHON;
}

fs::path frontend_dir() {
  if (const char* env = std::getenv("TRITON_AOT_FRONTEND_DIR"); env && *env) return env;
  // Installed layout: <prefix>/bin/triton-aot and <prefix>/share/triton-bench/python.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "triton-bench" / "python";
    if (fs::is_regular_file(installed / "tb_aot" / "frontend.py")) return installed;
  }
  return TB_FRONTEND_DIR;
}

}  // namespace tb::compiler
