#include <tb/support/install_layout.hpp>

#include <cstdlib>
#include <string>
#include <system_error>
#include <unistd.h>

namespace tb::support {

namespace fs = std::filesystem;

fs::path executable_path() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe;
}

fs::path install_prefix() {
  const fs::path exe = executable_path();
  return exe.empty() ? fs::path{} : exe.parent_path().parent_path();
}

fs::path data_dir() { return install_prefix() / "share" / "triton-bench"; }

fs::path library_dir() { return install_prefix() / "lib"; }

fs::path user_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg && fs::path(xdg).is_absolute())
    return fs::path(xdg) / "triton-bench";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "triton-bench";
  return fs::temp_directory_path() / ("triton-bench-cache-" + std::to_string(::getuid()));
}

fs::path user_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg && fs::path(xdg).is_absolute())
    return fs::path(xdg) / "triton-bench";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local" / "share" / "triton-bench";
  return {};
}

}  // namespace tb::support
