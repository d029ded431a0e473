// gzip (RFC 1952) input for the trace reader: PyTorch profiler writes its traces as
// .json.gz. Detected by the magic bytes, never by the file name; inflated with zlib as a
// stream (the compressed input is read in chunks, never held whole).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace tb::profiler::detail {

/// True when `head` starts with the gzip magic bytes 0x1f 0x8b.
constexpr bool has_gzip_magic(std::string_view head) noexcept {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
}

/// Fills `buffer` with up to `size` compressed bytes; returns how many, 0 at the end.
using read_chunk = std::function<std::size_t(char* buffer, std::size_t size)>;

/// Inflates a gzip stream (one member or several, concatenated) read through `read` and
/// appends the text to `out`. Throws trace_error naming `source` and the compressed byte
/// offset when the stream is corrupt or ends early (a truncated file).
void gunzip(const read_chunk& read, std::string_view source, std::string& out);

/// The same for compressed bytes already in memory.
std::string gunzip(std::string_view compressed, std::string_view source);

}  // namespace tb::profiler::detail
