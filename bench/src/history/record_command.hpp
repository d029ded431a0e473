// Storing runs in the results database: `triton-bench record RESULTS.json...` and
// `triton-bench --record` after a run (docs/results-db.md).
#pragma once

#include "report/console.hpp"
#include "results.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tb::bench {

struct record_request {
  bool record = false;  // --record (the main run only)
  std::string db;       // --db: empty for the default
  std::string branch;   // --branch: empty to detect it
};

// The branch to record: `given`, else $GITHUB_HEAD_REF, $GITHUB_REF_NAME or
// $CI_COMMIT_REF_NAME, else `git rev-parse --abbrev-ref HEAD` here; empty when none
// (a detached HEAD included).
std::string detect_branch(const std::string& given);

// --record, --db and --branch on the main run.
void add_record_options(CLI::App& app, record_request& request);

// Before the run: the database --db names opens (made if missing), so that a run is
// not measured for nothing. The problem in one line, or nothing.
std::optional<std::string> record_problem(const record_request& request);

// After a run: stores `r` when it `succeeded` (every mode ok), with a notice; else a
// notice that it was not. 0, or exit_code::error when storing failed (the error said).
int record_run(const results& r, const record_request& request, const report::console& c, bool succeeded);

// `triton-bench record RESULTS.json...`.
struct record_command {
  CLI::App* command = nullptr;
  std::vector<std::string> files;
  record_request request;
};
void add_record_command(CLI::App& app, record_command& state);
int run_record_command(const record_command& state, const report::console& c);

}  // namespace tb::bench
