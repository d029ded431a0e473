// A small pull parser over JSON text held in memory. It knows the byte offset of every
// token, hands out number tokens as their exact text (no trip through double) and
// strings without copies when they hold no escapes. Errors throw trace_error with the
// offset and what was expected there.
#pragma once

#include <tb/profiler/trace_error.hpp>

#include <cstddef>
#include <cstring>
#include <limits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tb::profiler::detail {

enum class json_type : std::uint8_t { null, boolean, number, string, array, object };

class json_cursor {
 public:
  json_cursor(std::string_view text, std::string_view source) noexcept : m_text(text), m_source(source) {}

  /// Skips whitespace and returns the next byte, or '\0' at the end of the text.
  char peek() noexcept {
    skip_ws();
    return m_pos < m_text.size() ? m_text[m_pos] : '\0';
  }
  bool at_end() noexcept { return peek() == '\0' && m_pos >= m_text.size(); }
  std::size_t offset() const noexcept { return m_pos; }

  /// Type of the next value (by its first byte); throws when no value can start here.
  json_type next_type(std::string_view context);

  [[noreturn]] void fail(std::size_t offset, std::string_view expected) const;
  /// fail() with "EXPECTED in CONTEXT" (just EXPECTED when the context is empty).
  [[noreturn]] void fail_in(std::size_t offset, std::string_view expected, std::string_view context) const;
  [[noreturn]] void fail_here(std::string_view expected) { skip_ws(); fail(m_pos, expected); }

  /// Consumes `c` (after whitespace) or fails with "expected WHAT".
  void expect(char c, std::string_view what);

  /// Object iteration: call begin_object(), then next_member() until it returns false.
  void begin_object(std::string_view context);
  /// Reads `"key":` (or `}`); the key view is valid until the next call using `scratch`.
  bool next_member(std::string_view& key, std::string& scratch, bool& first);
  /// Array iteration: begin_array(), then next_element() until it returns false.
  void begin_array(std::string_view context);
  bool next_element(bool& first);

  /// Reads a string value; the view is into the text or into `scratch`.
  std::string_view read_string(std::string& scratch, std::string_view context);
  /// Reads a number and returns its exact text.
  std::string_view read_number(std::string_view context);
  /// Reads true/false.
  bool read_bool(std::string_view context);
  void read_null(std::string_view context);
  /// Skips any value; returns the raw text it spanned.
  std::string_view skip_value(std::string_view context);

  /// Reads an integer (a JSON number without fraction or exponent) into int64.
  std::int64_t read_int64(std::string_view context);

 private:
  // The loops below work on locals: a store to m_pos (a size_t) could alias m_text's length.
  void skip_ws() noexcept {
    const char* const p = m_text.data();
    const std::size_t n = m_text.size();
    std::size_t i = m_pos;
    while (i < n) {
      const char c = p[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      ++i;
    }
    m_pos = i;
  }
  std::string_view read_string_slow(std::string& scratch, std::size_t begin);  // at the first '\\' or control byte
  void skip_value_at_depth(std::string_view context, int depth);
  void scan_string_body(std::string* out);  // after the opening quote
  unsigned read_hex4();

  std::string_view m_text;
  std::string_view m_source;
  std::size_t m_pos = 0;
};

/// Parses a JSON integer token exactly; nullopt when it has a fraction/exponent or overflows.
std::optional<std::int64_t> parse_json_int64(std::string_view token) noexcept;
/// True when `token` matches the JSON number grammar exactly.
bool is_json_number(std::string_view token) noexcept;

// ---- the hot functions, inline so that the reader's loops inline them -----------------

namespace json_cursor_detail {
constexpr std::uint64_t ones = 0x0101010101010101ULL;
constexpr std::uint64_t highs = 0x8080808080808080ULL;
// The high bit of each byte of `w` that is '"', '\\' or below 0x20 (the ones a string body
// stops at), with false positives only above the lowest such byte: exact for the first.
inline std::uint64_t string_stops(std::uint64_t w) noexcept {
  const std::uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  return (((q - ones) & ~q) | ((b - ones) & ~b) | (w - ones * 0x20)) & ~w & highs;
}
}  // namespace json_cursor_detail

inline json_type json_cursor::next_type(std::string_view context) {
  switch (peek()) {
    case '{': return json_type::object;
    case '[': return json_type::array;
    case '"': return json_type::string;
    case 't':
    case 'f': return json_type::boolean;
    case 'n': return json_type::null;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return json_type::number;
    default: fail_in(m_pos, "expected a JSON value", context);
  }
}

inline void json_cursor::expect(char c, std::string_view what) {
  if (peek() != c || m_pos >= m_text.size()) fail(m_pos, std::string("expected ") + std::string(what));
  ++m_pos;
}

inline void json_cursor::begin_object(std::string_view context) {
  if (peek() != '{') fail_in(m_pos, "expected '{'", context);
  ++m_pos;
}

inline bool json_cursor::next_member(std::string_view& key, std::string& scratch, bool& first) {
  const char c = peek();
  if (c == '}' && m_pos < m_text.size()) {
    ++m_pos;
    return false;
  }
  if (!first) {
    if (c != ',') fail(m_pos, "expected ',' or '}' after an object member");
    ++m_pos;
    if (peek() != '"') fail(m_pos, "expected a member name string after ','");
  } else if (c != '"') {
    fail(m_pos, "expected a member name string or '}'");
  }
  first = false;
  key = read_string(scratch, "");
  expect(':', "':' after a member name");
  return true;
}

inline void json_cursor::begin_array(std::string_view context) {
  if (peek() != '[') fail_in(m_pos, "expected '['", context);
  ++m_pos;
}

inline bool json_cursor::next_element(bool& first) {
  const char c = peek();
  if (c == ']' && m_pos < m_text.size()) {
    ++m_pos;
    return false;
  }
  if (!first) {
    if (c != ',') fail(m_pos, "expected ',' or ']' after an array element");
    ++m_pos;
  }
  first = false;
  return true;
}

inline std::string_view json_cursor::read_string(std::string& scratch, std::string_view context) {
  if (peek() != '"') fail_in(m_pos, "expected a string", context);
  const char* const p = m_text.data();
  const std::size_t n = m_text.size();
  const std::size_t begin = m_pos + 1;
  std::size_t i = begin;
  // Fast path: no escapes; 8 bytes at a time while 8 are left.
  for (;;) {
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, sizeof w);
      const std::uint64_t stops = json_cursor_detail::string_stops(w);
      if (stops == 0) {
        i += 8;
        continue;
      }
      i += static_cast<std::size_t>(__builtin_ctzll(stops)) / 8;
    } else {
      while (i < n && p[i] != '"' && p[i] != '\\' && static_cast<unsigned char>(p[i]) >= 0x20) ++i;
    }
    break;
  }
  if (i < n && p[i] == '"') {
    m_pos = i + 1;
    return std::string_view(p + begin, i - begin);
  }
  m_pos = i;
  return read_string_slow(scratch, begin);
}

inline std::string_view json_cursor::read_number(std::string_view context) {
  skip_ws();
  const char* const p = m_text.data();
  const std::size_t n = m_text.size();
  const std::size_t begin = m_pos;
  std::size_t i = begin;
  auto digit = [&] { return i < n && p[i] >= '0' && p[i] <= '9'; };
  auto fail_at = [&](std::string_view expected) {
    m_pos = i;
    fail(i, expected);
  };
  if (i < n && p[i] == '-') ++i;
  if (!digit()) {
    m_pos = i;
    fail_in(i, "expected a number", context);
  }
  if (p[i] == '0') {
    ++i;
  } else {
    while (digit()) ++i;
  }
  if (i < n && p[i] == '.') {
    ++i;
    if (!digit()) fail_at("expected a digit after '.'");
    while (digit()) ++i;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    ++i;
    if (i < n && (p[i] == '+' || p[i] == '-')) ++i;
    if (!digit()) fail_at("expected a digit in the exponent");
    while (digit()) ++i;
  }
  m_pos = i;
  return std::string_view(p + begin, i - begin);
}

inline std::optional<std::int64_t> parse_json_int64(std::string_view token) noexcept {
  if (token.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (token[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i >= token.size()) return std::nullopt;
  std::uint64_t v = 0;
  if (token.size() - i <= 18) {  // cannot overflow int64
    for (; i < token.size(); ++i) {
      const char c = token[i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  }
  for (; i < token.size(); ++i) {
    const char c = token[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  constexpr auto max_positive = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (v > max_positive + 1) return std::nullopt;
    return v == max_positive + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
  }
  if (v > max_positive) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

}  // namespace tb::profiler::detail
