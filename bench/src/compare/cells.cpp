#include "compare/cells.hpp"

#include <fmt/format.h>

#include <cmath>

namespace tb::bench::compare {

std::string change_cell(double percent) {
  return std::isfinite(percent) ? fmt::format("{:+.2f} %", percent) : std::string("n/a");
}

std::string change_cell(const comparison_row& row) {
  if (row.relative_to.empty()) return change_cell(row.change_percent);
  return fmt::format("{} vs {} (raw {})", change_cell(row.change_percent), row.relative_to,
                     change_cell(row.raw_change_percent));
}

std::string interval_cell(double low, double high) {
  if (!std::isfinite(low) || !std::isfinite(high)) return "n/a";
  return fmt::format("[{:+.2f}, {:+.2f}] %", low, high);
}

std::string p_cell(double p) {
  if (!std::isfinite(p)) return "n/a";
  return p < 0.0001 ? std::string("<0.0001") : fmt::format("{:.4f}", p);
}

std::string band_cell(double percent) {
  return std::isfinite(percent) ? fmt::format("{:.2f} %", percent) : std::string("any");
}

std::string medians_cell(const comparison_row& row) {
  return fmt::format("{} -> {}", format_value(row.base_median, row.unit), format_value(row.new_median, row.unit));
}

}  // namespace tb::bench::compare
