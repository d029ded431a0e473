#include "report/reporter.hpp"

#include "report/csv_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "report/table_reporter.hpp"

#include <array>

namespace tb::bench::report {
namespace {

struct entry {
  std::string_view name;
  std::unique_ptr<const reporter> (*make)();
};

constexpr std::array<entry, 4> registry = {{
    {"table", &make_table_reporter},
    {"json", &make_json_reporter},
    {"csv", &make_csv_reporter},
    {"markdown", &make_markdown_reporter},
}};

}  // namespace

const std::vector<std::string>& reporter_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& e : registry) out.emplace_back(e.name);
    return out;
  }();
  return names;
}

std::unique_ptr<const reporter> make_reporter(std::string_view name) {
  for (const auto& e : registry)
    if (e.name == name) return e.make();
  return nullptr;
}

}  // namespace tb::bench::report
