// GPU tests (ctest label `gpu`): trace a known launch sequence in-process, and through the
// CUDA_INJECTION64_PATH library in a child process. They exit 77 (skipped) with the reason
// printed when no driver or GPU is present. The driver is reached through dlopen, so the
// test links no CUDA library.
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/tracer.hpp>

#include <cuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

using namespace tb::profiler;

namespace {

struct driver {
  void* lib = nullptr;
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*device_count)(int*) = nullptr;
  CUresult (*device_get)(CUdevice*, int) = nullptr;
  CUresult (*primary_retain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*primary_release)(CUdevice) = nullptr;
  CUresult (*ctx_set_current)(CUcontext) = nullptr;
  CUresult (*ctx_synchronize)() = nullptr;
  CUresult (*module_load_data)(CUmodule*, const void*) = nullptr;
  CUresult (*module_get_function)(CUfunction*, CUmodule, const char*) = nullptr;
  CUresult (*module_unload)(CUmodule) = nullptr;
  CUresult (*stream_create)(CUstream*, unsigned) = nullptr;
  CUresult (*stream_destroy)(CUstream) = nullptr;
  CUresult (*stream_synchronize)(CUstream) = nullptr;
  CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                     void**, void**) = nullptr;

  template <class F>
  bool sym(F& f, const char* name) {
    f = reinterpret_cast<F>(dlsym(lib, name));
    return f != nullptr;
  }
  // Returns an empty string when usable, else why not.
  std::string open() {
    lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (lib == nullptr) return std::string("cannot load libcuda.so.1: ") + dlerror();
    if (!sym(init, "cuInit") || !sym(device_count, "cuDeviceGetCount") || !sym(device_get, "cuDeviceGet") ||
        !sym(primary_retain, "cuDevicePrimaryCtxRetain") || !sym(primary_release, "cuDevicePrimaryCtxRelease_v2") ||
        !sym(ctx_set_current, "cuCtxSetCurrent") || !sym(ctx_synchronize, "cuCtxSynchronize") ||
        !sym(module_load_data, "cuModuleLoadData") || !sym(module_get_function, "cuModuleGetFunction") ||
        !sym(module_unload, "cuModuleUnload") || !sym(stream_create, "cuStreamCreate") ||
        !sym(stream_destroy, "cuStreamDestroy_v2") || !sym(stream_synchronize, "cuStreamSynchronize") ||
        !sym(launch, "cuLaunchKernel")) {
      return "libcuda.so.1 lacks a driver API entry point";
    }
    if (const auto r = init(0); r != CUDA_SUCCESS) return "cuInit failed with CUresult " + std::to_string(r);
    int n = 0;
    if (device_count(&n) != CUDA_SUCCESS || n == 0) return "no CUDA device";
    return {};
  }
};

driver& cuda() {
  static driver d;
  return d;
}

#define CU_OK(call) ASSERT_EQ((call), CUDA_SUCCESS) << #call

// A file of the build folder: <build>/bin/<this test> -> <build>/<relative>.
std::string in_build(const char* relative) {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / relative).string();
}

std::vector<char> read_cubin() {
  std::ifstream f(in_build(TB_TEST_CUBIN), std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The launch sequence both tests check: a b a a b on one stream.
const std::vector<std::string> sequence{"tb_test_kernel_a", "tb_test_kernel_b", "tb_test_kernel_a", "tb_test_kernel_a",
                                        "tb_test_kernel_b"};

void run_sequence() {
  auto& d = cuda();
  CUdevice dev;
  CUcontext ctx;
  CU_OK(d.device_get(&dev, 0));
  CU_OK(d.primary_retain(&ctx, dev));
  CU_OK(d.ctx_set_current(ctx));
  const auto image = read_cubin();
  ASSERT_FALSE(image.empty()) << "cannot read " << in_build(TB_TEST_CUBIN);
  CUmodule module;
  CU_OK(d.module_load_data(&module, image.data()));
  std::map<std::string, CUfunction> functions;
  for (const auto* name : {"tb_test_kernel_a", "tb_test_kernel_b"}) CU_OK(d.module_get_function(&functions[name], module, name));
  CUstream stream;
  CU_OK(d.stream_create(&stream, CU_STREAM_NON_BLOCKING));
  CUdeviceptr null_ptr = 0;
  void* params[] = {&null_ptr};
  for (const auto& name : sequence) CU_OK(d.launch(functions[name], 2, 1, 1, 32, 1, 1, 0, stream, params, nullptr));
  CU_OK(d.stream_synchronize(stream));
  CU_OK(d.stream_destroy(stream));
  CU_OK(d.module_unload(module));
  CU_OK(d.primary_release(dev));
}

void check_trace(const trace& t) {
  EXPECT_EQ(t.metadata().dropped_records, 0u);
  std::vector<const event*> kernels;
  for (const auto& e : t.events()) {
    if (e.kind == event_kind::kernel && t.str(e.name).starts_with("tb_test_kernel_")) kernels.push_back(&e);
  }
  ASSERT_EQ(kernels.size(), sequence.size());
  std::map<std::uint64_t, const event*> launches;
  for (const auto& e : t.events()) {
    if (e.kind == event_kind::driver_api && t.str(e.name) == "cuLaunchKernel") launches[e.correlation_id] = &e;
  }
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const auto& k = *kernels[i];
    EXPECT_EQ(t.str(k.name), sequence[i]) << "kernel " << i;
    EXPECT_LE(k.start_ns, k.end_ns);
    const auto* info = t.kernel_of(k);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->grid, (dim3i{2, 1, 1}));
    EXPECT_EQ(info->block, (dim3i{32, 1, 1}));
    ASSERT_TRUE(launches.count(k.correlation_id)) << "kernel " << i << " has no cuLaunchKernel record";
    const auto& l = *launches[k.correlation_id];
    EXPECT_LE(l.start_ns, k.start_ns) << "launch call must start before its kernel";
    if (i > 0) {
      EXPECT_EQ(k.track, kernels[i - 1]->track);
      EXPECT_GE(k.start_ns - kernels[i - 1]->end_ns, 0) << "gap before kernel " << i;
    }
  }
  analysis_options o;
  o.target = "tb_test_kernel_a";
  const auto r = analyze(t, o);
  EXPECT_EQ(r.target_kernels, 3u);
  EXPECT_EQ(r.find("launch.latency")->samples.size(), 3u);
  for (double g : r.find("gap.before_target")->samples) EXPECT_GE(g, 0);
  EXPECT_GE(r.module_calls, 3u);  // cuModuleLoadData, 2 x cuModuleGetFunction, cuModuleUnload
}

class gpu_environment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (std::getenv("TB_GPU_TRACE_CHILD") != nullptr) return;  // the injection child
    const auto why = cuda().open();
    if (!why.empty()) {
      std::printf("SKIPPED: %s\n", why.c_str());
      std::fflush(stdout);
      std::_Exit(77);
    }
  }
};
const auto* const g_env = ::testing::AddGlobalTestEnvironment(new gpu_environment);

}  // namespace

TEST(gpu_trace, in_process_launch_sequence) {
  if (std::getenv("TB_GPU_TRACE_CHILD") != nullptr) GTEST_SKIP();
  tracer tr;
  ASSERT_NO_THROW(tr.start());
  run_sequence();
  tr.stop();
  const auto t = tr.take_trace();
  check_trace(t);
  EXPECT_FALSE(t.metadata().cupti_version.empty());
}

// record() while running: the middle sequence, traced with the GPU's kinds only, leaves
// its kernels and no launch records; the last, with every kind again, leaves both.
TEST(gpu_trace, record_switches_kinds_while_running) {
  if (std::getenv("TB_GPU_TRACE_CHILD") != nullptr) GTEST_SKIP();
  tracer tr;
  ASSERT_NO_THROW(tr.start());
  run_sequence();
  ASSERT_NO_THROW(tr.record(gpu_activity_kinds()));
  EXPECT_FALSE(tr.kinds().driver_api);
  run_sequence();
  ASSERT_NO_THROW(tr.record(tracer_kinds{}));
  run_sequence();
  tr.stop();
  const auto t = tr.take_trace();
  std::size_t kernels = 0, launches = 0;
  for (const auto& e : t.events()) {
    kernels += e.kind == event_kind::kernel && t.str(e.name).starts_with("tb_test_kernel_");
    launches += e.kind == event_kind::driver_api && t.str(e.name) == "cuLaunchKernel";
  }
  EXPECT_EQ(kernels, 3 * sequence.size());
  EXPECT_EQ(launches, 2 * sequence.size());
  EXPECT_EQ(t.metadata().dropped_records, 0u);
  const tracer_kinds gpu = parse_tracer_kinds("gpu");
  EXPECT_TRUE(gpu.kernel && gpu.nvtx && gpu.memcpy && !gpu.driver_api && !gpu.runtime_api && !gpu.synchronization);
}

// A tracer started after the context exists (as triton-bench's is, after the warm-up)
// gets no device record from CUPTI: the GPU's name comes from the driver. Host rows carry
// the OS thread id and the thread's OS name.
TEST(gpu_trace, names_the_gpu_and_the_os_thread_when_started_late) {
  if (std::getenv("TB_GPU_TRACE_CHILD") != nullptr) GTEST_SKIP();
  auto& d = cuda();
  CUdevice dev;
  CUcontext ctx;
  CU_OK(d.device_get(&dev, 0));
  CU_OK(d.primary_retain(&ctx, dev));  // the context exists before tracing starts
  tracer tr;
  ASSERT_NO_THROW(tr.start());
  run_sequence();
  tr.stop();
  const auto t = tr.take_trace();
  CU_OK(d.primary_release(dev));
  using name_fn = CUresult (*)(char*, int, CUdevice);
  auto device_name = reinterpret_cast<name_fn>(dlsym(d.lib, "cuDeviceGetName"));
  ASSERT_NE(device_name, nullptr);
  char name[256] = {};
  CU_OK(device_name(name, sizeof name - 1, dev));
  EXPECT_EQ(t.metadata().gpu_name, name);
  EXPECT_FALSE(t.metadata().cuda_version.empty());
  std::string comm;
  std::getline(std::ifstream("/proc/self/comm"), comm);
  const auto tid = static_cast<std::int64_t>(gettid());
  bool launch_seen = false;
  for (const auto& e : t.events()) {
    if (e.kind != event_kind::driver_api || t.str(e.name) != "cuLaunchKernel") continue;
    const auto& track = t.tracks()[e.track];
    EXPECT_EQ(track.tid, tid);
    EXPECT_EQ(t.str(track.name), comm + " (tid " + std::to_string(tid) + ")");
    launch_seen = true;
  }
  EXPECT_TRUE(launch_seen);
  std::string ids;
  for (const auto& [k, v] : t.metadata().values)
    if (k == "thread_ids") ids = v;
  EXPECT_EQ(ids, "os");
  for (const auto& p : t.processes()) {
    if (p.kind == process_kind::device) {
      EXPECT_EQ(t.str(p.name), "GPU 0: " + std::string(name));
    }
  }
}

// Runs as the child of injection_library_writes_the_trace (TB_GPU_TRACE_CHILD set).
TEST(gpu_trace, child_workload) {
  if (std::getenv("TB_GPU_TRACE_CHILD") == nullptr) GTEST_SKIP() << "only runs as the injection child";
  const auto why = cuda().open();
  ASSERT_TRUE(why.empty()) << why;
  run_sequence();
}

TEST(gpu_trace, injection_library_writes_the_trace) {
  if (std::getenv("TB_GPU_TRACE_CHILD") != nullptr) GTEST_SKIP();
  const auto out = std::filesystem::temp_directory_path() / ("tb_inject_" + std::to_string(::getpid()) + ".json");
  std::filesystem::remove(out);
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string command = "TB_GPU_TRACE_CHILD=1 CUDA_INJECTION64_PATH=" + in_build(TB_CUPTI_INJECT) +
                              " TB_TRACE_OUT=" + out.string() + " TB_TRACE_MODE=inject-test " + self +
                              " --gtest_filter=gpu_trace.child_workload";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  ASSERT_TRUE(std::filesystem::exists(out)) << "the injection library wrote no trace to " << out;
  const auto t = read_chrome_trace_file(out);
  EXPECT_EQ(t.metadata().mode, "inject-test");
  check_trace(t);
  std::filesystem::remove(out);
}
