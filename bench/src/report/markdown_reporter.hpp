// --format markdown: GitHub-flavoured Markdown for a pull-request comment or a CI step
// summary ($GITHUB_STEP_SUMMARY). Results: a heading with the scenario and GPU (and, for a
// recording, that it is one), a table of metrics x modes (median ±half-width of the 95 %
// interval), each mode's check line, the ratios to cubin-cached, repeats and cold starts (with their phases).
// Analysis: a heading with the trace, then one table of its metrics.
#pragma once

#include "report/reporter.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace tb::bench::report {

// Text that renders as itself in a paragraph or a table cell: Markdown's punctuation
// escaped, "|" too, line breaks made spaces.
std::string markdown_text(std::string_view text);

std::unique_ptr<const reporter> make_markdown_reporter();

}  // namespace tb::bench::report
