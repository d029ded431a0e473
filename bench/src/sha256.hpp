// SHA-256 (FIPS 180-4), for cubin identities and the bundle cache key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tb::bench {

class sha256 {
 public:
  sha256() noexcept;
  void update(const void* data, std::size_t size) noexcept;
  void update(std::string_view text) noexcept { update(text.data(), text.size()); }
  std::string hex() noexcept;  // finishes; the object is spent afterwards

  static std::string of(std::string_view bytes) {
    sha256 h;
    h.update(bytes);
    return h.hex();
  }

 private:
  void block(const unsigned char* p) noexcept;
  std::array<std::uint32_t, 8> m_state;
  std::array<unsigned char, 64> m_buffer{};
  std::size_t m_used = 0;
  std::uint64_t m_bytes = 0;
};

}  // namespace tb::bench
