#include "toml_keys.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tb::scenario {

source_location located(const std::filesystem::path& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  return {file, static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

void reject_unknown_keys(const std::filesystem::path& file, const toml::table& table, std::string_view what,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, node] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
    std::string expected;
    for (const auto a : allowed) expected += fmt::format("{}'{}'", expected.empty() ? "" : ", ", a);
    const auto& begin = key.source().begin;
    const source_location at =
        begin.line ? source_location{file, static_cast<int>(begin.line), static_cast<int>(begin.column)}
                   : located(file, node);
    throw diagnostic_error(at, fmt::format("unknown key '{}' in {} (expected one of {})", key.str(), what, expected));
  }
}

}  // namespace tb::scenario
