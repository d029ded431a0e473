// What does cuModuleUnload do while a kernel of that module is still running?
// The driver documentation does not say (docs/runtime.md). This probe launches a
// kernel that spins for a given time, unloads its module at once, and reports how
// long the unload call took, what it returned, and whether the kernel finished and
// wrote its flag. Raw driver calls only; the runtime itself never does this (its
// per-call modes synchronize the stream before unloading).
#include "test_kernels.hpp"

#include <chrono>
#include <cstdio>
#include <string>

int main() {
  std::string why;
  if (!tb::test::gpu_available(why)) {
    std::printf("skipped: no CUDA driver/GPU: %s\n", why.c_str());
    return 0;
  }
  const auto& d = tb::test::driver();
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  CUdeviceptr flag = 0;
  if (d.cuDeviceGet(&device, 0) || d.cuDevicePrimaryCtxRetain(&context, device) || d.cuCtxSetCurrent(context) ||
      d.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING) || d.cuMemAlloc(&flag, sizeof(int))) {
    std::printf("error: setting up device 0 failed\n");
    return 1;
  }
  tb::test::gpu_kernel k("tb_spin_then_flag", 2, 1, tb::test::which_images::cubin_only);
  int failures = 0;
  for (long long spin_ms : {50LL, 200LL}) {
    d.cuMemsetD8(flag, 0, sizeof(int));
    CUmodule module = nullptr;
    CUfunction function = nullptr;
    if (d.cuModuleLoadData(&module, k.images[0].data) || d.cuModuleGetFunction(&function, module, "tb_spin_then_flag")) {
      std::printf("error: loading the sm_90 cubin failed\n");
      return 1;
    }
    long long ns = spin_ms * 1000000;
    void* null_scratch = nullptr;
    void* params[] = {&ns, &flag, &null_scratch, &null_scratch};
    const auto t0 = std::chrono::steady_clock::now();
    CUresult launched = d.cuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, stream, params, nullptr);
    const auto t1 = std::chrono::steady_clock::now();
    CUresult query_before = d.cuStreamQuery(stream);
    CUresult unloaded = d.cuModuleUnload(module);
    const auto t2 = std::chrono::steady_clock::now();
    CUresult query_after = d.cuStreamQuery(stream);
    CUresult synced = d.cuStreamSynchronize(stream);
    const auto t3 = std::chrono::steady_clock::now();
    int host_flag = -1;
    d.cuMemcpyDtoH(&host_flag, flag, sizeof(int));
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::printf(
        "spin %lld ms: launch %s (%.3f ms); stream before unload: %s; cuModuleUnload returned %s after "
        "%.3f ms; stream right after unload: %s; synchronize %s after %.3f ms more; flag=%d\n",
        spin_ms, tb::runtime::detail::describe_result(d, launched).c_str(), ms(t0, t1),
        tb::runtime::detail::describe_result(d, query_before).c_str(),
        tb::runtime::detail::describe_result(d, unloaded).c_str(), ms(t1, t2),
        tb::runtime::detail::describe_result(d, query_after).c_str(),
        tb::runtime::detail::describe_result(d, synced).c_str(), ms(t2, t3), host_flag);
    if (synced != CUDA_SUCCESS) {
      ++failures;
    }
  }
  std::printf(
      "reading: an unload that takes about the spin time waited for the kernel; one that returns at once\n"
      "with the stream still busy left it running against an unloaded module.\n");
  return failures == 0 ? 0 : 2;
}
