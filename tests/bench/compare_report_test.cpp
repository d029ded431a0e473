// compare/*_report.hpp: the table, the Markdown (a PR comment), the JSON and the JUnit
// XML of one comparison and gate, checked for their structure and exact cells.
#include "compare/json_report.hpp"
#include "compare/junit_report.hpp"
#include "compare/markdown_report.hpp"
#include "compare/table_report.hpp"

#include "compare_support.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using namespace tb::bench::compare;

// cubin-cached the same (constant 4000 ns), graph 10 % slower (constant), one failed budget, one skipped.
struct fixture {
  comparison cmp;
  gate_result gate;
};

fixture make() {
  const auto base = tb::test::run_of({{"cubin-cached", std::vector<double>(10, 4000.0)},
                                      {"graph", std::vector<double>(10, 3000.0)}},
                                     "base.json");
  auto next = tb::test::run_of({{"cubin-cached", std::vector<double>(10, 4000.0)},
                                {"graph", std::vector<double>(10, 3300.0)}},
                               "new.json");
  next.env.driver_version = "590.1";
  const auto g = parse_gate_file("[[metric]]\nid = \"host.time_per_launch\"\n"
                                 "[[budget]]\nname = \"graph <under> 3 us & fast\"\nmode = \"graph\"\n"
                                 "metric = \"host.time_per_launch\"\nat_most_value = 3000\n"
                                 "[[budget]]\nscenario = \"softmax\"\nchecks = \"all-passed\"\n",
                                 "g.toml");
  compare_options o = g.options();
  o.allow_env_change = true;
  fixture f{compare_runs(base, next, o), {}};
  f.gate = evaluate_gate(g, next, &f.cmp);
  return f;
}

TEST(CompareReport, TableRowsAndGateSummary) {
  const auto f = make();
  std::ostringstream out;
  print_table(out, &f.cmp, &f.gate);
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("triton-bench compare: base.json (base) -> new.json (new), scenario sandwich\n"
                       "WARNING: environments differ: driver: 580.159.04 (base) vs 590.1 (new)\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("cubin-cached  host.time_per_launch  4.000 us  4.000 us   +0.00 %    [+0.00, +0.00] %   1.0000  3.00 %  same     "
                      "interval within the band\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("graph         host.time_per_launch  3.000 us  3.300 us  +10.00 %  [+10.00, +10.00] %  <0.0001  "
                      "3.00 %  slower   significant, interval beyond the band\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  FAIL     regression  graph host.time_per_launch: slower: 3.000 us -> 3.300 us"), std::string::npos);
  EXPECT_NE(text.find("  skipped  budget      every mode's outputs checked: applies to scenario 'softmax'"),
            std::string::npos);
  EXPECT_NE(text.find("gate FAILED: 1 passed, 2 failed, 0 unsure, 1 skipped\n"), std::string::npos) << text;
}

TEST(CompareReport, MarkdownFitsAPullRequestComment) {
  const auto f = make();
  std::ostringstream out;
  print_markdown(out, &f.cmp, &f.gate);
  const std::string md = out.str();
  EXPECT_EQ(md.rfind("### triton-bench gate: **FAILED**\n\n1 passed, 2 failed, 0 unsure, 1 skipped; new run `new.json`, "
                     "base `base.json`.\n\n> **Warning**: the environments differ: driver: 580.159.04 (base) vs 590.1 "
                     "(new)\n\n| outcome | check | detail |\n|:---|:---|:---|\n| :x: **fail** |",
                     0),
            0u)
      << md;
  // the budget's name is a code span, its message escaped
  EXPECT_NE(md.find("| :x: **fail** | budget `graph <under> 3 us & fast` | graph median 3.300 us, budget \\<= 3.000 us |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("<details><summary>Every compared metric</summary>\n\n| mode | metric | base | new | change |"),
            std::string::npos);
  EXPECT_NE(md.find("| `graph` | `host.time_per_launch` | 3.000 us | 3.300 us | +10.00 % | [+10.00, +10.00] % | <0.0001 "
                    "| 3.00 % | **slower** |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("</details>\n"), std::string::npos);
  // fail rows come before pass rows
  EXPECT_LT(md.find(":x: **fail**"), md.find(":white_check_mark: pass"));
}

TEST(CompareReport, JsonHoldsEveryRowAndCase) {
  const auto f = make();
  const auto j = comparison_json(&f.cmp, &f.gate);
  EXPECT_EQ(j["schema"], "triton-bench/comparison");
  EXPECT_EQ(j["version"], 2);
  ASSERT_EQ(j["comparison"]["rows"].size(), 2u);
  EXPECT_EQ(j["comparison"]["rows"][1]["verdict"], "slower");
  EXPECT_NEAR(j["comparison"]["rows"][1]["change_percent"].get<double>(), 10.0, 1e-9);
  EXPECT_EQ(j["comparison"]["env_differences"][0], "driver: 580.159.04 (base) vs 590.1 (new)");
  EXPECT_EQ(j["gate"]["passed"], false);
  EXPECT_EQ(j["gate"]["cases"].size(), 4u);
  EXPECT_EQ(j["gate"]["cases"][1]["outcome"], "fail");
  const auto budgets_only = comparison_json(nullptr, &f.gate);
  EXPECT_FALSE(budgets_only.contains("comparison"));
}

TEST(CompareReport, JUnitHasATestCasePerGatedMetricAndBudget) {
  const auto f = make();
  const std::string xml = junit_xml(f.gate);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"triton-bench gate\" tests=\"4\" "
                      "failures=\"2\" errors=\"0\" skipped=\"1\">\n",
                      0),
            0u)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"triton-bench.regression\" name=\"cubin-cached host.time_per_launch\">\n"
                     "      <system-out>same: 4.000 us -&gt; 4.000 us"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"triton-bench.budget\" name=\"graph &lt;under&gt; 3 us &amp; fast\">\n"
                     "      <failure type=\"budget\" message=\"graph median 3.300 us, budget &lt;= 3.000 us\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"applies to scenario &apos;softmax&apos;, this run is of &apos;sandwich&apos;\"/>"),
            std::string::npos);
  EXPECT_EQ(std::count(xml.begin(), xml.end(), '\n'), 17);
  EXPECT_EQ(xml_escape("a\x01<b>\"'&\n"), "a&lt;b&gt;&quot;&apos;&amp;\n");
}

TEST(CompareReport, JUnitCountsUnsureAsAFailureOnlyWhenStrict) {
  gate_result g;
  g.cases.push_back({"regression", "jit host.time_per_launch", case_outcome::unsure, "too few rounds"});
  EXPECT_NE(junit_xml(g).find("failures=\"0\""), std::string::npos);
  EXPECT_EQ(junit_xml(g).find("<failure"), std::string::npos);
  g.strict = true;
  EXPECT_NE(junit_xml(g).find("failures=\"1\""), std::string::npos);
  EXPECT_NE(junit_xml(g).find("<failure type=\"unsure\" message=\"too few rounds\"/>"), std::string::npos);
}

}  // namespace
