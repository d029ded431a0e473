#include <tb/support/read_file.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace tb::support {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace tb::support
