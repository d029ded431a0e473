#include "gpu_probe.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

namespace tb::bench {

gpu_probe probe_gpus() {
  gpu_probe probe;
  void* library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    probe.why_none = fmt::format("no CUDA driver (libcuda.so.1: {})", ::dlerror());
    return probe;
  }
  using init_fn = int (*)(unsigned);
  using count_fn = int (*)(int*);
  using get_fn = int (*)(int*, int);
  using name_fn = int (*)(char*, int, int);
  using attribute_fn = int (*)(int*, int, int);
  const auto init = reinterpret_cast<init_fn>(::dlsym(library, "cuInit"));
  const auto count = reinterpret_cast<count_fn>(::dlsym(library, "cuDeviceGetCount"));
  const auto get = reinterpret_cast<get_fn>(::dlsym(library, "cuDeviceGet"));
  const auto name = reinterpret_cast<name_fn>(::dlsym(library, "cuDeviceGetName"));
  const auto attribute = reinterpret_cast<attribute_fn>(::dlsym(library, "cuDeviceGetAttribute"));
  if (!init || !count || !get || !name || !attribute) {
    probe.why_none = "libcuda.so.1 lacks the device query entry points";
    return probe;
  }
  if (const int rc = init(0); rc != 0) {
    probe.why_none = fmt::format("cuInit failed with CUresult {}", rc);
    return probe;
  }
  int n = 0;
  count(&n);
  constexpr int major_attribute = 75, minor_attribute = 76;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_*
  for (int i = 0; i < n; ++i) {
    int device = 0;
    if (get(&device, i) != 0) continue;
    char text[256] = {};
    name(text, sizeof text, device);
    int major = 0, minor = 0;
    attribute(&major, major_attribute, device);
    attribute(&minor, minor_attribute, device);
    probe.gpus.push_back({i, text, major * 10 + minor});
  }
  if (probe.gpus.empty()) probe.why_none = "the CUDA driver reports no device";
  return probe;
}

}  // namespace tb::bench
