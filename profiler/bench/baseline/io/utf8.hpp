// Is this text UTF-8? The trace reader checks a file whole before parsing it, so a bad
// byte is reported at its offset instead of surfacing later as a name nothing can print.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace tb::profiler::detail {

/// The offset of the first byte that does not belong to well-formed UTF-8 (no overlong
/// forms, no surrogates, nothing above U+10FFFF), or nullopt when all of it is.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

}  // namespace tb::profiler::detail
