// GPU tests (label `gpu`): every mode against a host reference, > 48 KiB of shared
// memory, graph capture, PTX fallback, scratch, 32 threads on a first launch, two
// devices. Without a usable GPU the binary prints why and exits 77 (ctest: skipped).
#include "test_kernels.hpp"

#include <tb/runtime/runtime.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <latch>
#include <random>
#include <thread>
#include <vector>

namespace tb::test {
namespace {

using runtime::load_mode;

#define CU_OK(call)                                                                              \
  do {                                                                                           \
    CUresult r_ = (call);                                                                        \
    ASSERT_EQ(r_, CUDA_SUCCESS) << #call << ": " << runtime::detail::describe_result(driver(), r_); \
  } while (0)

constexpr load_mode k_all_modes[] = {load_mode::ptx, load_mode::cubin, load_mode::ptx_cached,
                                     load_mode::cubin_cached, load_mode::library};

int device_count() {
  int n = 0;
  driver().cuDeviceGetCount(&n);
  return n;
}

// A device buffer of T, freed at scope exit.
template <class T>
struct device_buffer {
  explicit device_buffer(std::size_t n) : count(n) {
    if (driver().cuMemAlloc(&ptr, n * sizeof(T) + 16) != CUDA_SUCCESS) {
      ptr = 0;
    }
  }
  ~device_buffer() {
    if (ptr != 0) {
      driver().cuMemFree(ptr);
    }
  }
  void upload(const std::vector<T>& host) { driver().cuMemcpyHtoD(ptr, host.data(), host.size() * sizeof(T)); }
  std::vector<T> download() const {
    std::vector<T> host(count);
    driver().cuMemcpyDtoH(host.data(), ptr, count * sizeof(T));
    return host;
  }
  void poison() { driver().cuMemsetD8(ptr, 0xFF, count * sizeof(T)); }  // NaN for floats, -1 for ints
  CUdeviceptr ptr = 0;
  std::size_t count;
};

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
  std::vector<float> v(n);
  for (float& x : v) {
    x = dist(gen);
  }
  return v;
}

class Gpu : public ::testing::Test {
 protected:
  void SetUp() override {
    CUdevice device = 0;
    CU_OK(driver().cuDeviceGet(&device, 0));
    CU_OK(driver().cuDevicePrimaryCtxRetain(&context, device));
    CU_OK(driver().cuCtxSetCurrent(context));
    CU_OK(driver().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
    int major = 0;
    int minor = 0;
    driver().cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    driver().cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    arch = major * 10 + minor;
  }
  void TearDown() override {
    if (stream != nullptr) {
      driver().cuStreamDestroy(stream);
    }
  }

  // Runs tb_add_f32 on `n` random elements through `rt` and compares with the host.
  void check_add(runtime::runtime& rt, const runtime::kernel_binary& binary, int n, unsigned seed,
                 CUstream on_stream) {
    const auto x = random_floats(static_cast<std::size_t>(n), seed);
    const auto y = random_floats(static_cast<std::size_t>(n), seed + 1);
    device_buffer<float> dx(x.size()), dy(y.size()), dout(x.size());
    ASSERT_NE(dout.ptr, 0u);
    dx.upload(x);
    dy.upload(y);
    dout.poison();
    void* params[6] = {&dx.ptr, &dy.ptr, &dout.ptr, &n, nullptr, nullptr};
    const runtime::status s = rt.launch(binary, {static_cast<std::uint32_t>((n + 127) / 128), 1, 1}, on_stream, params);
    ASSERT_TRUE(s.ok()) << s.message();
    CU_OK(driver().cuStreamSynchronize(on_stream));
    const auto out = dout.download();
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(out[static_cast<std::size_t>(i)], x[static_cast<std::size_t>(i)] + y[static_cast<std::size_t>(i)])
          << "element " << i << ", mode " << runtime::to_string(rt.mode());
    }
  }

  CUcontext context = nullptr;
  CUstream stream = nullptr;
  int arch = 0;
};

TEST_F(Gpu, EveryModeMatchesTheHostReference) {
  gpu_kernel add("tb_add_f32", 4);
  for (load_mode mode : k_all_modes) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    for (int round = 0; round < 3; ++round) {
      check_add(rt, add.binary, 10000 + round * 77, 11u * static_cast<unsigned>(round) + 3, stream);
    }
    check_add(rt, add.binary, 1000, 99, nullptr);  // the legacy default stream
  }
}

TEST_F(Gpu, SelectedImageOnThisDevice) {
  gpu_kernel add("tb_add_f32", 4);
  runtime::image_choice choice;
  runtime::runtime cubin(load_mode::cubin_cached);
  ASSERT_TRUE(cubin.selected_image(add.binary, choice).ok());
  EXPECT_EQ(choice.device_arch, arch);
  if (arch == 90) {
    EXPECT_EQ(choice.format, runtime::image_format::cubin);
    EXPECT_EQ(choice.arch, 90);
  } else {
    EXPECT_EQ(choice.format, runtime::image_format::ptx);
    EXPECT_EQ(choice.arch, 80);
  }
  std::printf("device sm_%d: cubin-cached launches sm_%d %s\n", arch, choice.arch,
              std::string(runtime::to_string(choice.format)).c_str());
}

TEST_F(Gpu, PtxFallbackRuns) {
  gpu_kernel add("tb_add_f32", 4);
  runtime::runtime forced(load_mode::cubin_cached, runtime::runtime_options{.force_ptx = true});
  runtime::image_choice choice;
  ASSERT_TRUE(forced.selected_image(add.binary, choice).ok());
  EXPECT_EQ(choice.format, runtime::image_format::ptx);
  EXPECT_EQ(choice.arch, 80);
  check_add(forced, add.binary, 5000, 5, stream);
  // A binary with only the sm_80 PTX: cubin modes fall back to it.
  gpu_kernel ptx_only("tb_add_f32", 4, 4, which_images::ptx_only);
  for (load_mode mode : {load_mode::cubin, load_mode::cubin_cached, load_mode::library}) {
    runtime::runtime rt(mode);
    check_add(rt, ptx_only.binary, 3000, 6, stream);
  }
}

TEST_F(Gpu, MoreThan48KiBOfDynamicSharedMemory) {
  int optin = 0;
  CUdevice device = 0;
  driver().cuCtxGetDevice(&device);
  driver().cuDeviceGetAttribute(&optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
  int per_block = 100 * 1024 / 4;  // 100 KiB of floats
  if (optin < per_block * 4) {
    GTEST_SKIP() << "device allows only " << optin << " bytes of shared memory per block";
  }
  gpu_kernel reverse("tb_reverse_in_shared", 3, 8);
  for (auto& image : reverse.images) {
    image.shared_bytes = static_cast<std::uint32_t>(per_block * 4);
  }
  const int blocks = 6;
  const auto in = random_floats(static_cast<std::size_t>(per_block * blocks), 21);
  for (load_mode mode : {load_mode::cubin, load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    device_buffer<float> din(in.size()), dout(in.size());
    din.upload(in);
    for (int round = 0; round < 2; ++round) {
      dout.poison();
      void* params[5] = {&din.ptr, &dout.ptr, &per_block, nullptr, nullptr};
      const runtime::status s = rt.launch(reverse.binary, {blocks, 1, 1}, stream, params);
      ASSERT_TRUE(s.ok()) << s.message();
      CU_OK(driver().cuStreamSynchronize(stream));
      const auto out = dout.download();
      for (int b = 0; b < blocks; ++b) {
        for (int i = 0; i < per_block; i += 97) {
          ASSERT_EQ(out[static_cast<std::size_t>(b * per_block + i)],
                    in[static_cast<std::size_t>(b * per_block + per_block - 1 - i)]);
        }
      }
    }
  }
  // Beyond the device's limit: a clear error naming both numbers.
  for (auto& image : reverse.images) {
    image.shared_bytes = static_cast<std::uint32_t>(optin + 1024);
  }
  runtime::runtime rt(load_mode::cubin_cached);
  void* params[5] = {nullptr, nullptr, &per_block, nullptr, nullptr};
  const runtime::status s = rt.launch(reverse.binary, {1, 1, 1}, stream, params);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(std::to_string(optin + 1024)), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(std::to_string(optin)), std::string::npos) << s.message();
}

TEST_F(Gpu, GridSizedScratchPerProgram) {
  gpu_kernel scratch("tb_scratch_roundtrip", 2, 4);
  int per_program_ints = 300;
  for (auto& image : scratch.images) {
    image.global_scratch_size = static_cast<std::uint32_t>(per_program_ints * 4);
    image.global_scratch_align = 128;
  }
  for (load_mode mode : {load_mode::cubin, load_mode::cubin_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    for (std::uint32_t blocks : {8u, 64u, 512u}) {
      device_buffer<int> out(blocks);
      out.poison();
      void* params[4] = {&out.ptr, &per_program_ints, nullptr, nullptr};
      const runtime::status s = rt.launch(scratch.binary, {blocks, 1, 1}, stream, params);
      ASSERT_TRUE(s.ok()) << s.message();
      CU_OK(driver().cuStreamSynchronize(stream));
      const auto host = out.download();
      for (std::uint32_t b = 0; b < blocks; ++b) {
        ASSERT_EQ(host[b], static_cast<int>(b)) << "program " << b << " of " << blocks;
      }
    }
  }
}

TEST_F(Gpu, GraphCaptureOfCachedLaunchesReplays) {
  gpu_kernel inc("tb_increment", 1, 1);
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    ASSERT_TRUE(rt.preload(inc.binary).ok());
    device_buffer<int> counter(1);
    CU_OK(driver().cuMemsetD8(counter.ptr, 0, sizeof(int)));
    CU_OK(driver().cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
    runtime::status launched;
    for (int i = 0; i < 10 && launched.ok(); ++i) {
      void* params[3] = {&counter.ptr, nullptr, nullptr};
      launched = rt.launch(inc.binary, {1, 1, 1}, stream, params);
    }
    CUgraph graph = nullptr;
    CU_OK(driver().cuStreamEndCapture(stream, &graph));
    ASSERT_TRUE(launched.ok()) << launched.message();
    CUgraphExec exec = nullptr;
    CU_OK(driver().cuGraphInstantiateWithFlags(&exec, graph, 0));
    for (int replay = 0; replay < 3; ++replay) {
      CU_OK(driver().cuGraphLaunch(exec, stream));
    }
    CU_OK(driver().cuStreamSynchronize(stream));
    EXPECT_EQ(counter.download()[0], 30);
    driver().cuGraphExecDestroy(exec);
    driver().cuGraphDestroy(graph);
  }
}

TEST_F(Gpu, PerCallModeInsideCaptureIsRefusedAndTheCaptureSurvives) {
  gpu_kernel inc("tb_increment", 1, 1);
  runtime::runtime cached(load_mode::cubin_cached);
  ASSERT_TRUE(cached.preload(inc.binary).ok());
  device_buffer<int> counter(1);
  CU_OK(driver().cuMemsetD8(counter.ptr, 0, sizeof(int)));
  for (load_mode mode : {load_mode::cubin, load_mode::ptx}) {
    runtime::runtime per_call(mode);
    CU_OK(driver().cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
    void* params[3] = {&counter.ptr, nullptr, nullptr};
    const runtime::status refused = per_call.launch(inc.binary, {1, 1, 1}, stream, params);
    const runtime::status cached_ok = cached.launch(inc.binary, {1, 1, 1}, stream, params);
    CUgraph graph = nullptr;
    CU_OK(driver().cuStreamEndCapture(stream, &graph));  // still a valid capture
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.message().find("capturing a CUDA graph"), std::string::npos) << refused.message();
    EXPECT_TRUE(cached_ok.ok()) << cached_ok.message();
    CUgraphExec exec = nullptr;
    CU_OK(driver().cuGraphInstantiateWithFlags(&exec, graph, 0));
    CU_OK(driver().cuGraphLaunch(exec, stream));
    CU_OK(driver().cuStreamSynchronize(stream));
    driver().cuGraphExecDestroy(exec);
    driver().cuGraphDestroy(graph);
  }
  EXPECT_EQ(counter.download()[0], 2);
  // Not preloaded: a cached first launch inside capture is refused, capture intact.
  runtime::runtime cold(load_mode::cubin_cached);
  CU_OK(driver().cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
  void* params[3] = {&counter.ptr, nullptr, nullptr};
  const runtime::status refused = cold.launch(inc.binary, {1, 1, 1}, stream, params);
  CUgraph graph = nullptr;
  CU_OK(driver().cuStreamEndCapture(stream, &graph));
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("preload"), std::string::npos) << refused.message();
  driver().cuGraphDestroy(graph);
}

TEST_F(Gpu, PerCallLaunchReturnsOnlyAfterItsKernelEnded) {
  gpu_kernel spin("tb_spin_then_flag", 2, 1);
  device_buffer<int> flag(1);
  for (load_mode mode : {load_mode::cubin, load_mode::ptx}) {
    CU_OK(driver().cuMemsetD8(flag.ptr, 0, sizeof(int)));
    runtime::runtime rt(mode);
    long long ns = 30'000'000;  // 30 ms
    void* params[4] = {&ns, &flag.ptr, nullptr, nullptr};
    const runtime::status s = rt.launch(spin.binary, {1, 1, 1}, stream, params);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(driver().cuStreamQuery(stream), CUDA_SUCCESS) << "the module was unloaded under a running kernel";
    EXPECT_EQ(flag.download()[0], 1);
  }
}

TEST_F(Gpu, ThirtyTwoThreadsOnTheFirstLaunch) {
  gpu_kernel add("tb_add_f32", 4);
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    constexpr int k_threads = 32;
    int n = 4096;
    const auto x = random_floats(static_cast<std::size_t>(n), 7);
    const auto y = random_floats(static_cast<std::size_t>(n), 8);
    device_buffer<float> dx(x.size()), dy(y.size());
    dx.upload(x);
    dy.upload(y);
    std::vector<std::unique_ptr<device_buffer<float>>> outs;
    for (int t = 0; t < k_threads; ++t) {
      outs.push_back(std::make_unique<device_buffer<float>>(x.size()));
      outs.back()->poison();
    }
    std::latch start(k_threads);
    std::vector<std::thread> threads;
    std::vector<std::string> errors(k_threads);
    for (int t = 0; t < k_threads; ++t) {
      threads.emplace_back([&, t] {
        driver().cuCtxSetCurrent(context);
        void* params[6] = {&dx.ptr, &dy.ptr, &outs[static_cast<std::size_t>(t)]->ptr, &n, nullptr, nullptr};
        start.arrive_and_wait();
        const runtime::status s = rt.launch(add.binary, {static_cast<std::uint32_t>(n / 128), 1, 1}, nullptr, params);
        if (!s.ok()) {
          errors[static_cast<std::size_t>(t)] = s.message();
        }
      });
    }
    for (auto& th : threads) {
      th.join();
    }
    CU_OK(driver().cuCtxSynchronize());
    for (int t = 0; t < k_threads; ++t) {
      ASSERT_EQ(errors[static_cast<std::size_t>(t)], "") << "thread " << t;
      const auto out = outs[static_cast<std::size_t>(t)]->download();
      for (int i = 0; i < n; ++i) {
        ASSERT_EQ(out[static_cast<std::size_t>(i)], x[static_cast<std::size_t>(i)] + y[static_cast<std::size_t>(i)])
            << "thread " << t << " element " << i;
      }
    }
  }
}

TEST_F(Gpu, TwoDevicesInOneProcess) {
  if (device_count() < 2) {
    GTEST_SKIP() << "one device only";
  }
  gpu_kernel add("tb_add_f32", 4);
  for (load_mode mode : {load_mode::cubin_cached, load_mode::library, load_mode::cubin}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    for (int round = 0; round < 2; ++round) {
      for (int dev = 0; dev < 2; ++dev) {
        CUdevice device = 0;
        CUcontext ctx = nullptr;
        CU_OK(driver().cuDeviceGet(&device, dev));
        CU_OK(driver().cuDevicePrimaryCtxRetain(&ctx, device));
        CU_OK(driver().cuCtxSetCurrent(ctx));
        CUstream s = nullptr;
        CU_OK(driver().cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
        check_add(rt, add.binary, 2048, static_cast<unsigned>(dev * 10 + round), s);
        driver().cuStreamDestroy(s);
        driver().cuDevicePrimaryCtxRelease(device);
      }
    }
    CU_OK(driver().cuCtxSetCurrent(context));
  }
}

}  // namespace
}  // namespace tb::test

int main(int argc, char** argv) {
  std::string why;
  if (!tb::test::gpu_available(why)) {
    std::printf("skipped: no CUDA driver/GPU: %s\n", why.c_str());
    return 77;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
