// --format json: the results in their schema (docs/results-schema.md, what --json writes)
// and an analysis as write_analysis_json writes it (schema "tb.profiler.analysis").
#pragma once

#include "report/reporter.hpp"

#include <memory>

namespace tb::bench::report {

std::unique_ptr<const reporter> make_json_reporter();

}  // namespace tb::bench::report
