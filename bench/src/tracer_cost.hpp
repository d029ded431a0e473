// The observer's cost: what being traced adds to each launch's host time, per mode
// (docs/bench.md, "Method", tracer cost). The JIT makes more driver calls per launch
// than an AOT launcher and pays more for them; the traced gaps are that much wider.
#pragma once

#include "results.hpp"

#include <optional>

namespace tb::bench {

// tracer.cost_per_launch from host.time_per_launch (`untraced`) and
// host.time_per_launch_traced (`traced`): its median is the difference of their medians;
// its 95 % interval combines theirs as independent estimates (each side's distance from
// its median added in quadrature, the traced low side with the untraced high side);
// its samples are the traced samples less the untraced median, so that spread and
// count are the traced rounds'. Nullopt when either has no samples.
std::optional<metric_result> tracer_cost_metric(const metric_result& untraced, const metric_result& traced);

}  // namespace tb::bench
