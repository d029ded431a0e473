// Kernel descriptions for the fake-driver tests: the images hold marker bytes, not
// code; the fake driver only records which image pointer was loaded.
#pragma once

#include <tb/runtime/kernel_binary.hpp>

#include <initializer_list>
#include <vector>

namespace tb::test {

inline const unsigned char k_cubin90[] = "fake sm_90 cubin";
inline const unsigned char k_cubin80[] = "fake sm_80 cubin";
inline const unsigned char k_ptx80[] = ".version 8.0\n.target sm_80\n.address_size 64\n";
inline const unsigned char k_ptx90a[] = ".version 8.0\n.target sm_90a\n.address_size 64\n";

inline runtime::kernel_image cubin90() {
  runtime::kernel_image i;
  i.arch = 90;
  i.format = runtime::image_format::cubin;
  i.data = k_cubin90;
  i.size = sizeof(k_cubin90) - 1;
  i.symbol = "add_kernel";
  return i;
}
inline runtime::kernel_image cubin80() {
  runtime::kernel_image i = cubin90();
  i.arch = 80;
  i.data = k_cubin80;
  i.size = sizeof(k_cubin80) - 1;
  return i;
}
inline runtime::kernel_image ptx80() {
  runtime::kernel_image i = cubin90();
  i.arch = 80;
  i.format = runtime::image_format::ptx;
  i.data = k_ptx80;
  i.size = sizeof(k_ptx80) - 1;
  return i;
}
inline runtime::kernel_image ptx90a() {
  runtime::kernel_image i = ptx80();
  i.arch = 90;
  i.data = k_ptx90a;
  i.size = sizeof(k_ptx90a) - 1;
  return i;
}

// A kernel_binary that owns its image array (tests tweak images before launching).
struct test_kernel {
  test_kernel(const char* name, std::uint32_t num_params, std::initializer_list<runtime::kernel_image> list)
      : images(list) {
    binary.name = name;
    binary.num_params = num_params;
    sync();
  }
  void sync() {
    binary.images = images.data();
    binary.num_images = images.size();
  }
  std::vector<runtime::kernel_image> images;
  runtime::kernel_binary binary;
};

}  // namespace tb::test
