#include "results_by_device.hpp"

#include "results_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace tb::bench {

nlohmann::json by_device_to_json(std::span<const results> runs) {
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& r : runs) devices.push_back(to_json(r));
  return {{"schema", results_by_device_schema}, {"version", results_by_device_version}, {"devices", devices}};
}

bool is_by_device_json(const nlohmann::json& j) noexcept {
  return j.is_object() && j.contains("schema") && j["schema"] == results_by_device_schema;
}

std::vector<results> by_device_from_json(const nlohmann::json& j) {
  if (!is_by_device_json(j))
    throw std::runtime_error(fmt::format("schema: expected \"{}\"", results_by_device_schema));
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != results_by_device_version)
    throw std::runtime_error(fmt::format("version: expected {}", results_by_device_version));
  if (!j.contains("devices") || !j["devices"].is_array() || j["devices"].empty())
    throw std::runtime_error("devices: expected a non-empty array of results objects");
  std::vector<results> runs;
  std::set<int> seen;
  for (std::size_t i = 0; i < j["devices"].size(); ++i) {
    try {
      runs.push_back(results_from_json(j["devices"][i]));
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("devices[{}]: {}", i, e.what()));
    }
    if (!seen.insert(runs.back().gpu_ordinal).second)
      throw std::runtime_error(fmt::format("devices[{}]: GPU {} again (each device once)", i, runs.back().gpu_ordinal));
  }
  return runs;
}

std::string device_label(std::string_view mode_label, int ordinal) { return fmt::format("{}@gpu{}", mode_label, ordinal); }

run_summary summarize_by_device(std::span<const results> runs, std::string source) {
  if (runs.empty()) throw std::invalid_argument("summarize_by_device: no devices");
  run_summary all = summarize_run(runs.front(), source);
  all.modes.clear();
  std::vector<std::string> names;
  for (const auto& r : runs) {
    if (std::find(names.begin(), names.end(), r.gpu_name) == names.end()) names.push_back(r.gpu_name);
    run_summary one = summarize_run(r, source);
    for (auto& m : one.modes) {
      m.label = device_label(m.label, r.gpu_ordinal);
      all.modes.push_back(std::move(m));
    }
  }
  all.env.gpu_name = fmt::format("{}", fmt::join(names, " + "));
  return all;
}

}  // namespace tb::bench
