#include "fake_kernels.hpp"

#include <tb/runtime/runtime.hpp>

#include <gtest/gtest.h>

namespace tb::test {
namespace {

using runtime::choose_image;

TEST(ImageChoice, ExactCubinWins) {
  test_kernel k("k", 1, {ptx80(), cubin80(), cubin90(), ptx90a()});
  EXPECT_EQ(choose_image(k.binary, 90, false), &k.images[2]);
  EXPECT_EQ(choose_image(k.binary, 80, false), &k.images[1]);
}

TEST(ImageChoice, FallsBackToHighestLoadablePtx) {
  test_kernel k("k", 1, {ptx80(), cubin90(), ptx90a()});
  // sm_86: no cubin; sm_90a PTX is arch-specific; sm_80 PTX loads.
  EXPECT_EQ(choose_image(k.binary, 86, false), &k.images[0]);
  // sm_100: the sm_90 cubin and sm_90a PTX do not run there; sm_80 PTX does.
  EXPECT_EQ(choose_image(k.binary, 100, false), &k.images[0]);
}

TEST(ImageChoice, ArchSpecificPtxOnlyOnItsArch) {
  test_kernel k("k", 1, {ptx80(), ptx90a()});
  EXPECT_EQ(choose_image(k.binary, 90, true), &k.images[1]);
  EXPECT_EQ(choose_image(k.binary, 100, true), &k.images[0]);
  EXPECT_TRUE(runtime::ptx_loads_on(k.images[1], 90));
  EXPECT_FALSE(runtime::ptx_loads_on(k.images[1], 100));
  EXPECT_TRUE(runtime::ptx_loads_on(k.images[0], 120));
  EXPECT_FALSE(runtime::ptx_loads_on(k.images[0], 75));
}

TEST(ImageChoice, PtxWithoutTargetLineFollowsTritonsRule) {
  static const unsigned char no_target[] = "// no target line\n";
  runtime::kernel_image img = ptx80();
  img.data = no_target;
  img.size = sizeof(no_target) - 1;
  img.arch = 90;  // Triton: sm_90a
  EXPECT_TRUE(runtime::ptx_loads_on(img, 90));
  EXPECT_FALSE(runtime::ptx_loads_on(img, 100));
  img.arch = 80;
  EXPECT_TRUE(runtime::ptx_loads_on(img, 90));
}

TEST(ImageChoice, FamilySpecificPtx) {
  static const unsigned char family[] = ".target sm_100f\n";
  runtime::kernel_image img = ptx80();
  img.data = family;
  img.size = sizeof(family) - 1;
  img.arch = 100;
  EXPECT_TRUE(runtime::ptx_loads_on(img, 103));
  EXPECT_FALSE(runtime::ptx_loads_on(img, 120));
  EXPECT_FALSE(runtime::ptx_loads_on(img, 90));
}

TEST(ImageChoice, PtxOnlySkipsCubins) {
  test_kernel k("k", 1, {cubin90(), ptx80()});
  EXPECT_EQ(choose_image(k.binary, 90, true), &k.images[1]);
}

TEST(ImageChoice, NothingFits) {
  test_kernel k("k", 1, {cubin90(), ptx90a()});
  EXPECT_EQ(choose_image(k.binary, 80, false), nullptr);
  EXPECT_EQ(choose_image(k.binary, 89, false), nullptr);
  test_kernel empty("e", 1, {});
  EXPECT_EQ(choose_image(empty.binary, 90, false), nullptr);
}

TEST(LoadMode, NamesRoundTrip) {
  for (auto mode : {runtime::load_mode::ptx, runtime::load_mode::cubin, runtime::load_mode::ptx_cached,
                    runtime::load_mode::cubin_cached, runtime::load_mode::library}) {
    EXPECT_EQ(runtime::parse_load_mode(runtime::to_string(mode)), mode);
  }
  EXPECT_EQ(runtime::to_string(runtime::load_mode::cubin_cached), "cubin-cached");
  EXPECT_FALSE(runtime::parse_load_mode("cubin_cached").has_value());
}

TEST(Status, OkAndError) {
  runtime::status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(ok.message().empty());
  EXPECT_EQ(ok.driver_code(), 0);
  auto e = runtime::status::error("boom", 200);
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.message(), "boom");
  EXPECT_EQ(e.driver_code(), 200);
}

}  // namespace
}  // namespace tb::test
