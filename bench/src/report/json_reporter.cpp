#include "report/json_reporter.hpp"

#include "results_json.hpp"

#include <ostream>

namespace tb::bench::report {
namespace {

class json_reporter final : public reporter {
 public:
  // A recording is printed as it reads: its own date, GPU and commit say where it came from.
  void report(const destination& to, const results& r, const provenance&) const override {
    to.out << to_json(r).dump(1) << "\n";
  }
  void report(const destination& to, const tb::profiler::analysis_result& a, std::string_view trace) const override {
    tb::profiler::write_analysis_json(to.out, a, trace);
  }
  void report(const destination& to, std::span<const tb::profiler::kernel_stats_row> rows,
              std::string_view trace) const override {
    to.out << tb::profiler::kernel_stats_to_json(rows, trace);
  }
};

}  // namespace

std::unique_ptr<const reporter> make_json_reporter() { return std::make_unique<json_reporter>(); }

}  // namespace tb::bench::report
