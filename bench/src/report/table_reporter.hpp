// The table (--format table, the default): what triton-bench has always printed, for a
// terminal. Colours, when allowed: failed checks and failed modes red, passed checks
// green, the other "!!" warnings yellow.
#pragma once

#include "report/reporter.hpp"

#include <iosfwd>
#include <memory>
#include <string_view>

namespace tb::bench {

// One mode: per metric n, median, 95 % interval, spread (p5-p95, MAD). Several: one
// column per mode (median +-CI half-width), then each mode's ratio to cubin-cached.
void print_results_table(std::ostream& out, const results& r, bool colour = false);

// The same for a recording, under a banner saying where and when it was measured.
void print_recorded(std::ostream& out, const results& r, std::string_view source, bool colour = false);

namespace report {
std::unique_ptr<const reporter> make_table_reporter();
}

}  // namespace tb::bench
