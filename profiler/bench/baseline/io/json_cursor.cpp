#include "io/json_cursor.hpp"

#include <limits>

namespace tb::profiler {

namespace {
std::string format_error(const std::string& file, std::optional<std::size_t> offset, const std::string& message) {
  std::string s = file;
  s += ": ";
  if (offset) {
    s += "byte ";
    s += std::to_string(*offset);
    s += ": ";
  }
  s += message;
  return s;
}
}  // namespace

trace_error::trace_error(std::string file, std::optional<std::size_t> offset, std::string message)
    : std::runtime_error(format_error(file, offset, message)),
      m_file(std::move(file)),
      m_offset(offset),
      m_message(std::move(message)) {}

}  // namespace tb::profiler

namespace tb::profiler::detail {

namespace {
constexpr int max_depth = 512;

std::string describe(std::string_view expected, std::string_view context) {
  std::string s(expected);
  if (!context.empty()) {
    s += " in ";
    s += context;
  }
  return s;
}
}  // namespace

void json_cursor::fail(std::size_t offset, std::string_view expected) const {
  std::string message(expected);
  if (offset >= m_text.size()) {
    message = "unexpected end of file, " + message;
  }
  throw trace_error(std::string(m_source), offset, std::move(message));
}

json_type json_cursor::next_type(std::string_view context) {
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
    default: fail(m_pos, describe("expected a JSON value", context));
  }
}

void json_cursor::expect(char c, std::string_view what) {
  if (peek() != c || m_pos >= m_text.size()) fail(m_pos, std::string("expected ") + std::string(what));
  ++m_pos;
}

void json_cursor::begin_object(std::string_view context) {
  if (peek() != '{') fail(m_pos, describe("expected '{'", context));
  ++m_pos;
}

bool json_cursor::next_member(std::string_view& key, std::string& scratch, bool& first) {
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

void json_cursor::begin_array(std::string_view context) {
  if (peek() != '[') fail(m_pos, describe("expected '['", context));
  ++m_pos;
}

bool json_cursor::next_element(bool& first) {
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

unsigned json_cursor::read_hex4() {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    if (m_pos >= m_text.size()) fail(m_pos, "expected 4 hex digits after \\u");
    const char c = m_text[m_pos];
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else fail(m_pos, "expected 4 hex digits after \\u");
    v = v * 16 + d;
    ++m_pos;
  }
  return v;
}

namespace {
void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}
}  // namespace

// Scans a string body after the opening quote up to and including the closing quote.
// When `out` is non-null the decoded content is appended to it.
void json_cursor::scan_string_body(std::string* out) {
  for (;;) {
    const std::size_t run_start = m_pos;
    while (m_pos < m_text.size()) {
      const auto c = static_cast<unsigned char>(m_text[m_pos]);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ++m_pos;
    }
    if (out) out->append(m_text.substr(run_start, m_pos - run_start));
    if (m_pos >= m_text.size()) fail(m_pos, "expected '\"' to close the string");
    const char c = m_text[m_pos];
    if (c == '"') {
      ++m_pos;
      return;
    }
    if (c != '\\') fail(m_pos, "expected an escaped control character (raw byte below 0x20 in a string)");
    ++m_pos;
    if (m_pos >= m_text.size()) fail(m_pos, "expected an escape character after '\\'");
    const char e = m_text[m_pos++];
    char decoded = 0;
    switch (e) {
      case '"': decoded = '"'; break;
      case '\\': decoded = '\\'; break;
      case '/': decoded = '/'; break;
      case 'b': decoded = '\b'; break;
      case 'f': decoded = '\f'; break;
      case 'n': decoded = '\n'; break;
      case 'r': decoded = '\r'; break;
      case 't': decoded = '\t'; break;
      case 'u': {
        unsigned cp = read_hex4();
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (m_pos + 1 < m_text.size() && m_text[m_pos] == '\\' && m_text[m_pos + 1] == 'u') {
            const std::size_t low_at = m_pos;
            m_pos += 2;
            const unsigned low = read_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail(low_at, "expected a low surrogate \\uDC00-\\uDFFF");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            fail(m_pos, "expected a low surrogate after a high surrogate");
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          fail(m_pos - 6, "expected a high surrogate before a low surrogate");
        }
        if (out) append_utf8(*out, cp);
        continue;
      }
      default: fail(m_pos - 1, "expected one of \" \\ / b f n r t u after '\\'");
    }
    if (out) *out += decoded;
  }
}

std::string_view json_cursor::read_string(std::string& scratch, std::string_view context) {
  if (peek() != '"') fail(m_pos, describe("expected a string", context));
  ++m_pos;
  const std::size_t begin = m_pos;
  // Fast path: no escapes.
  while (m_pos < m_text.size()) {
    const auto c = static_cast<unsigned char>(m_text[m_pos]);
    if (c == '"') {
      ++m_pos;
      return m_text.substr(begin, m_pos - 1 - begin);
    }
    if (c == '\\' || c < 0x20) break;
    ++m_pos;
  }
  scratch.assign(m_text.substr(begin, m_pos - begin));
  scan_string_body(&scratch);
  return scratch;
}

std::string_view json_cursor::read_number(std::string_view context) {
  skip_ws();
  const std::size_t begin = m_pos;
  auto digit = [&] { return m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9'; };
  if (m_pos < m_text.size() && m_text[m_pos] == '-') ++m_pos;
  if (!digit()) fail(m_pos, describe("expected a number", context));
  if (m_text[m_pos] == '0') {
    ++m_pos;
  } else {
    while (digit()) ++m_pos;
  }
  if (m_pos < m_text.size() && m_text[m_pos] == '.') {
    ++m_pos;
    if (!digit()) fail(m_pos, "expected a digit after '.'");
    while (digit()) ++m_pos;
  }
  if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
    ++m_pos;
    if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
    if (!digit()) fail(m_pos, "expected a digit in the exponent");
    while (digit()) ++m_pos;
  }
  return m_text.substr(begin, m_pos - begin);
}

std::int64_t json_cursor::read_int64(std::string_view context) {
  skip_ws();
  const std::size_t at = m_pos;
  if (next_type(context) != json_type::number) fail(at, describe("expected an integer", context));
  const auto token = read_number(context);
  const auto v = parse_json_int64(token);
  if (!v) fail(at, describe("expected an integer that fits in 64 bits", context));
  return *v;
}

bool json_cursor::read_bool(std::string_view context) {
  const char c = peek();
  if (c == 't' && m_text.substr(m_pos, 4) == "true") {
    m_pos += 4;
    return true;
  }
  if (c == 'f' && m_text.substr(m_pos, 5) == "false") {
    m_pos += 5;
    return false;
  }
  fail(m_pos, describe("expected true or false", context));
}

void json_cursor::read_null(std::string_view context) {
  if (peek() == 'n' && m_text.substr(m_pos, 4) == "null") {
    m_pos += 4;
    return;
  }
  fail(m_pos, describe("expected null", context));
}

std::string_view json_cursor::skip_value(std::string_view context) {
  skip_ws();
  const std::size_t begin = m_pos;
  skip_value_at_depth(context, 0);
  return m_text.substr(begin, m_pos - begin);
}

void json_cursor::skip_value_at_depth(std::string_view context, int depth) {
  if (depth > max_depth) fail(m_pos, "expected at most 512 levels of nesting");
  switch (next_type(context)) {
    case json_type::null: read_null(context); return;
    case json_type::boolean: read_bool(context); return;
    case json_type::number: read_number(context); return;
    case json_type::string:
      ++m_pos;
      scan_string_body(nullptr);
      return;
    case json_type::array: {
      begin_array(context);
      bool first = true;
      while (next_element(first)) skip_value_at_depth(context, depth + 1);
      return;
    }
    case json_type::object: {
      begin_object(context);
      bool first = true;
      std::string_view key;
      std::string scratch;
      while (next_member(key, scratch, first)) skip_value_at_depth(context, depth + 1);
      return;
    }
  }
}

bool is_json_number(std::string_view t) noexcept {
  std::size_t i = 0;
  auto digit = [&] { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  if (i < t.size() && t[i] == '-') ++i;
  if (!digit()) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (digit()) ++i;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digit()) return false;
    while (digit()) ++i;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digit()) return false;
    while (digit()) ++i;
  }
  return i == t.size();
}

std::optional<std::int64_t> parse_json_int64(std::string_view token) noexcept {
  if (token.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (token[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i >= token.size()) return std::nullopt;
  std::uint64_t v = 0;
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
