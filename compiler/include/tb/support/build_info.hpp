// What a tool was built from, for `--version` and the results files: the project's
// version, the commit (asked at build time: cmake/TbBuildInfo.cmake), the CUDA toolkit
// it was compiled with and the Triton version the project is pinned to.
#pragma once

#include <string>
#include <string_view>

namespace tb::support {

struct build_info {
  std::string_view project_version;  // "0.1.0"
  std::string_view git_commit;       // 40 hex digits; empty when built outside a git checkout
  bool git_dirty = false;            // built with uncommitted changes to tracked files
  std::string_view cuda_toolkit;     // "13.0.88"
  std::string_view triton_pinned;    // "3.6.0": what scripts/requirements.txt pins
};

const build_info& this_build() noexcept;

// "triton-aot 0.1.0 (commit 0123abcd4567, CUDA toolkit 13.0.88, Triton 3.6.0 pinned)":
// the first line of every tool's --version.
std::string version_line(std::string_view tool);

}  // namespace tb::support
