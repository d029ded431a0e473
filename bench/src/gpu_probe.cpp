#include "gpu_probe.hpp"

#include <tb/runtime/device.hpp>

namespace tb::bench {

gpu_probe probe_gpus() {
  gpu_probe probe;
  int n = 0;
  if (const runtime::status s = runtime::device_count(n); !s) {
    probe.why_none = s.message();
    return probe;
  }
  for (int i = 0; i < n; ++i) {
    int arch = 0;
    if (!runtime::compute_capability(i, arch)) continue;
    std::string name;
    if (!runtime::device_name(i, name)) name.clear();
    probe.gpus.push_back({i, name, arch});
  }
  if (probe.gpus.empty()) probe.why_none = "the CUDA driver reports no device";
  return probe;
}

}  // namespace tb::bench
