// SHA-256 as lowercase hex, through OpenSSL's libcrypto (EVP): cubin identities, the
// compile cache's keys, triton-bench's bundle cache.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace tb::support {

class sha256 {
 public:
  // Throws std::runtime_error naming libcrypto's error when it cannot hash.
  sha256();

  // The bytes as they are: update(a); update(b) hashes what of(a + b) hashes.
  sha256& update(std::string_view bytes);
  sha256& update(const void* data, std::size_t size);

  // The bytes, then a NUL: a sequence of fields, where ("ab", "c") and ("a", "bc") differ.
  sha256& add_field(std::string_view bytes);

  // The digest of everything so far; the object can take more afterwards.
  std::string hex() const;

  // The digest of one buffer: what `sha256sum` prints.
  static std::string of(std::string_view bytes);

 private:
  struct context_deleter {
    void operator()(evp_md_ctx_st* context) const noexcept;
  };
  std::unique_ptr<evp_md_ctx_st, context_deleter> m_context;
};

}  // namespace tb::support
