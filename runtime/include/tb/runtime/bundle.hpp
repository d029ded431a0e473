// The dynamic API: an AOT bundle (docs/aot-bundle.md) loaded from disk, so that a
// harness can launch any kernel of it without generated code.
//
//   tb::runtime::bundle b;
//   if (auto s = tb::runtime::bundle::load("out/vector_add", b); !s) { ...s.message()... }
//   const auto* spec = b.find("add_kernel", "b1024", "x_ptr16.y_ptr16.out_ptr16.n16");
//   // spec->binary is a kernel_binary; spec->params says how to pack its arguments.
#pragma once

#include <tb/runtime/kernel_binary.hpp>
#include <tb/runtime/runtime.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tb::runtime {

// One runtime argument of a kernel, as the manifest describes it.
struct param_desc {
  std::string name;      // "x_ptr"
  std::string type;      // Triton's type: "*fp32", "i32", "fp32"
  std::string cpp_type;  // "tb::runtime::device_ptr", "std::int32_t"
  std::size_t size = 0;  // bytes of the value the kernel takes
};

// What the manifest says about one image beyond kernel_image's launch fields.
struct image_desc {
  std::string path;       // relative to the bundle folder
  std::string symbol;     // kernel_image::symbol points here
  std::string sha256;     // as written; not checked
  int registers = -1;     // -1 when absent
  std::string triton_hash;
};

// One specialisation of one variant: one launchable kernel_binary.
struct specialization_desc {
  std::string name;                          // "x_ptr16.n16", or "generic"
  std::map<std::string, int> hints;          // argument name -> 16 or 1
  std::vector<std::uint32_t> kernel_params;  // indices into kernel_desc::params
  std::vector<param_desc> params;            // the compiled kernel's parameters, in order
  std::vector<image_desc> image_info;        // parallel to images
  std::vector<kernel_image> images;          // data points into the bundle's image bytes
  std::string binary_name;                   // "kernel[variant.spec]"
  kernel_binary binary;                      // points at binary_name and images
};

struct variant_desc {
  std::string name;
  std::uint32_t num_warps = 0;
  std::uint32_t num_stages = 0;
  std::string constexprs_json;  // the "constexprs" object, as compact JSON
  std::vector<specialization_desc> specializations;  // most specialised first
};

struct kernel_desc {
  std::string name;
  std::string source;
  std::vector<param_desc> params;  // every runtime argument, in order
  std::vector<variant_desc> variants;
};

// A loaded bundle. Owns every image's bytes; the kernel_binary objects it exposes
// stay valid while the bundle lives (moving it keeps them valid).
class bundle {
 public:
  bundle();
  ~bundle();
  bundle(bundle&&) noexcept;
  bundle& operator=(bundle&&) noexcept;
  bundle(const bundle&) = delete;
  bundle& operator=(const bundle&) = delete;

  // Reads DIR/manifest.json and every image file it names. On failure `out` is left
  // as it was and the status names the file and the item ("kernels[0].variants[1]...").
  static status load(const std::filesystem::path& dir, bundle& out);

  const std::filesystem::path& directory() const noexcept;
  const std::string& scenario() const noexcept;
  const std::string& triton_version() const noexcept;
  const std::vector<int>& archs() const noexcept;
  const std::vector<kernel_desc>& kernels() const noexcept;

  const kernel_desc* find_kernel(std::string_view name) const noexcept;
  const specialization_desc* find(std::string_view kernel, std::string_view variant,
                                  std::string_view specialization) const noexcept;

  struct state;  // defined in bundle.cpp

 private:
  std::unique_ptr<state> m_state;
};

}  // namespace tb::runtime
