// One located, one-line error, LLVM style: `file:line:col: error: message`.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace tb::scenario {

struct source_location {
  std::filesystem::path file;
  int line = 0;    // 1-based; 0 = the whole file
  int column = 0;  // 1-based; 0 = the whole line
};

std::string format_location(const source_location& where);  // "a.toml:3:5" / "a.toml:3" / "a.toml"

class diagnostic_error : public std::runtime_error {
 public:
  diagnostic_error(source_location where, const std::string& message);
  const source_location& where() const noexcept { return m_where; }
  const std::string& message() const noexcept { return m_message; }

 private:
  source_location m_where;
  std::string m_message;
};

}  // namespace tb::scenario
