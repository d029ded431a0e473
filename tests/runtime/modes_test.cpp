// The driver calls each load mode makes, checked against a recording fake driver.
#include "fake_driver.hpp"
#include "fake_kernels.hpp"

#include <tb/runtime/runtime.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <map>
#include <set>
#include <thread>

namespace tb::test {
namespace {

using runtime::load_mode;
using calls_t = std::vector<std::string>;

const calls_t k_context_queries = {"cuCtxGetDevice", "cuCtxGetId", "cuDeviceGetAttribute",
                                   "cuDeviceGetAttribute", "cuDeviceGetAttribute"};
// Library mode, once per runtime: may a CUkernel run with no context query? (driver
// version, then every device's arch; one device here), then the device count for the
// per-device attributes.
const calls_t k_library_context_free_check = {"cuDriverGetVersion", "cuDeviceGetCount", "cuDeviceGet",
                                              "cuDeviceGetAttribute", "cuDeviceGetAttribute", "cuDeviceGetCount"};

calls_t concat(std::initializer_list<calls_t> parts) {
  calls_t out;
  for (const calls_t& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

class Modes : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.scratch_index = 1;
    fake.install();
  }
  fake_driver fake;
  test_kernel kernel{"add_kernel[b1024.x16]", 1, {cubin90(), ptx80()}};
  param_pack params{1};
  CUstream stream = reinterpret_cast<CUstream>(0x5000);
};

TEST_F(Modes, CubinPerCallLoadsLaunchesSynchronizesUnloadsEveryTime) {
  runtime::runtime rt(load_mode::cubin);
  ASSERT_TRUE(rt.launch(kernel.binary, {4, 1, 1}, stream, params.data()).ok());
  const calls_t per_call = {"cuModuleLoadData", "cuModuleGetFunction", "cuLaunchKernel", "cuStreamSynchronize",
                            "cuModuleUnload"};
  EXPECT_EQ(fake.calls(), concat({{"cuCtxGetCurrent", "cuStreamIsCapturing"}, k_context_queries, per_call}));
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {4, 1, 1}, stream, params.data()).ok());
  // Known context: only checked to be the same one (cuCtxGetId), not queried again.
  EXPECT_EQ(fake.calls(), concat({{"cuCtxGetCurrent", "cuStreamIsCapturing", "cuCtxGetId"}, per_call}));
  EXPECT_EQ(fake.loaded_images(), std::vector<const void*>{kernel.images[0].data});
  EXPECT_EQ(fake.live_modules(), 0);
  ASSERT_EQ(fake.launches().size(), 1u);
  const fake_launch l = fake.launches()[0];
  EXPECT_EQ(l.grid[0], 4u);
  EXPECT_EQ(l.block[0], 128u);  // num_warps 4
  EXPECT_EQ(l.stream, stream);
  EXPECT_EQ(l.scratch[0], 0u);  // no scratch: null pointers
  EXPECT_EQ(l.scratch[1], 0u);
}

TEST_F(Modes, PtxPerCallLoadsThePtx) {
  runtime::runtime rt(load_mode::ptx);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.loaded_images(), std::vector<const void*>{kernel.images[1].data});
  EXPECT_EQ(fake.count("cuModuleUnload"), 1);
  EXPECT_EQ(fake.live_modules(), 0);
}

TEST_F(Modes, CubinCachedLoadsOnceThenOneLaunchCall) {
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {4, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), concat({{"cuCtxGetCurrent", "cuStreamIsCapturing"}, k_context_queries,
                                  {"cuModuleLoadData", "cuModuleGetFunction", "cuLaunchKernel"}}));
  EXPECT_EQ(fake.loaded_images(), std::vector<const void*>{kernel.images[0].data});
  fake.clear_calls();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(rt.launch(kernel.binary, {4, 1, 1}, stream, params.data()).ok());
  }
  // Warm: the thread's launch cache, one driver call per launch (no context query).
  EXPECT_EQ(fake.calls(), (calls_t{"cuLaunchKernel", "cuLaunchKernel", "cuLaunchKernel"}));
  EXPECT_EQ(fake.live_modules(), 1);
}

TEST_F(Modes, ResolvedLaunchIsOneBareLaunchCall) {
  runtime::runtime rt(load_mode::cubin_cached);
  runtime::resolved_launch resolved;
  ASSERT_TRUE(rt.resolve(kernel.binary, {4, 2, 1}, stream, params.data(), resolved).ok());
  EXPECT_EQ(fake.count("cuModuleLoadData"), 1);
  EXPECT_EQ(fake.count("cuLaunchKernel"), 0);  // resolving launches nothing
  EXPECT_EQ(resolved.ctas.x, 4u);
  EXPECT_EQ(resolved.ctas.y, 2u);
  EXPECT_EQ(params.data()[1], &resolved.scratch[0]);  // the scratch slots point into the resolved launch
  EXPECT_EQ(params.data()[2], &resolved.scratch[1]);
  fake.clear_calls();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(rt.launch_resolved(resolved, stream, params.data()).ok());
  }
  // no cuCtxGetCurrent, no lookup: the floor the runtime's own launch is measured against
  EXPECT_EQ(fake.calls(), (calls_t{"cuLaunchKernel", "cuLaunchKernel", "cuLaunchKernel"}));
  const auto launches = fake.launches();
  ASSERT_EQ(launches.size(), 3u);
  EXPECT_EQ(launches[0].grid[0], 4u);
  EXPECT_EQ(launches[0].grid[1], 2u);
  EXPECT_EQ(launches[0].block[0], kernel.images[0].num_warps * 32);
  EXPECT_EQ(launches[0].stream, stream);
}

TEST_F(Modes, ResolveRefusesPerCallModesAndEmptyGrids) {
  runtime::runtime per_call(load_mode::cubin);
  runtime::resolved_launch resolved;
  const auto s = per_call.resolve(kernel.binary, {4, 1, 1}, stream, params.data(), resolved);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("resolve: mode cubin loads at every launch; only cached modes resolve"),
            std::string::npos)
      << s.message();
  runtime::runtime cached(load_mode::cubin_cached);
  EXPECT_FALSE(cached.resolve(kernel.binary, {0, 1, 1}, stream, params.data(), resolved).ok());
  EXPECT_FALSE(cached.launch_resolved(runtime::resolved_launch{}, stream, params.data()).ok());
  EXPECT_EQ(fake.count("cuLaunchKernel"), 0);
}

TEST_F(Modes, PtxCachedLoadsThePtxOnce) {
  runtime::runtime rt(load_mode::ptx_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.loaded_images(), std::vector<const void*>{kernel.images[1].data});
  EXPECT_EQ(fake.count("cuModuleLoadData"), 1);
  EXPECT_EQ(fake.count("cuLaunchKernel"), 2);
}

TEST_F(Modes, LibraryLoadsOnceThenLaunchesInAnyContextWithoutLoadingAgain) {
  runtime::runtime rt(load_mode::library);
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), concat({{"cuCtxGetCurrent", "cuStreamIsCapturing"}, k_context_queries,
                                  {"cuLibraryLoadData", "cuLibraryGetKernel", "cuKernelGetFunction"},
                                  k_library_context_free_check, {"cuLaunchKernel"}}));
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuLaunchKernel"}));
  // Another context: the thread's cached function (of context 0) is refused there, as the
  // real driver refuses it; the launch goes the full way, which takes this context's own
  // function from the one library (cuKernelGetFunction, no library load).
  fake.devices.push_back(fake_device{});
  fake.make_current(1);
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), concat({{"cuLaunchKernel", "cuCtxGetCurrent", "cuStreamIsCapturing", "cuStreamIsCapturing"},
                                  k_context_queries, {"cuKernelGetFunction", "cuLaunchKernel"}}));
  EXPECT_EQ(fake.launches().size(), 1u);  // the refused launch ran nothing
  // This thread now switches contexts for this kernel: it checks the context first.
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuLaunchKernel"}));
  fake.make_current(0);
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuCtxGetCurrent", "cuLaunchKernel"}));
  const auto launches = fake.launches();
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0].context, fake_driver::context_of(0));
  EXPECT_EQ(fake.owner_of(launches[0].function), launches[0].context);
}

TEST_F(Modes, LibraryInsideACaptureInANewContextLaunchesTheContextFreeKernel) {
  runtime::runtime rt(load_mode::library);
  ASSERT_TRUE(rt.preload(kernel.binary).ok());
  fake.devices.push_back(fake_device{});
  fake.make_current(1);
  fake.capturing = true;
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuStreamIsCapturing", "cuLaunchKernel"}));
  EXPECT_EQ(fake.owner_of(fake.launches().back().function), nullptr);  // the CUkernel
}

TEST_F(Modes, LibraryKeepsThePerContextPathWhereOneImageCannotServeAll) {
  struct setup {
    const char* why;
    int driver_version;
    std::vector<fake_device> devices;
    bool scratch;
  };
  const setup setups[] = {
      {"driver older than 12.3", 12020, {fake_device{}, fake_device{}}, false},
      {"devices of two archs", 13000, {fake_device{90, 227 * 1024}, fake_device{80, 163 * 1024}}, false},
      {"kernel needs scratch (arenas are per context)", 13000, {fake_device{}, fake_device{}}, true},
  };
  for (const setup& su : setups) {
    SCOPED_TRACE(su.why);
    fake.driver_version = su.driver_version;
    fake.devices = su.devices;
    test_kernel k("k", 1, {cubin90(), ptx80()});
    k.images[0].global_scratch_size = su.scratch ? 64 : 0;
    runtime::runtime rt(load_mode::library);
    fake.make_current(0);
    ASSERT_TRUE(rt.launch(k.binary, {1, 1, 1}, stream, params.data()).ok());
    // No context-free entry: inside a capture in a context it has not seen, the launch
    // must load there, which a capture cannot hold, so it is refused.
    fake.make_current(1);
    fake.capturing = true;
    fake.clear_calls();
    const runtime::status s = rt.launch(k.binary, {1, 1, 1}, stream, params.data());
    fake.capturing = false;
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("preload"), std::string::npos) << s.message();
    fake.make_current(0);
  }
}

TEST_F(Modes, LibraryLaunchesEachContextsOwnFunctionOfTheOneLibrary) {
  runtime::runtime rt(load_mode::library);
  fake.devices.push_back(fake_device{});
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.make_current(1);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  const auto launches = fake.launches();
  ASSERT_EQ(launches.size(), 2u);
  EXPECT_EQ(fake.count("cuLibraryLoadData"), 1);
  EXPECT_NE(launches[0].function, launches[1].function);
  EXPECT_EQ(fake.owner_of(launches[0].function), fake_driver::context_of(0));
  EXPECT_EQ(fake.owner_of(launches[1].function), fake_driver::context_of(1));
}

TEST_F(Modes, PreloadMakesTheFirstLaunchOneCall) {
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    ASSERT_TRUE(rt.preload(kernel.binary).ok());
    EXPECT_EQ(fake.count("cuStreamIsCapturing"), 0);
    fake.clear_calls();
    ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
    EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuLaunchKernel"}));  // no load
    fake.clear_calls();
    ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
    EXPECT_EQ(fake.calls(), (calls_t{"cuLaunchKernel"}));  // the thread's cache
    fake.clear_calls();
  }
}

TEST_F(Modes, PreloadInPerCallModeLoadsNothing) {
  runtime::runtime rt(load_mode::cubin);
  ASSERT_TRUE(rt.preload(kernel.binary).ok());
  EXPECT_EQ(fake.count("cuModuleLoadData"), 0);
}

TEST_F(Modes, DestructorUnloadsInTheOwningContext) {
  {
    runtime::runtime rt(load_mode::cubin_cached);
    ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
    fake.clear_calls();
  }
  EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetId", "cuCtxPushCurrent", "cuModuleUnload", "cuCtxPopCurrent"}));
  EXPECT_EQ(fake.live_modules(), 0);
}

TEST_F(Modes, ReleaseCurrentContextUnloadsAndForgets) {
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  ASSERT_TRUE(rt.release_current_context().ok());
  EXPECT_EQ(fake.live_modules(), 0);
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.count("cuModuleLoadData"), 1);  // loaded again
}

TEST_F(Modes, ContextRecreatedAtTheSameAddressIsReloadedOnce) {
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  // The primary context was released and retained again: same CUcontext, new id; the
  // kept CUfunction is now an invalid handle (the fake refuses it, as the driver does).
  fake.context_generation = 1;
  fake.clear_calls();
  const runtime::status s = rt.launch(kernel.binary, {1, 1, 1}, stream, params.data());
  ASSERT_TRUE(s.ok()) << s.message();
  // Refused from the thread's cache, refused again on the full way, then reloaded once.
  EXPECT_EQ(fake.calls(), concat({{"cuLaunchKernel", "cuCtxGetCurrent", "cuLaunchKernel", "cuCtxGetId",
                                   "cuStreamIsCapturing"},
                                  k_context_queries,
                                  {"cuModuleLoadData", "cuModuleGetFunction", "cuLaunchKernel"}}));
  EXPECT_EQ(fake.launches().size(), 1u);  // only the last ran
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuLaunchKernel"}));  // checks first from now on
}

TEST_F(Modes, InvalidHandleOnTheSameContextIsReportedNotRetried) {
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.fail["cuLaunchKernel"] = CUDA_ERROR_INVALID_HANDLE;
  fake.clear_calls();
  const runtime::status s = rt.launch(kernel.binary, {1, 1, 1}, stream, params.data());
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.driver_code(), CUDA_ERROR_INVALID_HANDLE);
  // Refused from the thread's cache, then on the full way, which finds the context the
  // same one (cuCtxGetId) and reports the error instead of reloading.
  EXPECT_EQ(fake.calls(), (calls_t{"cuLaunchKernel", "cuCtxGetCurrent", "cuLaunchKernel", "cuCtxGetId"}));
}

TEST_F(Modes, PerCallModeNoticesARecreatedContext) {
  fake.devices = {fake_device{90, 227 * 1024}};
  runtime::runtime rt(load_mode::cubin);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.context_generation = 7;
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), concat({{"cuCtxGetCurrent", "cuStreamIsCapturing", "cuCtxGetId"}, k_context_queries,
                                  {"cuModuleLoadData", "cuModuleGetFunction", "cuLaunchKernel",
                                   "cuStreamSynchronize", "cuModuleUnload"}}));
}

TEST_F(Modes, ZeroGridLaunchesNothing) {
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {0, 4, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.count("cuLaunchKernel"), 0);
  EXPECT_EQ(fake.count("cuModuleLoadData"), 0);
}

TEST_F(Modes, SelectedImageIsQueryable) {
  runtime::image_choice choice;
  runtime::runtime cubin(load_mode::cubin_cached);
  ASSERT_TRUE(cubin.selected_image(kernel.binary, choice).ok());
  EXPECT_EQ(choice.arch, 90);
  EXPECT_EQ(choice.format, runtime::image_format::cubin);
  EXPECT_EQ(choice.device_arch, 90);
  runtime::runtime ptx(load_mode::ptx_cached);
  ASSERT_TRUE(ptx.selected_image(kernel.binary, choice).ok());
  EXPECT_EQ(choice.arch, 80);
  EXPECT_EQ(choice.format, runtime::image_format::ptx);
  runtime::runtime forced(load_mode::cubin_cached, runtime::runtime_options{.force_ptx = true});
  ASSERT_TRUE(forced.selected_image(kernel.binary, choice).ok());
  EXPECT_EQ(choice.format, runtime::image_format::ptx);
  EXPECT_EQ(choice.image, &kernel.images[1]);
  ASSERT_TRUE(forced.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.loaded_images(), std::vector<const void*>{kernel.images[1].data});
}

// --- Launch shape ------------------------------------------------------------

TEST_F(Modes, LargeSharedMemoryRaisesTheLimitOncePerFunctionAndContext) {
  kernel.images[0].shared_bytes = 100 * 1024;
  runtime::runtime rt(load_mode::cubin_cached);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  }
  EXPECT_EQ(fake.func_attributes(),
            (std::vector<std::pair<int, int>>{{CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 100 * 1024}}));
  EXPECT_EQ(fake.launches().back().shared, 100u * 1024);
  fake.devices.push_back(fake_device{});
  fake.make_current(1);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.func_attributes().size(), 2u);  // once more for the second context
}

TEST_F(Modes, LargeSharedMemoryInLibraryModeSetsTheKernelAttribute) {
  kernel.images[0].shared_bytes = 64 * 1024;
  fake.devices.push_back(fake_device{});
  runtime::runtime rt(load_mode::library);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  // Once for the current device (per-context step), then for every device (the
  // context-free entry serves launches on any of them).
  EXPECT_EQ(fake.count("cuKernelSetAttribute"), 3);
  for (const auto& attribute : fake.func_attributes()) {
    EXPECT_EQ(attribute, (std::pair<int, int>{CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 64 * 1024}));
  }
}

TEST_F(Modes, SmallSharedMemorySetsNoAttribute) {
  kernel.images[0].shared_bytes = 48 * 1024;
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.count("cuFuncSetAttribute"), 0);
  EXPECT_EQ(fake.launches().back().shared, 48u * 1024);
}

TEST_F(Modes, PlainLaunchUnlessClusterCooperativeOrPdl) {
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {3, 2, 1}, stream, params.data()).ok());
  EXPECT_FALSE(fake.launches().back().ex);

  test_kernel clustered("clustered", 1, {cubin90()});
  clustered.images[0].num_ctas = 2;
  ASSERT_TRUE(rt.launch(clustered.binary, {3, 2, 1}, stream, params.data()).ok());
  fake_launch l = fake.launches().back();
  ASSERT_TRUE(l.ex);
  EXPECT_EQ(l.grid[0], 6u);  // one program = one cluster of num_ctas CTAs
  EXPECT_EQ(l.grid[1], 2u);
  ASSERT_GE(l.attrs.size(), 1u);
  EXPECT_EQ(l.attrs[0].id, CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
  EXPECT_EQ(l.attrs[0].value.clusterDim.x, 2u);
  EXPECT_EQ(l.attrs[0].value.clusterDim.y, 1u);

  test_kernel coop("coop", 1, {cubin90()});
  coop.images[0].launch_cooperative_grid = true;
  ASSERT_TRUE(rt.launch(coop.binary, {1, 1, 1}, stream, params.data()).ok());
  l = fake.launches().back();
  ASSERT_TRUE(l.ex);
  ASSERT_EQ(l.attrs.size(), 1u);
  EXPECT_EQ(l.attrs[0].id, CU_LAUNCH_ATTRIBUTE_COOPERATIVE);
  EXPECT_EQ(l.attrs[0].value.cooperative, 1);

  test_kernel pdl("pdl", 1, {cubin90()});
  pdl.images[0].launch_pdl = true;
  ASSERT_TRUE(rt.launch(pdl.binary, {1, 1, 1}, stream, params.data()).ok());
  l = fake.launches().back();
  ASSERT_TRUE(l.ex);
  ASSERT_EQ(l.attrs.size(), 1u);
  EXPECT_EQ(l.attrs[0].id, CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
  EXPECT_EQ(l.attrs[0].value.programmaticStreamSerializationAllowed, 1);

  test_kernel dims("cluster_dims", 1, {cubin90()});
  dims.images[0].cluster_dims[0] = 2;
  dims.images[0].cluster_dims[1] = 2;
  ASSERT_TRUE(rt.launch(dims.binary, {1, 3, 1}, stream, params.data()).ok());
  l = fake.launches().back();
  EXPECT_EQ(l.grid[0], 2u);
  EXPECT_EQ(l.grid[1], 6u);
}

// --- Scratch -------------------------------------------------------------------

TEST_F(Modes, ScratchIsGridSizedAndReusedPerStream) {
  kernel.images[0].global_scratch_size = 1000;
  kernel.images[0].global_scratch_align = 128;
  kernel.images[0].profile_scratch_size = 24;
  kernel.images[0].profile_scratch_align = 8;
  kernel.images[0].num_ctas = 2;
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {4, 2, 1}, stream, params.data()).ok());
  ASSERT_EQ(fake.allocations().size(), 1u);
  const std::size_t programs = 4 * 2 * 2;
  EXPECT_GE(fake.allocations()[0], programs * 1000 + programs * 24);
  fake_launch l = fake.launches().back();
  EXPECT_NE(l.scratch[0], 0u);
  EXPECT_EQ(l.scratch[0] % 128, 0u);
  EXPECT_NE(l.scratch[1], 0u);
  EXPECT_GE(l.scratch[1], l.scratch[0] + programs * 1000);
  EXPECT_EQ(l.scratch[1] % 8, 0u);

  // Warm: same or smaller grid, same stream: no allocation and no capture query.
  fake.clear_calls();
  ASSERT_TRUE(rt.launch(kernel.binary, {2, 2, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuLaunchKernelEx"}));
  EXPECT_EQ(fake.launches().back().scratch[0], l.scratch[0]);

  // Another stream gets its own arena; a much bigger grid grows it.
  CUstream other = reinterpret_cast<CUstream>(0x6000);
  ASSERT_TRUE(rt.launch(kernel.binary, {4, 2, 1}, other, params.data()).ok());
  EXPECT_EQ(fake.allocations().size(), 1u);
  EXPECT_NE(fake.launches().back().scratch[0], l.scratch[0]);
  ASSERT_TRUE(rt.launch(kernel.binary, {4096, 2, 1}, stream, params.data()).ok());
  EXPECT_EQ(fake.allocations().size(), 2u);
  EXPECT_GE(fake.allocations()[1], 4096u * 2 * 2 * 1000);
}

TEST_F(Modes, ScratchGrowthInsideCaptureIsRefused) {
  kernel.images[0].global_scratch_size = 256;
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.capturing = true;
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());  // fits: fine
  const runtime::status s = rt.launch(kernel.binary, {100000, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("capturing"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("scratch"), std::string::npos) << s.message();
  EXPECT_EQ(fake.allocations().size(), 1u);
}

TEST_F(Modes, PreloadWithAGridMakesScratchReadyForCapture) {
  for (auto& image : kernel.images) image.global_scratch_size = 256;  // the cubin and the PTX
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    runtime::runtime rt(mode);
    fake.capturing = false;
    fake.clear_calls();
    ASSERT_TRUE(rt.preload(kernel.binary, {100000, 1, 1}, stream).ok());
    EXPECT_EQ(fake.count("cuMemAlloc"), 1) << to_string(mode);
    fake.capturing = true;
    fake.clear_calls();
    // The first launch ever, inside capture, with the preloaded grid: no load, no allocation.
    const runtime::status s = rt.launch(kernel.binary, {100000, 1, 1}, stream, params.data());
    ASSERT_TRUE(s.ok()) << to_string(mode) << ": " << s.message();
    EXPECT_EQ(fake.count("cuModuleLoadData"), 0) << to_string(mode);
    EXPECT_EQ(fake.count("cuMemAlloc"), 0) << to_string(mode);
  }
}

// --- Contexts, threads, capture ------------------------------------------------

TEST_F(Modes, EachContextUsesItsOwnModuleAndImage) {
  fake.devices = {fake_device{90, 227 * 1024}, fake_device{80, 163 * 1024}};
  runtime::runtime rt(load_mode::cubin_cached);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.make_current(1);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.make_current(0);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  fake.make_current(1);
  ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
  // sm_90 device: its cubin; sm_80 device: no sm_80 cubin, so the sm_80 PTX.
  EXPECT_EQ(fake.loaded_images(), (std::vector<const void*>{kernel.images[0].data, kernel.images[1].data}));
  const auto l = fake.launches();
  ASSERT_EQ(l.size(), 4u);
  EXPECT_NE(l[0].function, l[1].function);
  EXPECT_EQ(l[0].function, l[2].function);
  EXPECT_EQ(l[1].function, l[3].function);
}

// Issue 19: one thread per device, all launching at once. Each context loads its module
// once (per-call cubin: once per launch), every launch uses a CUfunction of the context
// current on its thread, never another device's; library mode loads one library and
// launches each context's own function of it.
TEST_F(Modes, AThreadPerDeviceLoadsOncePerContextAndLaunchesOnlyItsOwnFunctions) {
  fake.devices = {fake_device{}, fake_device{}, fake_device{}, fake_device{}};
  const int devices = static_cast<int>(fake.devices.size());
  constexpr int k_launches = 50;
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::cubin, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    fake.clear_calls();
    fake.load_delay = std::chrono::microseconds(mode == load_mode::cubin ? 0 : 2000);  // widen the race
    runtime::runtime rt(mode);
    std::latch start(devices);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int d = 0; d < devices; ++d) {
      threads.emplace_back([&, d] {
        fake.make_current(d);
        param_pack p(1);
        start.arrive_and_wait();
        for (int k = 0; k < k_launches; ++k) {
          if (!rt.launch(kernel.binary, {1, 1, 1}, stream, p.data()).ok()) failures.fetch_add(1);
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    const auto launches = fake.launches();
    ASSERT_EQ(launches.size(), static_cast<std::size_t>(devices * k_launches));
    std::set<CUcontext> launched_in;
    std::set<CUfunction> functions;
    for (const auto& l : launches) {
      launched_in.insert(l.context);
      functions.insert(l.function);
    }
    EXPECT_EQ(launched_in.size(), static_cast<std::size_t>(devices));
    std::map<CUcontext, int> loads;
    for (const CUcontext c : fake.load_contexts()) ++loads[c];
    for (const auto& l : launches) {
      ASSERT_EQ(fake.owner_of(l.function), l.context) << "a launch used another context's CUfunction";
    }
    if (mode == load_mode::library) {
      EXPECT_EQ(fake.load_contexts().size(), 1u);  // one library serves every context,
      EXPECT_EQ(functions.size(), static_cast<std::size_t>(devices));  // each launching its own function of it
      continue;
    }
    ASSERT_EQ(loads.size(), static_cast<std::size_t>(devices));
    for (const auto& [context, count] : loads) EXPECT_EQ(count, mode == load_mode::cubin ? k_launches : 1);
    if (mode != load_mode::cubin) {
      EXPECT_EQ(functions.size(), static_cast<std::size_t>(devices));
    }
  }
}

TEST_F(Modes, ThirtyTwoThreadsRacingOnTheFirstLaunchLoadOnce) {
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    fake.clear_calls();
    fake.load_delay = std::chrono::microseconds(2000);
    runtime::runtime rt(mode);
    constexpr int k_threads = 32;
    std::latch start(k_threads);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < k_threads; ++t) {
      threads.emplace_back([&] {
        fake.make_current(0);
        param_pack p(1);
        start.arrive_and_wait();
        if (!rt.launch(kernel.binary, {1, 1, 1}, stream, p.data()).ok()) {
          failures.fetch_add(1);
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(fake.loaded_images().size(), 1u);
    EXPECT_EQ(fake.count("cuLaunchKernel"), k_threads);
    std::set<CUfunction> functions;
    for (const auto& l : fake.launches()) {
      functions.insert(l.function);
    }
    EXPECT_EQ(functions.size(), 1u);
  }
}

TEST_F(Modes, PerCallModeInsideCaptureIsRefusedWithoutDriverWork) {
  for (load_mode mode : {load_mode::cubin, load_mode::ptx}) {
    runtime::runtime rt(mode);
    fake.capturing = true;
    fake.clear_calls();
    const runtime::status s = rt.launch(kernel.binary, {1, 1, 1}, stream, params.data());
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("capturing a CUDA graph"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(std::string("mode ") + std::string(runtime::to_string(mode))),
              std::string::npos)
        << s.message();
    EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuStreamIsCapturing"}));
  }
}

TEST_F(Modes, CachedFirstLaunchInsideCaptureIsRefusedAndLoadsNothing) {
  runtime::runtime rt(load_mode::cubin_cached);
  fake.capturing = true;
  const runtime::status s = rt.launch(kernel.binary, {1, 1, 1}, stream, params.data());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("preload"), std::string::npos) << s.message();
  EXPECT_EQ(fake.count("cuModuleLoadData"), 0);
}

TEST_F(Modes, CachedLaunchInsideCaptureMakesNoLoadOrSyncCall) {
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    runtime::runtime rt(mode);
    fake.capturing = false;
    ASSERT_TRUE(rt.preload(kernel.binary).ok());
    fake.capturing = true;
    fake.clear_calls();
    ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
    EXPECT_EQ(fake.calls(), (calls_t{"cuCtxGetCurrent", "cuLaunchKernel"}));
    ASSERT_TRUE(rt.launch(kernel.binary, {1, 1, 1}, stream, params.data()).ok());
    EXPECT_EQ(fake.count("cuStreamIsCapturing"), 0);
    EXPECT_EQ(fake.count("cuModuleLoadData"), 0);
  }
}

}  // namespace
}  // namespace tb::test
