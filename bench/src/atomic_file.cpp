#include "atomic_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace tb::bench {

namespace fs = std::filesystem;

void write_file_atomically(const fs::path& file, std::string_view contents) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const fs::path tmp = dir / fmt::format(".{}.tmp-{}", file.filename().string(), ::getpid());
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out.flush()) {
      fs::remove(tmp, ec);
      throw std::runtime_error(fmt::format("{}: cannot write: {}", file.string(),
                                           std::error_code(errno, std::generic_category()).message()));
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw std::runtime_error(fmt::format("{}: cannot write: {}", file.string(), ec.message()));
  }
}

}  // namespace tb::bench
