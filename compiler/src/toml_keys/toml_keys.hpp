// What the TOML readers (scenario files, gate files) share: where a node is, and the
// refusal of keys a table does not know (a typo is an error, not an ignored setting).
// Internal: linked by tb_scenario and the harness, not installed (it needs toml++).
#pragma once

#include <tb/scenario/diagnostic.hpp>

#include <toml++/toml.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tb::scenario {

// file:line:column of `node` (line 0 when toml++ has no position for it).
source_location located(const std::filesystem::path& file, const toml::node& node);

// Throws diagnostic_error at the first key of `table` not in `allowed`:
// "unknown key 'k' in WHAT (expected one of 'a', 'b')".
void reject_unknown_keys(const std::filesystem::path& file, const toml::table& table, std::string_view what,
                         std::initializer_list<std::string_view> allowed);

}  // namespace tb::scenario
