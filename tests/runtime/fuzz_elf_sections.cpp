// libFuzzer target: the runtime's ELF reader (the one that picks a cubin's sections on the
// GPU machine, without LLVM) must answer with a status, never read out of bounds; what
// it accepts, its symbol reader and the SM queries must take too.
#include <tb/runtime/elf_sections.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  tb::runtime::elf_file elf;
  if (!tb::runtime::read_elf(bytes, elf).ok()) return 0;
  std::vector<tb::runtime::elf_symbol> symbols;
  (void)tb::runtime::read_elf_symbols(elf, symbols);
  (void)tb::runtime::cubin_sm(elf);
  (void)tb::runtime::cubin_arch_specific(elf);
  return 0;
}
