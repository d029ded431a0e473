// `triton-bench compare BASE NEW` and `triton-bench gate --gate FILE NEW [--base BASE]`
// (docs/compare.md): their options, added to triton-bench's command line, and what they
// do once parsed. main() calls add_compare_commands before parsing and
// run_compare_commands after.
#pragma once

#include "compare/run_source.hpp"
#include "report/console.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace tb::bench::compare {

struct compare_cli {
  CLI::App* compare = nullptr;
  CLI::App* gate = nullptr;
  std::string base, next, gate_file, junit, format = "table";
  std::string control = "driver";  // --control: a mode label, or "none"
  double alpha = 0.05;
  bool allow_env_change = false, strict = false;
  run_sources sources;  // main sets sources.database where the results database is built in
};

void add_compare_commands(CLI::App& app, compare_cli& cli);

// The exit status of the subcommand given; nothing when neither was.
std::optional<int> run_compare_commands(const compare_cli& cli, const tb::bench::report::console& console);

}  // namespace tb::bench::compare
