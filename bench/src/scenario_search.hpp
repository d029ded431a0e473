// Where `--scenario NAME` is looked for: the folders of $TRITON_BENCH_SCENARIOS
// (':'-separated, in order), then the example scenarios installed with triton-bench
// (share/triton-bench/scenarios beside the executable), then the current folder. A
// name is the scenario's folder name, as --list shows it. Anything with a '/' or
// ending in .toml is a path (a folder with scenario.toml, or the file) and is taken as
// it is: ./NAME for a folder here that the search path would shadow.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tb::bench {

std::vector<std::filesystem::path> scenario_search_path();

// The scenario folders on the search path, sorted by name; a name found twice is
// the first folder's (an earlier folder shadows the examples).
std::vector<std::filesystem::path> available_scenarios();

// NAME or a path -> the scenario's folder or file. Throws std::runtime_error naming
// the folders searched when there is no such scenario.
std::filesystem::path find_scenario(const std::string& name_or_path);

}  // namespace tb::bench
