// Initial values, element conversion, the output comparison and the host reference.
#include "host_data.hpp"
#include "reference.hpp"

#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace {

namespace sc = tb::scenario;
using namespace tb::bench;
const std::filesystem::path scenarios = TB_SCENARIOS_DIR;

TEST(HostData, HalfConversionRoundsToNearestEven) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half(1e6f), 0x7c00);
  EXPECT_EQ(float_to_half(5.960464477539063e-08f), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);      // a tie goes to even
  EXPECT_EQ(float_to_half(1.0f + 3.0f / 2048), 0x3c02);
  for (std::uint32_t h = 0; h < 0x7c00; ++h) EXPECT_EQ(float_to_half(half_to_float(static_cast<std::uint16_t>(h))), h);
  EXPECT_EQ(bfloat16_to_float(float_to_bfloat16(1.5f)), 1.5f);
}

TEST(HostData, RandomInitialValuesAreReproducibleAndInRange) {
  const auto s = sc::load_scenario(scenarios / "sandwich");
  const auto a = initial_buffers(s);
  const auto b = initial_buffers(s);
  ASSERT_EQ(a.size(), s.buffers.size());
  // buffers are kept in name order: a, b, c, x, y
  ASSERT_EQ(a[3].name, "x");
  EXPECT_EQ(a[3].bytes, b[3].bytes);
  EXPECT_NE(a[3].bytes, a[4].bytes);  // seeds 1 and 2
  for (std::int64_t i = 0; i < 1000; ++i) {
    EXPECT_GE(a[3].get(i), -1.0);
    EXPECT_LT(a[3].get(i), 1.0);
  }
  EXPECT_EQ(a[0].get(7), 0.0);  // a = 0.0
  // splitmix64's first output from 0 (the documented generator)
  std::uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xe220a8397b1dcdafULL);
}

TEST(Reference, SandwichComputesTheChain) {
  const auto s = sc::load_scenario(scenarios / "sandwich");
  auto b = initial_buffers(s);
  run_reference(s, b);
  for (std::int64_t i : {0, 1, 4095, 1048575}) {
    const float x = static_cast<float>(b[3].get(i)), y = static_cast<float>(b[4].get(i));
    const float a = x * 2.0f + 1.0f;
    const float t = a * 0.5f + y;
    EXPECT_FLOAT_EQ(static_cast<float>(b[0].get(i)), a);
    EXPECT_FLOAT_EQ(static_cast<float>(b[1].get(i)), t);
    EXPECT_FLOAT_EQ(static_cast<float>(b[2].get(i)), std::max(t - 1.0f, 0.0f));
  }
}

TEST(Reference, EveryShippedScenarioHasOne) {
  for (const char* name : {"vector_add", "sandwich", "softmax", "many_kernels", "dynamic_shapes", "scalar_args", "matmul",
                           "pdl_chain", "cluster"})
    EXPECT_TRUE(kernels_without_reference(sc::load_scenario(scenarios / name)).empty()) << name;
}

TEST(Reference, DynamicShapesWritesOnlyWhatEachLaunchCovers) {
  const auto s = sc::load_scenario(scenarios / "dynamic_shapes");
  auto b = initial_buffers(s);
  run_reference(s, b);
  // name order: out_n16, out_odd, out_one, out_view, x
  const auto& x = b[4];
  ASSERT_EQ(x.name, "x");
  EXPECT_FLOAT_EQ(static_cast<float>(b[1].get(999)), static_cast<float>(x.get(999)) * 2.0f + 1.0f);  // out_odd
  EXPECT_EQ(b[1].get(1000), 0.0);
  EXPECT_FLOAT_EQ(static_cast<float>(b[2].get(0)), static_cast<float>(x.get(0)) * 2.0f + 1.0f);      // out_one
  EXPECT_EQ(b[2].get(1), 0.0);
  EXPECT_EQ(b[3].get(0), 0.0);                                                                       // out_view + 1
  EXPECT_FLOAT_EQ(static_cast<float>(b[3].get(4095)), static_cast<float>(x.get(4095)) * 2.0f + 1.0f);
}

TEST(Reference, SoftmaxRowsSumToOne) {
  const auto s = sc::load_scenario(scenarios / "softmax");
  auto b = initial_buffers(s);
  run_reference(s, b);
  for (std::int64_t row : {0, 4095}) {
    double sum = 0;
    for (std::int64_t c = 0; c < 1024; ++c) sum += b[0].get(row * 1024 + c);  // out (name order)
    EXPECT_NEAR(sum, 1.0, 1e-4);
  }
}

}  // namespace
