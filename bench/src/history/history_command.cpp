#include "history/history_command.hpp"

#include <tb/bench/exit_code.hpp>
#include <tb/bench/mode.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <cmath>
#include <ostream>
#include <set>
#include <stdexcept>

namespace tb::bench {

namespace {

std::string listed(const std::vector<std::string>& names) {
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

// Why the series is empty: the first of scenario, mode, metric that has no runs, and
// what there is instead; else the filters.
[[noreturn]] void explain_empty(results_store& store, const series_query& q) {
  const auto scenarios = store.scenarios();
  if (std::find(scenarios.begin(), scenarios.end(), q.filter.scenario) == scenarios.end())
    throw std::runtime_error(fmt::format("{}: no runs of scenario '{}' (recorded: {})", store.name(), q.filter.scenario,
                                         listed(scenarios)));
  const auto modes = store.mode_labels(q.filter.scenario);
  if (std::find(modes.begin(), modes.end(), q.mode) == modes.end())
    throw std::runtime_error(fmt::format("{}: no runs of scenario '{}' in mode '{}' (recorded: {})", store.name(),
                                         q.filter.scenario, q.mode, listed(modes)));
  const auto metrics = store.metric_ids(q.filter.scenario, q.mode);
  if (std::find(metrics.begin(), metrics.end(), q.metric) == metrics.end())
    throw std::runtime_error(fmt::format("{}: no metric '{}' in scenario '{}', mode '{}' (recorded: {})", store.name(),
                                         q.metric, q.filter.scenario, q.mode, listed(metrics)));
  throw std::runtime_error(fmt::format("{}: no runs of scenario '{}' match --branch/--gpu/--host", store.name(),
                                       q.filter.scenario));
}

std::string short_commit(const std::string& commit) { return commit.empty() ? "-" : commit.substr(0, 7); }

std::string number(double v) {
  if (std::isnan(v)) return "-";
  return std::abs(v) >= 100 ? fmt::format("{:.1f}", v) : fmt::format("{:.4g}", v);
}

std::string step_text(const change_point& s, const series_point& first) {
  return fmt::format("<- step {:+.1f} % (first commit after the step: {})", s.relative * 100,
                     short_commit(first.git_commit));
}


// Each point divided by `control`'s median of the same run; points without one dropped.
std::vector<series_point> divided_by(results_store& store, const series_query& q, std::vector<series_point> points,
                                     const std::string& control) {
  series_query cq = q;
  cq.mode = control;
  std::map<std::int64_t, double> by_run;
  for (const auto& c : store.series(cq))
    if (c.n > 0 && c.median > 0) by_run[c.run_id] = c.median;
  if (by_run.empty()) explain_empty(store, cq);
  std::vector<series_point> out;
  for (auto& p : points) {
    const auto it = by_run.find(p.run_id);
    if (it == by_run.end()) continue;
    p.median /= it->second, p.ci_low /= it->second, p.ci_high /= it->second;
    p.unit = "x " + control;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

history read_history(results_store& store, const series_query& q, const change_point_options& options,
                     const std::string& relative_to) {
  if (q.filter.scenario.empty())
    throw std::runtime_error(
        fmt::format("--scenario: which scenario? (recorded in {}: {})", store.name(), listed(store.scenarios())));
  auto points = store.series(q);
  if (points.empty()) explain_empty(store, q);
  if (!relative_to.empty()) points = divided_by(store, q, std::move(points), relative_to);
  if (points.empty())
    throw std::runtime_error(fmt::format("{}: no run of scenario '{}' has both '{}' and '{}' for {}", store.name(),
                                         q.filter.scenario, q.mode, relative_to, q.metric));
  history h{store.name(), q.filter.scenario, q.mode, q.metric, points.back().unit, {}, {}};
  std::vector<double> values;
  for (auto& p : points)
    if (p.n > 0 && std::isfinite(p.median)) values.push_back(p.median), h.runs.push_back(std::move(p));
  h.steps = find_change_points(values, options);
  return h;
}

void print_history_table(std::ostream& out, const history& h) {
  std::size_t branch_width = 6, created_width = 4;
  for (const auto& p : h.runs)
    branch_width = std::max(branch_width, p.branch.size()), created_width = std::max(created_width, p.created.size());
  out << fmt::format("{}, {}, {} ({}): {} run{} in {}\n", h.scenario, h.mode, h.metric, h.unit, h.runs.size(),
                     h.runs.size() == 1 ? "" : "s", h.db);
  out << fmt::format("{:>6}  {:<{}}  {:<7}  {:<{}}  {:>12}  {}\n", "run", "date", created_width, "commit", "branch",
                     branch_width, "median", "95% interval");
  auto step = h.steps.begin();
  for (std::size_t i = 0; i < h.runs.size(); ++i) {
    const auto& p = h.runs[i];
    std::string line = fmt::format("{:>6}  {:<{}}  {:<7}  {:<{}}  {:>12}  [{}, {}]", p.run_id, p.created, created_width,
                                   short_commit(p.git_commit), p.branch.empty() ? "-" : p.branch, branch_width,
                                   number(p.median) + " " + p.unit, number(p.ci_low), number(p.ci_high));
    if (step != h.steps.end() && step->index == i) line += "  " + step_text(*step, p), ++step;
    out << line << "\n";
  }
  if (h.steps.empty()) out << "no steps\n";
  for (const auto& s : h.steps)
    out << fmt::format("step at run {} (commit {}): {} -> {} {} ({:+.1f} %)\n", h.runs[s.index].run_id,
                       short_commit(h.runs[s.index].git_commit), number(s.before), number(s.after), h.unit,
                       s.relative * 100);
}

nlohmann::json history_json(const history& h) {
  const auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json runs = nlohmann::json::array(), steps = nlohmann::json::array();
  for (const auto& p : h.runs)
    runs.push_back({{"run", p.run_id}, {"created", p.created}, {"commit", p.git_commit}, {"branch", p.branch},
                    {"hostname", p.hostname}, {"gpu", p.gpu_name}, {"n", p.n}, {"median", num(p.median)},
                    {"ci95_low", num(p.ci_low)}, {"ci95_high", num(p.ci_high)}});
  for (const auto& s : h.steps)
    steps.push_back({{"index", s.index}, {"run", h.runs[s.index].run_id}, {"commit", h.runs[s.index].git_commit},
                     {"before", s.before}, {"after", s.after}, {"relative", s.relative}});
  return {{"schema", "triton-bench/history"}, {"version", 1}, {"db", h.db}, {"scenario", h.scenario},
          {"mode", h.mode}, {"metric", h.metric}, {"unit", h.unit}, {"runs", runs}, {"steps", steps}};
}

void add_history_command(CLI::App& app, history_command& state) {
  auto* c = app.add_subcommand("history", "one mode's metric over the recorded runs, per commit, with its steps "
                                          "marked (docs/results-db.md)");
  state.command = c;
  state.query.mode = std::string(to_string(reference_mode));
  state.query.metric = "host.time_per_launch";
  c->add_option("--db", state.db, "FILE, sqlite:FILE or postgresql://... (default $TRITON_BENCH_DB, else "
                                  "$XDG_DATA_HOME/triton-bench/results.db)");
  c->add_option("--scenario,-s", state.query.filter.scenario, "scenario name, as recorded");
  c->add_option("--mode,-m", state.query.mode, "mode label, as recorded (default cubin-cached)");
  c->add_option("--metric", state.query.metric, "metric id (default host.time_per_launch)");
  c->add_option("--branch", state.query.filter.branch, "only the runs of this branch");
  c->add_option("--gpu", state.query.filter.gpu, "only the runs on this GPU (its name, as recorded)");
  c->add_option("--host", state.query.filter.hostname, "only the runs of this host");
  c->add_option("--last", state.query.last, "the newest N runs only (default: all)")->check(CLI::PositiveNumber);
  c->add_option("--relative-to", state.relative_to,
                 "divide each run's value by this mode's in the same run (e.g. driver: the machine's speed cancels)");
  c->add_option("--min-step", state.min_step_percent, "smallest step marked, in percent (default 2)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--format", state.format, "table or json (default table)")->check(CLI::IsMember({"table", "json"}));
}

int run_history_command(const history_command& state, const report::console& c) {
  try {
    const auto store = open_store(parse_db_spec(state.db), store_access::existing);
    change_point_options options;
    options.min_relative_step = state.min_step_percent / 100;
    const auto h = read_history(*store, state.query, options, state.relative_to);
    std::set<std::string> gpus;
    for (const auto& p : h.runs) gpus.insert(p.gpu_name);
    if (gpus.size() > 1)
      c.note(fmt::format("triton-bench history: these runs are of {} GPUs ({}): --gpu shows one", gpus.size(),
                         fmt::join(gpus, ", ")));
    if (state.format == "json") c.out << history_json(h).dump(1) << "\n";
    else print_history_table(c.out, h);
    return 0;
  } catch (const std::invalid_argument& e) {
    c.error(fmt::format("triton-bench history: {}", e.what()));
    return to_int(exit_code::bad_option);
  } catch (const std::exception& e) {
    c.error(fmt::format("triton-bench history: {}", e.what()));
    return to_int(exit_code::error);
  }
}

}  // namespace tb::bench
