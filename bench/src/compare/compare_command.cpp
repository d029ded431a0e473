#include "compare/compare_command.hpp"

#include "compare/comparison.hpp"
#include "compare/gate.hpp"
#include "compare/gate_file.hpp"
#include "compare/json_report.hpp"
#include "compare/junit_report.hpp"
#include "compare/markdown_report.hpp"
#include "compare/table_report.hpp"
#include "option_checks.hpp"

#include <tb/bench/exit_code.hpp>
#include <tb/bench/mode.hpp>
#include <tb/support/atomic_file.hpp>

#include <fmt/format.h>

#include <cmath>
#include <sstream>

namespace tb::bench::compare {

namespace {

const std::vector<std::string> formats = {"table", "markdown", "json"};

void print(const std::string& format, const comparison* cmp, const gate_result* gate, std::ostream& out) {
  if (format == "markdown") print_markdown(out, cmp, gate);
  else if (format == "json") out << comparison_json(cmp, gate).dump(1) << "\n";
  else print_table(out, cmp, gate);
}

std::optional<std::string> option_problem(const compare_cli& cli, const CLI::App& sub) {
  if (sub.count("--alpha") > 0 && !(cli.alpha > 0 && cli.alpha < 1))
    return fmt::format("--alpha {}: expected a number between 0 and 1 (e.g. 0.05)", cli.alpha);
  if (sub.count("--control") > 0 && cli.control != "none" && !parse_mode_label(cli.control))
    return fmt::format("--control {}: expected a mode ({}) or none", cli.control, mode_names());
  if (!cli.junit.empty()) {
    if (cli.junit == "-") return std::string("--junit -: expected a file (the report goes to stdout)");
    if (auto problem = check_output_file("--junit", cli.junit)) return problem;
  }
  return std::nullopt;
}

// --control wins over the gate file's [gate] control.
void apply_control(const compare_cli& cli, const CLI::App& sub, compare_options& options) {
  if (sub.count("--control") > 0) options.control = cli.control == "none" ? std::string() : cli.control;
}

// The environments differ and that was not allowed: one line per difference.
int refuse(const environment_mismatch& e, const std::string& who, const tb::bench::report::console& console) {
  console.error(fmt::format("triton-bench {}: the runs' environments differ, so their times are not comparable:", who));
  for (const auto& d : e.differences()) console.error("  " + d);
  console.error("  (compare them anyway with --allow-env-change)");
  return to_int(exit_code::env_differs);
}

int run_compare(const compare_cli& cli, const tb::bench::report::console& console) {
  compare_options options;
  if (!cli.gate_file.empty()) options = load_gate_file(cli.gate_file).options();
  if (cli.compare->count("--alpha") > 0 || cli.gate_file.empty()) options.alpha = cli.alpha;
  apply_control(cli, *cli.compare, options);
  options.allow_env_change = cli.allow_env_change;
  const run_summary base = load_run(cli.base, cli.sources), next = load_run(cli.next, cli.sources);
  try {
    const comparison c = compare_runs(base, next, options);
    print(cli.format, &c, nullptr, console.out);
  } catch (const environment_mismatch& e) {
    return refuse(e, "compare", console);
  }
  return to_int(exit_code::ok);
}

int run_gate(const compare_cli& cli, const tb::bench::report::console& console) {
  const gate_file g = load_gate_file(cli.gate_file);
  compare_options options = g.options();
  if (cli.gate->count("--alpha") > 0) options.alpha = cli.alpha;
  apply_control(cli, *cli.gate, options);
  options.allow_env_change = cli.allow_env_change;
  const run_summary next = load_run(cli.next, cli.sources);
  std::optional<comparison> c;
  if (!cli.base.empty()) {
    const run_summary base = load_run(cli.base, cli.sources);
    try {
      c = compare_runs(base, next, options);
    } catch (const environment_mismatch& e) {
      return refuse(e, "gate", console);
    }
  }
  const gate_result result = evaluate_gate(g, next, c ? &*c : nullptr, cli.strict);
  print(cli.format, c ? &*c : nullptr, &result, console.out);
  if (!cli.junit.empty()) tb::support::write_file_atomically(cli.junit, junit_xml(result));
  return gate_exit_status(result);
}

}  // namespace

void add_compare_commands(CLI::App& app, compare_cli& cli) {
  cli.compare = app.add_subcommand("compare", "compare two runs: per mode and metric the change of the median, its "
                                              "95% interval and a verdict (docs/compare.md)");
  cli.compare->add_option("base", cli.base, "BASE: a results file (--json), or db:SELECTOR")->required();
  cli.compare->add_option("new", cli.next, "NEW: the same, the run compared with BASE")->required();
  cli.gate = app.add_subcommand("gate", "check a run against a gate file: its budgets, and with --base no metric "
                                        "slower than its tolerance (docs/compare.md)");
  cli.gate->add_option("new", cli.next, "NEW: a results file (--json), or db:SELECTOR")->required();
  cli.gate->add_option("--gate", cli.gate_file, "the gate file (triton-bench-gate.toml)")->required();
  cli.gate->add_option("--base", cli.base, "BASE: also compare NEW with this run, gating the gate file's metrics");
  cli.gate->add_flag("--strict", cli.strict, "an unsure comparison of a gated metric fails the gate too (exit 7)");
  cli.gate->add_option("--junit", cli.junit, "also write JUnit XML to FILE: one test case per gated metric and budget");
  for (CLI::App* sub : {cli.compare, cli.gate}) {
    sub->add_option("--format", cli.format, "report format: table, markdown (a PR comment or CI step summary) or "
                                            "json (default table)")
        ->check(CLI::IsMember(formats));
    sub->add_flag("--allow-env-change", cli.allow_env_change,
                  "compare runs from different GPUs, drivers, CUDA or Triton versions (a warning, not exit 8)");
    sub->add_option("--alpha", cli.alpha, "significance level of the rank test (default 0.05, or the gate file's)");
    sub->add_option("--control", cli.control,
                    "the mode that stands for the machine's speed, measured in the same rounds (default driver, or "
                    "the gate file's; none: compare every row as it is; docs/compare.md, \"Machine state\")");
  }
  cli.compare->add_option("--gate", cli.gate_file, "take the noise bands (tolerances) from this gate file");
  cli.compare->footer(R"(Examples:
  triton-bench compare main.json branch.json
  triton-bench compare main.json branch.json --format markdown >> "$GITHUB_STEP_SUMMARY"

Each metric's units are its per-round medians. Verdict: slower/faster only when the
Mann-Whitney test is significant (p < alpha) and the 95% bootstrap interval of the
change lies beyond the noise band (default 3%; a gate file's tolerances with --gate);
same when the interval is inside the band (or the test is not significant and the
change is); unsure otherwise, or with fewer than 3 rounds. Machine state: when both
runs have the driver mode (--control), ptx-cached, cubin-cached and library host times
are compared on their per-round ratio to it, so a machine that got faster or slower
between the runs is not taken for the code; when the driver mode itself moved, other
rows' slower/faster become unsure. Runs from another GPU,
driver, CUDA or Triton are refused (exit 8) unless --allow-env-change.
Exit status: 0 compared (whatever the verdicts), 1 a file error, 2 a usage error,
8 the environments differ.)");
  cli.gate->footer(R"(Examples:
  triton-bench gate --gate bench/triton-bench-gate.toml new.json
  triton-bench gate --gate triton-bench-gate.toml new.json --base main.json --junit gate.xml
  triton-bench gate --gate triton-bench-gate.toml new.json --base main.json --format markdown --strict

Budgets hold in NEW alone (a mode's median as a multiple of another mode's, or a value;
every mode's outputs checked). With --base, every [[metric]] of the gate file is compared
as `compare` does, within its tolerance: slower fails, unsure fails only with --strict.
Exit status: 0 everything holds, 1 a file error (a gate file error names file:line:column),
2 a usage error, 6 a regression or a budget failed, 7 unsure and --strict, 8 the
environments differ (see --allow-env-change).)");
}

std::optional<int> run_compare_commands(const compare_cli& cli, const tb::bench::report::console& console) {
  const CLI::App* sub = cli.compare && cli.compare->parsed() ? cli.compare
                        : cli.gate && cli.gate->parsed()     ? cli.gate
                                                             : nullptr;
  if (!sub) return std::nullopt;
  const std::string who = sub == cli.compare ? "compare" : "gate";
  if (const auto problem = option_problem(cli, *sub)) {
    console.error(fmt::format("triton-bench {}: {}", who, *problem));
    return to_int(exit_code::bad_option);
  }
  try {
    return sub == cli.compare ? run_compare(cli, console) : run_gate(cli, console);
  } catch (const std::exception& e) {
    console.error(fmt::format("triton-bench {}: {}", who, e.what()));
    return to_int(exit_code::error);
  }
}

}  // namespace tb::bench::compare
