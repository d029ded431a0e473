// tb-trace-analyze TRACE.json [--target NAME] [--json OUT]
// Reads a Chrome trace (ours or Kineto's), prints the analysis table, optionally writes
// the summary JSON (whole or not at all: written beside OUT, then renamed). Errors: one
// line naming the file, exit code 1; a bad option, exit code 2 (as triton-bench).
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <CLI/CLI.hpp>

#include <tb/support/atomic_file.hpp>
#include <tb/support/build_info.hpp>

#include <cstdio>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"Analyse a Chrome/Kineto trace: launch gaps, module loading, dispatch overhead, latency"};
  app.footer("Exit status: 0 ok; 1 the trace could not be read or analysed (one line names it); 2 bad option.");
  app.set_version_flag("--version", [] { return tb::support::version_line("tb-trace-analyze"); });
  std::string trace_path, target, json_path;
  app.add_option("TRACE", trace_path, "trace file (Chrome Trace Event JSON)")->required();
  app.add_option("--target", target, "kernel name, or a substring of it (default: the most frequent kernel)");
  app.add_option("--json", json_path, "write the summary JSON here");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    const auto t = tb::profiler::read_chrome_trace_file(trace_path);
    tb::profiler::analysis_options options;
    options.target = target;
    tb::profiler::analysis_result result;
    try {
      result = tb::profiler::analyze(t, options);
    } catch (const tb::profiler::analysis_error& e) {
      std::cerr << trace_path << ": " << e.what() << '\n';
      return 1;
    }
    tb::profiler::print_analysis_table(std::cout, result);
    if (!json_path.empty()) {
      try {
        tb::support::write_file_atomically(json_path, tb::profiler::analysis_to_json(result, trace_path));
      } catch (const std::runtime_error& e) {
        std::cerr << e.what() << '\n';  // "OUT: cannot write: why"
        return 1;
      }
    }
  } catch (const tb::profiler::trace_error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << trace_path << ": " << e.what() << '\n';
    return 1;
  }
  return 0;
}
