#include <tb/support/atomic_file.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>

namespace tb::support {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& file, const fs::path& tmp, const std::string& why) {
  std::error_code ignored;
  fs::remove(tmp, ignored);
  throw std::runtime_error(file.string() + ": cannot write: " + why);
}

}  // namespace

void write_file_atomically(const fs::path& file, std::string_view contents) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const fs::path tmp = dir / ("." + file.filename().string() + ".tmp-" + std::to_string(::getpid()));
  {
    errno = 0;
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail(file, tmp, errno != 0 ? std::strerror(errno) : "cannot create a file in " + dir.string());
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) fail(file, tmp, errno != 0 ? std::strerror(errno) : "the write failed");
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) fail(file, tmp, ec.message());
}

}  // namespace tb::support
