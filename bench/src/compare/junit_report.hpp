// --junit FILE of gate: JUnit XML, so that CI systems (GitLab, Jenkins, GitHub test
// reporters) show each gated metric and budget as a test case. One <testsuite>
// "triton-bench gate"; a test case per gate case, classname "triton-bench.regression" or
// "triton-bench.budget"; a failed case has a <failure>, a skipped one <skipped>, an
// unsure one its message in <system-out> (and a <failure type="unsure"> when strict).
#pragma once

#include "compare/gate.hpp"

#include <string>
#include <string_view>

namespace tb::bench::compare {

// `text` with &, <, >, " and ' as entities, and control characters XML 1.0 forbids
// (all below 0x20 but tab, newline, carriage return) dropped.
std::string xml_escape(std::string_view text);

std::string junit_xml(const gate_result& gate);

}  // namespace tb::bench::compare
