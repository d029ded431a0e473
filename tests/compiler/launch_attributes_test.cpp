// Launch attributes end to end on the CPU (issue 16): the generated launchers of the
// pdl_chain and cluster scenarios, compiled by triton-aot, launched in every load mode
// behind the recording fake driver. Kernels whose variant sets an attribute go through
// cuLaunchKernelEx with exactly that attribute; every other kernel keeps the plain
// cuLaunchKernel, with no new launcher argument.
#include <cluster_kernels.hpp>
#include <pdl_chain_kernels.hpp>

#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tb::test {
namespace {

using runtime::load_mode;

constexpr runtime::device_ptr a = 0x7f0000000000, b = a + 0x1000000, c = b + 0x1000000;
constexpr std::uint32_t programs = 1024;
constexpr std::int32_t n = 1 << 20;

class LaunchAttributes : public ::testing::TestWithParam<load_mode> {
 protected:
  void SetUp() override { fake.install(); }
  fake_launch last() const {
    const auto all = fake.launches();
    return all.empty() ? fake_launch{} : all.back();
  }
  fake_driver fake;
  CUstream stream = reinterpret_cast<CUstream>(0x5000);
};

TEST_P(LaunchAttributes, PdlVariantsUseProgrammaticStreamSerialisationAndPlainOnesDoNot) {
  namespace pdl = tb_aot::pdl_chain;
  runtime::runtime rt(GetParam());
  using tv = pdl::target_kernel_variant;
  ASSERT_TRUE(pdl::target_kernel(stream, {programs}, a, b, c, 0.5f, n, tv::plain, rt).ok());
  fake_launch l = last();
  EXPECT_FALSE(l.ex);
  EXPECT_TRUE(l.attrs.empty());
  EXPECT_EQ(l.grid[0], programs);

  ASSERT_TRUE(pdl::target_kernel(stream, {programs}, a, b, c, 0.5f, n, tv::pdl, rt).ok());
  l = last();
  ASSERT_TRUE(l.ex);
  ASSERT_EQ(l.attrs.size(), 1u);
  EXPECT_EQ(l.attrs[0].id, CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
  EXPECT_EQ(l.attrs[0].value.programmaticStreamSerializationAllowed, 1);
  EXPECT_EQ(l.grid[0], programs);  // PDL does not change the grid
  EXPECT_EQ(l.block[0], 128u);
  EXPECT_EQ(l.stream, stream);

  // The plain path again after a PDL launch: nothing carries over.
  ASSERT_TRUE(pdl::producer_kernel(stream, {programs}, a, b, n, pdl::producer_kernel_variant::plain, rt).ok());
  EXPECT_FALSE(last().ex);
  EXPECT_EQ(fake.count("cuLaunchKernel"), 2);
  EXPECT_EQ(fake.count("cuLaunchKernelEx"), 1);
}

TEST_P(LaunchAttributes, ClusterKernelLaunchesTwoCtaClustersAndThePlainProducerDoesNot) {
  namespace cl = tb_aot::cluster;
  runtime::runtime rt(GetParam());
  ASSERT_TRUE(cl::producer_kernel(stream, {programs}, a, b, n, cl::producer_kernel_variant::w4_s3, rt).ok());
  EXPECT_FALSE(last().ex);

  ASSERT_TRUE(cl::scale_kernel(stream, {programs / 2}, b, c, n, cl::scale_kernel_variant::w4_s3_c2, rt).ok());
  const fake_launch l = last();
  ASSERT_TRUE(l.ex);
  EXPECT_EQ(l.grid[0], programs);  // 512 programs x 2 CTAs
  EXPECT_EQ(l.grid[1], 1u);
  ASSERT_EQ(l.attrs.size(), 2u);
  EXPECT_EQ(l.attrs[0].id, CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
  EXPECT_EQ(l.attrs[0].value.clusterDim.x, 2u);
  EXPECT_EQ(l.attrs[0].value.clusterDim.y, 1u);
  EXPECT_EQ(l.attrs[0].value.clusterDim.z, 1u);
  EXPECT_EQ(l.attrs[1].id, CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE);
  EXPECT_EQ(l.attrs[1].value.clusterSchedulingPolicyPreference, CU_CLUSTER_SCHEDULING_POLICY_SPREAD);
  // A cluster of 2 is portable: no NON_PORTABLE_CLUSTER_SIZE_ALLOWED attribute is set.
  for (const auto& [attribute, value] : fake.func_attributes()) {
    EXPECT_NE(attribute, CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED) << value;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMode, LaunchAttributes,
                         ::testing::Values(load_mode::ptx, load_mode::cubin, load_mode::ptx_cached,
                                           load_mode::cubin_cached, load_mode::library),
                         [](const auto& param_info) {
                           std::string name(runtime::to_string(param_info.param));
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace tb::test
