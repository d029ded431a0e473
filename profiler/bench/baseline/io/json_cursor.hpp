// A small pull parser over JSON text held in memory. It knows the byte offset of every
// token, hands out number tokens as their exact text (no trip through double) and
// strings without copies when they hold no escapes. Errors throw trace_error with the
// offset and what was expected there.
#pragma once

#include <tb/profiler/trace_error.hpp>

#include <cstddef>
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
  void skip_ws() noexcept {
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      ++m_pos;
    }
  }
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

}  // namespace tb::profiler::detail
