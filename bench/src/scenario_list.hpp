// What --list shows: the scenarios on the search path (scenario_search.hpp) and the
// modes, as text or as JSON for scripts (--list --format json: schema
// "triton-bench/list", version 1).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace tb::bench {

struct listed_scenario {
  std::string name;           // the folder's: what --scenario NAME takes
  std::string scenario_name;  // the name inside scenario.toml; empty when it does not load
  std::filesystem::path dir;
  std::size_t kernels = 0, launches_per_iteration = 0;
  std::string target, description;
  std::string error;  // why it does not load; empty when it does
};

// Each scenario folder loaded (a folder holding scenario.toml), in the order given.
std::vector<listed_scenario> load_listed(const std::vector<std::filesystem::path>& dirs);

void print_scenario_list(std::ostream& out, const std::vector<std::filesystem::path>& search_path,
                         const std::vector<listed_scenario>& scenarios);
nlohmann::json scenario_list_json(const std::vector<std::filesystem::path>& search_path,
                                  const std::vector<listed_scenario>& scenarios);

}  // namespace tb::bench
