// --format json: the results in their schema (docs/results-schema.md, what --json writes)
// and an analysis as write_analysis_json writes it (schema "tb.profiler.analysis"),
// per-kernel statistics as kernel_stats_to_json does (schema "tb.profiler.kernel_stats").
#pragma once

#include "report/reporter.hpp"

#include <memory>

namespace tb::bench::report {

std::unique_ptr<const reporter> make_json_reporter();

}  // namespace tb::bench::report
