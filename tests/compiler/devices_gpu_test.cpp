// Every device of the machine at once (issue 19), on any number of GPUs, one included:
// a thread per device launches the same generated launcher (vector_add's add_kernel)
// through one runtime, concurrently. A counting pass-through driver table between the
// runtime and libcuda records, for every module load, function lookup and launch, the
// context current on the calling thread, and the test asserts that each context loaded
// its module once (per-call cubin: once per launch), that no launch used a CUfunction
// of another context, that library mode loaded one library and launched its
// context-free CUkernel on every device, and that every device's output is exact.
#include "../common/cuda_test_driver.hpp"

#include "driver_api.hpp"  // the runtime's driver table (tb::runtime_internal)

#include <vector_add_kernels.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace {

using tb::runtime::load_mode;
using tb::test::device_buffer;
using tb::test::driver;
namespace rd = tb::runtime::detail;

// --- the counting driver: the real table with four entries wrapped ------------------

struct launch_record {
  CUfunction function;
  CUcontext context;
};

struct counts {
  std::mutex mutex;
  std::map<CUcontext, int> module_loads, library_loads;
  std::map<CUmodule, CUcontext> module_context;
  std::map<CUfunction, CUcontext> function_context;
  std::vector<launch_record> launches;
  void clear() {
    std::lock_guard lock(mutex);
    module_loads.clear();
    library_loads.clear();
    module_context.clear();
    function_context.clear();
    launches.clear();
  }
};

rd::driver_table g_real;
counts g_counts;

CUcontext current_context() {
  CUcontext c = nullptr;
  g_real.cuCtxGetCurrent(&c);
  return c;
}

CUresult counting_module_load(CUmodule* module, const void* image) {
  const CUresult r = g_real.cuModuleLoadData(module, image);
  std::lock_guard lock(g_counts.mutex);
  ++g_counts.module_loads[current_context()];
  if (r == CUDA_SUCCESS) g_counts.module_context[*module] = current_context();
  return r;
}

CUresult counting_get_function(CUfunction* function, CUmodule module, const char* name) {
  const CUresult r = g_real.cuModuleGetFunction(function, module, name);
  std::lock_guard lock(g_counts.mutex);
  if (r == CUDA_SUCCESS) g_counts.function_context[*function] = g_counts.module_context[module];
  return r;
}

CUresult counting_library_load(CUlibrary* library, const void* code, CUjit_option* jo, void** jv, unsigned int jn,
                               CUlibraryOption* lo, void** lv, unsigned int ln) {
  const CUresult r = g_real.cuLibraryLoadData(library, code, jo, jv, jn, lo, lv, ln);
  std::lock_guard lock(g_counts.mutex);
  ++g_counts.library_loads[current_context()];
  return r;
}

CUresult counting_launch(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                         unsigned shared, CUstream stream, void** params, void** extra) {
  {
    std::lock_guard lock(g_counts.mutex);
    g_counts.launches.push_back({f, current_context()});
  }
  return g_real.cuLaunchKernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
}

CUresult counting_launch_ex(const CUlaunchConfig* config, CUfunction f, void** params, void** extra) {
  {
    std::lock_guard lock(g_counts.mutex);
    g_counts.launches.push_back({f, current_context()});
  }
  return g_real.cuLaunchKernelEx(config, f, params, extra);
}

rd::driver_table g_counting;

// Loads libcuda into a table of our own and installs the counting copy for the runtimes
// created afterwards; empty when it worked, else why not.
std::string install_counting_driver() {
  const auto status = rd::load_driver_library("libcuda.so.1", g_real);
  if (!status.ok()) return status.message();
  g_counting = g_real;
  g_counting.cuModuleLoadData = counting_module_load;
  g_counting.cuModuleGetFunction = counting_get_function;
  g_counting.cuLibraryLoadData = counting_library_load;
  g_counting.cuLaunchKernel = counting_launch;
  g_counting.cuLaunchKernelEx = counting_launch_ex;
  rd::set_driver_for_testing(&g_counting);
  return {};
}

// --- the test ---------------------------------------------------------------------

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

constexpr int k_elements = 1 << 16;  // a multiple of 16: the :16 specialisation, one image
constexpr int k_launches = 64;

// One device's thread: its primary context current, its own buffers, `k_launches`
// launches of the generated add_kernel once every thread is ready; the output checked.
void run_device(int device, tb::runtime::runtime& rt, std::latch& ready, std::string& error) {
  try {
    driver().use_device(device);
    const auto x = random_floats(k_elements, 10u + static_cast<unsigned>(device));
    const auto y = random_floats(k_elements, 20u + static_cast<unsigned>(device));
    device_buffer<float> dx(x.size()), dy(y.size()), dout(x.size());
    dx.upload(x);
    dy.upload(y);
    dout.poison();
    ready.arrive_and_wait();
    for (int k = 0; k < k_launches; ++k) {
      const auto s = tb_aot::vector_add::add_kernel(nullptr, {k_elements / 1024}, dx.ptr(), dy.ptr(), dout.ptr(),
                                                    k_elements, tb_aot::vector_add::add_kernel_variant::b1024, rt);
      if (!s.ok()) throw std::runtime_error("launch " + std::to_string(k) + ": " + s.message());
    }
    driver().check(driver().ctx_synchronize(), "cuCtxSynchronize");
    const auto out = dout.download();
    for (std::size_t i = 0; i < out.size(); ++i)
      if (out[i] != x[i] + y[i]) throw std::runtime_error("element " + std::to_string(i) + " differs");
  } catch (const std::exception& e) {
    error = "device " + std::to_string(device) + ": " + e.what();
  }
}

class EveryDevice : public ::testing::TestWithParam<load_mode> {};

TEST_P(EveryDevice, AThreadPerDeviceLoadsOncePerContextAndUsesOnlyItsOwnFunctions) {
  int devices = 0;
  driver().check(driver().device_get_count(&devices), "cuDeviceGetCount");
  g_counts.clear();
  tb::runtime::runtime rt(GetParam());
  std::latch ready(devices);
  std::vector<std::string> errors(static_cast<std::size_t>(devices));
  std::vector<std::thread> threads;
  for (int d = 0; d < devices; ++d)
    threads.emplace_back(run_device, d, std::ref(rt), std::ref(ready), std::ref(errors[static_cast<std::size_t>(d)]));
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");

  std::lock_guard lock(g_counts.mutex);
  ASSERT_EQ(g_counts.launches.size(), static_cast<std::size_t>(devices * k_launches));
  std::set<CUcontext> contexts;
  std::set<CUfunction> functions;
  for (const auto& l : g_counts.launches) {
    contexts.insert(l.context);
    functions.insert(l.function);
  }
  EXPECT_EQ(contexts.size(), static_cast<std::size_t>(devices)) << "a launch ran in no or a shared context";
  if (GetParam() == load_mode::library) {
    int libraries = 0;
    for (const auto& [context, n] : g_counts.library_loads) libraries += n;
    EXPECT_EQ(libraries, 1) << "one library serves every device";
    EXPECT_TRUE(g_counts.module_loads.empty());
    EXPECT_EQ(functions.size(), 1u) << "its one CUkernel, launched on every device";
  } else {
    ASSERT_EQ(g_counts.module_loads.size(), static_cast<std::size_t>(devices));
    const int per_context = GetParam() == load_mode::cubin ? k_launches : 1;
    for (const auto& [context, n] : g_counts.module_loads) EXPECT_EQ(n, per_context);
    for (const auto& l : g_counts.launches)
      ASSERT_EQ(g_counts.function_context[l.function], l.context) << "a launch used another context's CUfunction";
    if (GetParam() != load_mode::cubin) {
      EXPECT_EQ(functions.size(), static_cast<std::size_t>(devices));
    }
  }
  std::printf("%s: %d device(s), %zu launches in %zu contexts, %zu distinct functions\n",
              std::string(tb::runtime::to_string(GetParam())).c_str(), devices, g_counts.launches.size(),
              contexts.size(), functions.size());
}

INSTANTIATE_TEST_SUITE_P(Modes, EveryDevice,
                         ::testing::Values(load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library,
                                           load_mode::cubin),
                         [](const auto& param_info) {
                           std::string name(tb::runtime::to_string(param_info.param));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const std::string why = driver().open();
  if (!why.empty()) {
    std::printf("skipped: %s\n", why.c_str());
    return 77;
  }
  if (const std::string problem = install_counting_driver(); !problem.empty()) {
    std::printf("skipped: the runtime's driver table: %s\n", problem.c_str());
    return 77;
  }
  int devices = 0;
  driver().device_get_count(&devices);
  for (int d = 0; d < devices; ++d) std::printf("GPU %d: %s\n", d, driver().device_name(d).c_str());
  return RUN_ALL_TESTS();
}
