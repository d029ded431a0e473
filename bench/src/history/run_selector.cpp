#include "run_selector.hpp"

#include <tb/profiler/statistics.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace tb::bench {

namespace {

std::int64_t positive(std::string_view spec, std::string_view key, std::string_view value) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < 1)
    throw std::invalid_argument(fmt::format("{}: {}={}: expected a whole number >= 1", spec, key, value));
  return v;
}

void set_key(run_selector& s, std::string_view spec, std::string_view key, std::string_view value) {
  if (value.empty()) throw std::invalid_argument(fmt::format("{}: {}= has no value", spec, key));
  if (key == "run") s.run = positive(spec, key, value);
  else if (key == "last") s.last = static_cast<std::size_t>(positive(spec, key, value));
  else if (key == "branch") s.filter.branch = value;
  else if (key == "scenario") s.filter.scenario = value;
  else if (key == "gpu") s.filter.gpu = value;
  else if (key == "host") s.filter.hostname = value;
  else if (key == "commit") {
    const bool hex = std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
    if (!hex || value.size() < 4 || value.size() > 40)
      throw std::invalid_argument(fmt::format("{}: commit={}: expected 4 to 40 hex digits", spec, value));
    s.filter.commit = value;
  } else
    throw std::invalid_argument(
        fmt::format("{}: unknown key '{}' (expected run, branch, commit, scenario, gpu, host or last)", spec, key));
}

}  // namespace

bool is_db_spec(std::string_view spec) noexcept { return spec.substr(0, 3) == "db:"; }

run_selector parse_run_selector(std::string_view spec) {
  if (!is_db_spec(spec)) throw std::invalid_argument(fmt::format("{}: expected db:KEY=VALUE,...", spec));
  std::string_view rest = spec.substr(3);
  if (rest.empty()) throw std::invalid_argument(fmt::format("{}: expected db:KEY=VALUE,... (e.g. db:branch=main)", spec));
  run_selector s;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item == "latest") continue;  // what a selector means anyway: db:latest is the newest run
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      throw std::invalid_argument(fmt::format("{}: '{}': expected KEY=VALUE", spec, item));
    set_key(s, spec, item.substr(0, eq), item.substr(eq + 1));
  }
  if (s.run > 0 && s.last > 1) throw std::invalid_argument(fmt::format("{}: run= names one run; last= cannot pool it", spec));
  return s;
}

run_summary pool_runs(const std::vector<run_summary>& runs) {
  run_summary out = runs.at(0);
  std::vector<std::string> ids;
  for (const auto& r : runs) ids.push_back(r.source.substr(r.source.rfind('#') + 1));
  out.source = runs[0].source.substr(0, runs[0].source.rfind('#') + 1) + fmt::format("{}", fmt::join(ids, ","));
  for (auto& mode : out.modes)
    for (auto& metric : mode.metrics) {
      std::vector<double> medians, pooled;
      for (auto r = runs.rbegin(); r != runs.rend(); ++r) {  // oldest first
        const auto* m = r->find(mode.label);
        const auto* x = m ? m->find(metric.id) : nullptr;
        if (x == nullptr || x->stats.n == 0) continue;
        medians.push_back(x->stats.median);
        pooled.insert(pooled.end(), x->round_medians.begin(), x->round_medians.end());
      }
      metric.stats = tb::profiler::summarize(medians);
      metric.round_medians = std::move(pooled);
    }
  return out;
}

run_summary select_run(results_store& store, const run_selector& selector, std::string_view scenario) {
  run_query q;
  q.filter = selector.filter;
  if (q.filter.scenario.empty() && selector.run == 0) q.filter.scenario = scenario;  // run= names it exactly
  q.run = selector.run;
  q.last = 1;
  const auto newest = store.find(q);
  if (newest.empty()) {
    std::string shown = "db:";
    if (selector.run > 0) shown += fmt::format("run={},", selector.run);
    for (const auto& [key, value] : {std::pair{"branch", q.filter.branch}, {"commit", q.filter.commit},
                                     {"scenario", q.filter.scenario}, {"gpu", q.filter.gpu}, {"host", q.filter.hostname}})
      if (!value.empty()) shown += fmt::format("{}={},", key, value);
    if (shown.back() == ',') shown.pop_back();
    else shown += "(any run)";
    throw std::runtime_error(fmt::format("{}: no run matches {}", store.name(), shown));
  }
  if (selector.last <= 1) return store.load(newest[0].id);
  q.filter.scenario = newest[0].scenario;
  q.filter.gpu = newest[0].gpu_name;
  q.last = selector.last;
  std::vector<run_summary> runs;
  for (const auto& row : store.find(q)) runs.push_back(store.load(row.id));
  return pool_runs(runs);
}

run_summary load_db_run(std::string_view spec, std::string_view db_option, std::string_view scenario) {
  const auto selector = parse_run_selector(spec);
  const auto store = open_store(parse_db_spec(db_option), store_access::existing);
  return select_run(*store, selector, scenario);
}

}  // namespace tb::bench
