// Every shipped kernel, launched through its generated launcher in every load mode,
// gives what a host reference computes: random inputs, outputs poisoned (NaN) first
// so an element the kernel did not write fails the comparison.
#include "../common/cuda_test_driver.hpp"

#include <dynamic_shapes_kernels.hpp>
#include <many_kernels_kernels.hpp>
#include <matmul_kernels.hpp>
#include <sandwich_kernels.hpp>
#include <scalar_args_kernels.hpp>
#include <softmax_kernels.hpp>
#include <vector_add_kernels.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>

namespace {

using tb::test::device_buffer;
using tb::test::driver;
using tb::runtime::load_mode;

std::vector<float> random_floats(std::size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::uint32_t cdiv(std::uint64_t a, std::uint64_t b) { return static_cast<std::uint32_t>((a + b - 1) / b); }

// Element-wise comparison; NaN (an unwritten output) never passes.
::testing::AssertionResult close(const std::vector<float>& got, const std::vector<float>& want, float rel, float abs) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "size " << got.size() << " != " << want.size();
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= abs + rel * std::fabs(want[i])))
      return ::testing::AssertionFailure() << "element " << i << ": got " << got[i] << ", want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

std::uint16_t to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000;
  const int exponent = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
  std::uint32_t mantissa = x & 0x7fffff;
  if (exponent <= 0) return static_cast<std::uint16_t>(sign);  // inputs here are never tiny
  if (exponent >= 31) return static_cast<std::uint16_t>(sign | 0x7c00);
  mantissa += 0x1000;  // round to nearest
  if (mantissa & 0x800000) return static_cast<std::uint16_t>(sign | ((exponent + 1) << 10));
  return static_cast<std::uint16_t>(sign | (exponent << 10) | (mantissa >> 13));
}

float from_half(std::uint16_t h) {
  const std::uint32_t sign = (h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1f;
  const std::uint32_t mantissa = h & 0x3ffu;
  std::uint32_t x;
  if (exponent == 0) {
    if (mantissa == 0) x = sign;
    else {
      const float value = std::ldexp(static_cast<float>(mantissa), -24);
      return sign ? -value : value;
    }
  } else if (exponent == 31) {
    x = sign | 0x7f800000 | (mantissa << 13);
  } else {
    x = sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

class Launchers : public ::testing::TestWithParam<load_mode> {
 protected:
  Launchers() : m_runtime(GetParam()) {}
  void expect_ok(const tb::runtime::status& s) { ASSERT_TRUE(s.ok()) << s.message(); }
  tb::runtime::runtime m_runtime;
};

TEST_P(Launchers, VectorAddAlignedAndOddSizes) {
  using namespace tb_aot::vector_add;
  for (int n : {4096, 1000}) {  // the :16 specialisation, then the generic one
    const auto x = random_floats(static_cast<std::size_t>(n), -1, 1, 1u + static_cast<unsigned>(n));
    const auto y = random_floats(static_cast<std::size_t>(n), -1, 1, 2u + static_cast<unsigned>(n));
    device_buffer<float> dx(x.size()), dy(y.size()), dout(x.size());
    dx.upload(x);
    dy.upload(y);
    dout.poison();
    expect_ok(add_kernel(nullptr, {cdiv(n, 1024)}, dx.ptr(), dy.ptr(), dout.ptr(), n, add_kernel_variant::b1024, m_runtime));
    std::vector<float> want(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) want[i] = x[i] + y[i];
    EXPECT_TRUE(close(dout.download(), want, 0, 0)) << "n=" << n;
  }
}

TEST_P(Launchers, SandwichProducerTargetConsumer) {
  using namespace tb_aot::sandwich;
  const int n = 1 << 20;
  const auto src = random_floats(n, -2, 2, 11);
  const auto y = random_floats(n, -2, 2, 12);
  const float alpha = 0.75f;
  device_buffer<float> dsrc(n), da(n), dy(n), db(n), dout(n);
  dsrc.upload(src);
  dy.upload(y);
  for (auto* b : {&da, &db, &dout}) b->poison();
  const tb::runtime::launch_grid grid{cdiv(n, 1024)};
  expect_ok(producer_kernel(nullptr, grid, dsrc.ptr(), da.ptr(), n, producer_kernel_variant::w4_s3, m_runtime));
  expect_ok(target_kernel(nullptr, grid, da.ptr(), dy.ptr(), db.ptr(), alpha, n, target_kernel_variant::w4_s3, m_runtime));
  expect_ok(consumer_kernel(nullptr, grid, db.ptr(), dout.ptr(), n, consumer_kernel_variant::w4_s3, m_runtime));
  std::vector<float> want(n);
  for (std::size_t i = 0; i < want.size(); ++i) {
    const float a = src[i] * 2.0f + 1.0f;
    const float b = a * alpha + y[i];
    want[i] = std::max(b - 1.0f, 0.0f);
  }
  EXPECT_TRUE(close(dout.download(), want, 1e-6f, 1e-6f));
}

TEST_P(Launchers, SoftmaxBothVariants) {
  using namespace tb_aot::softmax;
  struct shape { int rows, cols, stride; softmax_kernel_variant variant; };
  for (const shape s : {shape{256, 1000, 1024, softmax_kernel_variant::cols1024},
                        shape{64, 3000, 3008, softmax_kernel_variant::cols4096}}) {
    const auto in = random_floats(static_cast<std::size_t>(s.rows) * s.stride, -4, 4, 21);
    device_buffer<float> din(in.size()), dout(in.size());
    din.upload(in);
    dout.poison();
    expect_ok(softmax_kernel(nullptr, {static_cast<std::uint32_t>(s.rows)}, dout.ptr(), din.ptr(), s.stride, s.stride,
                             s.cols, s.variant, m_runtime));
    const auto out = dout.download();
    std::vector<float> got, want;
    for (int r = 0; r < s.rows; ++r) {
      const float* row = &in[static_cast<std::size_t>(r) * s.stride];
      const float m = *std::max_element(row, row + s.cols);
      double sum = 0;
      for (int c = 0; c < s.cols; ++c) sum += std::exp(static_cast<double>(row[c] - m));
      for (int c = 0; c < s.cols; ++c) {
        want.push_back(static_cast<float>(std::exp(static_cast<double>(row[c] - m)) / sum));
        got.push_back(out[static_cast<std::size_t>(r) * s.stride + c]);
      }
    }
    EXPECT_TRUE(close(got, want, 1e-4f, 1e-7f)) << "cols=" << s.cols;
  }
}

TEST_P(Launchers, MatmulEveryTileSizeIncludingOver48KiBSharedMemory) {
  using namespace tb_aot::matmul;
  const int m = 512, n = 384, k = 256;
  const auto a = random_floats(static_cast<std::size_t>(m) * k, -1, 1, 31);
  const auto b = random_floats(static_cast<std::size_t>(k) * n, -1, 1, 32);
  std::vector<std::uint16_t> ha(a.size()), hb(b.size());
  std::transform(a.begin(), a.end(), ha.begin(), to_half);
  std::transform(b.begin(), b.end(), hb.begin(), to_half);
  std::vector<double> want(static_cast<std::size_t>(m) * n, 0.0);
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p) {
      const double av = from_half(ha[static_cast<std::size_t>(i) * k + p]);
      for (int j = 0; j < n; ++j) want[static_cast<std::size_t>(i) * n + j] += av * from_half(hb[static_cast<std::size_t>(p) * n + j]);
    }
  device_buffer<std::uint16_t> da(ha.size()), db(hb.size()), dc(want.size());
  da.upload(ha);
  db.upload(hb);
  struct tile { matmul_kernel_variant variant; int bm, bn; };
  for (const tile t : {tile{matmul_kernel_variant::m64n64k32, 64, 64}, tile{matmul_kernel_variant::m128n128k128, 128, 128},
                       tile{matmul_kernel_variant::m128n64k32, 128, 64}}) {
    dc.poison();
    expect_ok(matmul_kernel(nullptr, {cdiv(m, t.bm) * cdiv(n, t.bn)}, da.ptr(), db.ptr(), dc.ptr(), m, n, k,
                            k, 1, n, 1, n, 1, t.variant, m_runtime));
    const auto c = dc.download();
    double err = 0, norm = 0;
    bool all_finite = true;
    for (std::size_t i = 0; i < want.size(); ++i) {
      const double got = from_half(c[i]);
      all_finite = all_finite && std::isfinite(got);
      err += (got - want[i]) * (got - want[i]);
      norm += want[i] * want[i];
    }
    EXPECT_TRUE(all_finite) << "tile " << t.bm << "x" << t.bn;
    EXPECT_LT(std::sqrt(err / norm), 2e-3) << "tile " << t.bm << "x" << t.bn;  // fp16 output rounding
  }
}

TEST_P(Launchers, ManyKernelsEachComputesItsOwnFunction) {
  using namespace tb_aot::many_kernels;
  const int n = 1 << 16;
  const auto x = random_floats(n, -2, 2, 41);
  device_buffer<float> dx(n), dout(n);
  dx.upload(x);
  using launcher = std::function<tb::runtime::status(CUdeviceptr, CUdeviceptr)>;
  const tb::runtime::launch_grid grid{cdiv(n, 1024)};
#define TB_OP(i, expr)                                                                                         \
  {launcher([&](CUdeviceptr in, CUdeviceptr out) {                                                            \
     return op_##i##_kernel(nullptr, grid, in, out, n, op_##i##_kernel_variant::w4_s3, m_runtime);             \
   }),                                                                                                        \
   std::function<float(float)>([](float v) { return expr; })}
  const std::pair<launcher, std::function<float(float)>> ops[] = {
      TB_OP(00, v + 1.0f), TB_OP(01, v * 2.0f), TB_OP(02, v - 3.0f), TB_OP(03, v * v),
      TB_OP(04, std::fabs(v)), TB_OP(05, std::max(v, 0.0f)), TB_OP(06, std::min(v, 1.0f)),
      TB_OP(07, v * 0.5f + 0.25f), TB_OP(08, std::exp(v * 0.01f)), TB_OP(09, std::sqrt(std::fabs(v) + 1.0f)),
      TB_OP(10, 1.0f / (1.0f + std::fabs(v))), TB_OP(11, v * v * v), TB_OP(12, 1.0f / (1.0f + std::exp(-v))),
      TB_OP(13, v - std::floor(v)), TB_OP(14, v > 0.0f ? v : 0.1f * v), TB_OP(15, v * 3.0f - 1.0f),
      TB_OP(16, std::cos(v)), TB_OP(17, std::sin(v)), TB_OP(18, std::log(std::fabs(v) + 1.0f)), TB_OP(19, v / 7.0f),
      TB_OP(20, (v + 2.0f) * (v - 2.0f)), TB_OP(21, std::max(v, -1.0f)), TB_OP(22, v * 1.5f + 0.5f),
      TB_OP(23, std::exp(-v * v)),
  };
#undef TB_OP
  for (std::size_t i = 0; i < std::size(ops); ++i) {
    dout.poison();
    expect_ok(ops[i].first(dx.ptr(), dout.ptr()));
    std::vector<float> want(x.size());
    std::transform(x.begin(), x.end(), want.begin(), ops[i].second);
    EXPECT_TRUE(close(dout.download(), want, 2e-6f, 2e-6f)) << "op_" << i;
  }
}

TEST_P(Launchers, DynamicShapesEverySpecialisation) {
  using namespace tb_aot::dynamic_shapes;
  const int capacity = 4096;
  const auto x = random_floats(capacity + 16, -3, 3, 51);
  device_buffer<float> dx(x.size()), dout(x.size());
  dx.upload(x);
  struct shape { int n; std::size_t offset_elements; const char* expected; };
  for (const shape s : {shape{4096, 0, "n_elements16"}, shape{1000, 0, "out_ptr16]"}, shape{1, 0, "n_elements1"},
                        shape{4000, 1, "generic"}}) {
    dout.poison();
    const CUdeviceptr in = dx.ptr() + s.offset_elements * sizeof(float);
    const CUdeviceptr out = dout.ptr() + s.offset_elements * sizeof(float);
    const auto& chosen = scale_shift_kernel_select(scale_shift_kernel_variant::w2_s3, in, out, s.n, 1.5f, -0.5f);
    EXPECT_NE(std::string(chosen.name).find(s.expected), std::string::npos) << chosen.name;
    expect_ok(scale_shift_kernel(nullptr, {cdiv(s.n, 256)}, in, out, s.n, 1.5f, -0.5f,
                                 scale_shift_kernel_variant::w2_s3, m_runtime));
    const auto got = dout.download(s.offset_elements * sizeof(float), static_cast<std::size_t>(s.n));
    std::vector<float> want(static_cast<std::size_t>(s.n));
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = x[s.offset_elements + i] * 1.5f - 0.5f;
    EXPECT_TRUE(close(got, want, 1e-6f, 1e-6f)) << "n=" << s.n;
  }
}

TEST_P(Launchers, ScalarArgsFp32AndI64) {
  using namespace tb_aot::scalar_args;
  const std::int64_t total = 100000, start = 37, count = 90000;
  const auto x = random_floats(total, -1, 1, 61);
  const auto y = random_floats(total, -1, 1, 62);
  device_buffer<float> dx(total), dy(total), dout(total);
  dx.upload(x);
  dy.upload(y);
  dout.poison();
  expect_ok(axpby_kernel(nullptr, {cdiv(static_cast<std::uint64_t>(count), 512)}, dx.ptr(), dy.ptr(), dout.ptr(),
                         1.5f, -0.25f, count, start, axpby_kernel_variant::w4_s3, m_runtime));
  const auto out = dout.download();
  for (std::int64_t i = 0; i < total; ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (i >= start && i < start + count) {
      ASSERT_NEAR(out[u], 1.5f * x[u] - 0.25f * y[u], 1e-6f) << i;
    } else {
      ASSERT_TRUE(std::isnan(out[u])) << "element " << i << " outside [start, start + n) was written";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMode, Launchers,
                         ::testing::Values(load_mode::ptx, load_mode::cubin, load_mode::ptx_cached,
                                           load_mode::cubin_cached, load_mode::library),
                         [](const auto& param_info) {
                           std::string name(tb::runtime::to_string(param_info.param));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace

TB_GPU_TEST_MAIN()
