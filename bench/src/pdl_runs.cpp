#include "pdl_runs.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace tb::bench {

std::vector<pdl_setting> pdl_settings(std::string_view list, const tb::scenario::scenario& s) {
  std::vector<pdl_setting> out;
  const auto bad = [&] { return std::invalid_argument(fmt::format("--pdl {}: expected off, on or off,on", list)); };
  std::string_view rest = list;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    if (item != "off" && item != "on") throw bad();
    const bool on = item == "on";
    for (const auto& p : out)
      if (p.on == on) throw bad();
    out.push_back({on, tb::scenario::with_launch_pdl(s, on)});
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

std::filesystem::path pdl_json_file(const std::filesystem::path& json, const pdl_setting& p) {
  if (json.empty() || json == "-") return json;
  std::filesystem::path out = json;
  out.replace_filename(fmt::format("{}.{}{}", json.stem().string(), p.label(), json.extension().string()));
  return out;
}

std::filesystem::path pdl_trace_dir(const std::filesystem::path& dir, const pdl_setting& p) {
  return dir.empty() ? dir : dir / p.label();
}

namespace {

constexpr std::pair<const char*, const char*> k_rows[] = {
    {"gap.before_target", "gap before target"},     {"overlap.before_target", "  overlap (negative gaps)"},
    {"gap.after_target", "gap after target"},       {"overlap.after_target", "  overlap (negative gaps)"},
    {"iteration.duration", "iteration time (traced)"}, {"host.iteration", "iteration time (host clock)"},
};

// "n of m" overlapped, next to the median overlap: how often, and by how much.
std::string overlap_cell(const mode_result& m, std::string_view overlap_id, std::string_view gap_id) {
  const metric_result* o = m.find(overlap_id);
  const metric_result* g = m.find(gap_id);
  if (!o || !g || g->stats.n == 0) return "-";
  if (o->stats.n == 0) return fmt::format("none of {}", g->stats.n);
  return fmt::format("{} ({} of {})", metric_cell(m, overlap_id), o->stats.n, g->stats.n);
}

}  // namespace

void print_pdl_side_by_side(std::ostream& out, const std::vector<pdl_setting>& settings,
                            const std::vector<results>& runs) {
  if (runs.empty()) return;
  out << fmt::format("\nPDL side by side ({}; target {}):\n", runs.front().scenario, runs.front().target);
  for (const auto& first : runs.front().modes) {
    out << fmt::format("  {}\n", first.label());
    out << fmt::format("    {:<30}", "");
    for (const auto& p : settings) out << fmt::format("{:>26}", p.label());
    out << '\n';
    for (const auto& [id, label] : k_rows) {
      out << fmt::format("    {:<30}", label);
      for (const auto& r : runs) {
        const mode_result* m = nullptr;
        for (const auto& candidate : r.modes)
          if (candidate.label() == first.label()) m = &candidate;
        const std::string_view name(id);
        const std::string cell = !m ? "-"
                                 : name.starts_with("overlap.")
                                     ? overlap_cell(*m, name, name == "overlap.before_target" ? "gap.before_target"
                                                                                                : "gap.after_target")
                                     : metric_cell(*m, name);
        out << fmt::format("{:>26}", cell);
      }
      out << '\n';
    }
  }
}

}  // namespace tb::bench
