// Without a GPU triton-bench shows a recording: read, labelled with the card and the
// date, every mode and the ratios printed; failures and cubin differences prominent.
#include "report/table_reporter.hpp"
#include "results.hpp"
#include "results_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace tb::bench;

results recording() {
  std::ifstream in(std::string(TB_BENCH_DATA) + "/results.json");
  return results_from_json(nlohmann::json::parse(in));
}

TEST(Recorded, PrintsTheBannerAndEveryMode) {
  std::ostringstream out;
  print_recorded(out, recording(), "bench/recorded/results.json");
  const std::string text = out.str();
  EXPECT_NE(text.find("RECORDED RUN, not measured on this machine: Synthetic GPU (invented test data) on 2026-11-27 "
                      "(bench/recorded/results.json)"),
            std::string::npos)
      << text;
  for (const char* s : {"gap before target", "launch API time", "host time per launch", "GPU busy", "jit",
                        "cubin-cached", "graph", "ratio of the median to cubin-cached", "mode ptx FAILED: wrong results",
                        "identical file", "check cubin-cached", "jit / cubin-cached: host time per launch", "cold start"})
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
}

TEST(Recorded, RatiosAreToCubinCached) {
  const results r = recording();
  std::ostringstream out;
  print_results_table(out, r);
  const double jit = r.find(mode::jit)->find("gap.before_target")->stats.median;
  const double ref = r.find(mode::cubin_cached)->find("gap.before_target")->stats.median;
  char expected[32];
  std::snprintf(expected, sizeof expected, "%.2fx", jit / ref);
  EXPECT_NE(out.str().find(expected), std::string::npos) << out.str();
}

TEST(Recorded, DifferentCodeIsAWarningWithItsReasons) {
  results r = recording();
  r.code = {{1, "target_kernel", "different-code",
             "different code (.text.target_kernel): signature type of 'n': AOT i64, JIT i32",
             {"signature type of 'n': AOT i64, JIT i32"}}};
  std::ostringstream out;
  print_results_table(out, r);
  EXPECT_NE(out.str().find("!! code  launch 2 (target_kernel): different code (.text.target_kernel): signature type "
                           "of 'n': AOT i64, JIT i32\n"),
            std::string::npos)
      << out.str();
}

TEST(Recorded, AVersion2RecordingReadsItsChecksAsHostModelChecks) {
  const results r = recording();
  EXPECT_EQ(r.find(mode::cubin_cached)->check.kind, check_kind::host_model);
  EXPECT_EQ(r.find(mode::cubin_cached)->check.status, "passed");
}

TEST(Recorded, OneModeTableHasIntervalAndSpread) {
  results r = recording();
  std::erase_if(r.modes, [](const mode_result& m) { return m.mode != mode::cubin_cached; });
  std::ostringstream out;
  print_results_table(out, r);
  EXPECT_NE(out.str().find("95% CI of the median"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("spread p5 .. p95"), std::string::npos);
  EXPECT_NE(out.str().find(" us"), std::string::npos);
}

}  // namespace
