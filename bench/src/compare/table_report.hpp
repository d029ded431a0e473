// --format table (the default) of compare and gate: a heading with the two runs, the
// environment differences allowed, one aligned row per mode and metric (medians, change
// with its 95 % interval, p, noise band, verdict and why), the notes, and for the gate its
// cases and a summary line.
#pragma once

#include "compare/comparison.hpp"
#include "compare/gate.hpp"

#include <iosfwd>

namespace tb::bench::compare {

// Either may be null: compare has no gate, gate without --base no comparison.
void print_table(std::ostream& out, const comparison* cmp, const gate_result* gate);

}  // namespace tb::bench::compare
