// SHA-256 as lowercase hex, through LLVM's implementation.
#pragma once

#include <string>
#include <string_view>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/SHA256.h>

namespace tb::compiler {

class sha256 {
 public:
  void update(std::string_view data) {
    m_hash.update(llvm::StringRef(data.data(), data.size()));
    // Length-prefix-free concatenation would let ("ab","c") equal ("a","bc"): separate.
    m_hash.update(llvm::StringRef("\0", 1));
  }
  std::string hex() {
    const llvm::StringRef digest = m_hash.final();
    return to_hex(digest);
  }
  // Plain digest of one buffer (no separator): matches `sha256sum`.
  static std::string of(std::string_view data) {
    const auto digest = llvm::SHA256::hash(
        llvm::ArrayRef<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
    return to_hex(llvm::StringRef(reinterpret_cast<const char*>(digest.data()), digest.size()));
  }

 private:
  static std::string to_hex(llvm::StringRef digest) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : digest) {
      out += digits[c >> 4];
      out += digits[c & 15];
    }
    return out;
  }
  llvm::SHA256 m_hash;
};

}  // namespace tb::compiler
