// The arch rule: which image of a kernel runs on a device.
#include <tb/runtime/runtime.hpp>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace tb::runtime {
namespace {

struct ptx_target {
  int arch = 0;
  char suffix = 0;  // 0, 'a' (arch-specific) or 'f' (family-specific)
};

// Reads `.target sm_90a` from the PTX header; false when there is none.
bool read_ptx_target(const kernel_image& image, ptx_target& out) noexcept {
  if (image.data == nullptr || image.size == 0) {
    return false;
  }
  const std::string_view text(reinterpret_cast<const char*>(image.data),
                              std::min<std::size_t>(image.size, 16 * 1024));
  const std::size_t at = text.find(".target");
  if (at == std::string_view::npos) {
    return false;
  }
  std::size_t i = at + 7;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
    ++i;
  }
  if (text.substr(i, 3) != "sm_") {
    return false;
  }
  i += 3;
  int arch = 0;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
    arch = arch * 10 + (text[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0) {
    return false;
  }
  out.arch = arch;
  out.suffix = (i < text.size() && (text[i] == 'a' || text[i] == 'f')) ? text[i] : 0;
  return true;
}

}  // namespace

bool ptx_loads_on(const kernel_image& image, int device_arch) noexcept {
  ptx_target target;
  if (!read_ptx_target(image, target)) {
    // No readable target: Triton writes sm_<arch>a for arch >= 90.
    target.arch = image.arch;
    target.suffix = image.arch >= 90 ? 'a' : 0;
  }
  switch (target.suffix) {
    case 'a':
      return device_arch == target.arch;
    case 'f':
      return device_arch / 10 == target.arch / 10 && device_arch >= target.arch;
    default:
      return target.arch <= device_arch;
  }
}

const kernel_image* choose_image(const kernel_binary& kernel, int device_arch, bool ptx_only) noexcept {
  if (kernel.images == nullptr) {
    return nullptr;
  }
  const kernel_image* best_ptx = nullptr;
  for (std::size_t i = 0; i < kernel.num_images; ++i) {
    const kernel_image& image = kernel.images[i];
    if (image.format == image_format::cubin) {
      if (!ptx_only && image.arch == device_arch) {
        return &image;
      }
    } else if (image.arch <= device_arch && ptx_loads_on(image, device_arch) &&
               (best_ptx == nullptr || image.arch > best_ptx->arch)) {
      best_ptx = &image;
    }
  }
  return best_ptx;
}

}  // namespace tb::runtime
