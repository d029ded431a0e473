// tb-gui-tracegen: writes synthetic traces with the profiler's writer.
//   tb-gui-tracegen scenario MODE OUT.json [ITERATIONS] [SEED]   (ptx, cubin, ptx-cached, cubin-cached, jit)
//   tb-gui-tracegen synthetic KERNELS OUT.json [STREAMS]
#include "models/synthetictrace.hpp"

#include <tb/profiler/trace_writer.hpp>

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  try {
    const std::string what = argc > 1 ? argv[1] : "";
    if (what == "scenario" && argc >= 4) {
      tb::gui::ScenarioTraceOptions options;
      options.mode = argv[2];
      if (argc > 4) options.iterations = std::stoi(argv[4]);
      if (argc > 5) options.seed = std::stoull(argv[5]);
      tb::profiler::write_chrome_trace_file(tb::gui::makeScenarioTrace(options), argv[3]);
      return 0;
    }
    if (what == "synthetic" && argc >= 4) {
      const int streams = argc > 4 ? std::stoi(argv[4]) : 4;
      tb::profiler::write_chrome_trace_file(tb::gui::makeSyntheticTrace(std::stoull(argv[2]), streams), argv[3]);
      return 0;
    }
    std::fprintf(stderr,
                 "usage: tb-gui-tracegen scenario MODE OUT.json [ITERATIONS] [SEED]\n"
                 "       tb-gui-tracegen synthetic KERNELS OUT.json [STREAMS]\n");
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tb-gui-tracegen: %s\n", error.what());
    return 1;
  }
}
