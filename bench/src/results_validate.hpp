// The validator of the results JSON: every rule of docs/results-schema.md, so a file
// from another commit or machine is refused with the item that is wrong.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tb::bench {

// Every way `j` departs from the schema, each "path: problem"; empty when valid.
std::vector<std::string> validate_results_json(const nlohmann::json& j);

}  // namespace tb::bench
