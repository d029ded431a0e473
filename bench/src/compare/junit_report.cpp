#include "compare/junit_report.hpp"

#include <fmt/format.h>

namespace tb::bench::compare {

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
  }
  return out;
}

std::string junit_xml(const gate_result& gate) {
  const std::size_t failures = gate.count(case_outcome::fail) + (gate.strict ? gate.count(case_outcome::unsure) : 0);
  std::string body;
  for (const auto& c : gate.cases) {
    body += fmt::format("    <testcase classname=\"triton-bench.{}\" name=\"{}\"", xml_escape(c.group), xml_escape(c.name));
    const std::string message = xml_escape(c.message);
    switch (c.outcome) {
      case case_outcome::pass: body += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n", message); break;
      case case_outcome::fail:
        body += fmt::format(">\n      <failure type=\"{}\" message=\"{}\"/>\n    </testcase>\n",
                            c.group == "budget" ? "budget" : "regression", message);
        break;
      case case_outcome::skipped: body += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", message); break;
      case case_outcome::unsure:
        body += ">\n";
        if (gate.strict) body += fmt::format("      <failure type=\"unsure\" message=\"{}\"/>\n", message);
        body += fmt::format("      <system-out>unsure: {}</system-out>\n    </testcase>\n", message);
        break;
    }
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"triton-bench gate\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"{2}\">\n"
                     "  <testsuite name=\"triton-bench gate\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"{2}\">\n"
                     "{3}  </testsuite>\n</testsuites>\n",
                     gate.cases.size(), failures, gate.count(case_outcome::skipped), body);
}

}  // namespace tb::bench::compare
