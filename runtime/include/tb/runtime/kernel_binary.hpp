// Plain description of an ahead-of-time compiled Triton kernel, as the generated
// launchers embed it and the manifest loader builds it. No CUDA header needed: the
// runtime is the only place that talks to the driver.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tb::runtime {

enum class image_format : std::uint8_t { cubin, ptx };

// One image of a kernel for one GPU architecture, with the launch metadata Triton
// recorded for that architecture (shared memory and scratch differ between archs).
struct kernel_image {
  int arch = 0;                        // compute capability * 10 + minor, e.g. 90, 80
  image_format format = image_format::cubin;
  const unsigned char* data = nullptr; // PTX images are NUL-terminated text
  std::size_t size = 0;                // bytes, excluding the PTX terminator
  const char* symbol = nullptr;        // entry name inside the image
  std::uint32_t num_warps = 4;
  std::uint32_t num_ctas = 1;
  std::uint32_t cluster_dims[3] = {1, 1, 1};
  std::uint32_t shared_bytes = 0;      // dynamic shared memory Triton asks for
  std::uint32_t global_scratch_size = 0;   // bytes per program (CTA); 0 = pass null
  std::uint32_t global_scratch_align = 1;
  std::uint32_t profile_scratch_size = 0;
  std::uint32_t profile_scratch_align = 1;
  bool launch_cooperative_grid = false;
  bool launch_pdl = false;
};

// One compiled kernel (a variant and a specialisation of a Triton function) with an
// image per architecture. `num_params` counts the kernel's own parameters; the
// launch parameter array always has two more slots, for Triton's global and profile
// scratch pointers, which the runtime fills.
struct kernel_binary {
  const char* name = nullptr;          // "add_kernel[b1024_w4.x16_y16_out16_n16]": for errors and traces
  std::uint32_t num_params = 0;
  const kernel_image* images = nullptr;
  std::size_t num_images = 0;
};

// Two trailing scratch pointers follow the kernel's own parameters (Triton >= 3.5 ABI).
inline constexpr std::uint32_t scratch_param_count = 2;

}  // namespace tb::runtime
