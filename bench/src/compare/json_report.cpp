#include "compare/json_report.hpp"

#include "compare/machine_state.hpp"

#include <cmath>

namespace tb::bench::compare {

namespace {

using nlohmann::json;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json row_json(const comparison_row& r) {
  return {{"scenario", r.scenario},
          {"mode", r.mode},
          {"metric", r.metric},
          {"unit", r.unit},
          {"base_units", r.base_units},
          {"new_units", r.new_units},
          {"base_median", number(r.base_median)},
          {"new_median", number(r.new_median)},
          {"change_percent", number(r.change_percent)},
          {"ci95_low_percent", number(r.low_percent)},
          {"ci95_high_percent", number(r.high_percent)},
          {"p_value", number(r.p_value)},
          {"band_percent", number(r.band_percent)},
          {"higher_is_better", higher_is_better(r.metric)},
          {"verdict", to_string(r.result)},
          {"reason", r.reason},
          {"relative_to", r.relative_to.empty() ? json(nullptr) : json(r.relative_to)},
          {"raw_change_percent", number(r.raw_change_percent)}};
}

json machine_json(const machine_state& m) {
  if (m.control.empty() || !m.row) return {{"control", nullptr}, {"moved", false}, {"summary", m.summary()}};
  return {{"control", m.control}, {"metric", control_metric}, {"change_percent", number(m.row->change_percent)},
          {"ci95_low_percent", number(m.row->low_percent)}, {"ci95_high_percent", number(m.row->high_percent)},
          {"verdict", to_string(m.row->result)}, {"moved", m.moved}, {"summary", m.summary()}};
}

json env_json(const run_environment& e) {
  return {{"gpu", e.gpu_name}, {"driver_version", e.driver_version}, {"cuda_version", e.cuda_version},
          {"triton_version", e.triton_version}};
}

}  // namespace

json comparison_json(const comparison* cmp, const gate_result* gate) {
  json j = {{"schema", comparison_schema}, {"version", comparison_version}};
  if (cmp) {
    json rows = json::array();
    for (const auto& r : cmp->rows) rows.push_back(row_json(r));
    j["comparison"] = {{"base", cmp->base_source},        {"new", cmp->new_source},
                       {"scenario", cmp->scenario},       {"alpha", cmp->alpha},
                       {"base_env", env_json(cmp->base_env)}, {"new_env", env_json(cmp->new_env)},
                       {"env_differences", cmp->env_differences}, {"machine", machine_json(cmp->machine)},
                       {"rows", rows},
                       {"notes", cmp->notes}};
  }
  if (gate) {
    json cases = json::array();
    for (const auto& c : gate->cases)
      cases.push_back({{"group", c.group}, {"name", c.name}, {"outcome", to_string(c.outcome)}, {"message", c.message}});
    j["gate"] = {{"new", gate->new_source}, {"base", gate->base_source.empty() ? json(nullptr) : json(gate->base_source)},
                 {"strict", gate->strict}, {"passed", gate->passed()}, {"cases", cases}};
  }
  return j;
}

}  // namespace tb::bench::compare
