#include "fake_driver.hpp"

#include <algorithm>
#include <string>
#include <thread>

namespace tb::test {
namespace {

std::atomic<fake_driver*> g_current{nullptr};
thread_local CUcontext t_current_context = nullptr;
thread_local std::vector<CUcontext> t_context_stack;

fake_driver& self() { return *g_current.load(std::memory_order_acquire); }

#define TB_FAKE_ENTER(name)                          \
  do {                                               \
    if (CUresult r_ = self().enter(name); r_ != CUDA_SUCCESS) { \
      return r_;                                     \
    }                                                \
  } while (0)

void* new_handle() {
  return reinterpret_cast<void*>(self().m_next_handle.fetch_add(0x10));
}

int device_of(CUcontext context) {
  return static_cast<int>((reinterpret_cast<std::uintptr_t>(context) - 0xC000) / 0x100);
}

CUresult f_cuInit(unsigned int) { TB_FAKE_ENTER("cuInit"); return CUDA_SUCCESS; }
CUresult f_cuDriverGetVersion(int* v) { TB_FAKE_ENTER("cuDriverGetVersion"); *v = self().driver_version; return CUDA_SUCCESS; }

CUresult f_cuGetErrorName(CUresult error, const char** name) {
  switch (error) {
    case CUDA_SUCCESS: *name = "CUDA_SUCCESS"; return CUDA_SUCCESS;
    case CUDA_ERROR_INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; return CUDA_SUCCESS;
    case CUDA_ERROR_OUT_OF_MEMORY: *name = "CUDA_ERROR_OUT_OF_MEMORY"; return CUDA_SUCCESS;
    case CUDA_ERROR_INVALID_IMAGE: *name = "CUDA_ERROR_INVALID_IMAGE"; return CUDA_SUCCESS;
    case CUDA_ERROR_NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; return CUDA_SUCCESS;
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: *name = "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"; return CUDA_SUCCESS;
    case CUDA_ERROR_ILLEGAL_ADDRESS: *name = "CUDA_ERROR_ILLEGAL_ADDRESS"; return CUDA_SUCCESS;
    default: *name = nullptr; return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult f_cuGetErrorString(CUresult error, const char** text) {
  switch (error) {
    case CUDA_ERROR_INVALID_VALUE: *text = "invalid argument"; return CUDA_SUCCESS;
    case CUDA_ERROR_OUT_OF_MEMORY: *text = "out of memory"; return CUDA_SUCCESS;
    case CUDA_ERROR_INVALID_IMAGE: *text = "device kernel image is invalid"; return CUDA_SUCCESS;
    case CUDA_ERROR_NOT_FOUND: *text = "named symbol not found"; return CUDA_SUCCESS;
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: *text = "too many resources requested for launch"; return CUDA_SUCCESS;
    case CUDA_ERROR_ILLEGAL_ADDRESS: *text = "an illegal memory access was encountered"; return CUDA_SUCCESS;
    default: *text = nullptr; return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult f_cuDeviceGet(CUdevice* d, int ordinal) { TB_FAKE_ENTER("cuDeviceGet"); *d = ordinal; return CUDA_SUCCESS; }
CUresult f_cuDeviceGetCount(int* n) {
  TB_FAKE_ENTER("cuDeviceGetCount");
  *n = static_cast<int>(self().devices.size());
  return CUDA_SUCCESS;
}
CUresult f_cuDeviceGetName(char* name, int length, CUdevice device) {
  TB_FAKE_ENTER("cuDeviceGetName");
  const std::string text = self().devices.at(static_cast<std::size_t>(device)).name;
  if (length <= 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::size_t n = std::min(text.size(), static_cast<std::size_t>(length - 1));
  text.copy(name, n);
  name[n] = '\0';
  return CUDA_SUCCESS;
}
CUresult f_cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice device) {
  TB_FAKE_ENTER("cuDeviceGetAttribute");
  const fake_device& d = self().devices.at(static_cast<std::size_t>(device));
  switch (attribute) {
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = d.arch / 10; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = d.arch % 10; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: *value = d.shared_optin; break;
    default: *value = 0; break;
  }
  return CUDA_SUCCESS;
}
CUresult f_cuDevicePrimaryCtxRetain(CUcontext* c, CUdevice d) {
  TB_FAKE_ENTER("cuDevicePrimaryCtxRetain");
  *c = fake_driver::context_of(d);
  return CUDA_SUCCESS;
}
CUresult f_cuDevicePrimaryCtxRelease(CUdevice) { TB_FAKE_ENTER("cuDevicePrimaryCtxRelease"); return CUDA_SUCCESS; }
CUresult f_cuCtxGetCurrent(CUcontext* c) { TB_FAKE_ENTER("cuCtxGetCurrent"); *c = t_current_context; return CUDA_SUCCESS; }
CUresult f_cuCtxSetCurrent(CUcontext c) { TB_FAKE_ENTER("cuCtxSetCurrent"); t_current_context = c; return CUDA_SUCCESS; }
CUresult f_cuCtxPushCurrent(CUcontext c) {
  TB_FAKE_ENTER("cuCtxPushCurrent");
  t_context_stack.push_back(t_current_context);
  t_current_context = c;
  return CUDA_SUCCESS;
}
CUresult f_cuCtxPopCurrent(CUcontext* c) {
  TB_FAKE_ENTER("cuCtxPopCurrent");
  if (c != nullptr) {
    *c = t_current_context;
  }
  t_current_context = t_context_stack.empty() ? nullptr : t_context_stack.back();
  if (!t_context_stack.empty()) {
    t_context_stack.pop_back();
  }
  return CUDA_SUCCESS;
}
CUresult f_cuCtxGetDevice(CUdevice* d) {
  TB_FAKE_ENTER("cuCtxGetDevice");
  if (t_current_context == nullptr) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  *d = device_of(t_current_context);
  return CUDA_SUCCESS;
}
CUresult f_cuCtxGetId(CUcontext c, unsigned long long* id) {
  TB_FAKE_ENTER("cuCtxGetId");
  *id = reinterpret_cast<std::uintptr_t>(c) + self().context_generation;
  return CUDA_SUCCESS;
}
CUresult f_cuCtxSynchronize() { TB_FAKE_ENTER("cuCtxSynchronize"); return CUDA_SUCCESS; }

CUresult f_cuModuleLoadData(CUmodule* m, const void* image) {
  TB_FAKE_ENTER("cuModuleLoadData");
  self().on_load(image, t_current_context);
  if (self().load_delay.count() > 0) {
    std::this_thread::sleep_for(self().load_delay);
  }
  *m = static_cast<CUmodule>(new_handle());
  self().on_module(*m, t_current_context);
  self().m_live_modules.fetch_add(1);
  return CUDA_SUCCESS;
}
CUresult f_cuModuleGetFunction(CUfunction* f, CUmodule m, const char*) {
  TB_FAKE_ENTER("cuModuleGetFunction");
  *f = static_cast<CUfunction>(new_handle());
  self().on_function(*f, m);
  return CUDA_SUCCESS;
}
CUresult f_cuModuleUnload(CUmodule) {
  TB_FAKE_ENTER("cuModuleUnload");
  self().m_live_modules.fetch_sub(1);
  return CUDA_SUCCESS;
}
CUresult f_cuFuncSetAttribute(CUfunction, CUfunction_attribute attribute, int value) {
  TB_FAKE_ENTER("cuFuncSetAttribute");
  self().on_attribute(attribute, value);
  return CUDA_SUCCESS;
}
CUresult f_cuLibraryLoadData(CUlibrary* l, const void* code, CUjit_option*, void**, unsigned int,
                             CUlibraryOption*, void**, unsigned int) {
  TB_FAKE_ENTER("cuLibraryLoadData");
  self().on_load(code, t_current_context);
  if (self().load_delay.count() > 0) {
    std::this_thread::sleep_for(self().load_delay);
  }
  *l = static_cast<CUlibrary>(new_handle());
  return CUDA_SUCCESS;
}
CUresult f_cuLibraryGetKernel(CUkernel* k, CUlibrary, const char*) {
  TB_FAKE_ENTER("cuLibraryGetKernel");
  *k = static_cast<CUkernel>(new_handle());
  return CUDA_SUCCESS;
}
CUresult f_cuLibraryUnload(CUlibrary) { TB_FAKE_ENTER("cuLibraryUnload"); return CUDA_SUCCESS; }
CUresult f_cuKernelGetFunction(CUfunction* f, CUkernel) {
  TB_FAKE_ENTER("cuKernelGetFunction");
  *f = static_cast<CUfunction>(new_handle());
  self().on_context_function(*f, t_current_context);
  return CUDA_SUCCESS;
}
CUresult f_cuKernelSetAttribute(CUfunction_attribute attribute, int value, CUkernel, CUdevice) {
  TB_FAKE_ENTER("cuKernelSetAttribute");
  self().on_attribute(attribute, value);
  return CUDA_SUCCESS;
}

void copy_scratch(fake_launch& l, void** params) {
  const std::uint32_t n = self().scratch_index;
  l.scratch[0] = *static_cast<CUdeviceptr*>(params[n]);
  l.scratch[1] = *static_cast<CUdeviceptr*>(params[n + 1]);
}

CUresult f_cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                          unsigned bz, unsigned shared, CUstream stream, void** params, void**) {
  TB_FAKE_ENTER("cuLaunchKernel");
  if (self().record && !self().launches_in_context_of(f, stream, t_current_context)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (self().record) {
    fake_launch l;
    l.function = f;
    l.grid[0] = gx; l.grid[1] = gy; l.grid[2] = gz;
    l.block[0] = bx; l.block[1] = by; l.block[2] = bz;
    l.shared = shared;
    l.stream = stream;
    l.context = t_current_context;
    copy_scratch(l, params);
    self().on_launch(std::move(l));
  }
  return CUDA_SUCCESS;
}
CUresult f_cuLaunchKernelEx(const CUlaunchConfig* c, CUfunction f, void** params, void**) {
  TB_FAKE_ENTER("cuLaunchKernelEx");
  if (self().record && !self().launches_in_context_of(f, c->hStream, t_current_context)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (self().record) {
    fake_launch l;
    l.function = f;
    l.ex = true;
    l.grid[0] = c->gridDimX; l.grid[1] = c->gridDimY; l.grid[2] = c->gridDimZ;
    l.block[0] = c->blockDimX; l.block[1] = c->blockDimY; l.block[2] = c->blockDimZ;
    l.shared = c->sharedMemBytes;
    l.stream = c->hStream;
    l.attrs.assign(c->attrs, c->attrs + c->numAttrs);
    l.context = t_current_context;
    copy_scratch(l, params);
    self().on_launch(std::move(l));
  }
  return CUDA_SUCCESS;
}
CUresult f_cuStreamCreate(CUstream* s, unsigned int) {
  TB_FAKE_ENTER("cuStreamCreate");
  *s = static_cast<CUstream>(new_handle());
  self().on_stream(*s, t_current_context);
  return CUDA_SUCCESS;
}
CUresult f_cuStreamDestroy(CUstream) { TB_FAKE_ENTER("cuStreamDestroy"); return CUDA_SUCCESS; }
CUresult f_cuStreamSynchronize(CUstream) { TB_FAKE_ENTER("cuStreamSynchronize"); return CUDA_SUCCESS; }
CUresult f_cuStreamQuery(CUstream) { TB_FAKE_ENTER("cuStreamQuery"); return CUDA_SUCCESS; }
CUresult f_cuStreamIsCapturing(CUstream, CUstreamCaptureStatus* s) {
  TB_FAKE_ENTER("cuStreamIsCapturing");
  *s = self().capturing ? CU_STREAM_CAPTURE_STATUS_ACTIVE : CU_STREAM_CAPTURE_STATUS_NONE;
  return CUDA_SUCCESS;
}
CUresult f_cuStreamBeginCapture(CUstream, CUstreamCaptureMode) { TB_FAKE_ENTER("cuStreamBeginCapture"); return CUDA_SUCCESS; }
CUresult f_cuStreamEndCapture(CUstream, CUgraph* g) { TB_FAKE_ENTER("cuStreamEndCapture"); *g = static_cast<CUgraph>(new_handle()); return CUDA_SUCCESS; }
CUresult f_cuGraphInstantiateWithFlags(CUgraphExec* e, CUgraph, unsigned long long) {
  TB_FAKE_ENTER("cuGraphInstantiateWithFlags");
  *e = static_cast<CUgraphExec>(new_handle());
  return CUDA_SUCCESS;
}
CUresult f_cuGraphLaunch(CUgraphExec, CUstream) { TB_FAKE_ENTER("cuGraphLaunch"); return CUDA_SUCCESS; }
CUresult f_cuGraphExecDestroy(CUgraphExec) { TB_FAKE_ENTER("cuGraphExecDestroy"); return CUDA_SUCCESS; }
CUresult f_cuGraphDestroy(CUgraph) { TB_FAKE_ENTER("cuGraphDestroy"); return CUDA_SUCCESS; }
CUresult f_cuEventCreate(CUevent* e, unsigned int) { TB_FAKE_ENTER("cuEventCreate"); *e = static_cast<CUevent>(new_handle()); return CUDA_SUCCESS; }
CUresult f_cuEventRecord(CUevent, CUstream) { TB_FAKE_ENTER("cuEventRecord"); return CUDA_SUCCESS; }
CUresult f_cuEventSynchronize(CUevent) { TB_FAKE_ENTER("cuEventSynchronize"); return CUDA_SUCCESS; }
CUresult f_cuEventElapsedTime(float* ms, CUevent, CUevent) {
  TB_FAKE_ENTER("cuEventElapsedTime");
  *ms = self().event_elapsed_ms;
  return CUDA_SUCCESS;
}
CUresult f_cuEventDestroy(CUevent) { TB_FAKE_ENTER("cuEventDestroy"); return CUDA_SUCCESS; }
CUresult f_cuMemAlloc(CUdeviceptr* p, size_t bytes) {
  TB_FAKE_ENTER("cuMemAlloc");
  self().on_alloc(bytes);
  *p = reinterpret_cast<CUdeviceptr>(new_handle()) << 12;  // 4 KiB aligned, like the real one (256+)
  return CUDA_SUCCESS;
}
CUresult f_cuMemFree(CUdeviceptr) { TB_FAKE_ENTER("cuMemFree"); return CUDA_SUCCESS; }
CUresult f_cuMemcpyHtoD(CUdeviceptr, const void*, size_t) { TB_FAKE_ENTER("cuMemcpyHtoD"); return CUDA_SUCCESS; }
CUresult f_cuMemcpyDtoH(void*, CUdeviceptr, size_t) { TB_FAKE_ENTER("cuMemcpyDtoH"); return CUDA_SUCCESS; }
CUresult f_cuMemsetD8(CUdeviceptr, unsigned char, size_t) { TB_FAKE_ENTER("cuMemsetD8"); return CUDA_SUCCESS; }

}  // namespace

fake_driver::fake_driver() {
  auto& t = m_table;
  t.cuInit = f_cuInit;
  t.cuDriverGetVersion = f_cuDriverGetVersion;
  t.cuGetErrorName = f_cuGetErrorName;
  t.cuGetErrorString = f_cuGetErrorString;
  t.cuDeviceGet = f_cuDeviceGet;
  t.cuDeviceGetCount = f_cuDeviceGetCount;
  t.cuDeviceGetName = f_cuDeviceGetName;
  t.cuDeviceGetAttribute = f_cuDeviceGetAttribute;
  t.cuDevicePrimaryCtxRetain = f_cuDevicePrimaryCtxRetain;
  t.cuDevicePrimaryCtxRelease = f_cuDevicePrimaryCtxRelease;
  t.cuCtxGetCurrent = f_cuCtxGetCurrent;
  t.cuCtxSetCurrent = f_cuCtxSetCurrent;
  t.cuCtxPushCurrent = f_cuCtxPushCurrent;
  t.cuCtxPopCurrent = f_cuCtxPopCurrent;
  t.cuCtxGetDevice = f_cuCtxGetDevice;
  t.cuCtxGetId = f_cuCtxGetId;
  t.cuCtxSynchronize = f_cuCtxSynchronize;
  t.cuModuleLoadData = f_cuModuleLoadData;
  t.cuModuleGetFunction = f_cuModuleGetFunction;
  t.cuModuleUnload = f_cuModuleUnload;
  t.cuFuncSetAttribute = f_cuFuncSetAttribute;
  t.cuLibraryLoadData = f_cuLibraryLoadData;
  t.cuLibraryGetKernel = f_cuLibraryGetKernel;
  t.cuLibraryUnload = f_cuLibraryUnload;
  t.cuKernelGetFunction = f_cuKernelGetFunction;
  t.cuKernelSetAttribute = f_cuKernelSetAttribute;
  t.cuLaunchKernel = f_cuLaunchKernel;
  t.cuLaunchKernelEx = f_cuLaunchKernelEx;
  t.cuStreamCreate = f_cuStreamCreate;
  t.cuStreamDestroy = f_cuStreamDestroy;
  t.cuStreamSynchronize = f_cuStreamSynchronize;
  t.cuStreamQuery = f_cuStreamQuery;
  t.cuStreamIsCapturing = f_cuStreamIsCapturing;
  t.cuStreamBeginCapture = f_cuStreamBeginCapture;
  t.cuStreamEndCapture = f_cuStreamEndCapture;
  t.cuGraphInstantiateWithFlags = f_cuGraphInstantiateWithFlags;
  t.cuGraphLaunch = f_cuGraphLaunch;
  t.cuGraphExecDestroy = f_cuGraphExecDestroy;
  t.cuGraphDestroy = f_cuGraphDestroy;
  t.cuEventCreate = f_cuEventCreate;
  t.cuEventRecord = f_cuEventRecord;
  t.cuEventSynchronize = f_cuEventSynchronize;
  t.cuEventElapsedTime = f_cuEventElapsedTime;
  t.cuEventDestroy = f_cuEventDestroy;
  t.cuMemAlloc = f_cuMemAlloc;
  t.cuMemFree = f_cuMemFree;
  t.cuMemcpyHtoD = f_cuMemcpyHtoD;
  t.cuMemcpyDtoH = f_cuMemcpyDtoH;
  t.cuMemsetD8 = f_cuMemsetD8;
}

fake_driver::~fake_driver() {
  if (g_current.load() == this) {
    runtime::detail::set_driver_for_testing(nullptr);
    g_current.store(nullptr);
  }
}

void fake_driver::install() {
  g_current.store(this, std::memory_order_release);
  runtime::detail::set_driver_for_testing(&m_table);
  make_current(0);
}

fake_driver* fake_driver::current() { return g_current.load(std::memory_order_acquire); }

CUcontext fake_driver::context_of(int device) {
  return reinterpret_cast<CUcontext>(static_cast<std::uintptr_t>(0xC000 + 0x100 * device));
}

void fake_driver::make_current(int device) { t_current_context = device < 0 ? nullptr : context_of(device); }

CUresult fake_driver::enter(const char* name) {
  if (!record) {
    return CUDA_SUCCESS;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  m_calls.emplace_back(name);
  ++m_counts[name];
  if (auto it = fail.find(name); it != fail.end()) {
    return it->second;
  }
  if (auto it = fail_once.find(name); it != fail_once.end()) {
    const CUresult r = it->second;
    fail_once.erase(it);
    return r;
  }
  return CUDA_SUCCESS;
}

void fake_driver::on_launch(fake_launch&& launch) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_launches.push_back(std::move(launch));
}
void fake_driver::on_load(const void* image, CUcontext context) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_loaded.push_back(image);
  m_load_contexts.push_back(context);
}
void fake_driver::on_module(CUmodule module, CUcontext context) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_module_context[module] = context;
}
void fake_driver::on_function(CUfunction function, CUmodule module) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto it = m_module_context.find(module);
  m_function_context[function] = it == m_module_context.end() ? nullptr : it->second;
  m_function_generation[function] = context_generation;
}
void fake_driver::on_context_function(CUfunction function, CUcontext context) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_function_context[function] = context;
  m_function_generation[function] = context_generation;
}
void fake_driver::on_stream(CUstream stream, CUcontext context) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_stream_context[stream] = context;
}
bool fake_driver::launches_in_context_of(CUfunction function, CUstream stream, CUcontext current) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto f = m_function_context.find(function);
  if (f == m_function_context.end() || f->second == nullptr) return true;  // context-free (a CUkernel)
  const auto g = m_function_generation.find(function);
  if (g != m_function_generation.end() && g->second != context_generation) return false;  // of a dead context
  const auto st = m_stream_context.find(stream);
  const CUcontext where = st == m_stream_context.end() ? current : st->second;
  return where == f->second;
}
void fake_driver::on_attribute(int attribute, int value) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_attributes.emplace_back(attribute, value);
}
void fake_driver::on_alloc(size_t bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_allocations.push_back(bytes);
}

std::vector<std::string> fake_driver::calls() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_calls;
}
void fake_driver::clear_calls() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_calls.clear();
  m_counts.clear();
  m_launches.clear();
  m_loaded.clear();
  m_load_contexts.clear();
  m_attributes.clear();
  m_allocations.clear();
}
int fake_driver::count(const std::string& name) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_counts.find(name);
  return it == m_counts.end() ? 0 : it->second;
}
std::vector<fake_launch> fake_driver::launches() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_launches;
}
std::vector<const void*> fake_driver::loaded_images() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_loaded;
}
std::vector<CUcontext> fake_driver::load_contexts() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_load_contexts;
}
CUcontext fake_driver::owner_of(CUfunction function) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto it = m_function_context.find(function);
  return it == m_function_context.end() ? nullptr : it->second;
}
std::vector<std::pair<int, int>> fake_driver::func_attributes() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_attributes;
}
std::vector<size_t> fake_driver::allocations() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_allocations;
}

}  // namespace tb::test
