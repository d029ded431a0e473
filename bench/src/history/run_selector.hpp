// A run named by what it is rather than by its file, for compare and gate:
//   db:latest                 the latest run (of the other side's scenario)
//   db:run=17                 the run with id 17
//   db:branch=main            the latest run of branch main (of the other side's scenario)
//   db:commit=abc123          the latest run of a commit (a prefix of at least 4 hex digits)
//   db:branch=main,last=5     the last 5 runs of main, pooled (see below)
// Keys may be combined (comma-separated): run, branch, commit, scenario, gpu, host, last
// (and `latest`, which adds nothing).
// "Latest" is by when the run ran (created, then id). last=N pools the newest N matching
// runs that share the newest one's scenario and GPU: per mode and metric of the newest
// run, its round medians are the N runs' round medians one after the other (oldest
// first), and its stats summarize the N runs' medians (n = the number of runs, median =
// the median of their medians). docs/results-db.md, "Selecting runs".
#pragma once

#include "results_store.hpp"

#include <string_view>

namespace tb::bench {

struct run_selector {
  run_filter filter;
  std::int64_t run = 0;  // run=ID
  std::size_t last = 1;  // last=N
};

// True when `spec` starts with "db:".
bool is_db_spec(std::string_view spec) noexcept;

// Parses "db:KEY=VALUE,...". Throws std::invalid_argument "db:...: why" naming the key.
run_selector parse_run_selector(std::string_view spec);

// The run (or the pooled runs) that `selector` names in `store`; `scenario`, when not
// empty and the selector names neither a scenario nor a run, narrows it to that scenario. Throws
// std::runtime_error "NAME: no run matches db:...".
run_summary select_run(results_store& store, const run_selector& selector, std::string_view scenario = {});

// All of it: opens the store `db_option` names (--db's value; empty: the default) and
// returns the run `spec` ("db:...") names there. What compare and gate call.
run_summary load_db_run(std::string_view spec, std::string_view db_option, std::string_view scenario = {});

// The pooling of last=N, alone: `runs` newest first, the result shaped like runs[0].
run_summary pool_runs(const std::vector<run_summary>& runs);

}  // namespace tb::bench
