// The few CUDA driver calls GPU tests need for memory and contexts, reached through
// dlopen like the runtime does, so a test binary starts on a machine with no driver
// and reports itself skipped (exit code 77, ctest SKIP_RETURN_CODE) with the reason.
#pragma once

#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace tb::test {

class cuda_driver {
 public:
  // Empty string when a GPU is usable; otherwise why not.
  std::string open() {
    m_library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!m_library) return std::string("no CUDA driver (libcuda.so.1: ") + ::dlerror() + ")";
#define TB_LOAD(name, symbol)                                                           \
  name = reinterpret_cast<decltype(name)>(::dlsym(m_library, symbol));                  \
  if (!name) return std::string("libcuda.so.1 lacks ") + symbol;
    TB_LOAD(init, "cuInit")
    TB_LOAD(device_get, "cuDeviceGet")
    TB_LOAD(device_get_count, "cuDeviceGetCount")
    TB_LOAD(device_get_name, "cuDeviceGetName")
    TB_LOAD(device_get_attribute, "cuDeviceGetAttribute")
    TB_LOAD(primary_ctx_retain, "cuDevicePrimaryCtxRetain")
    TB_LOAD(ctx_set_current, "cuCtxSetCurrent")
    TB_LOAD(ctx_synchronize, "cuCtxSynchronize")
    TB_LOAD(mem_alloc, "cuMemAlloc_v2")
    TB_LOAD(mem_free, "cuMemFree_v2")
    TB_LOAD(memcpy_htod, "cuMemcpyHtoD_v2")
    TB_LOAD(memcpy_dtoh, "cuMemcpyDtoH_v2")
    TB_LOAD(memset_d8, "cuMemsetD8_v2")
    TB_LOAD(stream_create, "cuStreamCreate")
    TB_LOAD(stream_destroy, "cuStreamDestroy_v2")
    TB_LOAD(stream_synchronize, "cuStreamSynchronize")
    TB_LOAD(get_error_string, "cuGetErrorString")
#undef TB_LOAD
    if (CUresult r = init(0); r != CUDA_SUCCESS) return "cuInit failed: " + error_text(r);
    int count = 0;
    if (device_get_count(&count) != CUDA_SUCCESS || count == 0) return "no CUDA device";
    return {};
  }

  std::string error_text(CUresult r) const {
    const char* text = nullptr;
    if (get_error_string) get_error_string(r, &text);
    return text ? text : "CUresult " + std::to_string(static_cast<int>(r));
  }

  void check(CUresult r, const char* what) const {
    if (r != CUDA_SUCCESS) throw std::runtime_error(std::string(what) + ": " + error_text(r));
  }

  // Makes device `ordinal`'s primary context current on the calling thread.
  CUcontext use_device(int ordinal) {
    CUdevice device = 0;
    check(device_get(&device, ordinal), "cuDeviceGet");
    CUcontext context = nullptr;
    check(primary_ctx_retain(&context, device), "cuDevicePrimaryCtxRetain");
    check(ctx_set_current(context), "cuCtxSetCurrent");
    return context;
  }

  std::string device_name(int ordinal) {
    CUdevice device = 0;
    char name[256] = {};
    if (device_get(&device, ordinal) == CUDA_SUCCESS) device_get_name(name, sizeof name, device);
    return name;
  }

  CUresult (*init)(unsigned) = nullptr;
  CUresult (*device_get)(CUdevice*, int) = nullptr;
  CUresult (*device_get_count)(int*) = nullptr;
  CUresult (*device_get_name)(char*, int, CUdevice) = nullptr;
  CUresult (*device_get_attribute)(int*, CUdevice_attribute, CUdevice) = nullptr;
  CUresult (*primary_ctx_retain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*ctx_set_current)(CUcontext) = nullptr;
  CUresult (*ctx_synchronize)() = nullptr;
  CUresult (*mem_alloc)(CUdeviceptr*, size_t) = nullptr;
  CUresult (*mem_free)(CUdeviceptr) = nullptr;
  CUresult (*memcpy_htod)(CUdeviceptr, const void*, size_t) = nullptr;
  CUresult (*memcpy_dtoh)(void*, CUdeviceptr, size_t) = nullptr;
  CUresult (*memset_d8)(CUdeviceptr, unsigned char, size_t) = nullptr;
  CUresult (*stream_create)(CUstream*, unsigned) = nullptr;
  CUresult (*stream_destroy)(CUstream) = nullptr;
  CUresult (*stream_synchronize)(CUstream) = nullptr;
  CUresult (*get_error_string)(CUresult, const char**) = nullptr;

 private:
  void* m_library = nullptr;
};

// One driver for the whole test binary, opened by TB_GPU_TEST_MAIN.
inline cuda_driver& driver() {
  static cuda_driver d;
  return d;
}

// A device buffer holding `count` values of T, freed on destruction.
template <class T>
class device_buffer {
 public:
  explicit device_buffer(std::size_t count, std::size_t extra_bytes = 0) : m_count(count) {
    driver().check(driver().mem_alloc(&m_ptr, count * sizeof(T) + extra_bytes + 64), "cuMemAlloc");
  }
  ~device_buffer() { driver().mem_free(m_ptr); }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  CUdeviceptr ptr() const { return m_ptr; }
  void upload(const std::vector<T>& host, std::size_t byte_offset = 0) {
    driver().check(driver().memcpy_htod(m_ptr + byte_offset, host.data(), host.size() * sizeof(T)), "cuMemcpyHtoD");
  }
  // Fills with 0xFF bytes: NaN for floats, so an element the kernel did not write shows.
  void poison() { driver().check(driver().memset_d8(m_ptr, 0xFF, m_count * sizeof(T) + 64), "cuMemsetD8"); }
  std::vector<T> download(std::size_t byte_offset = 0, std::size_t count = 0) const {
    std::vector<T> host(count ? count : m_count);
    driver().check(driver().ctx_synchronize(), "cuCtxSynchronize");
    driver().check(driver().memcpy_dtoh(host.data(), m_ptr + byte_offset, host.size() * sizeof(T)), "cuMemcpyDtoH");
    return host;
  }

 private:
  CUdeviceptr m_ptr = 0;
  std::size_t m_count;
};

}  // namespace tb::test

// main() for a GPU gtest binary: skipped (77) with the reason when no GPU is usable.
#define TB_GPU_TEST_MAIN()                                                              \
  int main(int argc, char** argv) {                                                     \
    ::testing::InitGoogleTest(&argc, argv);                                             \
    const std::string why = ::tb::test::driver().open();                                \
    if (!why.empty()) {                                                                 \
      std::printf("skipped: %s\n", why.c_str());                                        \
      return 77;                                                                        \
    }                                                                                   \
    std::printf("GPU 0: %s\n", ::tb::test::driver().device_name(0).c_str());            \
    ::tb::test::driver().use_device(0);                                                 \
    return RUN_ALL_TESTS();                                                             \
  }
