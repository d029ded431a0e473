#include <tb/scenario/diagnostic.hpp>

#include <fmt/format.h>

namespace tb::scenario {

std::string format_location(const source_location& where) {
  std::string out = where.file.string();
  if (where.line > 0) out += fmt::format(":{}", where.line);
  if (where.line > 0 && where.column > 0) out += fmt::format(":{}", where.column);
  return out;
}

namespace {

// A diagnostic is one line: control characters a message quotes from the input (a
// parser's "saw '\n'") are written as escapes.
std::string one_line(const std::string& message) {
  std::string out;
  for (const char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

}  // namespace

diagnostic_error::diagnostic_error(source_location where, const std::string& message)
    : std::runtime_error(fmt::format("{}: error: {}", format_location(where), one_line(message))),
      m_where(std::move(where)),
      m_message(one_line(message)) {}

}  // namespace tb::scenario
