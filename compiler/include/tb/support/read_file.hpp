// A whole file as bytes.
#pragma once

#include <filesystem>
#include <string>

namespace tb::support {

// Throws std::runtime_error "cannot read FILE" when it cannot be opened.
std::string read_file(const std::filesystem::path& file);

}  // namespace tb::support
