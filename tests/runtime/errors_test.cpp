// Every error path returns a status whose message says what failed and where.
#include "fake_driver.hpp"
#include "fake_kernels.hpp"

#include <tb/runtime/runtime.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

namespace tb::test {
namespace {

using runtime::load_mode;

class Errors : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.scratch_index = 1;
    fake.install();
  }
  runtime::status launch(runtime::runtime& rt) { return rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()); }

  fake_driver fake;
  test_kernel kernel{"add_kernel[b1024.x16]", 1, {cubin90(), ptx80()}};
  param_pack params{1};
  CUstream stream = nullptr;
};

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST_F(Errors, DriverErrorCarriesNameStringKernelModeAndArch) {
  fake.fail["cuModuleLoadData"] = CUDA_ERROR_INVALID_IMAGE;
  runtime::runtime rt(load_mode::cubin_cached);
  const runtime::status s = launch(rt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.driver_code(), CUDA_ERROR_INVALID_IMAGE);
  EXPECT_EQ(s.message(),
            "cuModuleLoadData failed: CUDA_ERROR_INVALID_IMAGE: device kernel image is invalid "
            "(kernel 'add_kernel[b1024.x16]', mode cubin-cached, image sm_90 cubin, device 0 sm_90)");
  // Not cached: the next launch tries again.
  fake.fail.clear();
  EXPECT_TRUE(launch(rt).ok());
}

TEST_F(Errors, MissingFunctionUnloadsTheModule) {
  fake.fail["cuModuleGetFunction"] = CUDA_ERROR_NOT_FOUND;
  for (load_mode mode : {load_mode::cubin_cached, load_mode::cubin, load_mode::ptx}) {
    runtime::runtime rt(mode);
    const runtime::status s = launch(rt);
    ASSERT_FALSE(s.ok());
    EXPECT_CONTAINS(s.message(), "cuModuleGetFunction");
    EXPECT_CONTAINS(s.message(), "CUDA_ERROR_NOT_FOUND: named symbol not found");
    EXPECT_EQ(fake.live_modules(), 0);
  }
}

TEST_F(Errors, LaunchFailureInPerCallModeStillUnloads) {
  fake.fail["cuLaunchKernel"] = CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  runtime::runtime rt(load_mode::cubin);
  const runtime::status s = launch(rt);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "cuLaunchKernel failed: CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
  EXPECT_CONTAINS(s.message(), "mode cubin,");
  EXPECT_EQ(fake.count("cuStreamSynchronize"), 0);  // nothing was launched
  EXPECT_EQ(fake.count("cuModuleUnload"), 1);
  EXPECT_EQ(fake.live_modules(), 0);
}

TEST_F(Errors, KernelFaultSeenAtSynchronizeIsReportedAndModuleUnloaded) {
  fake.fail["cuStreamSynchronize"] = CUDA_ERROR_ILLEGAL_ADDRESS;
  runtime::runtime rt(load_mode::ptx);
  const runtime::status s = launch(rt);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "cuStreamSynchronize (before cuModuleUnload) failed: CUDA_ERROR_ILLEGAL_ADDRESS");
  EXPECT_CONTAINS(s.message(), "image sm_80 ptx");
  EXPECT_EQ(fake.live_modules(), 0);
}

TEST_F(Errors, EveryLoadStepFailureIsReported) {
  const std::map<std::string, load_mode> steps = {
      {"cuLibraryLoadData", load_mode::library},  {"cuLibraryGetKernel", load_mode::library},
      {"cuKernelGetFunction", load_mode::library}, {"cuLaunchKernel", load_mode::cubin_cached},
      {"cuCtxGetDevice", load_mode::cubin_cached}, {"cuDeviceGetAttribute", load_mode::ptx_cached},
      {"cuStreamIsCapturing", load_mode::cubin},
  };
  for (const auto& [call, mode] : steps) {
    SCOPED_TRACE(call);
    fake.fail.clear();
    fake.fail[call] = CUDA_ERROR_INVALID_VALUE;
    runtime::runtime rt(mode);
    const runtime::status s = launch(rt);
    ASSERT_FALSE(s.ok());
    EXPECT_CONTAINS(s.message(), call);
    EXPECT_CONTAINS(s.message(), "CUDA_ERROR_INVALID_VALUE: invalid argument");
    EXPECT_CONTAINS(s.message(), std::string("mode ") + std::string(runtime::to_string(mode)));
    EXPECT_EQ(s.driver_code(), CUDA_ERROR_INVALID_VALUE);
  }
}

TEST_F(Errors, UnknownErrorCodeIsStillReported) {
  fake.fail["cuModuleLoadData"] = static_cast<CUresult>(12345);
  runtime::runtime rt(load_mode::cubin_cached);
  const runtime::status s = launch(rt);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "cuModuleLoadData failed: CUresult 12345");
}

TEST_F(Errors, NoImageForTheArchListsWhatThereIs) {
  fake.devices = {fake_device{75, 64 * 1024}};
  test_kernel k("only_hopper", 1, {cubin90(), ptx90a()});
  runtime::runtime rt(load_mode::cubin_cached);
  const runtime::status s = rt.launch(k.binary, {1, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "no image of the kernel runs on sm_75: it has sm_90 cubin, sm_90 ptx "
            "(kernel 'only_hopper', mode cubin-cached, device 0 sm_75)");
  EXPECT_EQ(fake.count("cuModuleLoadData"), 0);
  runtime::image_choice choice;
  EXPECT_FALSE(rt.selected_image(k.binary, choice).ok());
}

TEST_F(Errors, SharedMemoryAboveTheDeviceLimitNamesBothNumbers) {
  kernel.images[0].shared_bytes = 300000;
  for (load_mode mode : {load_mode::cubin_cached, load_mode::cubin, load_mode::library}) {
    runtime::runtime rt(mode);
    const runtime::status s = launch(rt);
    ASSERT_FALSE(s.ok());
    EXPECT_CONTAINS(s.message(), "kernel needs 300000 bytes of dynamic shared memory but the device allows at "
                                 "most 232448 per block");
    EXPECT_CONTAINS(s.message(), "image sm_90 cubin");
  }
  EXPECT_EQ(fake.count("cuModuleLoadData"), 0);
}

TEST_F(Errors, NoCurrentContext) {
  fake.make_current(-1);
  runtime::runtime rt(load_mode::cubin_cached);
  const runtime::status s = launch(rt);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "no current CUDA context");
  EXPECT_FALSE(rt.preload(kernel.binary).ok());
}

TEST_F(Errors, NullParamsAndBadImages) {
  runtime::runtime rt(load_mode::cubin_cached);
  runtime::status s = rt.launch(kernel.binary, {1, 1, 1}, stream, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "params is null");

  test_kernel no_symbol("no_symbol", 1, {cubin90()});
  no_symbol.images[0].symbol = nullptr;
  s = rt.launch(no_symbol.binary, {1, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "image names no entry symbol");

  test_kernel too_wide("too_wide", 1, {cubin90()});
  too_wide.images[0].num_warps = 64;
  s = rt.launch(too_wide.binary, {1, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "num_warps 64 gives 2048 threads per block; the limit is 1024");

  test_kernel none("none", 1, {});
  s = rt.launch(none.binary, {1, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "kernel has no images");

  static const unsigned char unterminated[] = {'.', 't', 'a', 'r', 'g', 'e', 't', 'X'};
  test_kernel bad_ptx("bad_ptx", 1, {ptx80()});
  bad_ptx.images[0].data = unterminated;
  bad_ptx.images[0].size = sizeof(unterminated) - 1;  // data[size] == 'X'
  runtime::runtime ptx(load_mode::ptx_cached);
  s = ptx.launch(bad_ptx.binary, {1, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "not NUL-terminated");
}

TEST_F(Errors, ScratchAllocationFailure) {
  kernel.images[0].global_scratch_size = 64;
  fake.fail["cuMemAlloc"] = CUDA_ERROR_OUT_OF_MEMORY;
  runtime::runtime rt(load_mode::cubin_cached);
  const runtime::status s = launch(rt);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "for Triton scratch failed: CUDA_ERROR_OUT_OF_MEMORY");
}

// --- Loading the driver --------------------------------------------------------

struct resolver_state {
  const runtime::detail::driver_table* source;
  const char* missing;
};

void* resolve_from_fake(const char* name, int, void* user) {
  auto* state = static_cast<resolver_state*>(user);
  if (std::strcmp(name, state->missing) == 0) {
    return nullptr;
  }
  return reinterpret_cast<void*>(state->source->cuInit);  // any non-null pointer will do
}

TEST(DriverLoading, MissingEntryPointIsNamed) {
  fake_driver fake;
  resolver_state state{&fake.table(), "cuLibraryLoadData"};
  runtime::detail::driver_table table;
  const runtime::status s = runtime::detail::fill_driver_table(&resolve_from_fake, &state, table);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "the CUDA driver has no entry point cuLibraryLoadData");
  EXPECT_CONTAINS(s.message(), "CUDA 12.0 or newer driver");
}

TEST(DriverLoading, AllEntryPointsResolvedFillEveryField) {
  fake_driver fake;
  resolver_state state{&fake.table(), ""};
  runtime::detail::driver_table table;
  ASSERT_TRUE(runtime::detail::fill_driver_table(&resolve_from_fake, &state, table).ok());
  // Every field is a function pointer: none may be left null.
  const auto* fields = reinterpret_cast<void* const*>(&table);
  for (std::size_t i = 0; i < sizeof(table) / sizeof(void*); ++i) {
    EXPECT_NE(fields[i], nullptr) << "field " << i;
  }
}

TEST(DriverLoading, MissingLibraryGivesTheCleanError) {
  runtime::detail::driver_table table;
  const runtime::status s = runtime::detail::load_driver_library("/nonexistent/dir/libcuda.so.1", table);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "/nonexistent/dir/libcuda.so.1 could not be loaded: ");
  EXPECT_CONTAINS(s.message(), "; is the NVIDIA driver installed?");
}

TEST(DriverLoading, LibraryWithoutTheDriverEntryPointIsRefused) {
  // libc is loadable but is no CUDA driver.
  runtime::detail::driver_table table;
  const runtime::status s = runtime::detail::load_driver_library("libc.so.6", table);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "libc.so.6 has no cuGetProcAddress_v2");
}

}  // namespace
}  // namespace tb::test
