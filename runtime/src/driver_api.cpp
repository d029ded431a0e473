#include "driver_api.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>

#include <dlfcn.h>

namespace tb::runtime::detail {
namespace {

// The ABI every entry point is resolved at: the runtime needs cuLibrary*, cuCtxGetId
// and cuLaunchKernelEx, all present from CUDA 12.0, and their 12.0 signatures are
// the ones cuda.h declares.
constexpr int k_abi_version = 12000;

struct entry {
  const char* name;
  void** slot;
};

template <class F>
void** slot(F*& field) {
  return reinterpret_cast<void**>(&field);
}

}  // namespace

status fill_driver_table(symbol_resolver resolve, void* user, driver_table& t) noexcept {
  const entry entries[] = {
      {"cuInit", slot(t.cuInit)},
      {"cuDriverGetVersion", slot(t.cuDriverGetVersion)},
      {"cuGetErrorName", slot(t.cuGetErrorName)},
      {"cuGetErrorString", slot(t.cuGetErrorString)},
      {"cuDeviceGet", slot(t.cuDeviceGet)},
      {"cuDeviceGetCount", slot(t.cuDeviceGetCount)},
      {"cuDeviceGetName", slot(t.cuDeviceGetName)},
      {"cuDeviceGetAttribute", slot(t.cuDeviceGetAttribute)},
      {"cuDevicePrimaryCtxRetain", slot(t.cuDevicePrimaryCtxRetain)},
      {"cuDevicePrimaryCtxRelease", slot(t.cuDevicePrimaryCtxRelease)},
      {"cuCtxGetCurrent", slot(t.cuCtxGetCurrent)},
      {"cuCtxSetCurrent", slot(t.cuCtxSetCurrent)},
      {"cuCtxPushCurrent", slot(t.cuCtxPushCurrent)},
      {"cuCtxPopCurrent", slot(t.cuCtxPopCurrent)},
      {"cuCtxGetDevice", slot(t.cuCtxGetDevice)},
      {"cuCtxGetId", slot(t.cuCtxGetId)},
      {"cuCtxSynchronize", slot(t.cuCtxSynchronize)},
      {"cuModuleLoadData", slot(t.cuModuleLoadData)},
      {"cuModuleGetFunction", slot(t.cuModuleGetFunction)},
      {"cuModuleUnload", slot(t.cuModuleUnload)},
      {"cuFuncSetAttribute", slot(t.cuFuncSetAttribute)},
      {"cuLibraryLoadData", slot(t.cuLibraryLoadData)},
      {"cuLibraryGetKernel", slot(t.cuLibraryGetKernel)},
      {"cuLibraryUnload", slot(t.cuLibraryUnload)},
      {"cuKernelGetFunction", slot(t.cuKernelGetFunction)},
      {"cuKernelSetAttribute", slot(t.cuKernelSetAttribute)},
      {"cuLaunchKernel", slot(t.cuLaunchKernel)},
      {"cuLaunchKernelEx", slot(t.cuLaunchKernelEx)},
      {"cuStreamCreate", slot(t.cuStreamCreate)},
      {"cuStreamDestroy", slot(t.cuStreamDestroy)},
      {"cuStreamSynchronize", slot(t.cuStreamSynchronize)},
      {"cuStreamQuery", slot(t.cuStreamQuery)},
      {"cuStreamIsCapturing", slot(t.cuStreamIsCapturing)},
      {"cuStreamBeginCapture", slot(t.cuStreamBeginCapture)},
      {"cuStreamEndCapture", slot(t.cuStreamEndCapture)},
      {"cuGraphInstantiateWithFlags", slot(t.cuGraphInstantiateWithFlags)},
      {"cuGraphLaunch", slot(t.cuGraphLaunch)},
      {"cuGraphExecDestroy", slot(t.cuGraphExecDestroy)},
      {"cuGraphDestroy", slot(t.cuGraphDestroy)},
      {"cuEventCreate", slot(t.cuEventCreate)},
      {"cuEventRecord", slot(t.cuEventRecord)},
      {"cuEventSynchronize", slot(t.cuEventSynchronize)},
      {"cuEventElapsedTime", slot(t.cuEventElapsedTime)},
      {"cuEventDestroy", slot(t.cuEventDestroy)},
      {"cuMemAlloc", slot(t.cuMemAlloc)},
      {"cuMemFree", slot(t.cuMemFree)},
      {"cuMemcpyHtoD", slot(t.cuMemcpyHtoD)},
      {"cuMemcpyDtoH", slot(t.cuMemcpyDtoH)},
      {"cuMemsetD8", slot(t.cuMemsetD8)},
  };
  for (const entry& e : entries) {
    void* fn = resolve(e.name, k_abi_version, user);
    if (fn == nullptr) {
      return status::error(std::string("the CUDA driver has no entry point ") + e.name +
                           " (at the CUDA 12.0 ABI); the runtime needs a CUDA 12.0 or newer driver");
    }
    *e.slot = fn;
  }
  return {};
}

namespace {

using get_proc_address_fn = CUresult (*)(const char*, void**, int, cuuint64_t,
                                         CUdriverProcAddressQueryResult*);

void* resolve_with_get_proc_address(const char* name, int version, void* user) {
  auto get = reinterpret_cast<get_proc_address_fn>(user);
  void* fn = nullptr;
  CUdriverProcAddressQueryResult found = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
  if (get(name, &fn, version, CU_GET_PROC_ADDRESS_DEFAULT, &found) != CUDA_SUCCESS ||
      found != CU_GET_PROC_ADDRESS_SUCCESS) {
    return nullptr;
  }
  return fn;
}

}  // namespace

status load_driver_library(const char* library, driver_table& table) noexcept {
  try {
    void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      return status::error(std::string(library) + " could not be loaded: " +
                           (why != nullptr ? why : "unknown dlopen error") +
                           "; is the NVIDIA driver installed?");
    }
    // The handle is never closed: function pointers into it live in the table.
    void* get = dlsym(handle, "cuGetProcAddress_v2");
    if (get == nullptr) {
      return status::error(std::string(library) +
                           " has no cuGetProcAddress_v2: the runtime needs a CUDA 12.0 or newer driver");
    }
    driver_table filled;
    if (status s = fill_driver_table(&resolve_with_get_proc_address, get, filled); !s) {
      return status::error(std::string(library) + ": " + s.message());
    }
    int version = 0;
    if (filled.cuDriverGetVersion(&version) == CUDA_SUCCESS && version < k_abi_version) {
      return status::error(std::string(library) + " is a CUDA " + std::to_string(version / 1000) +
                           "." + std::to_string(version % 1000 / 10) +
                           " driver; the runtime needs CUDA 12.0 or newer");
    }
    if (CUresult r = filled.cuInit(0); r != CUDA_SUCCESS) {
      return status::error("cuInit failed: " + describe_result(filled, r) +
                               " (no usable CUDA device or driver)",
                           static_cast<int>(r));
    }
    table = filled;
    return {};
  } catch (...) {
    return status::error("out of memory while loading the CUDA driver");
  }
}

namespace {

std::atomic<const driver_table*> g_test_driver{nullptr};

struct real_driver {
  std::once_flag once;
  driver_table table;
  status load_status;
};

real_driver& the_real_driver() {
  static real_driver* driver = new real_driver;  // never destroyed: usable during exit
  return *driver;
}

}  // namespace

status acquire_driver(const driver_table*& out) noexcept {
  if (const driver_table* fake = g_test_driver.load(std::memory_order_acquire)) {
    out = fake;
    return {};
  }
  real_driver& d = the_real_driver();
  std::call_once(d.once, [&d] {
    const char* override_path = std::getenv("TB_RUNTIME_LIBCUDA");
    d.load_status = load_driver_library(
        override_path != nullptr && *override_path != '\0' ? override_path : "libcuda.so.1", d.table);
  });
  if (!d.load_status) {
    out = nullptr;
    return d.load_status;
  }
  out = &d.table;
  return {};
}

void set_driver_for_testing(const driver_table* table) noexcept {
  g_test_driver.store(table, std::memory_order_release);
}

std::string describe_result(const driver_table& driver, CUresult result) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (driver.cuGetErrorName == nullptr || driver.cuGetErrorName(result, &name) != CUDA_SUCCESS ||
      name == nullptr) {
    return "CUresult " + std::to_string(static_cast<int>(result));
  }
  std::string out = name;
  if (driver.cuGetErrorString != nullptr && driver.cuGetErrorString(result, &text) == CUDA_SUCCESS &&
      text != nullptr) {
    out += ": ";
    out += text;
  }
  return out;
}

}  // namespace tb::runtime::detail
