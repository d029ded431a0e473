#include "scenario_search.hpp"

#include <tb/support/install_layout.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <system_error>

namespace tb::bench {

namespace fs = std::filesystem;

std::vector<fs::path> scenario_search_path() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("TRITON_BENCH_SCENARIOS"); env && *env) {
    const std::string text = env;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find(':', start), text.size());
      if (end > start) dirs.emplace_back(text.substr(start, end - start));
      start = end + 1;
    }
  }
  dirs.push_back(support::data_dir() / "scenarios");
  return dirs;
}

std::vector<fs::path> available_scenarios() {
  std::map<std::string, fs::path> by_name;
  for (const fs::path& dir : scenario_search_path()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (fs::is_regular_file(entry.path() / "scenario.toml", ec))
        by_name.try_emplace(entry.path().filename().string(), entry.path());
  }
  std::vector<fs::path> out;
  for (auto& [name, dir] : by_name) out.push_back(std::move(dir));
  return out;
}

namespace {

bool looks_like_path(const std::string& text) { return text.find('/') != std::string::npos || text.ends_with(".toml"); }

}  // namespace

fs::path find_scenario(const std::string& name_or_path) {
  std::error_code ec;
  if (looks_like_path(name_or_path)) {
    if (fs::exists(name_or_path, ec)) return name_or_path;
    throw std::runtime_error(fmt::format("--scenario {}: no such file or folder", name_or_path));
  }
  // A bare name is a name: the search path decides, whatever the current folder holds.
  const auto dirs = scenario_search_path();
  for (const fs::path& dir : dirs)
    if (fs::is_regular_file(dir / name_or_path / "scenario.toml", ec)) return dir / name_or_path;
  // Last, a scenario folder of that name here (./NAME says so without the search).
  if (fs::is_regular_file(fs::path(name_or_path) / "scenario.toml", ec)) return name_or_path;
  std::vector<std::string> searched;
  for (const auto& d : dirs) searched.push_back(d.string());
  throw std::runtime_error(fmt::format("--scenario {}: no folder {}/scenario.toml in {} or here (give a path, or add "
                                       "its parent folder to TRITON_BENCH_SCENARIOS; --list shows what there is)",
                                       name_or_path, name_or_path, fmt::join(searched, ", ")));
}

}  // namespace tb::bench
