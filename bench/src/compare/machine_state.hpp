// The machine's own speed between two runs (docs/compare.md, "Machine state"). A VM's
// CPUs switch between a slow and a fast state for seconds at a time, so two runs of the
// same build can differ by 10-30 % in every mode at once: a difference no number of
// rounds inside one run can show. The control is a mode whose code is the driver's, not
// ours (`driver`: one bare cuLaunchKernel), measured in the same rounds as the others:
//  - modes whose launch is one cuLaunchKernel of a loaded function (is_loaded_launch)
//    are compared on their per-round ratio to the control, which cancels the machine;
//  - when the control itself moved between the runs, every other row (the JIT, the
//    per-call modes, the traced metrics) cannot tell the machine from the code, and a
//    slower or faster there becomes unsure, saying why.
#pragma once

#include "run_summary.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench::compare {

// The control's metric: host time per launch, of the untraced rounds.
inline constexpr std::string_view control_metric = "host.time_per_launch";
inline constexpr std::string_view default_control = "driver";

// Whether `metric_id` of mode `mode_label` is compared relative to the control: a mode
// whose launch is one cuLaunchKernel of a loaded function (not the control itself), and
// a host-clock metric of the untraced rounds (those are paired round by round).
bool relative_to_control(std::string_view mode_label, std::string_view metric_id, std::string_view control) noexcept;

// The control's metric in `run`, when it is there as one median per untraced round.
const metric_summary* control_series(const run_summary& run, std::string_view control, std::string_view metric_id);

// `metric`'s per-round medians divided by the control's of the same rounds; nullopt
// when they are not paired (not per round, other round counts, a control round of 0).
std::optional<std::vector<double>> ratios_to_control(const metric_summary& metric, const metric_summary& control);

}  // namespace tb::bench::compare
