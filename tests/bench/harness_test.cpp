// run_benchmark end to end on the runtime's fake driver (no GPU): the driver launches
// nothing and copies nothing back, so a scenario with a host reference must fail its
// check in every mode and never be timed, and one without a reference runs the whole
// untraced method (warm-up, settling, rounds) with its outputs marked unchecked.
#include "fake_driver.hpp"
#include "harness.hpp"
#include "synthetic_bundle.hpp"

#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace sc = tb::scenario;
using namespace tb::bench;
const fs::path scenarios = TB_SCENARIOS_DIR;

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tb-harness-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

run_options options_for(const fs::path& bundle, std::vector<std::string> modes) {
  run_options o;
  o.modes = std::move(modes);
  o.bundle_dir = bundle;
  o.source_dir = TB_SOURCE_DIR;
  o.traced_rounds = 0;  // no CUPTI on a machine without a driver
  o.cpu = run_options::no_cpu;
  o.quiet = true;
  return o;
}

TEST(Harness, WrongResultsFailEveryModeAndAreNeverTimed) {
  const sc::scenario s = sc::load_scenario(scenarios / "sandwich");
  const fs::path bundle = temp_dir("sandwich");
  write_synthetic_bundle(s, bundle);
  tb::test::fake_driver fake;
  fake.install();
  fake.make_current(0);

  const results r = run_benchmark(s, options_for(bundle, {"cubin-cached", "cubin-cached", "graph"}));

  ASSERT_EQ(r.modes.size(), 3u);
  EXPECT_EQ(r.modes[0].label(), "cubin-cached");
  EXPECT_EQ(r.modes[1].label(), "cubin-cached#2");
  for (const auto& m : r.modes) {
    EXPECT_EQ(m.status, "failed") << m.label();
    EXPECT_EQ(m.check, "failed") << m.label();
    EXPECT_NE(m.error.find("wrong results: buffer"), std::string::npos) << m.error;
    EXPECT_EQ(m.iterations, 0u) << m.label();
    EXPECT_EQ(m.find("host.time_per_launch"), nullptr) << m.label();
  }
  // Only the check ran: one iteration of 3 launches per cubin-cached instance and the
  // graph's capture, one replay; no warm-up, no rounds.
  EXPECT_EQ(fake.count("cuLaunchKernel") + fake.count("cuLaunchKernelEx"), 9);
  EXPECT_EQ(fake.count("cuGraphLaunch"), 1);
  EXPECT_EQ(r.stop_reason, "none");
  EXPECT_TRUE(repeat_agreements(r).empty());
  ASSERT_EQ(r.kernels.size(), 3u);  // the image each launch runs, with its digest
  EXPECT_EQ(r.kernels[1].kernel, "target_kernel");
  EXPECT_EQ(r.kernels[1].sha256.size(), 64u);
  fs::remove_all(bundle);
}

TEST(Harness, WithoutAReferenceTheModesRunUncheckedThroughEveryRound) {
  // vector_add under another name: the host reference is keyed by scenario and kernel.
  const fs::path dir = temp_dir("unreferenced");
  fs::copy(scenarios / "vector_add", dir, fs::copy_options::recursive);
  {
    std::ifstream in(dir / "scenario.toml");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    text.replace(text.find("name = \"vector_add\""), 19, "name = \"no_reference\"");
    std::ofstream(dir / "scenario.toml") << text;
  }
  const sc::scenario s = sc::load_scenario(dir);
  ASSERT_EQ(s.name, "no_reference");
  const fs::path bundle = temp_dir("unreferenced-bundle");
  write_synthetic_bundle(s, bundle);
  tb::test::fake_driver fake;
  fake.install();
  fake.make_current(0);

  run_options o = options_for(bundle, {"cubin-cached", "cubin-cached"});
  o.rounds = 3;
  o.iterations = 40;
  const results r = run_benchmark(s, o);

  EXPECT_EQ(r.stop_reason, "rounds");
  EXPECT_EQ(r.rounds, 3);
  EXPECT_EQ(r.traced_rounds, 0);
  EXPECT_EQ(r.host_timing, "back-to-back");
  EXPECT_GT(r.gpu_warmup_s, 0.0);  // the settling warm-up ran
  ASSERT_EQ(r.modes.size(), 2u);
  for (const auto& m : r.modes) {
    EXPECT_EQ(m.status, "ok") << m.error;
    EXPECT_EQ(m.check, "unchecked");
    EXPECT_NE(m.check_message.find("no host reference for"), std::string::npos) << m.check_message;
    const metric_result* host = m.find("host.time_per_launch");
    ASSERT_NE(host, nullptr);
    EXPECT_EQ(host->samples.size(), 3u * 40u);  // 3 rounds of 40 (a fake launch is far under 0.25 s)
    EXPECT_EQ(m.iterations, 120u);
    EXPECT_EQ(m.find("host.time_per_launch_traced"), nullptr);  // no traced rounds
    EXPECT_EQ(m.find("gap.before_target"), nullptr);            // no trace
  }
  ASSERT_EQ(repeat_agreements(r).size(), 1u);
  EXPECT_EQ(repeat_agreements(r)[0].repeat, "cubin-cached#2");
  fs::remove_all(bundle);
  fs::remove_all(dir);
}

}  // namespace
