// Where triton-aot finds Python and its own frontend package (tb_aot), shared by
// `compile` and `init`.
#pragma once

#include <filesystem>

namespace tb::compiler {

// $TRITON_AOT_PYTHON, else the Python the build was configured with.
std::filesystem::path default_python();

// The folder holding tb_aot/: $TRITON_AOT_FRONTEND_DIR, else the installed
// <prefix>/share/triton-bench/python next to the executable, else the source tree.
std::filesystem::path frontend_dir();

}  // namespace tb::compiler
