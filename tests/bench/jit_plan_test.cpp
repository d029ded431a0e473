// The launch plan the JIT runner runs: resolved from the scenario once, every value as
// the AOT side launches it, and a lossless JSON round trip.
#include "jit_plan.hpp"

#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace tb::bench {
namespace {

namespace fs = std::filesystem;
const fs::path scenarios = TB_SCENARIOS_DIR;

TEST(JitPlan, ScalarArgsResolvesEveryValueAsTheAotSideLaunchesIt) {
  const auto s = tb::scenario::load_scenario(scenarios / "scalar_args");
  const jit_plan p = make_jit_plan(s, "/tmp/init", {"x_ptr16.y_ptr16.out_ptr16"});
  EXPECT_EQ(p.scenario, "scalar_args");
  ASSERT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(p.kernels[0].module, "scalar_args/kernels.py");
  EXPECT_EQ(fs::path(p.kernels[0].source), s.dir / "kernels.py");
  ASSERT_EQ(p.buffers.size(), 3u);
  for (const auto& b : p.buffers) EXPECT_EQ(b.size, 8192) << b.name;
  ASSERT_EQ(p.launches.size(), 1u);
  const auto& l = p.launches[0];
  // grid = cdiv(COUNT, BLOCK_SIZE) = cdiv(5000, 512), evaluated here, not in Python
  EXPECT_EQ(l.grid, (std::array<std::int64_t, 3>{10, 1, 1}));
  EXPECT_EQ(l.constexprs.at("BLOCK_SIZE"), 512);
  EXPECT_EQ(l.num_warps, 4);
  ASSERT_EQ(l.args.size(), 7u);
  ASSERT_TRUE(l.args[0].buffer);
  EXPECT_EQ(p.buffers[*l.args[0].buffer].name, "x");  // x_ptr = "x"
  EXPECT_EQ(l.args[0].offset, 0);
  EXPECT_EQ(std::get<double>(l.args[3].value), 1.5);    // alpha: fp32, a Python float
  EXPECT_EQ(std::get<double>(l.args[4].value), -0.25);  // beta
  EXPECT_EQ(std::get<std::int64_t>(l.args[5].value), 5000);  // n_elements = COUNT: a Python int
  EXPECT_EQ(std::get<std::int64_t>(l.args[6].value), 96);    // start = START
  EXPECT_EQ(l.specialization, "x_ptr16.y_ptr16.out_ptr16");
}

TEST(JitPlan, JsonRoundTripIsLosslessForEveryShippedScenario) {
  for (const char* name : {"vector_add", "sandwich", "softmax", "matmul", "many_kernels", "dynamic_shapes", "scalar_args",
                           "pdl_chain", "cluster"}) {
    const auto s = tb::scenario::load_scenario(scenarios / name);
    const jit_plan p = make_jit_plan(s, "/x/init");
    const nlohmann::json j = to_json(p);
    EXPECT_EQ(j.at("schema"), jit_plan_schema);
    EXPECT_EQ(jit_plan_from_json(j), p) << name;
    EXPECT_EQ(jit_plan_from_json(nlohmann::json::parse(j.dump())), p) << name;  // through text
  }
}

// Issue 16: the JIT gets each launch's launch attributes, as the AOT side compiled them.
TEST(JitPlan, CarriesTheLaunchAttributesOfEachLaunchesVariant) {
  const auto s = tb::scenario::load_scenario(scenarios / "pdl_chain");
  const jit_plan off = make_jit_plan(s, "/x");
  const jit_plan on = make_jit_plan(tb::scenario::with_launch_pdl(s, true), "/x");
  ASSERT_EQ(on.launches.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(off.launches[i].launch_pdl);
    EXPECT_EQ(off.launches[i].variant, "plain");
    EXPECT_TRUE(on.launches[i].launch_pdl);
    EXPECT_EQ(on.launches[i].variant, "pdl");
    EXPECT_EQ(on.launches[i].num_ctas, 1);
  }
  EXPECT_EQ(to_json(on)["launches"][1]["launch_pdl"], true);
  const jit_plan cluster = make_jit_plan(tb::scenario::load_scenario(scenarios / "cluster"), "/x");
  EXPECT_EQ(cluster.launches[0].num_ctas, 1);
  EXPECT_EQ(cluster.launches[1].num_ctas, 2);
  EXPECT_FALSE(cluster.launches[1].launch_cooperative_grid);
  EXPECT_EQ(to_json(cluster)["launches"][1]["num_ctas"], 2);
}

TEST(JitPlan, BadPlansNameTheItem) {
  const auto s = tb::scenario::load_scenario(scenarios / "vector_add");
  const nlohmann::json good = to_json(make_jit_plan(s, "/x"));
  auto expect_error = [&](auto change, const std::string& what) {
    nlohmann::json j = good;
    change(j);
    try {
      jit_plan_from_json(j);
      ADD_FAILURE() << "accepted: " << what;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_error([](auto& j) { j["schema"] = "x"; }, "schema");
  expect_error([](auto& j) { j["version"] = 99; }, "version");
  expect_error([](auto& j) { j["launches"][0]["args"][0]["buffer"] = 17; }, "launches[0].args[0].buffer");
  expect_error([](auto& j) { j["launches"][0].erase("grid"); }, "launches[0].grid: missing");
  expect_error([](auto& j) { j["launches"][0]["args"][3].erase("value"); }, "launches[0].args[3]");
  expect_error([](auto& j) { j["launches"][0]["kernel"] = 5; }, "launches[0].kernel");
  expect_error([](auto& j) { j["launches"][0].erase("launch_pdl"); }, "launches[0].launch_pdl: missing");
}

TEST(JitPlan, WrittenAtomically) {
  const auto s = tb::scenario::load_scenario(scenarios / "vector_add");
  const fs::path dir = fs::temp_directory_path() / ("tb-plan-" + std::to_string(::getpid()));
  const jit_plan p = make_jit_plan(s, dir / "init");
  write_jit_plan(p, dir / "plan.json");
  std::ifstream in(dir / "plan.json");
  EXPECT_EQ(jit_plan_from_json(nlohmann::json::parse(in)), p);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);  // no temporary left beside it
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tb::bench
