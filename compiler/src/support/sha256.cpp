#include <tb/support/sha256.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace tb::support {
namespace {

[[noreturn]] void fail(const char* call) {
  char reason[256] = "no reason given";
  if (const unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, reason, sizeof reason);
  throw std::runtime_error(std::string("SHA-256: libcrypto's ") + call + " failed: " + reason);
}

// Fetched once: the default provider's SHA-256.
const EVP_MD* algorithm() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!md) fail("EVP_MD_fetch(SHA256)");
  return md;
}

std::string to_hex(const unsigned char* digest, unsigned int size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 15];
  }
  return out;
}

}  // namespace

void sha256::context_deleter::operator()(evp_md_ctx_st* context) const noexcept { EVP_MD_CTX_free(context); }

sha256::sha256() : m_context(EVP_MD_CTX_new()) {
  if (!m_context) fail("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(m_context.get(), algorithm(), nullptr) != 1) fail("EVP_DigestInit_ex");
}

sha256& sha256::update(const void* data, std::size_t size) {
  if (EVP_DigestUpdate(m_context.get(), data, size) != 1) fail("EVP_DigestUpdate");
  return *this;
}

sha256& sha256::update(std::string_view bytes) { return update(bytes.data(), bytes.size()); }

sha256& sha256::add_field(std::string_view bytes) {
  update(bytes);
  return update("\0", 1);
}

std::string sha256::hex() const {
  const std::unique_ptr<evp_md_ctx_st, context_deleter> copy(EVP_MD_CTX_new());
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), m_context.get()) != 1) fail("EVP_MD_CTX_copy_ex");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(copy.get(), digest, &size) != 1) fail("EVP_DigestFinal_ex");
  return to_hex(digest, size);
}

std::string sha256::of(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, algorithm(), nullptr) != 1) fail("EVP_Digest");
  return to_hex(digest, size);
}

}  // namespace tb::support
