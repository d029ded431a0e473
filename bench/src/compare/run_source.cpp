#include "compare/run_source.hpp"

#include "results_by_device.hpp"
#include "results_json.hpp"

#include <tb/support/read_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace tb::bench::compare {

namespace {

namespace fs = std::filesystem;

run_summary load_results_file(const std::string& file) {
  if (!fs::exists(file)) throw std::runtime_error(fmt::format("{}: no such results file", file));
  if (!fs::is_regular_file(file))
    throw std::runtime_error(fmt::format("{}: not a results file (expected a file written by --json)", file));
  try {
    const auto j = nlohmann::json::parse(tb::support::read_file(file));
    if (is_by_device_json(j)) return summarize_by_device(by_device_from_json(j), file);  // --device all
    return summarize_run(results_from_json(j), file);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a readable results file: {}", file, e.what()));
  }
}

}  // namespace

bool is_database_spec(std::string_view spec) noexcept { return spec.starts_with(database_prefix); }

run_summary load_run(const std::string& spec, const run_sources& sources) {
  if (is_database_spec(spec)) {
    if (!sources.database)
      throw std::runtime_error(fmt::format("{}: the results database is not built in (give a results file written "
                                           "by --json)", spec));
    return sources.database(spec);
  }
  return load_results_file(spec);
}

}  // namespace tb::bench::compare
