#include "io/gzip.hpp"

#include <tb/profiler/trace_error.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace tb::profiler::detail {

namespace {

// One zlib inflate stream that reads gzip headers (windowBits 15 + 16), ended on scope exit.
class inflater {
 public:
  explicit inflater(std::string_view source) : m_source(source) {
    if (inflateInit2(&m_z, 15 + 16) != Z_OK) throw trace_error(std::string(source), std::nullopt, "cannot start zlib");
  }
  ~inflater() { inflateEnd(&m_z); }
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;

  // Inflates `in` completely into `out`; `consumed` is the compressed offset of in[0].
  // A member that ends inside `in` is followed by the next one (a concatenated .gz).
  void feed(std::string_view in, std::size_t consumed, std::string& out) {
    m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    m_z.avail_in = static_cast<uInt>(in.size());
    while (m_z.avail_in > 0) {
      if (m_member_done) {  // another member follows: a concatenated .gz
        inflateReset(&m_z);
        m_member_done = false;
      }
      step(consumed + (in.size() - m_z.avail_in), out);
    }
  }

  void finish(std::size_t consumed) const {
    if (m_member_done) return;
    throw trace_error(std::string(m_source), consumed,
                      consumed == 0 ? "expected gzip data, found an empty file"
                                    : "unexpected end of the gzip stream (a truncated .gz file)");
  }

 private:
  void step(std::size_t at, std::string& out) {
    char chunk[1 << 16];
    m_z.next_out = reinterpret_cast<Bytef*>(chunk);
    m_z.avail_out = sizeof chunk;
    const int rc = inflate(&m_z, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - m_z.avail_out);
    if (rc == Z_STREAM_END) {
      m_member_done = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      const std::string why = m_z.msg ? m_z.msg : "zlib error " + std::to_string(rc);
      throw trace_error(std::string(m_source), at, "corrupt gzip stream: " + why);
    }
  }

  z_stream m_z{};
  std::string_view m_source;
  bool m_member_done = false;
};

}  // namespace

void gunzip(const read_chunk& read, std::string_view source, std::string& out) {
  inflater z(source);
  std::string chunk(1 << 16, '\0');
  std::size_t consumed = 0;
  while (const std::size_t n = read(chunk.data(), chunk.size())) {
    z.feed(std::string_view(chunk.data(), n), consumed, out);
    consumed += n;
  }
  z.finish(consumed);
}

std::string gunzip(std::string_view compressed, std::string_view source) {
  std::string out;
  out.reserve(std::min<std::size_t>(compressed.size() * 8, std::size_t{1} << 30));
  std::size_t at = 0;
  gunzip([&](char* buffer, std::size_t size) {
    const std::size_t n = std::min(size, compressed.size() - at);
    if (n > 0) std::memcpy(buffer, compressed.data() + at, n);
    at += n;
    return n;
  }, source, out);
  return out;
}

}  // namespace tb::profiler::detail
