// tb/runtime/device.hpp against the recording fake driver: each function is the one
// driver call it names, passes its arguments through, and a failure's status names
// the call and the driver's error.
#include "fake_driver.hpp"

#include <tb/runtime/device.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tb::test {
namespace {

namespace rt = tb::runtime;
using calls_t = std::vector<std::string>;

class Device : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.install();
    fake.clear_calls();
  }
  fake_driver fake;
};

TEST_F(Device, DescribesTheDevices) {
  fake.devices = {fake_device{90, 227 * 1024, "Fake H100"}, fake_device{86, 99 * 1024, "Fake A6000"}};
  fake.driver_version = 12040;
  int count = 0, version = 0, arch = 0;
  ASSERT_TRUE(rt::device_count(count).ok());
  EXPECT_EQ(count, 2);
  ASSERT_TRUE(rt::driver_version(version).ok());
  EXPECT_EQ(version, 12040);
  ASSERT_TRUE(rt::compute_capability(1, arch).ok());
  EXPECT_EQ(arch, 86);
  std::string name;
  ASSERT_TRUE(rt::device_name(0, name).ok());
  EXPECT_EQ(name, "Fake H100");
  EXPECT_EQ(fake.calls(), (calls_t{"cuDeviceGetCount", "cuDriverGetVersion", "cuDeviceGet", "cuDeviceGetAttribute",
                                   "cuDeviceGetAttribute", "cuDeviceGet", "cuDeviceGetName"}));
}

TEST_F(Device, ContextStreamMemoryAndGraphAreOneCallEach) {
  fake.make_current(-1);
  fake.clear_calls();
  rt::context_handle context = nullptr;
  ASSERT_TRUE(rt::retain_primary_context(0, context).ok());
  EXPECT_EQ(context, fake_driver::context_of(0));
  ASSERT_TRUE(rt::make_current(context).ok());
  rt::stream_handle stream = nullptr;
  ASSERT_TRUE(rt::create_stream(stream).ok());
  EXPECT_NE(stream, nullptr);
  rt::device_ptr address = 0;
  ASSERT_TRUE(rt::mem_alloc(4096, address).ok());
  EXPECT_NE(address, 0u);
  EXPECT_EQ(address % 256, 0u);
  EXPECT_EQ(fake.allocations(), (std::vector<size_t>{4096}));
  const char bytes[16] = {};
  char back[16];
  EXPECT_TRUE(rt::copy_to_device(address, bytes, sizeof bytes).ok());
  EXPECT_TRUE(rt::copy_to_host(back, address, sizeof back).ok());
  EXPECT_TRUE(rt::synchronize_context().ok());
  rt::graph_handle graph = nullptr;
  rt::graph_exec_handle exec = nullptr;
  EXPECT_TRUE(rt::begin_capture(stream).ok());
  EXPECT_TRUE(rt::end_capture(stream, graph).ok());
  EXPECT_NE(graph, nullptr);
  EXPECT_TRUE(rt::instantiate(graph, exec).ok());
  EXPECT_NE(exec, nullptr);
  EXPECT_TRUE(rt::launch_graph(exec, stream).ok());
  EXPECT_TRUE(rt::synchronize(stream).ok());
  EXPECT_TRUE(rt::destroy_graph_exec(exec).ok());
  EXPECT_TRUE(rt::destroy_graph(graph).ok());
  EXPECT_TRUE(rt::mem_free(address).ok());
  EXPECT_TRUE(rt::destroy_stream(stream).ok());
  EXPECT_TRUE(rt::release_primary_context(0).ok());
  EXPECT_EQ(fake.calls(),
            (calls_t{"cuDeviceGet", "cuDevicePrimaryCtxRetain", "cuCtxSetCurrent", "cuStreamCreate", "cuMemAlloc",
                     "cuMemcpyHtoD", "cuMemcpyDtoH", "cuCtxSynchronize", "cuStreamBeginCapture", "cuStreamEndCapture",
                     "cuGraphInstantiateWithFlags", "cuGraphLaunch", "cuStreamSynchronize", "cuGraphExecDestroy",
                     "cuGraphDestroy", "cuMemFree", "cuStreamDestroy", "cuDeviceGet", "cuDevicePrimaryCtxRelease"}));
  // make_current really made the context current for the runtime's queries
  CUcontext current = nullptr;
  fake.table().cuCtxGetCurrent(&current);
  EXPECT_EQ(current, fake_driver::context_of(0));
}

TEST_F(Device, EventsAreOneCallEachAndGiveTheDriversElapsedTime) {
  fake.event_elapsed_ms = 1.25f;
  rt::stream_handle stream = nullptr;
  ASSERT_TRUE(rt::create_stream(stream).ok());
  rt::event_handle start = nullptr, end = nullptr;
  ASSERT_TRUE(rt::create_event(start).ok());
  ASSERT_TRUE(rt::create_event(end).ok());
  EXPECT_NE(start, nullptr);
  EXPECT_NE(start, end);
  EXPECT_TRUE(rt::record_event(start, stream).ok());
  EXPECT_TRUE(rt::record_event(end, stream).ok());
  EXPECT_TRUE(rt::synchronize_event(end).ok());
  float ms = 0;
  ASSERT_TRUE(rt::elapsed_ms(start, end, ms).ok());
  EXPECT_EQ(ms, 1.25f);
  EXPECT_TRUE(rt::destroy_event(start).ok());
  EXPECT_TRUE(rt::destroy_event(end).ok());
  EXPECT_EQ(fake.calls(), (calls_t{"cuStreamCreate", "cuEventCreate", "cuEventCreate", "cuEventRecord", "cuEventRecord",
                                   "cuEventSynchronize", "cuEventElapsedTime", "cuEventDestroy", "cuEventDestroy"}));
  fake.fail["cuEventElapsedTime"] = CUDA_ERROR_INVALID_VALUE;
  ms = -1;
  EXPECT_EQ(rt::elapsed_ms(start, end, ms).message(),
            "cuEventElapsedTime failed: CUDA_ERROR_INVALID_VALUE: invalid argument");
  EXPECT_EQ(ms, -1.0f);
}

TEST_F(Device, FailureNamesTheCallAndCarriesTheResult) {
  fake.fail["cuMemAlloc"] = CUDA_ERROR_OUT_OF_MEMORY;
  rt::device_ptr address = 0;
  const rt::status s = rt::mem_alloc(1 << 30, address);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY: out of memory");
  EXPECT_EQ(s.driver_code(), CUDA_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(address, 0u);

  fake.fail_once["cuDeviceGetAttribute"] = CUDA_ERROR_INVALID_VALUE;
  int arch = -1;
  const rt::status attr = rt::compute_capability(0, arch);
  EXPECT_EQ(attr.message(), "cuDeviceGetAttribute failed: CUDA_ERROR_INVALID_VALUE: invalid argument");
  EXPECT_EQ(arch, -1);  // left as it was
  EXPECT_TRUE(rt::compute_capability(0, arch).ok());
  EXPECT_EQ(arch, 90);

  fake.fail["cuGraphLaunch"] = CUDA_ERROR_ILLEGAL_ADDRESS;
  EXPECT_EQ(rt::launch_graph(nullptr, nullptr).message(),
            "cuGraphLaunch failed: CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access was encountered");
  fake.fail["cuStreamCreate"] = static_cast<CUresult>(999);  // no name: the number
  rt::stream_handle stream = nullptr;
  const rt::status unnamed = rt::create_stream(stream);
  EXPECT_EQ(unnamed.message(), "cuStreamCreate failed: CUresult 999");
  EXPECT_EQ(unnamed.driver_code(), 999);
}

TEST_F(Device, AMissingEntryPointIsAStatusNotACrash) {
  runtime::detail::driver_table partial = fake.table();
  partial.cuDeviceGetName = nullptr;
  runtime::detail::set_driver_for_testing(&partial);
  std::string name = "unchanged";
  const rt::status s = rt::device_name(0, name);
  EXPECT_EQ(s.message(), "the CUDA driver has no entry point cuDeviceGetName");
  EXPECT_EQ(name, "unchanged");
  fake.install();
}

TEST_F(Device, LongDeviceNamesAreCut) {
  const std::string long_name(400, 'x');
  fake.devices = {fake_device{90, 227 * 1024, long_name.c_str()}};
  std::string name;
  ASSERT_TRUE(rt::device_name(0, name).ok());
  EXPECT_EQ(name, std::string(255, 'x'));  // what fits a 256-byte buffer with its NUL
}

}  // namespace
}  // namespace tb::test
