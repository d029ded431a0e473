// A kernel compiled from a Triton IR file (tests/compiler/ir_kernel/add_kernel.ttir,
// issue 17) runs through its generated launcher in every load mode, and its output is
// bit for bit that of the same kernel compiled from its Python source (the shipped
// vector_add, whose cubin compiler.jit_identity_gpu checks against Triton's JIT) and
// of the host's x + y. Skipped, with the reason, without a GPU.
#include "../common/cuda_test_driver.hpp"

#include <ir_kernel_kernels.hpp>
#include <vector_add_kernels.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

namespace {

using tb::test::device_buffer;
using tb::runtime::load_mode;

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class IrSource : public ::testing::TestWithParam<load_mode> {
 protected:
  IrSource() : m_runtime(GetParam()) {}
  tb::runtime::runtime m_runtime;
};

TEST_P(IrSource, MatchesThePythonSourcedKernel) {
  const int n = 1 << 16;  // a multiple of 16: the IR's (only) specialisation
  const auto x = random_floats(n, 1), y = random_floats(n, 2);
  device_buffer<float> dx(n), dy(n), from_ir(n), from_python(n);
  dx.upload(x);
  dy.upload(y);
  from_ir.poison();
  from_python.poison();
  const tb::runtime::launch_grid grid{static_cast<std::uint32_t>(n / 1024)};
  const auto a = tb_aot::ir_kernel::add_kernel(nullptr, grid, dx.ptr(), dy.ptr(), from_ir.ptr(), n,
                                               tb_aot::ir_kernel::add_kernel_variant::b1024, m_runtime);
  ASSERT_TRUE(a.ok()) << a.message();
  const auto b = tb_aot::vector_add::add_kernel(nullptr, grid, dx.ptr(), dy.ptr(), from_python.ptr(), n,
                                                tb_aot::vector_add::add_kernel_variant::b1024, m_runtime);
  ASSERT_TRUE(b.ok()) << b.message();
  std::vector<float> want(n);
  for (int i = 0; i < n; ++i) want[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(i)] + y[static_cast<std::size_t>(i)];
  const auto got_ir = from_ir.download(), got_python = from_python.download();
  EXPECT_TRUE(same_bits(got_ir, got_python)) << "the IR-sourced kernel differs from the Python-sourced one";
  EXPECT_TRUE(same_bits(got_ir, want)) << "the IR-sourced kernel differs from x + y";
}

// The IR holds one specialisation: a size that is no multiple of 16 finds no kernel,
// and the launcher refuses instead of running the wrong one.
TEST_P(IrSource, RefusesArgumentsOutsideItsSpecialisation) {
  device_buffer<float> dx(1000), dy(1000), dout(1000);
  const auto s = tb_aot::ir_kernel::add_kernel(nullptr, {1}, dx.ptr(), dy.ptr(), dout.ptr(), 1000,
                                               tb_aot::ir_kernel::add_kernel_variant::b1024, m_runtime);
  EXPECT_FALSE(s.ok());
}

INSTANTIATE_TEST_SUITE_P(EveryMode, IrSource,
                         ::testing::Values(load_mode::ptx, load_mode::cubin, load_mode::ptx_cached,
                                           load_mode::cubin_cached, load_mode::library),
                         [](const auto& param_info) {
                           std::string name(tb::runtime::to_string(param_info.param));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace

TB_GPU_TEST_MAIN()
