// The nvcc-built test kernels (kernels/test_kernels.cu) as kernel_binary objects:
// each has an sm_90 cubin and a compute_80 PTX image of the same source.
#pragma once

#include "driver_api.hpp"

#include <tb/runtime/kernel_binary.hpp>
#include <tb/runtime/runtime.hpp>

#include <cstdint>
#include <string>

namespace tb::test {

enum class which_images { both, cubin_only, ptx_only };

// A kernel_binary for one entry of test_kernels.cu. `num_params` excludes the two
// scratch pointers; the launch shape is (num_warps * 32) threads.
struct gpu_kernel {
  gpu_kernel(const char* symbol, std::uint32_t num_params, std::uint32_t num_warps = 4,
             which_images which = which_images::both);
  gpu_kernel(const gpu_kernel&) = delete;
  gpu_kernel& operator=(const gpu_kernel&) = delete;
  runtime::kernel_image images[2];
  runtime::kernel_binary binary;
  void sync();  // after editing images
  std::size_t count = 0;
};

// Whether a GPU is usable; `why` says what is missing when not.
bool gpu_available(std::string& why);

// The process's real driver table (gpu_available() must have returned true).
const runtime::detail::driver_table& driver();

}  // namespace tb::test
