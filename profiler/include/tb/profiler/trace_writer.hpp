// Chrome Trace Event JSON writer (opens in ui.perfetto.dev and chrome://tracing).
// The dialect is specified in docs/trace-format.md.
#pragma once

#include <tb/profiler/trace.hpp>
#include <tb/profiler/trace_error.hpp>

#include <filesystem>
#include <iosfwd>
#include <string>

namespace tb::profiler {

struct write_options {
  /// Emit `s`/`f` flow events from each launch API call to the GPU work it launched.
  bool flows = true;
};

/// Writes `{"displayTimeUnit":"ns","otherData":{...},"traceEvents":[...]}`. Times are
/// written as microseconds with exactly three decimals relative to
/// otherData.baseTimeNanoseconds, so nanoseconds survive exactly. Throws trace_error when
/// the stream fails or a timestamp is out of the supported range (|t| < 2^62 ns).
void write_chrome_trace(const trace& t, std::ostream& out, const write_options& options = {},
                        const std::string& name_for_errors = "<stream>");
/// Same, to a file (written to a temporary next to it, then renamed).
void write_chrome_trace_file(const trace& t, const std::filesystem::path& path, const write_options& options = {});
/// Same, into a string.
std::string to_chrome_trace_json(const trace& t, const write_options& options = {});

/// Formats `ns` as microseconds with exactly three decimals ("-1.005", "0.000").
std::string format_ns_as_us(std::int64_t ns);

}  // namespace tb::profiler
