// The in-memory form of a compiled scenario: what the manifest and the generated
// launchers are written from.
#pragma once

#include <tb/scenario/scenario.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tb::compiler {

// Triton's stages of one image, in the order Triton lowers them, as `compile --keep-ir`
// keeps them beside the cubin (images/K/V/S/sm_N.<stage>) and `triton-aot ir` and
// `diff-ir` read them. The cubin is the last stage and stays an image.
inline constexpr std::array<std::string_view, 4> ir_stages = {"ttir", "ttgir", "llir", "ptx"};

// One kept stage of one image (compile --keep-ir): listed in the manifest's "ir", never
// embedded in the generated launchers.
struct ir_record {
  int arch = 0;
  std::string stage;            // one of ir_stages
  std::filesystem::path path;   // relative to the bundle folder
  std::string sha256;
  std::vector<unsigned char> bytes;
};

struct image_record {
  int arch = 0;
  std::string format;                 // "cubin" | "ptx"
  std::filesystem::path path;         // relative to the bundle folder
  std::string sha256;
  std::vector<unsigned char> bytes;
  // Triton's metadata for this arch
  std::string symbol;
  std::uint32_t num_warps = 4, num_ctas = 1;
  std::uint32_t cluster_dims[3] = {1, 1, 1};
  std::uint32_t shared = 0;
  std::uint32_t global_scratch_size = 0, global_scratch_align = 1;
  std::uint32_t profile_scratch_size = 0, profile_scratch_align = 1;
  bool launch_cooperative_grid = false, launch_pdl = false;
  std::string triton_hash;
  // from the cubin
  std::uint32_t registers = 0;
  std::uint32_t static_shared = 0;
};

struct specialization_record {
  const scenario::specialization* spec = nullptr;
  std::vector<std::size_t> kernel_params;  // indices of the params the compiled kernel takes
  std::vector<image_record> images;        // per arch: cubin then ptx
  std::vector<ir_record> ir;               // per arch, in ir_stages order; empty without --keep-ir
};

struct variant_record {
  const scenario::variant* variant = nullptr;
  std::vector<specialization_record> specializations;  // most specialised first
};

struct kernel_record {
  const scenario::kernel* kernel = nullptr;
  std::vector<variant_record> variants;
};

struct bundle {
  const scenario::scenario* scenario = nullptr;
  std::string triton_version;
  std::vector<int> archs;
  std::vector<kernel_record> kernels;
  bool keep_ir = false;  // compile --keep-ir: every image's stages are in the bundle
};

std::string manifest_json(const bundle& b);
std::string generated_header(const bundle& b);
std::string generated_source(const bundle& b);
std::string header_file_name(const bundle& b);  // "vector_add_kernels.hpp"
std::string source_file_name(const bundle& b);

}  // namespace tb::compiler
