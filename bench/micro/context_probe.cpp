// What does the driver do with a CUfunction launched while ANOTHER context is current?
// The documentation does not say, and it decides whether a launcher may skip the
// cuCtxGetCurrent that per-context caching needs (issue 18): only if every mismatch
// comes back as an error can a launcher launch optimistically and re-resolve on error.
//
// On device 0: context A (primary) loads the module and creates stream sA; context B
// (cuCtxCreate, same device) creates stream sB. Then, with B current, the function of A
// is launched on sB, on sA, on the legacy default stream and on the per-thread one; the
// same with A current on sB. Each line prints the CUresults of the launch and of the
// synchronization, and whether the kernel ran (it increments a counter). A library's CUkernel is launched the same ways for comparison.
#include "test_kernels.hpp"

#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <string>

namespace {

const auto& d() { return tb::test::driver(); }

const char* name_of(CUresult r) {
  const char* n = nullptr;
  return d().cuGetErrorName(r, &n) == CUDA_SUCCESS && n ? n : "?";
}

// The counter lives in portable, mapped host memory: every context can write it, so a
// kernel that runs in either context shows, and none faults.
struct probe {
  volatile int* counter = nullptr;

  // Launches `f` (tb_increment: adds 1 to *counter) with `current` current on `stream`.
  void launch(const char* what, CUcontext current, CUfunction f, CUstream stream) {
    d().cuCtxSetCurrent(current);
    *counter = 0;
    void* null_scratch = nullptr;
    auto arg = reinterpret_cast<CUdeviceptr>(counter);
    void* params[] = {&arg, &null_scratch, &null_scratch};
    const CUresult r = d().cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, stream, params, nullptr);
    const CUresult s = d().cuCtxSynchronize();
    std::printf("%-48s launch %-30s sync %-30s kernel %s\n", what, name_of(r), name_of(s),
                *counter == 1 ? "RAN" : "did not run");
  }
};

}  // namespace

int main() {
  std::string why;
  if (!tb::test::gpu_available(why)) {
    std::printf("skipped: no CUDA driver/GPU: %s\n", why.c_str());
    return 0;
  }
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
  auto* host_alloc = lib ? reinterpret_cast<CUresult (*)(void**, size_t, unsigned)>(dlsym(lib, "cuMemHostAlloc"))
                        : nullptr;
  auto* create = lib ? reinterpret_cast<CUresult (*)(CUcontext*, CUctxCreateParams*, unsigned, CUdevice)>(
                           dlsym(lib, "cuCtxCreate_v4"))
                     : nullptr;
  if (create == nullptr || host_alloc == nullptr) {
    std::printf("error: libcuda.so.1 has no cuCtxCreate_v4 or cuMemHostAlloc\n");
    return 1;
  }
  CUdevice device = 0;
  CUcontext a = nullptr, b = nullptr;
  CUstream sa = nullptr, sb = nullptr;
  if (d().cuDeviceGet(&device, 0) || d().cuDevicePrimaryCtxRetain(&a, device) || d().cuCtxSetCurrent(a) ||
      d().cuStreamCreate(&sa, CU_STREAM_NON_BLOCKING)) {
    std::printf("error: setting up context A failed\n");
    return 1;
  }
  tb::test::gpu_kernel k("tb_increment", 1, 1, tb::test::which_images::cubin_only);
  CUmodule module = nullptr;
  CUfunction fa = nullptr;
  void* host = nullptr;
  if (d().cuModuleLoadData(&module, k.images[0].data) || d().cuModuleGetFunction(&fa, module, "tb_increment") ||
      host_alloc(&host, 4, CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP)) {
    std::printf("error: loading tb_increment in context A or allocating the counter failed\n");
    return 1;
  }
  CUlibrary library = nullptr;
  CUkernel kernel = nullptr;
  if (d().cuLibraryLoadData(&library, k.images[0].data, nullptr, nullptr, 0, nullptr, nullptr, 0) ||
      d().cuLibraryGetKernel(&kernel, library, "tb_increment")) {
    std::printf("error: loading tb_increment as a library failed\n");
    return 1;
  }
  if (const CUresult r = create(&b, nullptr, 0, device); r != CUDA_SUCCESS) {
    std::printf("error: cuCtxCreate failed: %s\n", name_of(r));
    return 1;
  }
  if (d().cuCtxSetCurrent(b) || d().cuStreamCreate(&sb, CU_STREAM_NON_BLOCKING)) {
    std::printf("error: setting up context B failed\n");
    return 1;
  }
  probe p;
  p.counter = static_cast<volatile int*>(host);
  std::printf("function of A (module loaded in A):\n");
  p.launch("  A current, stream of A (the normal case)", a, fa, sa);
  p.launch("  B current, stream of B", b, fa, sb);
  p.launch("  B current, stream of A", b, fa, sa);
  p.launch("  B current, legacy default stream", b, fa, CU_STREAM_LEGACY);
  p.launch("  B current, per-thread default stream", b, fa, CU_STREAM_PER_THREAD);
  p.launch("  B current, null stream", b, fa, nullptr);
  p.launch("  A current, stream of B", a, fa, sb);
  const auto as_function = reinterpret_cast<CUfunction>(kernel);
  std::printf("library CUkernel (context-independent):\n");
  p.launch("  A current, stream of A", a, as_function, sa);
  p.launch("  B current, stream of B", b, as_function, sb);
  p.launch("  B current, stream of A", b, as_function, sa);
  return 0;
}
