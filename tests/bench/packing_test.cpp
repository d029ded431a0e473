// Argument packing and the dispatcher against a bundle, and the AOT modes launching
// through tb::runtime with the runtime's fake driver behind them.
#include "aot_runner.hpp"
#include "fake_driver.hpp"
#include "host_data.hpp"
#include "launch_plan.hpp"
#include "synthetic_bundle.hpp"

#include <tb/runtime/bundle.hpp>
#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <chrono>

#include <cstring>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace sc = tb::scenario;
namespace rt = tb::runtime;
using namespace tb::bench;
const fs::path scenarios = TB_SCENARIOS_DIR;

struct loaded {
  sc::scenario s;
  rt::bundle b;
  explicit loaded(const char* name) {
    s = sc::load_scenario(scenarios / name);
    const fs::path dir = fs::temp_directory_path() / ("tb-packing-" + std::to_string(::getpid()) + "-" + name);
    write_synthetic_bundle(s, dir);
    const auto st = rt::bundle::load(dir, b);
    EXPECT_TRUE(st.ok()) << st.message();
  }
};

std::vector<std::uint64_t> aligned_addresses(std::size_t n) {
  std::vector<std::uint64_t> a;
  for (std::size_t i = 0; i < n; ++i) a.push_back(0x7f0000000000ULL + (i << 24));
  return a;
}

TEST(Packing, ValuesAreStoredAsTheKernelTakesThem) {
  loaded l("sandwich");
  const auto addresses = aligned_addresses(l.s.buffers.size());
  const auto plan = plan_launches(l.s, l.b, addresses);
  ASSERT_EQ(plan.size(), 3u);
  const auto& target = plan[1];
  EXPECT_EQ(target.grid.x, 1024u);
  // a, y, b, alpha (fp32: 4 bytes, never a double), n_elements (i32)
  // buffers in name order: a, b, c, x, y
  EXPECT_EQ(target.args[0].slot, addresses[0]);
  EXPECT_EQ(target.args[1].slot, addresses[4]);
  float alpha = 0;
  std::memcpy(&alpha, &target.args[3].slot, 4);
  EXPECT_EQ(alpha, 0.5f);
  EXPECT_EQ(target.args[3].slot >> 32, 0u);
  std::int32_t n = 0;
  std::memcpy(&n, &target.args[4].slot, 4);
  EXPECT_EQ(n, 1048576);
  const auto* spec = choose_specialization(target);
  ASSERT_NE(spec, nullptr);
  EXPECT_NE(spec->name, "generic");
  void* params[max_kernel_params + 2];
  std::fill(std::begin(params), std::end(params), reinterpret_cast<void*>(1));
  ASSERT_EQ(pack_params(target, *spec, params), 5u);
  EXPECT_EQ(params[3], &target.args[3].slot);
  EXPECT_EQ(params[5], nullptr);  // scratch slots cleared for the runtime
  EXPECT_EQ(params[6], nullptr);
}

TEST(Packing, ScalarsArePackedAsTritonsLauncherPacksThem) {
  // bf16: Triton's pack_bf16 keeps the fp32 bits' top half (0.1f = 0x3dcccccd -> 0x3dcc),
  // where rounding to nearest would give 0x3dcd: the JIT would then run other inputs.
  EXPECT_EQ(encode_scalar("bf16", tb::scenario::number{0.1}), 0x3dccu);
  EXPECT_EQ(encode_scalar("bf16", tb::scenario::number{-2.0}), 0xc000u);
  EXPECT_EQ(encode_scalar("fp16", tb::scenario::number{0.1}), 0x2e66u);
  float f = 0;
  const std::uint64_t fp32 = encode_scalar("fp32", tb::scenario::number{1.5});
  std::memcpy(&f, &fp32, 4);
  EXPECT_EQ(f, 1.5f);
  EXPECT_EQ(fp32 >> 32, 0u);
  EXPECT_EQ(encode_scalar("i32", tb::scenario::number{std::int64_t{-1}}), 0xffffffffu);
  EXPECT_EQ(encode_scalar("i64", tb::scenario::number{std::int64_t{-1}}), ~std::uint64_t{0});
}

TEST(Packing, DispatcherPicksTheMostSpecialisedMatch) {
  loaded l("dynamic_shapes");
  const auto plan = plan_launches(l.s, l.b, aligned_addresses(l.s.buffers.size()));
  ASSERT_EQ(plan.size(), 4u);
  std::vector<std::string> chosen;
  for (const auto& p : plan) chosen.push_back(choose_specialization(p)->name);
  EXPECT_EQ(chosen, (std::vector<std::string>{"x_ptr16.out_ptr16.n_elements16", "x_ptr16.out_ptr16",
                                              "x_ptr16.out_ptr16.n_elements1", "generic"}));
  // n_elements == 1 is folded into the code: the kernel takes one parameter fewer
  void* params[max_kernel_params + 2];
  EXPECT_EQ(pack_params(plan[2], *choose_specialization(plan[2]), params), 4u);
  EXPECT_EQ(pack_params(plan[0], *choose_specialization(plan[0]), params), 5u);
}

TEST(Packing, MisalignedBufferFallsBackOrFails) {
  loaded l("sandwich");
  auto addresses = aligned_addresses(l.s.buffers.size());
  addresses[3] += 4;  // x not 16-byte aligned: sandwich compiles the generic kernel too
  const auto plan = plan_launches(l.s, l.b, addresses);
  EXPECT_EQ(choose_specialization(plan[0])->name, "generic");
  loaded m("many_kernels");  // only the all-aligned specialisation: no kernel accepts it
  auto a2 = aligned_addresses(m.s.buffers.size());
  a2[24] += 4;  // x (after t00 .. t23)
  EXPECT_EQ(choose_specialization(plan_launches(m.s, m.b, a2)[0]), nullptr);
}

TEST(Packing, BundleWithoutTheKernelIsAnError) {
  loaded l("sandwich");
  auto other = sc::load_scenario(scenarios / "vector_add");
  try {
    plan_launches(other, l.b, aligned_addresses(other.buffers.size()));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("has no kernel 'add_kernel'"), std::string::npos) << e.what();
  }
}

TEST(AotModes, EveryModeLaunchesTheSequenceThroughTheRuntime) {
  loaded l("sandwich");
  for (const auto& info : mode_table) {
    if (!info.aot) continue;
    const std::string mode(info.name);
    tb::test::fake_driver fake;
    fake.install();
    fake.make_current(0);
    {
      device_session session(0);
      EXPECT_EQ(session.compute_capability(), 90);
      const auto initial = initial_buffers(l.s);
      const auto& addresses = session.allocate(initial);
      ASSERT_EQ(addresses.size(), 5u);
      const auto plan = plan_launches(l.s, l.b, addresses);
      aot_mode_runner runner(info.value, session, plan);
      session.upload(initial);
      runner.prepare();
      fake.clear_calls();
      runner.run_iteration();
      runner.run_iteration();
      session.synchronize();
      if (mode == "graph") {
        EXPECT_EQ(fake.count("cuGraphLaunch"), 2) << mode;
        EXPECT_EQ(fake.count("cuLaunchKernel"), 0) << mode;
      } else {
        EXPECT_EQ(fake.count("cuLaunchKernel") + fake.count("cuLaunchKernelEx"), 6) << mode;
        const bool per_call = mode == "ptx" || mode == "cubin";
        EXPECT_EQ(fake.count("cuModuleLoadData") > 0, per_call) << mode;
      }
      if (mode == "driver") {  // bare launches: no context query, nothing else
        std::vector<std::string> expected(6, "cuLaunchKernel");
        expected.push_back("cuStreamSynchronize");  // session.synchronize()
        EXPECT_EQ(fake.calls(), expected) << mode;
      }
      const auto sel = runner.selections();
      ASSERT_EQ(sel.size(), 3u);
      EXPECT_NE(sel[1].spec, nullptr);
    }
    EXPECT_EQ(fake.count("cuDevicePrimaryCtxRelease"), 1) << mode;
  }
}

// driver launches what cubin-cached launches: the same functions, grids, blocks and
// argument values, only resolved before the rounds.
TEST(AotModes, DriverModeLaunchesWhatCubinCachedLaunches) {
  loaded l("sandwich");
  std::vector<std::vector<std::uint64_t>> args[2];
  std::vector<tb::test::fake_launch> launches[2];
  int i = 0;
  for (const mode m : {mode::cubin_cached, mode::driver}) {
    tb::test::fake_driver fake;
    fake.install();
    fake.make_current(0);
    device_session session(0);
    const auto initial = initial_buffers(l.s);
    const auto plan = plan_launches(l.s, l.b, session.allocate(initial));
    aot_mode_runner runner(m, session, plan);
    runner.prepare();
    fake.clear_calls();
    runner.run_iteration();
    launches[i] = fake.launches();
    for (const auto& launch : plan) {
      std::vector<std::uint64_t> values;
      for (const auto& a : launch.args) values.push_back(a.slot);
      args[i].push_back(values);
    }
    ++i;
  }
  ASSERT_EQ(launches[0].size(), 3u);
  ASSERT_EQ(launches[1].size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(launches[0][k].grid[0], launches[1][k].grid[0]) << k;
    EXPECT_EQ(launches[0][k].block[0], launches[1][k].block[0]) << k;
    EXPECT_EQ(launches[0][k].shared, launches[1][k].shared) << k;
  }
  EXPECT_EQ(args[0], args[1]);
}

// --test-launch-delay: every launch through the launcher waits at least the delay first
// (a known regression); driver, the floor without a launcher, does not (compare's control).
TEST(AotModes, TestLaunchDelayWaitsBeforeEveryLauncherLaunchNotDriver) {
  loaded l("sandwich");
  for (const mode m : {mode::cubin_cached, mode::library, mode::driver}) {
    tb::test::fake_driver fake;
    fake.install();
    fake.make_current(0);
    device_session session(0);
    const auto initial = initial_buffers(l.s);
    const auto plan = plan_launches(l.s, l.b, session.allocate(initial));
    aot_mode_runner runner(m, session, plan);
    runner.prepare();
    runner.set_test_launch_delay(2'000'000);  // 2 ms, far above the fake's own cost
    const auto start = std::chrono::steady_clock::now();
    runner.run_iteration();
    const auto took = std::chrono::steady_clock::now() - start;
    if (m == mode::driver) EXPECT_LT(took, std::chrono::milliseconds(2)) << to_string(m);
    else EXPECT_GE(took, std::chrono::milliseconds(6)) << to_string(m);  // 3 launches x 2 ms
  }
}

TEST(AotModes, DriverFailureNamesTheCall) {
  tb::test::fake_driver fake;
  fake.install();
  fake.fail["cuMemAlloc"] = CUDA_ERROR_OUT_OF_MEMORY;
  loaded l("vector_add");
  device_session session(0);
  try {
    session.allocate(initial_buffers(l.s));
    FAIL();
  } catch (const device_error& e) {
    EXPECT_NE(std::string(e.what()).find("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY"), std::string::npos) << e.what();
  }
}

}  // namespace
