// GPU (issue 16): the generated launchers of pdl_chain (launch_pdl) and cluster
// (num_ctas = 2) in every load mode, on a stream and captured in a CUDA graph, give what
// the host computes; a captured PDL chain holds programmatic edges, a plain one none.
// Needs sm_90 (both scenarios are compiled for it alone): skipped, saying so, elsewhere.
#include "../common/cuda_test_driver.hpp"

#include <cluster_kernels.hpp>
#include <pdl_chain_kernels.hpp>

#include <cuda.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace {

using tb::test::device_buffer;
using tb::test::driver;
using tb::runtime::load_mode;

constexpr int n = 1 << 20;

std::vector<float> random_floats(std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2, 2);
  std::vector<float> v(count);
  for (auto& x : v) x = dist(rng);
  return v;
}

::testing::AssertionResult same(const std::vector<float>& got, const std::vector<float>& want) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= 1e-6f + 1e-6f * std::fabs(want[i])))
      return ::testing::AssertionFailure() << "element " << i << ": got " << got[i] << ", want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

bool is_sm90_or_newer() {
  CUdevice device = 0;
  driver().check(driver().device_get(&device, 0), "cuDeviceGet");
  int major = 0;
  driver().check(driver().device_get_attribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
                 "cuDeviceGetAttribute");
  return major >= 9;
}

struct chain_buffers {
  std::vector<float> x = random_floats(n, 1), y = random_floats(n, 2);
  device_buffer<float> dx{static_cast<std::size_t>(n)}, dy{static_cast<std::size_t>(n)},
      da{static_cast<std::size_t>(n)}, db{static_cast<std::size_t>(n)}, dc{static_cast<std::size_t>(n)};
  chain_buffers() {
    dx.upload(x);
    dy.upload(y);
    for (auto* b : {&da, &db, &dc}) b->poison();
  }
  std::vector<float> want() const {
    std::vector<float> c(x.size());
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = std::max((x[i] * 2.0f + 1.0f) * 0.5f + y[i] - 1.0f, 0.0f);
    return c;
  }
};

// One iteration of pdl_chain on `stream`, every launch on `pdl` or `plain`.
tb::runtime::status launch_chain(tb::runtime::runtime& rt, CUstream stream, chain_buffers& b, bool pdl) {
  namespace pc = tb_aot::pdl_chain;
  const tb::runtime::launch_grid grid{n / 1024};
  if (auto s = pc::producer_kernel(stream, grid, b.dx.ptr(), b.da.ptr(), n,
                                   pdl ? pc::producer_kernel_variant::pdl : pc::producer_kernel_variant::plain, rt);
      !s)
    return s;
  if (auto s = pc::target_kernel(stream, grid, b.da.ptr(), b.dy.ptr(), b.db.ptr(), 0.5f, n,
                                 pdl ? pc::target_kernel_variant::pdl : pc::target_kernel_variant::plain, rt);
      !s)
    return s;
  return pc::consumer_kernel(stream, grid, b.db.ptr(), b.dc.ptr(), n,
                             pdl ? pc::consumer_kernel_variant::pdl : pc::consumer_kernel_variant::plain, rt);
}

class LaunchAttributesGpu : public ::testing::TestWithParam<load_mode> {
 protected:
  void SetUp() override {
    if (!is_sm90_or_newer()) GTEST_SKIP() << "PDL and clusters need sm_90 or newer; this GPU is older";
    driver().check(driver().stream_create(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  }
  CUstream stream = nullptr;
};

TEST_P(LaunchAttributesGpu, PdlChainOffAndOnOnAStream) {
  tb::runtime::runtime rt(GetParam());
  for (bool pdl : {false, true}) {
    chain_buffers b;
    for (int iteration = 0; iteration < 3; ++iteration) {  // later iterations overlap earlier ones' reads
      const auto s = launch_chain(rt, stream, b, pdl);
      ASSERT_TRUE(s.ok()) << s.message();
    }
    driver().check(driver().stream_synchronize(stream), "cuStreamSynchronize");
    EXPECT_TRUE(same(b.dc.download(), b.want())) << (pdl ? "pdl" : "plain");
  }
}

TEST_P(LaunchAttributesGpu, ClusterKernelOfTwoCtas) {
  namespace cl = tb_aot::cluster;
  tb::runtime::runtime rt(GetParam());
  const auto x = random_floats(n, 3);
  device_buffer<float> dx(n), da(n), dout(n);
  dx.upload(x);
  da.poison();
  dout.poison();
  ASSERT_TRUE(cl::producer_kernel(stream, {n / 1024}, dx.ptr(), da.ptr(), n, cl::producer_kernel_variant::w4_s3, rt).ok());
  const auto s = cl::scale_kernel(stream, {n / 2048}, da.ptr(), dout.ptr(), n, cl::scale_kernel_variant::w4_s3_c2, rt);
  ASSERT_TRUE(s.ok()) << s.message();
  driver().check(driver().stream_synchronize(stream), "cuStreamSynchronize");
  std::vector<float> want(x.size());
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = (x[i] * 2.0f + 1.0f) * 3.0f - 0.5f;
  EXPECT_TRUE(same(dout.download(), want));
}

INSTANTIATE_TEST_SUITE_P(EveryMode, LaunchAttributesGpu,
                         ::testing::Values(load_mode::ptx, load_mode::cubin, load_mode::ptx_cached,
                                           load_mode::cubin_cached, load_mode::library),
                         [](const auto& param_info) {
                           std::string name(tb::runtime::to_string(param_info.param));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The types of the captured graph's edges.
std::vector<int> edge_types(CUgraph graph) {
  std::size_t count = 0;
  driver().check(cuGraphGetEdges(graph, nullptr, nullptr, nullptr, &count), "cuGraphGetEdges");
  std::vector<CUgraphNode> from(count), to(count);
  std::vector<CUgraphEdgeData> data(count);
  driver().check(cuGraphGetEdges(graph, from.data(), to.data(), data.data(), &count), "cuGraphGetEdges");
  std::vector<int> types;
  for (const auto& d : data) types.push_back(d.type);
  return types;
}

// Graph mode's path (cubin-cached, preloaded, captured, replayed): PDL launches become
// programmatic edges, plain ones default edges, and the replayed graph computes the same.
TEST(LaunchAttributesGraph, PdlChainCapturesProgrammaticEdges) {
  if (!is_sm90_or_newer()) GTEST_SKIP() << "PDL needs sm_90 or newer; this GPU is older";
  CUstream stream = nullptr;
  driver().check(driver().stream_create(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  tb::runtime::runtime rt(load_mode::cubin_cached);
  for (bool pdl : {false, true}) {
    chain_buffers b;
    ASSERT_TRUE(launch_chain(rt, stream, b, pdl).ok());  // loads everything before the capture
    driver().check(driver().stream_synchronize(stream), "cuStreamSynchronize");
    for (auto* d : {&b.da, &b.db, &b.dc}) d->poison();
    driver().check(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture");
    const auto s = launch_chain(rt, stream, b, pdl);
    CUgraph graph = nullptr;
    driver().check(cuStreamEndCapture(stream, &graph), "cuStreamEndCapture");
    ASSERT_TRUE(s.ok()) << s.message();
    const std::vector<int> want_types(2, pdl ? CU_GRAPH_DEPENDENCY_TYPE_PROGRAMMATIC : CU_GRAPH_DEPENDENCY_TYPE_DEFAULT);
    EXPECT_EQ(edge_types(graph), want_types) << (pdl ? "pdl" : "plain");
    CUgraphExec exec = nullptr;
    driver().check(cuGraphInstantiate(&exec, graph, 0), "cuGraphInstantiate");
    driver().check(cuGraphLaunch(exec, stream), "cuGraphLaunch");
    driver().check(driver().stream_synchronize(stream), "cuStreamSynchronize");
    EXPECT_TRUE(same(b.dc.download(), b.want())) << (pdl ? "pdl" : "plain");
    cuGraphExecDestroy(exec);
    cuGraphDestroy(graph);
  }
}

}  // namespace

TB_GPU_TEST_MAIN()
