// The comparison's numbers as every reporter writes them: "+5.12 %", "[+4.01, +6.20] %",
// "p 0.0012", so the table, the Markdown and the gate's messages agree.
#pragma once

#include "compare/comparison.hpp"

#include <string>

namespace tb::bench::compare {

std::string change_cell(double percent);               // "+5.12 %", "-0.40 %", "n/a" (NaN)
// A row's change; relative to a control: "+0.52 % vs driver (raw +12.30 %)".
std::string change_cell(const comparison_row& row);
std::string interval_cell(double low, double high);    // "[+4.01, +6.20] %", "n/a"
std::string p_cell(double p);                          // "0.0012", "<0.0001"
std::string band_cell(double percent);                 // "3.00 %", "any" (infinite)
std::string medians_cell(const comparison_row& row);   // "4.12 us -> 4.33 us"

}  // namespace tb::bench::compare
