#include "report/deliver.hpp"

#include <tb/support/atomic_file.hpp>
#include "results_by_device.hpp"
#include "results_json.hpp"

#include <fmt/format.h>

#include <ostream>
#include <stdexcept>

namespace tb::bench::report {
namespace {

std::unique_ptr<const reporter> reporter_for(const output_request& request) {
  auto rep = make_reporter(request.format);
  if (!rep)
    throw std::invalid_argument(fmt::format("--format {}: expected one of {}", request.format,
                                            fmt::join(reporter_names(), ", ")));
  return rep;
}

// Prints through `print` to stdout, or to stderr when --json - holds stdout; then the
// JSON (`json()`) to stdout or the file.
template <class Print, class Json>
void send(const console& c, const output_request& request, Print print, Json json) {
  const bool json_on_stdout = request.json_file == "-";
  if (!json_on_stdout) print(destination{c.out, c.out_colour});
  else if (request.format != "json") print(destination{c.err, c.err_colour});
  if (json_on_stdout) c.out << json() << std::flush;
  else if (!request.json_file.empty()) tb::support::write_file_atomically(request.json_file, json());
}

}  // namespace

void deliver(const console& c, const output_request& request, const results& r, const provenance& from) {
  const auto rep = reporter_for(request);
  send(c, request, [&](const destination& to) { rep->report(to, r, from); },
       [&] { return to_json(r).dump(1) + "\n"; });
}

namespace {

// The heading of a device's section, in the format's own way of writing one.
std::string device_heading(const std::string& format, const results& r, std::size_t index, std::size_t count) {
  const std::string text = fmt::format("GPU {}: {} (device {} of {})", r.gpu_ordinal, r.gpu_name, index + 1, count);
  if (format == "markdown") return "## " + text + "\n\n";
  if (format == "csv") return "# " + text + "\n";
  return fmt::format("== {} ==\n", text);
}

}  // namespace

void deliver(const console& c, const output_request& request, std::span<const results> runs) {
  const auto rep = reporter_for(request);
  const auto json = [&] { return by_device_to_json(runs).dump(1) + "\n"; };
  send(c, request,
       [&](const destination& to) {
         if (request.format == "json") {
           to.out << json();
           return;
         }
         for (std::size_t i = 0; i < runs.size(); ++i) {
           if (i > 0) to.out << "\n";
           to.out << device_heading(request.format, runs[i], i, runs.size());
           rep->report(to, runs[i], {});
         }
       },
       json);
}

void deliver(const console& c, const output_request& request, const tb::profiler::analysis_result& a,
             std::string_view trace) {
  const auto rep = reporter_for(request);
  send(c, request, [&](const destination& to) { rep->report(to, a, trace); },
       [&] { return tb::profiler::analysis_to_json(a, trace); });
}

void deliver(const console& c, const output_request& request, std::span<const tb::profiler::kernel_stats_row> rows,
             std::string_view trace) {
  const auto rep = reporter_for(request);
  send(c, request, [&](const destination& to) { rep->report(to, rows, trace); },
       [&] { return tb::profiler::kernel_stats_to_json(rows, trace); });
}

}  // namespace tb::bench::report
