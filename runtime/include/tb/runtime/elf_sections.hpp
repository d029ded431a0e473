// A small ELF64 reader for cubins: the file header, the section headers with their
// names and bytes, and the symbol table. No dependency (the GPU machine has no LLVM).
//
//   tb::runtime::elf_file elf;
//   if (auto s = tb::runtime::read_elf(bytes, elf); !s) { ...s.message()... }  // "truncated: ..."
//   for (const auto& sec : elf.sections) use(sec.name, sec.bytes);
//   int sm = tb::runtime::cubin_sm(elf);                                          // 90, 100
//
// Every offset and size is checked against the bytes given, so a truncated or corrupt
// file gives one line saying what was expected, never a read past the end. The spans
// point into the caller's bytes, which must outlive the elf_file. Little-endian
// ELF64 only (every cubin); 32-bit or big-endian files are refused.
#pragma once

#include <tb/runtime/runtime.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tb::runtime {

inline constexpr std::uint16_t elf_machine_cuda = 190;  // EM_CUDA
inline constexpr std::uint32_t elf_section_nobits = 8;  // SHT_NOBITS: a size, no bytes in the file
inline constexpr std::uint32_t elf_section_symtab = 2;  // SHT_SYMTAB
inline constexpr std::uint32_t elf_section_note = 7;    // SHT_NOTE

struct elf_section {
  std::string name;                  // from the section name table; "" for the null section
  std::uint32_t type = 0;            // sh_type (SHT_PROGBITS 1, ..., 0x70000000 and up: CUDA's own)
  std::uint64_t flags = 0;           // sh_flags
  std::uint64_t size = 0;            // sh_size (for SHT_NOBITS the size it takes in memory)
  std::uint32_t link = 0;            // sh_link
  std::uint32_t info = 0;            // sh_info
  std::uint64_t entry_size = 0;      // sh_entsize
  std::span<const std::byte> bytes;  // the contents; empty for SHT_NOBITS
};

struct elf_file {
  std::uint16_t type = 0;         // e_type (ET_EXEC 2 for cubins)
  std::uint16_t machine = 0;      // e_machine (EM_CUDA 190)
  std::uint32_t flags = 0;        // e_flags (the SM for a cubin, see cubin_sm)
  std::uint8_t os_abi = 0;        // e_ident[EI_OSABI] (CUDA: 0x33, 0x41)
  std::uint8_t abi_version = 0;   // e_ident[EI_ABIVERSION] (cubins: 7, or 8 from sm_100 on)
  std::vector<elf_section> sections;  // in file order, the null section first

  const elf_section* find(std::string_view name) const noexcept;  // the first of that name
};

struct elf_symbol {
  std::string name;
  std::uint8_t info = 0;      // st_info: binding << 4 | type
  std::uint8_t other = 0;     // st_other
  std::uint16_t section = 0;  // st_shndx: an index into elf_file::sections, or SHN_* (0, >= 0xff00)
  std::uint64_t value = 0;
  std::uint64_t size = 0;

  std::uint8_t type() const noexcept { return info & 0xf; }  // STT_FUNC 2, STT_OBJECT 1, STT_SECTION 3
  std::uint8_t binding() const noexcept { return info >> 4; }
};

// Reads the header, the section header table and the section names. On failure `out`
// is left as it was and the message says what is wrong: "not an ELF file", "truncated:
// ...", "bad e_shstrndx ...", "section 7 (.text.k): offset ... past the end".
status read_elf(std::span<const std::byte> bytes, elf_file& out);

// The symbols of the first SHT_SYMTAB section (none: an empty list), names from the
// string table its sh_link names; every entry and name is bounds-checked.
status read_elf_symbols(const elf_file& elf, std::vector<elf_symbol>& out);

// The SM a cubin is built for (90 for sm_90 and sm_90a, 100 for sm_100a): e_flags
// bits 8-15 in ELF ABI version 8 cubins (0x900640a -> 100), the low byte in older ones
// (0x5a0d5a -> 90). 0 for a file that is not EM_CUDA.
int cubin_sm(const elf_file& elf) noexcept;

// Whether the cubin is for the arch-specific target (sm_90a, sm_100a): e_flags 0x800
// before ABI version 8, 0x8 from version 8 on. False for a file that is not EM_CUDA.
bool cubin_arch_specific(const elf_file& elf) noexcept;

}  // namespace tb::runtime
