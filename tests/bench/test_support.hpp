// Shared by the bench tests: a scenario written to a temporary folder.
#pragma once

#include <tb/scenario/scenario.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace tb::test {

// Writes `toml` as scenario.toml beside a kernels.py with `add_kernel` and returns the file.
inline std::filesystem::path write_scenario(const std::string& name, const std::string& toml) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tb-bench-test-" + std::to_string(::getpid())) / name;
  fs::create_directories(dir);
  std::ofstream(dir / "kernels.py") << "import triton\n@triton.jit\ndef add_kernel(x_ptr, y_ptr, out_ptr, n_elements, "
                                       "BLOCK_SIZE: tl.constexpr):\n    pass\n";
  std::ofstream(dir / "scenario.toml") << toml;
  return dir / "scenario.toml";
}

inline const char* kernel_header = R"([scenario]
name = "t"

[[kernels]]
name = "add_kernel"
source = "kernels.py"
signature = ["x_ptr: *fp32:16", "y_ptr: *fp32:16", "out_ptr: *fp32:16", "n_elements: i32:16:1"]
constexprs = { BLOCK_SIZE = 1024 }
[[kernels.variants]]
name = "b1024"
)";

}  // namespace tb::test
