// --format json of compare and gate: one object (schema "triton-bench/comparison",
// docs/compare.md "JSON"), for scripts.
#pragma once

#include "compare/comparison.hpp"
#include "compare/gate.hpp"

#include <nlohmann/json.hpp>

namespace tb::bench::compare {

inline constexpr std::string_view comparison_schema = "triton-bench/comparison";
inline constexpr int comparison_version = 2;  // 2: machine, relative_to, raw_change_percent

nlohmann::json comparison_json(const comparison* cmp, const gate_result* gate);

}  // namespace tb::bench::compare
