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

run_options options_for(const fs::path& bundle, std::vector<mode> modes) {
  run_options o;
  o.modes = std::move(modes);
  o.bundle_dir = bundle;
  o.jit_runner = fs::path(TB_SOURCE_DIR) / "bench" / "jit_runner.py";
  o.frontend_dir = fs::path(TB_SOURCE_DIR) / "compiler" / "python";
  o.python = "python3";
  o.jit_check = false;  // the tests of the JIT oracle below run a stand-in for it
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

  const results r = run_benchmark(s, options_for(bundle, {mode::cubin_cached, mode::cubin_cached, mode::graph}));

  ASSERT_EQ(r.modes.size(), 3u);
  EXPECT_EQ(r.modes[0].label(), "cubin-cached");
  EXPECT_EQ(r.modes[1].label(), "cubin-cached#2");
  for (const auto& m : r.modes) {
    EXPECT_EQ(m.status, "failed") << m.label();
    EXPECT_EQ(m.check.status, "failed") << m.label();
    EXPECT_EQ(m.check.kind, check_kind::host_model) << m.label();
    ASSERT_TRUE(m.check.worst) << m.label();
    EXPECT_NE(m.error.find("wrong results: host model: buffer"), std::string::npos) << m.error;
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

// Issue 16: --pdl's scenarios through the harness on the fake driver. With PDL on, every
// launch of every AOT mode (graph's capture and driver's bare launch included) is one
// cuLaunchKernelEx with programmatic stream serialisation; as written (off), none is.
TEST(Harness, PdlChainLaunchesWithTheAttributeOnlyWhenOn) {
  const sc::scenario s = sc::load_scenario(scenarios / "pdl_chain");
  const fs::path bundle = temp_dir("pdl_chain");
  write_synthetic_bundle(s, bundle);
  for (bool on : {false, true}) {
    tb::test::fake_driver fake;
    fake.install();
    fake.make_current(0);
    const results r = run_benchmark(sc::with_launch_pdl(s, on),
                                    options_for(bundle, {mode::cubin_cached, mode::graph, mode::driver}));
    ASSERT_EQ(r.kernels.size(), 3u);
    for (const auto& k : r.kernels) {
      EXPECT_EQ(k.variant, on ? "pdl" : "plain") << k.kernel;
    }
    const auto launches = fake.launches();
    ASSERT_FALSE(launches.empty());
    for (const auto& l : launches) {
      EXPECT_EQ(l.ex, on);
      ASSERT_EQ(l.attrs.size(), on ? 1u : 0u);
      if (on) {
        EXPECT_EQ(l.attrs[0].id, CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
      }
    }
  }
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

  run_options o = options_for(bundle, {mode::cubin_cached, mode::cubin_cached});
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
    EXPECT_EQ(m.check.kind, check_kind::unchecked);
    EXPECT_NE(m.check.message.find("no host model for add_kernel"), std::string::npos) << m.check.message;
    const metric_result* host = m.find("host.time_per_launch");
    ASSERT_NE(host, nullptr);
    EXPECT_EQ(host->samples.size(), 3u * 40u);  // 3 rounds of 40 (a fake launch is far under 0.25 s)
    EXPECT_EQ(m.iterations, 120u);
    EXPECT_EQ(m.find("host.time_per_launch_traced"), nullptr);  // no traced rounds
    EXPECT_EQ(m.find("tracer.cost_per_launch"), nullptr);
    EXPECT_EQ(m.find("gap.before_target"), nullptr);            // no trace
    // One event window per batch (40 launches, under 256): the fake's 0.5 ms over them.
    const metric_result* gpu = m.find("gpu.time_per_launch_untraced");
    ASSERT_NE(gpu, nullptr);
    EXPECT_EQ(gpu->samples, (std::vector<double>{12500, 12500, 12500}));
    EXPECT_EQ(m.find("gap.untraced_mean"), nullptr);
    EXPECT_EQ(m.not_measured, (std::vector<unmeasured_metric>{
                                  {"gap.untraced_mean", "no traced rounds: the kernels' durations come from them"}}));
  }
  // Two events per batch, nothing per launch: 2 modes x 3 rounds.
  EXPECT_EQ(fake.count("cuEventCreate"), 12);
  EXPECT_EQ(fake.count("cuEventRecord"), 12);
  EXPECT_EQ(fake.count("cuEventElapsedTime"), 6);
  EXPECT_EQ(fake.count("cuEventDestroy"), 12);
  ASSERT_EQ(repeat_agreements(r).size(), 1u);
  EXPECT_EQ(repeat_agreements(r)[0].repeat, "cubin-cached#2");
  fs::remove_all(bundle);
  fs::remove_all(dir);
}

// The JIT as the oracle, with tests/bench/fake_jit_runner.py standing in for Triton's.
struct oracle_fixture {
  fs::path scenario_dir = temp_dir("oracle");
  fs::path bundle = temp_dir("oracle-bundle");
  sc::scenario s;
  oracle_fixture() {
    fs::copy(scenarios / "vector_add", scenario_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::ifstream in(scenario_dir / "scenario.toml");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    text.replace(text.find("name = \"vector_add\""), 19, "name = \"user_kernels\"");  // no host model
    std::ofstream(scenario_dir / "scenario.toml") << text;
    s = sc::load_scenario(scenario_dir);
    write_synthetic_bundle(s, bundle);
  }
  ~oracle_fixture() {
    for (const auto& d : {scenario_dir, bundle}) fs::remove_all(d);
    for (const char* v : {"FAKE_JIT_PERTURB", "FAKE_JIT_BUNDLE", "FAKE_JIT_FAIL"}) ::unsetenv(v);
  }
  results run(std::vector<mode> modes) {
    run_options o = options_for(bundle, std::move(modes));
    o.jit_check = true;
    o.jit_runner = fs::path(TB_SOURCE_DIR) / "tests" / "bench" / "fake_jit_runner.py";
    o.rounds = 1;
    o.iterations = 5;
    tb::test::fake_driver fake;
    fake.install();
    fake.make_current(0);
    return run_benchmark(s, o);
  }
};

TEST(HarnessOracle, SameCodeMeansBitExactAgainstTheJit) {
  oracle_fixture f;
  ::setenv("FAKE_JIT_BUNDLE", f.bundle.c_str(), 1);  // the JIT "built" the AOT cubin
  const results r = f.run({mode::cubin_cached, mode::graph, mode::jit});
  ASSERT_EQ(r.code.size(), 1u);
  EXPECT_EQ(r.code[0].verdict, "identical-file");
  for (const auto& m : r.modes) {
    EXPECT_EQ(m.status, "ok") << m.label() << ": " << m.error;
    if (m.mode == mode::jit) {
      EXPECT_EQ(m.check.kind, check_kind::oracle);
      // The runner's events: one window of 5 iterations, 2 us of GPU time each.
      const metric_result* gpu = m.find("gpu.time_per_launch_untraced");
      ASSERT_NE(gpu, nullptr);
      ASSERT_EQ(gpu->samples.size(), 1u);
      EXPECT_DOUBLE_EQ(gpu->samples[0], 2000);
    } else {
      EXPECT_EQ(m.check.kind, check_kind::jit_exact) << m.label();
      EXPECT_EQ(m.check.status, "passed") << m.label();
      EXPECT_NE(m.check.message.find("bit-exact"), std::string::npos) << m.check.message;
    }
  }
  EXPECT_EQ(r.torch_version, "fake");
}

TEST(HarnessOracle, OtherCodeIsCheckedWithinTheToleranceAndTheWorstElementNamed) {
  oracle_fixture f;  // no cubin from the JIT: the code cannot be shown to be the same
  ::setenv("FAKE_JIT_PERTURB", "out:17:5.0", 1);  // 'out' starts at 0: the JIT says 5 there
  const results r = f.run({mode::cubin_cached});
  ASSERT_EQ(r.modes.size(), 1u);
  const auto& m = r.modes[0];
  EXPECT_EQ(m.check.kind, check_kind::jit_tolerance);
  EXPECT_EQ(m.check.status, "failed");
  EXPECT_EQ(m.status, "failed");
  ASSERT_TRUE(m.check.worst);
  EXPECT_EQ(m.check.worst->buffer, "out");
  EXPECT_EQ(m.check.worst->index, 17);
  EXPECT_DOUBLE_EQ(m.check.worst->expected, 5.0);
  EXPECT_DOUBLE_EQ(m.check.worst->got, 0.0);
  EXPECT_NE(m.error.find("wrong results: JIT: buffer 'out'[17]: got 0, expected 5"), std::string::npos) << m.error;
  EXPECT_EQ(m.iterations, 0u);  // never timed
}

TEST(HarnessOracle, NoJitAndNoModelLeavesTheModesUncheckedAndSaysWhy) {
  oracle_fixture f;
  ::setenv("FAKE_JIT_FAIL", "1", 1);
  const results r = f.run({mode::cubin_cached});
  ASSERT_EQ(r.modes.size(), 1u);
  EXPECT_EQ(r.modes[0].status, "ok");
  EXPECT_EQ(r.modes[0].check.kind, check_kind::unchecked);
  EXPECT_NE(r.modes[0].check.message.find("the JIT did not run"), std::string::npos) << r.modes[0].check.message;
}

TEST(HarnessOracle, TheJitModeFailsWhenTheJitCannotRun) {
  oracle_fixture f;
  ::setenv("FAKE_JIT_FAIL", "1", 1);
  const results r = f.run({mode::jit, mode::cubin_cached});
  EXPECT_EQ(r.modes[0].status, "failed");
  EXPECT_NE(r.modes[0].error.find("the JIT did not run"), std::string::npos) << r.modes[0].error;
  EXPECT_EQ(r.modes[1].status, "ok");
}

}  // namespace
