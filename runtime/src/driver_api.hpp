// The CUDA driver, reached through a table of entry points.
//
// Private to the runtime and its tests: this is the only header that includes
// cuda.h. The real table is filled from libcuda.so.1 (dlopen + cuGetProcAddress);
// tests install a fake one with set_driver_for_testing() to record the calls each
// load mode makes.
#pragma once

#include <tb/runtime/runtime.hpp>

#include <cuda.h>

namespace tb::runtime::detail {

// Every entry point the runtime (and its tests) use, resolved at the CUDA 12.0 ABI.
// Field names are the driver's names; where cuda.h maps a name to a versioned one
// (cuMemAlloc -> cuMemAlloc_v2) the field is renamed the same way, consistently.
struct driver_table {
  // Initialisation and errors.
  CUresult (*cuInit)(unsigned int flags) = nullptr;
  CUresult (*cuDriverGetVersion)(int* version) = nullptr;
  CUresult (*cuGetErrorName)(CUresult error, const char** name) = nullptr;
  CUresult (*cuGetErrorString)(CUresult error, const char** text) = nullptr;
  // Devices and contexts.
  CUresult (*cuDeviceGet)(CUdevice* device, int ordinal) = nullptr;
  CUresult (*cuDeviceGetCount)(int* count) = nullptr;
  CUresult (*cuDeviceGetName)(char* name, int length, CUdevice device) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int* value, CUdevice_attribute attribute, CUdevice device) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext* context, CUdevice device) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device) = nullptr;
  CUresult (*cuCtxGetCurrent)(CUcontext* context) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext context) = nullptr;
  CUresult (*cuCtxPushCurrent)(CUcontext context) = nullptr;
  CUresult (*cuCtxPopCurrent)(CUcontext* context) = nullptr;
  CUresult (*cuCtxGetDevice)(CUdevice* device) = nullptr;
  CUresult (*cuCtxGetId)(CUcontext context, unsigned long long* id) = nullptr;
  CUresult (*cuCtxSynchronize)() = nullptr;
  // Modules (ptx, cubin, ptx-cached, cubin-cached).
  CUresult (*cuModuleLoadData)(CUmodule* module, const void* image) = nullptr;
  CUresult (*cuModuleGetFunction)(CUfunction* function, CUmodule module, const char* name) = nullptr;
  CUresult (*cuModuleUnload)(CUmodule module) = nullptr;
  CUresult (*cuFuncSetAttribute)(CUfunction function, CUfunction_attribute attribute, int value) = nullptr;
  // Libraries (library mode).
  CUresult (*cuLibraryLoadData)(CUlibrary* library, const void* code, CUjit_option* jit_options,
                                void** jit_values, unsigned int num_jit_options,
                                CUlibraryOption* library_options, void** library_values,
                                unsigned int num_library_options) = nullptr;
  CUresult (*cuLibraryGetKernel)(CUkernel* kernel, CUlibrary library, const char* name) = nullptr;
  CUresult (*cuLibraryUnload)(CUlibrary library) = nullptr;
  CUresult (*cuKernelGetFunction)(CUfunction* function, CUkernel kernel) = nullptr;
  CUresult (*cuKernelSetAttribute)(CUfunction_attribute attribute, int value, CUkernel kernel,
                                   CUdevice device) = nullptr;
  // Launching.
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned int grid_x, unsigned int grid_y,
                             unsigned int grid_z, unsigned int block_x, unsigned int block_y,
                             unsigned int block_z, unsigned int shared_bytes, CUstream stream,
                             void** params, void** extra) = nullptr;
  CUresult (*cuLaunchKernelEx)(const CUlaunchConfig* config, CUfunction function, void** params,
                               void** extra) = nullptr;
  // Streams, capture and graphs.
  CUresult (*cuStreamCreate)(CUstream* stream, unsigned int flags) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream stream) = nullptr;
  CUresult (*cuStreamSynchronize)(CUstream stream) = nullptr;
  CUresult (*cuStreamQuery)(CUstream stream) = nullptr;
  CUresult (*cuStreamIsCapturing)(CUstream stream, CUstreamCaptureStatus* status) = nullptr;
  CUresult (*cuStreamBeginCapture)(CUstream stream, CUstreamCaptureMode mode) = nullptr;
  CUresult (*cuStreamEndCapture)(CUstream stream, CUgraph* graph) = nullptr;
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec* exec, CUgraph graph,
                                          unsigned long long flags) = nullptr;
  CUresult (*cuGraphLaunch)(CUgraphExec exec, CUstream stream) = nullptr;
  CUresult (*cuGraphExecDestroy)(CUgraphExec exec) = nullptr;
  CUresult (*cuGraphDestroy)(CUgraph graph) = nullptr;
  // Events (the GPU's clock around a batch of launches). cuda.h maps cuEventDestroy and
  // cuEventElapsedTime to _v2 names; at the 12.0 ABI they resolve to the same signatures.
  CUresult (*cuEventCreate)(CUevent* event, unsigned int flags) = nullptr;
  CUresult (*cuEventRecord)(CUevent event, CUstream stream) = nullptr;
  CUresult (*cuEventSynchronize)(CUevent event) = nullptr;
  CUresult (*cuEventElapsedTime)(float* milliseconds, CUevent start, CUevent end) = nullptr;
  CUresult (*cuEventDestroy)(CUevent event) = nullptr;
  // Memory.
  CUresult (*cuMemAlloc)(CUdeviceptr* pointer, size_t bytes) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr pointer) = nullptr;
  CUresult (*cuMemcpyHtoD)(CUdeviceptr destination, const void* source, size_t bytes) = nullptr;
  CUresult (*cuMemcpyDtoH)(void* destination, CUdeviceptr source, size_t bytes) = nullptr;
  CUresult (*cuMemsetD8)(CUdeviceptr destination, unsigned char value, size_t bytes) = nullptr;
};

// Looks up one driver symbol at the given ABI version; null when absent.
using symbol_resolver = void* (*)(const char* name, int cuda_version, void* user);

// Fills `table` through `resolve`. Fails naming the first missing entry point.
status fill_driver_table(symbol_resolver resolve, void* user, driver_table& table) noexcept;

// dlopen(library) + cuGetProcAddress_v2 + fill_driver_table + cuInit(0). Does not
// touch the process's driver; used by acquire_driver() and by the no-driver tests.
status load_driver_library(const char* library, driver_table& table) noexcept;

// The process's driver: the test table if one is installed, otherwise libcuda.so.1
// (or $TB_RUNTIME_LIBCUDA), loaded once, thread-safe. On failure `out` is null and
// the status says why, every time it is asked.
status acquire_driver(const driver_table*& out) noexcept;

// Installs a fake driver for the runtimes created afterwards; nullptr goes back to
// the real one. Not thread-safe against runtimes being created concurrently.
void set_driver_for_testing(const driver_table* table) noexcept;

// "CUDA_ERROR_INVALID_VALUE: invalid argument", or "CUresult 999" when the driver
// has no name for it.
std::string describe_result(const driver_table& driver, CUresult result);

}  // namespace tb::runtime::detail
