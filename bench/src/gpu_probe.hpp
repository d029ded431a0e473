// Is there a usable GPU? Asked through the driver reached with dlopen, so the
// answer on a machine without one is a sentence, not a failure to start.
#pragma once

#include <string>
#include <vector>

namespace tb::bench {

struct gpu_info {
  int ordinal = 0;
  std::string name;
  int compute_capability = 0;  // 90 for sm_90
};

struct gpu_probe {
  std::vector<gpu_info> gpus;
  std::string why_none;  // set when gpus is empty
};

gpu_probe probe_gpus();

}  // namespace tb::bench
