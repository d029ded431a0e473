// The in-memory form of a compiled scenario: what the manifest and the generated
// launchers are written from.
#pragma once

#include <tb/scenario/scenario.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tb::compiler {

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
};

std::string manifest_json(const bundle& b);
std::string generated_header(const bundle& b);
std::string generated_source(const bundle& b);
std::string header_file_name(const bundle& b);  // "vector_add_kernels.hpp"
std::string source_file_name(const bundle& b);

}  // namespace tb::compiler
