#include "history/record_command.hpp"

#include "history/results_store.hpp"
#include "results_json.hpp"

#include <tb/bench/exit_code.hpp>
#include <tb/support/run_process.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace tb::bench {

std::string detect_branch(const std::string& given) {
  if (!given.empty()) return given;
  for (const char* name : {"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"})
    if (const char* v = std::getenv(name); v && *v) return v;
  std::string branch;
  const auto result = tb::support::run_process({"git", "rev-parse", "--abbrev-ref", "HEAD"}, {}, "",
                                               [&](std::string_view line) { branch = line; });
  if (!result.started || result.exit_code != 0 || branch == "HEAD") return "";
  return branch;
}

void add_record_options(CLI::App& app, record_request& request) {
  app.add_flag("--record", request.record,
               "store the run in the results database when it succeeds (--db; docs/results-db.md)");
  app.add_option("--db", request.db,
                 "results database for --record: FILE, sqlite:FILE or postgresql://... (default $TRITON_BENCH_DB, else "
                 "$XDG_DATA_HOME/triton-bench/results.db)");
  app.add_option("--branch", request.branch,
                 "branch recorded with the run (default: $GITHUB_HEAD_REF, $GITHUB_REF_NAME, $CI_COMMIT_REF_NAME, else "
                 "git's current branch)");
}

std::optional<std::string> record_problem(const record_request& request) {
  if (!request.record) return std::nullopt;
  try {
    open_store(parse_db_spec(request.db), store_access::create);
  } catch (const std::exception& e) {
    return fmt::format("--record: {}", e.what());
  }
  return std::nullopt;
}

namespace {

// Stores one run; the line that says so.
std::string store_one(run_summary s, const std::string& db, const std::string& branch) {
  s.branch = detect_branch(branch);
  const auto store = open_store(parse_db_spec(db), store_access::create);
  const auto id = store->record(s);
  return fmt::format("recorded run {} ({}, {} mode{}, commit {}, branch {}) in {}", id, s.scenario, s.modes.size(),
                     s.modes.size() == 1 ? "" : "s", s.git_commit.empty() ? "unknown" : s.git_commit.substr(0, 12),
                     s.branch.empty() ? "unknown" : s.branch, store->name());
}

}  // namespace

int record_run(const results& r, const record_request& request, const report::console& c, bool succeeded) {
  if (!succeeded) {
    c.note("triton-bench --record: not recorded: a mode failed");
    return 0;
  }
  try {
    c.note(store_one(summarize_run(r, "triton-bench --record"), request.db, request.branch));
    return 0;
  } catch (const std::exception& e) {
    c.error(fmt::format("triton-bench --record: {}", e.what()));
    return to_int(exit_code::error);
  }
}

void add_record_command(CLI::App& app, record_command& state) {
  state.command = app.add_subcommand("record", "store results files (--json of a run) in the results database");
  state.command->add_option("results", state.files, "RESULTS.json, one or more (each its own run)")->required();
  state.command->add_option("--db", state.request.db, "FILE, sqlite:FILE or postgresql://... (default "
                                                      "$TRITON_BENCH_DB, else $XDG_DATA_HOME/triton-bench/results.db)");
  state.command->add_option("--branch", state.request.branch, "branch recorded with the runs (default: as for --record)");
}

int run_record_command(const record_command& state, const report::console& c) {
  for (const auto& file : state.files) {
    try {
      std::ifstream in(file);
      if (!in) throw std::runtime_error("cannot read it");
      const results r = results_from_json(nlohmann::json::parse(in));
      c.out << store_one(summarize_run(r, file), state.request.db, state.request.branch) << "\n";
    } catch (const std::exception& e) {
      c.error(fmt::format("triton-bench record: {}: {}", file, e.what()));
      return to_int(exit_code::error);
    }
  }
  return 0;
}

}  // namespace tb::bench
