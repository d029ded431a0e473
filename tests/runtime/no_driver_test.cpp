// Runs with TB_RUNTIME_LIBCUDA pointing at a library that does not exist (see
// CMakeLists.txt): the process's real driver loader must fail cleanly, every time,
// for every entry point, without crashing.
#include "driver_api.hpp"

#include <tb/runtime/device.hpp>
#include <tb/runtime/runtime.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace {

TEST(NoDriver, EveryEntryPointReturnsTheLoadError) {
  const char* path = std::getenv("TB_RUNTIME_LIBCUDA");
  ASSERT_NE(path, nullptr) << "run through ctest, which sets TB_RUNTIME_LIBCUDA";
  const std::string expected = std::string(path) + " could not be loaded: ";

  tb::runtime::kernel_binary kernel;
  kernel.name = "k";
  void* params[2] = {nullptr, nullptr};
  auto& rt = tb::runtime::default_runtime();
  EXPECT_EQ(rt.mode(), tb::runtime::load_mode::cubin_cached);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const tb::runtime::status launched = rt.launch(kernel, {1, 1, 1}, nullptr, params);
    ASSERT_FALSE(launched.ok());
    EXPECT_EQ(launched.message().rfind(expected, 0), 0u) << launched.message();
    EXPECT_NE(launched.message().find("is the NVIDIA driver installed?"), std::string::npos);
  }
  EXPECT_FALSE(rt.preload(kernel).ok());
  tb::runtime::image_choice choice;
  EXPECT_FALSE(rt.selected_image(kernel, choice).ok());
  const tb::runtime::detail::driver_table* table = nullptr;
  EXPECT_FALSE(tb::runtime::detail::acquire_driver(table).ok());
  EXPECT_EQ(table, nullptr);
  tb::runtime::runtime per_call(tb::runtime::load_mode::ptx);
  EXPECT_FALSE(per_call.launch(kernel, {1, 1, 1}, nullptr, params).ok());
  // the harness's device calls say the same
  int count = -1;
  const tb::runtime::status counted = tb::runtime::device_count(count);
  EXPECT_EQ(counted.message().rfind(expected, 0), 0u) << counted.message();
  EXPECT_EQ(count, -1);
  tb::runtime::device_ptr address = 0;
  EXPECT_EQ(tb::runtime::mem_alloc(16, address).message(), counted.message());
}

}  // namespace
