// libFuzzer target: whatever the trace reader accepts, the analysis must take without
// crashing, and its summary JSON and table must be produced (no throw from a name that
// is not UTF-8, no invalid JSON).
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

namespace {

void check(const tb::profiler::trace& t, const tb::profiler::analysis_options& options) {
  tb::profiler::analysis_result r;
  try {
    r = tb::profiler::analyze(t, options);
  } catch (const tb::profiler::analysis_error&) {
    return;  // no kernel matches the target: a stated outcome
  }
  const std::string json = tb::profiler::analysis_to_json(r, "fuzz");
  if (!nlohmann::json::accept(json)) {
    std::fprintf(stderr, "analysis_to_json wrote invalid JSON:\n%s\n", json.c_str());
    std::abort();
  }
  std::ostringstream table;
  tb::profiler::print_analysis_table(table, r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tb::profiler::trace t;
  try {
    t = tb::profiler::parse_chrome_trace(text, "fuzz");
  } catch (const tb::profiler::trace_error&) {
    return 0;
  }
  check(t, {});
  tb::profiler::analysis_options by_name;
  by_name.target = "kernel";
  check(t, by_name);
  return 0;
}
