#include <tb/support/build_info.hpp>

#include <fmt/format.h>

namespace tb::support {

std::string version_line(std::string_view tool) {
  const build_info& b = this_build();
  const std::string commit = b.git_commit.empty() ? std::string("unknown commit")
                                                  : fmt::format("commit {}{}", b.git_commit.substr(0, 12),
                                                                b.git_dirty ? "+changes" : "");
  return fmt::format("{} {} ({}, CUDA toolkit {}, Triton {} pinned)", tool, b.project_version, commit,
                     b.cuda_toolkit.empty() ? "unknown" : b.cuda_toolkit, b.triton_pinned);
}

}  // namespace tb::support
