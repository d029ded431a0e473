// The results as JSON (schema "triton-bench/results", docs/results-schema.md): what
// --json writes, what the json reporter prints, and how a recording is read back.
#pragma once

#include "results.hpp"

#include <nlohmann/json.hpp>

namespace tb::bench {

nlohmann::json summary_to_json(const tb::profiler::summary& s);
nlohmann::json to_json(const results& r);
// Reads what to_json wrote (versions 1 to 3). Validates first (results_validate.hpp) and
// throws std::runtime_error naming the first bad item.
results results_from_json(const nlohmann::json& j);

}  // namespace tb::bench
