#include <tb/scenario/diagnostic.hpp>

#include <fmt/format.h>

namespace tb::scenario {

std::string format_location(const source_location& where) {
  std::string out = where.file.string();
  if (where.line > 0) out += fmt::format(":{}", where.line);
  if (where.line > 0 && where.column > 0) out += fmt::format(":{}", where.column);
  return out;
}

diagnostic_error::diagnostic_error(source_location where, const std::string& message)
    : std::runtime_error(fmt::format("{}: error: {}", format_location(where), message)),
      m_where(std::move(where)),
      m_message(message) {}

}  // namespace tb::scenario
