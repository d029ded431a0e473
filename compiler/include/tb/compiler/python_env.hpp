// Where triton-aot finds Python and its own frontend package (tb_aot), shared by
// `compile` and `init`.
#pragma once

#include <tb/support/python_lookup.hpp>

#include <filesystem>
#include <string>

namespace tb::compiler {

// The Python that compiles: --python, else $TRITON_AOT_PYTHON, else the first python3
// on PATH with the pinned Triton (tb/support/python_lookup.hpp). Throws a
// diagnostic_error located at the Python it refused, or at "triton-aot" when none.
support::python_choice compiler_python(const std::string& option);

// The Python that scans a kernel file (`init`: the standard library only): --python,
// else $TRITON_AOT_PYTHON, else the first python3 on PATH.
std::filesystem::path scanner_python(const std::string& option);

// The folder holding tb_aot/: $TRITON_AOT_FRONTEND_DIR, else share/triton-bench/python
// beside the executable (tb/support/install_layout.hpp).
std::filesystem::path frontend_dir();

}  // namespace tb::compiler
