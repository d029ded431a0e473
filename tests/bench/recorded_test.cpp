// Without a GPU triton-bench shows a recording: read, labelled with the card and the
// date, every mode and the ratios printed; failures and cubin differences prominent.
#include "results.hpp"

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
                        "byte-identical", "jit / cubin-cached: host time per launch", "cold start"})
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
}

TEST(Recorded, RatiosAreToCubinCached) {
  const results r = recording();
  std::ostringstream out;
  print_results_table(out, r);
  const double jit = r.find("jit")->find("gap.before_target")->stats.median;
  const double ref = r.find("cubin-cached")->find("gap.before_target")->stats.median;
  char expected[32];
  std::snprintf(expected, sizeof expected, "%.2fx", jit / ref);
  EXPECT_NE(out.str().find(expected), std::string::npos) << out.str();
}

TEST(Recorded, CubinDifferenceIsAWarning) {
  results r = recording();
  for (auto& m : r.modes)
    if (m.mode == "jit") m.cubin = {true, false, {"launch 2 (target_kernel): AOT 10 bytes, JIT 12 bytes"}};
  std::ostringstream out;
  print_results_table(out, r);
  EXPECT_NE(out.str().find("!! WARNING: jit: Triton's cubins DIFFER"), std::string::npos) << out.str();
}

TEST(Recorded, OneModeTableHasIntervalAndSpread) {
  results r = recording();
  std::erase_if(r.modes, [](const mode_result& m) { return m.mode != "cubin-cached"; });
  std::ostringstream out;
  print_results_table(out, r);
  EXPECT_NE(out.str().find("95% CI of the median"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("spread p5 .. p95"), std::string::npos);
  EXPECT_NE(out.str().find(" us"), std::string::npos);
}

}  // namespace
