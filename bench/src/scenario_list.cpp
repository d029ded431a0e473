#include "scenario_list.hpp"

#include <tb/bench/mode.hpp>
#include <tb/scenario/scenario.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ostream>

namespace tb::bench {

namespace fs = std::filesystem;

std::vector<listed_scenario> load_listed(const std::vector<fs::path>& dirs) {
  std::vector<listed_scenario> out;
  for (const auto& dir : dirs) {
    listed_scenario l;
    l.dir = dir;
    l.name = dir.filename().string();
    try {
      const auto s = tb::scenario::load_scenario(dir);
      l.scenario_name = s.name;
      l.kernels = s.kernels.size();
      l.launches_per_iteration = s.launches.size();
      l.target = s.run.target;
      l.description = s.description;
    } catch (const tb::scenario::diagnostic_error& error) {
      l.error = error.what();
    }
    out.push_back(std::move(l));
  }
  return out;
}

void print_scenario_list(std::ostream& out, const std::vector<fs::path>& search_path,
                         const std::vector<listed_scenario>& scenarios) {
  std::vector<std::string> path;
  for (const auto& d : search_path) path.push_back(d.string());
  out << fmt::format("Scenarios (--scenario NAME; searched in {}):\n", fmt::join(path, ", "));
  for (const auto& s : scenarios) {
    if (!s.error.empty()) {
      out << fmt::format("  {:<16} (invalid: {})\n", s.name, s.error);
      continue;
    }
    const std::string also = s.scenario_name == s.name ? "" : fmt::format(" (scenario '{}')", s.scenario_name);
    out << fmt::format("  {:<16} {:>2} kernel{} {:>2} launch{}/iteration  target {:<18} {}{}\n", s.name, s.kernels,
                       s.kernels == 1 ? " " : "s", s.launches_per_iteration, s.launches_per_iteration == 1 ? " " : "es",
                       s.target.empty() ? "-" : s.target, s.description, also);
  }
  out << fmt::format("\nModes (--mode, repeatable; all = {}):\n", mode_names());
  for (const auto& m : mode_table) out << fmt::format("  {:<14} {}\n", m.name, m.help);
}

nlohmann::json scenario_list_json(const std::vector<fs::path>& search_path, const std::vector<listed_scenario>& scenarios) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : scenarios) {
    nlohmann::json j = {{"name", s.name}, {"dir", s.dir.string()}};
    if (!s.error.empty()) j["error"] = s.error;
    else
      j.update({{"scenario_name", s.scenario_name}, {"kernels", s.kernels}, {"launches_per_iteration", s.launches_per_iteration},
                {"target", s.target}, {"description", s.description}});
    list.push_back(std::move(j));
  }
  nlohmann::json modes = nlohmann::json::array();
  for (const auto& m : mode_table) modes.push_back({{"name", m.name}, {"help", m.help}});
  nlohmann::json path = nlohmann::json::array();
  for (const auto& d : search_path) path.push_back(d.string());
  return {{"schema", "triton-bench/list"}, {"version", 1}, {"search_path", path},
          {"scenarios", list}, {"modes", modes}};
}

}  // namespace tb::bench
