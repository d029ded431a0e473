// The results database (triton-bench record, --record, history, compare --base db:...):
// runs stored as run_summary and read back as exactly the same run_summary, in SQLite
// or PostgreSQL alike (docs/results-db.md).
#pragma once

#include "db_spec.hpp"
#include "run_summary.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tb::bench {

// Which runs: an empty field matches every run. `commit` matches a prefix of the commit.
struct run_filter {
  std::string scenario, branch, commit, gpu, hostname;
};

struct run_query {
  run_filter filter;
  std::int64_t run = 0;  // > 0: this run only
  std::size_t last = 0;  // > 0: at most this many, the newest
};

struct run_row {
  std::int64_t id = 0;
  std::string recorded_at, created, git_commit, branch, hostname, gpu_name, scenario, source;
};

// One run's value of one mode's metric.
struct series_point {
  std::int64_t run_id = 0;
  std::string created, git_commit, branch, hostname, gpu_name, unit;
  std::size_t n = 0;
  double median = 0, ci_low = 0, ci_high = 0;  // NaN when n == 0
};

struct series_query {
  run_filter filter;  // its scenario is required
  std::string mode, metric;
  std::size_t last = 0;  // > 0: the newest this many
};

class results_store {
 public:
  virtual ~results_store() = default;
  // The file, or the URI without its password.
  virtual const std::string& name() const = 0;
  // Stores `run` in one transaction (all of it or nothing); its new id.
  virtual std::int64_t record(const run_summary& run) = 0;
  // The run as recorded, with source "db:NAME#ID". Throws "NAME: no run ID".
  virtual run_summary load(std::int64_t run_id) = 0;
  // Runs ordered by when they ran (created, then id), newest first.
  virtual std::vector<run_row> find(const run_query& q) = 0;
  // Oldest first, in the same order.
  virtual std::vector<series_point> series(const series_query& q) = 0;
  // What exists, sorted: for the errors that name it.
  virtual std::vector<std::string> scenarios() = 0;
  virtual std::vector<std::string> mode_labels(const std::string& scenario) = 0;
  virtual std::vector<std::string> metric_ids(const std::string& scenario, const std::string& mode) = 0;
};

enum class store_access {
  create,    // made (with its folder) when missing; what record needs
  existing,  // must exist already; what history and compare need
};

// Opens `db`, creating or migrating its schema to schema_version. Throws
// std::runtime_error in one line: not a triton-bench database, a newer schema, cannot
// connect, ...
std::unique_ptr<results_store> open_store(const db_spec& db, store_access access = store_access::create);

}  // namespace tb::bench
