// Where compare and gate get a run from: a results file (results_from_json, then
// summarize_run), or "db:SELECTOR", a run in the results database, which a caller that
// has the database plugs in (run_sources::database). One function, so both commands take
// the same specs and say the same things when one cannot be read.
#pragma once

#include "run_summary.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace tb::bench::compare {

inline constexpr std::string_view database_prefix = "db:";

struct run_sources {
  // Loads a spec starting with "db:" (passed whole); unset: the results database is not
  // built in, and such a spec is an error saying so.
  std::function<run_summary(const std::string& spec)> database;
};

bool is_database_spec(std::string_view spec) noexcept;

// The run `spec` names: "db:..." through sources.database, else a results file's path.
// Throws std::runtime_error, one line naming the file (or spec) and what is wrong.
run_summary load_run(const std::string& spec, const run_sources& sources = {});

}  // namespace tb::bench::compare
