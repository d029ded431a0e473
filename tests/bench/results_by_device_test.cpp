// A run on several devices (issue 19): the by-device JSON holds each device's complete
// results, reads back, is refused with the item named when malformed, and compare sees
// one series per mode and device, so a change on one device shows on that device only.
#include "compare/comparison.hpp"
#include "compare_support.hpp"
#include "results_by_device.hpp"
#include "results_json.hpp"
#include "results_validate.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using tb::bench::mode;
using tb::test::lognormal_units;

// Device `ordinal`'s run: jit 16 us, cubin-cached `cubin_ns`, 30 rounds of 1 % noise.
tb::bench::results device_run(int ordinal, double cubin_ns, std::uint64_t seed) {
  auto r = tb::test::results_of({{mode::jit, lognormal_units(16000, 0.01, 30, seed)},
                                 {mode::cubin_cached, lognormal_units(cubin_ns, 0.01, 30, seed + 1)}});
  r.gpu_ordinal = ordinal;
  return r;
}

std::string refusal(const nlohmann::json& j) {
  try {
    tb::bench::by_device_from_json(j);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(ResultsByDevice, EachDeviceIsAWholeResultsObjectAndReadsBack) {
  const std::vector<tb::bench::results> runs{device_run(0, 4000, 1), device_run(1, 4100, 3)};
  const auto j = tb::bench::by_device_to_json(runs);
  EXPECT_EQ(j["schema"], "triton-bench/results-by-device");
  ASSERT_EQ(j["devices"].size(), 2u);
  for (const auto& device : j["devices"]) EXPECT_TRUE(tb::bench::validate_results_json(device).empty());
  EXPECT_EQ(j["devices"][1]["machine"]["gpu"]["ordinal"], 1);
  const auto back = tb::bench::by_device_from_json(nlohmann::json::parse(j.dump()));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].gpu_ordinal, 0);
  EXPECT_EQ(back[1].gpu_ordinal, 1);
  EXPECT_EQ(back[1].modes.size(), 2u);
  EXPECT_DOUBLE_EQ(back[1].modes[1].metrics[0].stats.median, runs[1].modes[1].metrics[0].stats.median);
}

TEST(ResultsByDevice, MalformedFilesAreRefusedNamingTheItem) {
  auto j = tb::bench::by_device_to_json(std::vector<tb::bench::results>{device_run(0, 4000, 1), device_run(0, 4000, 3)});
  EXPECT_EQ(refusal(j), "devices[1]: GPU 0 again (each device once)");
  j["devices"] = nlohmann::json::array();
  EXPECT_EQ(refusal(j), "devices: expected a non-empty array of results objects");
  j = tb::bench::by_device_to_json(std::vector<tb::bench::results>{device_run(0, 4000, 1)});
  j["devices"][0].erase("machine");
  EXPECT_EQ(refusal(j).rfind("devices[0]: not a valid results file: ", 0), 0u) << refusal(j);
  j["version"] = 2;
  EXPECT_EQ(refusal(j), "version: expected 1");
}

TEST(ResultsByDevice, CompareSeesEachDeviceAsItsOwnSeries) {
  const std::vector<tb::bench::results> base{device_run(0, 4000, 1), device_run(1, 4000, 3)};
  const std::vector<tb::bench::results> next{device_run(0, 4000, 11), device_run(1, 4400, 13)};  // GPU 1: +10 %
  const auto a = tb::bench::summarize_by_device(base, "base.json");
  const auto b = tb::bench::summarize_by_device(next, "next.json");
  ASSERT_EQ(a.modes.size(), 4u);
  EXPECT_EQ(a.modes[0].label, "jit@gpu0");
  EXPECT_EQ(a.modes[3].label, "cubin-cached@gpu1");
  EXPECT_EQ(a.env.gpu_name, "NVIDIA H100 80GB HBM3");
  const auto cmp = tb::bench::compare::compare_runs(a, b, {});
  const auto verdict_of = [&](const std::string& label) {
    for (const auto& row : cmp.rows)
      if (row.mode == label && row.metric == "host.time_per_launch") return std::string(tb::bench::compare::to_string(row.result));
    return std::string("no row");
  };
  EXPECT_EQ(verdict_of("cubin-cached@gpu0"), "same");
  EXPECT_EQ(verdict_of("cubin-cached@gpu1"), "slower");
}
