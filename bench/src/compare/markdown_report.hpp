// --format markdown of compare and gate: GitHub-flavoured Markdown for a pull-request
// comment or a CI step summary ($GITHUB_STEP_SUMMARY). A heading with the outcome, the
// environment differences allowed as a warning, the gate's cases (failures first), then
// the comparison as a table and its notes.
#pragma once

#include "compare/comparison.hpp"
#include "compare/gate.hpp"

#include <iosfwd>

namespace tb::bench::compare {

void print_markdown(std::ostream& out, const comparison* cmp, const gate_result* gate);

}  // namespace tb::bench::compare
