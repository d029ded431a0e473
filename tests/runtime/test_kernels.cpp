#include "test_kernels.hpp"

#include <cstddef>

extern const unsigned char tb_test_kernels_sm_90_cubin[];
extern const std::size_t tb_test_kernels_sm_90_cubin_size;
extern const unsigned char tb_test_kernels_compute_80_ptx[];
extern const std::size_t tb_test_kernels_compute_80_ptx_size;

namespace tb::test {

gpu_kernel::gpu_kernel(const char* symbol, std::uint32_t num_params, std::uint32_t num_warps,
                       which_images which) {
  runtime::kernel_image cubin;
  cubin.arch = 90;
  cubin.format = runtime::image_format::cubin;
  cubin.data = tb_test_kernels_sm_90_cubin;
  cubin.size = tb_test_kernels_sm_90_cubin_size;
  cubin.symbol = symbol;
  cubin.num_warps = num_warps;
  runtime::kernel_image ptx = cubin;
  ptx.arch = 80;
  ptx.format = runtime::image_format::ptx;
  ptx.data = tb_test_kernels_compute_80_ptx;
  ptx.size = tb_test_kernels_compute_80_ptx_size;
  if (which != which_images::ptx_only) {
    images[count++] = cubin;
  }
  if (which != which_images::cubin_only) {
    images[count++] = ptx;
  }
  binary.name = symbol;
  binary.num_params = num_params;
  sync();
}

void gpu_kernel::sync() {
  binary.images = images;
  binary.num_images = count;
}

bool gpu_available(std::string& why) {
  const runtime::detail::driver_table* d = nullptr;
  if (runtime::status s = runtime::detail::acquire_driver(d); !s) {
    why = s.message();
    return false;
  }
  int count = 0;
  if (CUresult r = d->cuDeviceGetCount(&count); r != CUDA_SUCCESS) {
    why = "cuDeviceGetCount failed: " + runtime::detail::describe_result(*d, r);
    return false;
  }
  if (count == 0) {
    why = "the driver sees no device";
    return false;
  }
  return true;
}

const runtime::detail::driver_table& driver() {
  const runtime::detail::driver_table* d = nullptr;
  (void)runtime::detail::acquire_driver(d);
  return *d;
}

}  // namespace tb::test
