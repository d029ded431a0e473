// What --list shows: the scenarios of a folder (each a subfolder with scenario.toml) and
// the modes, as today's text or as JSON for scripts (--list --format json: schema
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
  std::string name;  // the scenario's, or the folder's when it does not load
  std::filesystem::path dir;
  std::size_t kernels = 0, launches_per_iteration = 0;
  std::string target, description;
  std::string error;  // why it does not load; empty when it does
};

// The subfolders of `folder` holding a scenario.toml, sorted, each loaded.
std::vector<listed_scenario> list_scenario_folder(const std::filesystem::path& folder);

void print_scenario_list(std::ostream& out, const std::filesystem::path& folder,
                         const std::vector<listed_scenario>& scenarios);
nlohmann::json scenario_list_json(const std::filesystem::path& folder, const std::vector<listed_scenario>& scenarios);

}  // namespace tb::bench
