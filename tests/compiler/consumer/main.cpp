// Prints which compiled kernel the generated dispatcher picks for aligned and
// misaligned arguments: proof that the installed package's pieces fit together.
#include <vector_add_kernels.hpp>

#include <cstdio>

int main() {
  using namespace tb_aot::vector_add;
  const tb::runtime::device_ptr base = 0x10000;
  std::printf("%s\n", add_kernel_select(add_kernel_variant::b1024, base, base, base, 4096).name);
  std::printf("%s\n", add_kernel_select(add_kernel_variant::b1024, base + 4, base, base, 4096).name);
  return 0;
}
