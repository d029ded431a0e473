// Writing a file whole or not at all: a temporary file beside it, then a rename, so a
// reader (or a crash) never sees half of it and a failure leaves nothing behind.
#pragma once

#include <filesystem>
#include <string_view>

namespace tb::support {

// Replaces `file` with `contents`. Throws std::runtime_error "FILE: cannot write: why".
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);

}  // namespace tb::support
