// triton-bench --pdl off,on (issue 16): the scenario run once per PDL setting in one
// invocation, each launch on its kernel's launch_pdl twin (tb::scenario::with_launch_pdl),
// and the gaps around the target and the iteration time shown side by side.
#pragma once

#include "results.hpp"

#include <tb/scenario/scenario.hpp>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

struct pdl_setting {
  bool on = false;
  tb::scenario::scenario scenario;  // every launch on its variant with launch_pdl == on
  std::string label() const { return on ? "pdl-on" : "pdl-off"; }
};

// "off", "on", "off,on" or "on,off" (each at most once) into the settings in that order,
// with the scenario for each. Throws std::invalid_argument for a bad list ("--pdl X:
// expected off, on or off,on") and tb::scenario::diagnostic_error for a launch with no twin.
std::vector<pdl_setting> pdl_settings(std::string_view list, const tb::scenario::scenario& s);

// Where a setting's results, or traces, go: r.json -> r.pdl-on.json, traces/ -> traces/pdl-on.
std::filesystem::path pdl_json_file(const std::filesystem::path& json, const pdl_setting& p);
std::filesystem::path pdl_trace_dir(const std::filesystem::path& dir, const pdl_setting& p);

// Per mode, one column per setting: gap before and after the target, the overlaps
// (negative gaps: the kernels overlapped), traced and host iteration time.
void print_pdl_side_by_side(std::ostream& out, const std::vector<pdl_setting>& settings,
                            const std::vector<results>& runs);

}  // namespace tb::bench
