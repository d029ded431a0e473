// libFuzzer target: the reader must reject bad input with trace_error, never crash, and
// whatever it accepts must survive a write/read round trip unchanged.
#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tb::profiler::trace t;
  try {
    t = tb::profiler::parse_chrome_trace(text, "fuzz");
  } catch (const tb::profiler::trace_error& e) {
    const std::string_view what = e.what();
    if (what.find('\n') != std::string_view::npos) {
      std::fprintf(stderr, "multi-line error: %s\n", e.what());
      std::abort();
    }
    return 0;
  }
  std::string written;
  try {
    written = tb::profiler::to_chrome_trace_json(t);
  } catch (const tb::profiler::trace_error&) {
    return 0;  // times the writer cannot express relative to one base
  }
  const auto back = tb::profiler::parse_chrome_trace(written, "fuzz-rewritten");
  if (!(back == t)) {
    std::fprintf(stderr, "round trip changed the trace\n");
    std::abort();
  }
  return 0;
}
