// The readable table of per_kernel_stats (a printing function by design).
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/kernel_stats.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <vector>

namespace tb::profiler {

namespace {

constexpr std::size_t columns = 13;
using table_row = std::array<std::string, columns>;

std::string median_or_dash(const summary& s) { return s.n ? format_duration(s.median) : "-"; }

table_row cells(const kernel_stats_row& r) {
  return {fmt::format("{:.1f}", r.time_percent), format_duration(static_cast<double>(r.total_ns)),
          std::to_string(r.count), format_duration(r.duration.mean), format_duration(r.duration.median),
          format_duration(r.duration.min), format_duration(r.duration.max), format_duration(r.duration_stddev_ns),
          median_or_dash(r.launch_api), median_or_dash(r.launch_latency), median_or_dash(r.gap_before),
          r.stream.empty() ? "-" : r.stream, r.name};
}

}  // namespace

void print_kernel_stats_table(std::ostream& out, std::span<const kernel_stats_row> rows) {
  if (rows.empty()) {
    out << "no kernels\n";
    return;
  }
  std::vector<table_row> table = {{"Time %", "Total", "Instances", "Avg", "Med", "Min", "Max", "StdDev",
                                   "API med", "Latency med", "Gap med", "Stream", "Name"}};
  for (const auto& r : rows) table.push_back(cells(r));
  const bool by_stream = !rows.front().stream.empty();
  std::array<std::size_t, columns> width{};
  for (const auto& t : table)
    for (std::size_t c = 0; c < columns; ++c) width[c] = std::max(width[c], t[c].size());
  for (const auto& t : table) {
    std::string line;
    for (std::size_t c = 0; c + 2 < columns; ++c) line += fmt::format("{:>{}}  ", t[c], width[c]);
    if (by_stream) line += fmt::format("{:<{}}  ", t[columns - 2], width[columns - 2]);
    out << line << t[columns - 1] << "\n";
  }
}

}  // namespace tb::profiler
