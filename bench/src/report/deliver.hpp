// The one place a report and the results JSON are sent where the options say: --format
// picks the reporter, --json FILE writes the JSON to FILE, --json - to stdout. stdout
// then carries the JSON alone, so the report goes to stderr (or, with --format json,
// is that JSON, printed once).
#pragma once

#include "report/console.hpp"
#include "report/reporter.hpp"

#include <string>
#include <string_view>

namespace tb::bench::report {

struct output_request {
  std::string format = "table";  // a name of reporter_names()
  std::string json_file;         // empty: none; "-": stdout
};

// Throws std::invalid_argument for an unknown format, std::runtime_error when the file
// cannot be written.
void deliver(const console& c, const output_request& request, const results& r, const provenance& from);
// A run of --device all or a list (whatever the number of GPUs, so that the files of a
// one-GPU machine and a many-GPU machine have the same form): one section per device,
// each as one device's report, under a "GPU N: NAME" heading; the JSON is
// results_by_device.hpp's.
void deliver(const console& c, const output_request& request, std::span<const results> runs);
void deliver(const console& c, const output_request& request, const tb::profiler::analysis_result& a,
             std::string_view trace);
// --json writes tb::profiler::kernel_stats_to_json.
void deliver(const console& c, const output_request& request, std::span<const tb::profiler::kernel_stats_row> rows,
             std::string_view trace);

}  // namespace tb::bench::report
