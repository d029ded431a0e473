#include "gpu_probe.hpp"

#include "driver_api.hpp"  // the runtime's driver table: one way into libcuda

namespace tb::bench {

gpu_probe probe_gpus() {
  gpu_probe probe;
  const runtime::detail::driver_table* d = nullptr;
  if (const runtime::status s = runtime::detail::acquire_driver(d); !s) {
    probe.why_none = s.message();
    return probe;
  }
  int n = 0;
  d->cuDeviceGetCount(&n);
  for (int i = 0; i < n; ++i) {
    CUdevice device = 0;
    if (d->cuDeviceGet(&device, i) != CUDA_SUCCESS) continue;
    char text[256] = {};
    if (d->cuDeviceGetName) d->cuDeviceGetName(text, sizeof text, device);
    int major = 0, minor = 0;
    d->cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    d->cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    probe.gpus.push_back({i, text, major * 10 + minor});
  }
  if (probe.gpus.empty()) probe.why_none = "the CUDA driver reports no device";
  return probe;
}

}  // namespace tb::bench
