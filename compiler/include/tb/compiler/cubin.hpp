// What a cubin says about its kernels, read with LLVM's ELF reader: the facts a
// launcher must agree with (parameter offsets and sizes) and the resources the
// kernel takes (registers, shared memory).
//
// A cubin is an ELF file. Per kernel `K` it has `.text.K`, a function symbol `K`,
// `.nv.info.K` (attributes: one EIATTR_KPARAM_INFO per parameter with ordinal,
// offset and size; EIATTR_CBANK_PARAM_SIZE, EIATTR_REQNTID, ...), optionally
// `.nv.shared.K` (static shared memory), and entries in the global `.nv.info`
// keyed by symbol index (EIATTR_REGCOUNT, EIATTR_FRAME_SIZE). Every attribute is
// a 4-byte header {format, attribute, u16} followed, for format EIFMT_SVAL, by
// u16 bytes of value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tb::compiler {

struct cubin_param {
  std::uint32_t ordinal = 0;
  std::uint32_t offset = 0;  // bytes into the parameter buffer
  std::uint32_t size = 0;    // bytes
  bool is_pointer = false;   // the "space" field marks global pointers
};

struct cubin_kernel {
  std::string name;
  std::vector<cubin_param> params;  // by ordinal
  std::uint32_t param_buffer_size = 0;
  std::uint32_t registers = 0;
  std::uint32_t static_shared_bytes = 0;
  std::uint32_t frame_size = 0;       // local memory (stack) per thread
  std::uint32_t required_threads[3] = {0, 0, 0};  // .reqntid, 0 = none
  std::uint64_t code_size = 0;
};

struct cubin_info {
  int sm = 0;                 // 90 for sm_90 / sm_90a
  bool arch_specific = false; // sm_90a
  int elf_abi_version = 0;
  std::vector<cubin_kernel> kernels;
};

class cubin_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws cubin_error("not an ELF file", "no .nv.info.K for kernel K", ...).
cubin_info read_cubin(std::span<const std::byte> image);

// What a launcher will put in the parameter buffer: one entry per kernel parameter.
struct expected_param {
  std::string name;  // "alpha", "global_scratch"
  std::string type;  // "fp32", "*fp32"
  std::uint32_t size = 0;
};

// Natural-alignment layout of `expected` against the cubin's parameters. Returns one
// message per disagreement ("parameter 3 'alpha' (fp32): expected 4 bytes at offset
// 24, found 8 bytes at offset 24"); empty when they agree.
std::vector<std::string> check_params(const cubin_kernel& kernel, std::span<const expected_param> expected);

std::string format_arch(const cubin_info& info);  // "sm_90a"

}  // namespace tb::compiler
