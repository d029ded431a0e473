#include <tb/compiler/cubin.hpp>

#include <fmt/format.h>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELF.h>
#include <llvm/Support/Error.h>

#include <algorithm>
#include <map>
#include <string_view>

namespace tb::compiler {
namespace {

using elf_file = llvm::object::ELFFile<llvm::object::ELF64LE>;

// .nv.info attribute formats and the attributes we read (values as ptxas writes them).
constexpr std::uint8_t eifmt_sval = 0x04;
constexpr std::uint8_t eiattr_frame_size = 0x11;
constexpr std::uint8_t eiattr_reqntid = 0x10;
constexpr std::uint8_t eiattr_kparam_info = 0x17;
constexpr std::uint8_t eiattr_cbank_param_size = 0x19;
constexpr std::uint8_t eiattr_regcount = 0x2f;

struct attribute {
  std::uint8_t format;
  std::uint8_t id;
  std::uint16_t half;                 // the value for EIFMT_HVAL, the size for EIFMT_SVAL
  llvm::ArrayRef<std::uint8_t> data;  // EIFMT_SVAL payload
};

template <class T>
T take(llvm::Expected<T> value, std::string_view what) {
  if (!value) throw cubin_error(fmt::format("{}: {}", what, llvm::toString(value.takeError())));
  return std::move(*value);
}

std::uint32_t u32(llvm::ArrayRef<std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint32_t>(bytes[at]) | static_cast<std::uint32_t>(bytes[at + 1]) << 8 |
         static_cast<std::uint32_t>(bytes[at + 2]) << 16 | static_cast<std::uint32_t>(bytes[at + 3]) << 24;
}
std::uint16_t u16(llvm::ArrayRef<std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>(bytes[at] | bytes[at + 1] << 8);
}

std::vector<attribute> parse_attributes(llvm::ArrayRef<std::uint8_t> bytes, std::string_view section) {
  std::vector<attribute> out;
  std::size_t at = 0;
  while (at + 4 <= bytes.size()) {
    attribute a{bytes[at], bytes[at + 1], u16(bytes, at + 2), {}};
    at += 4;
    if (a.format == eifmt_sval) {
      if (at + a.half > bytes.size())
        throw cubin_error(fmt::format("{}: attribute 0x{:02x} at byte {} runs past the section's {} bytes", section,
                                      a.id, at - 4, bytes.size()));
      a.data = bytes.slice(at, a.half);
      at += a.half;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace

cubin_info read_cubin(std::span<const std::byte> image) {
  const llvm::StringRef bytes(reinterpret_cast<const char*>(image.data()), image.size());
  if (bytes.substr(0, 4) != "\x7f" "ELF") throw cubin_error("not an ELF file (a cubin starts with \\x7fELF)");
  if (image.size() < 64)
    throw cubin_error(fmt::format("truncated: {} bytes, less than the 64-byte header of a 64-bit ELF file",
                                  image.size()));
  if (static_cast<unsigned char>(bytes[4]) != llvm::ELF::ELFCLASS64)
    throw cubin_error("not a 64-bit ELF file");
  const elf_file file = take(elf_file::create(bytes), "invalid ELF");
  if (file.getHeader().e_machine != llvm::ELF::EM_CUDA)
    throw cubin_error(fmt::format("ELF machine is {}, not EM_CUDA (190)", static_cast<int>(file.getHeader().e_machine)));

  cubin_info info;
  // ELF ABI version 8 (sm_100 and later) moved the SM to bits 8-15 and the "a" flag to 0x8.
  const std::uint32_t flags = file.getHeader().e_flags;
  info.elf_abi_version = static_cast<unsigned char>(bytes[8]);
  const bool v8 = info.elf_abi_version >= 8;
  info.sm = static_cast<int>(v8 ? (flags >> 8) & 0xff : flags & 0xff);
  info.arch_specific = (flags & (v8 ? 0x8 : 0x800)) != 0;

  const auto sections = take(file.sections(), "reading section headers");
  const typename elf_file::Elf_Shdr* symtab = nullptr;
  std::map<std::string, const typename elf_file::Elf_Shdr*, std::less<>> by_name;
  for (const auto& section : sections) {
    const std::string name = take(file.getSectionName(section), "reading a section name").str();
    by_name[name] = &section;
    if (section.sh_type == llvm::ELF::SHT_SYMTAB) symtab = &section;
  }
  if (!symtab) throw cubin_error("no symbol table");
  const auto symbols = take(file.symbols(symtab), "reading symbols");
  const llvm::StringRef strtab = take(file.getStringTableForSymtab(*symtab), "reading symbol names");

  // Kernels are the function symbols that have their own .nv.info section.
  std::map<std::uint32_t, std::size_t> kernel_by_symbol;
  for (std::size_t index = 0; index < symbols.size(); ++index) {
    const auto& symbol = symbols[index];
    if (symbol.getType() != llvm::ELF::STT_FUNC) continue;
    const std::string name = take(symbol.getName(strtab), "reading a symbol name").str();
    const auto info_section = by_name.find(".nv.info." + name);
    if (info_section == by_name.end()) continue;  // a device function, not an entry
    cubin_kernel kernel;
    kernel.name = name;
    kernel.code_size = symbol.st_size;
    const auto contents = take(file.getSectionContents(*info_section->second), "reading .nv.info." + name);
    for (const attribute& a : parse_attributes(contents, ".nv.info." + name)) {
      if (a.id == eiattr_kparam_info && a.data.size() >= 12) {
        const std::uint32_t packed = u32(a.data, 8);
        kernel.params.push_back({u16(a.data, 4), u16(a.data, 6), (packed >> 18) & 0x3fff, ((packed >> 8) & 0xf) != 0});
      } else if (a.id == eiattr_cbank_param_size) {
        kernel.param_buffer_size = a.half;
      } else if (a.id == eiattr_reqntid && a.data.size() >= 12) {
        for (int i = 0; i < 3; ++i) kernel.required_threads[i] = u32(a.data, 4 * static_cast<std::size_t>(i));
      }
    }
    std::sort(kernel.params.begin(), kernel.params.end(),
              [](const cubin_param& x, const cubin_param& y) { return x.ordinal < y.ordinal; });
    if (const auto shared = by_name.find(".nv.shared." + name); shared != by_name.end())
      kernel.static_shared_bytes = static_cast<std::uint32_t>(shared->second->sh_size);
    kernel_by_symbol[static_cast<std::uint32_t>(index)] = info.kernels.size();
    info.kernels.push_back(std::move(kernel));
  }
  if (info.kernels.empty()) throw cubin_error("no kernel entry (no function symbol with a .nv.info.<name> section)");

  if (const auto global = by_name.find(".nv.info"); global != by_name.end()) {
    const auto contents = take(file.getSectionContents(*global->second), "reading .nv.info");
    for (const attribute& a : parse_attributes(contents, ".nv.info")) {
      if (a.data.size() < 8) continue;
      const auto kernel = kernel_by_symbol.find(u32(a.data, 0));
      if (kernel == kernel_by_symbol.end()) continue;
      if (a.id == eiattr_regcount) info.kernels[kernel->second].registers = u32(a.data, 4);
      if (a.id == eiattr_frame_size) info.kernels[kernel->second].frame_size = u32(a.data, 4);
    }
  }
  return info;
}

std::vector<std::string> check_params(const cubin_kernel& kernel, std::span<const expected_param> expected) {
  std::vector<std::string> problems;
  if (kernel.params.size() != expected.size())
    problems.push_back(fmt::format("expected {} parameters (the signature's plus 2 scratch pointers), found {}",
                                   expected.size(), kernel.params.size()));
  std::uint32_t offset = 0;
  for (std::size_t i = 0; i < std::min(expected.size(), kernel.params.size()); ++i) {
    const expected_param& want = expected[i];
    offset = (offset + want.size - 1) / want.size * want.size;  // natural alignment
    const cubin_param& found = kernel.params[i];
    if (found.ordinal != i || found.offset != offset || found.size != want.size)
      problems.push_back(fmt::format("parameter {} '{}' ({}): expected {} bytes at offset {}, found {} bytes at offset {}",
                                     i, want.name, want.type, want.size, offset, found.size, found.offset));
    offset += want.size;
  }
  if (problems.empty() && kernel.param_buffer_size != 0 && kernel.param_buffer_size != offset)
    problems.push_back(fmt::format("parameter buffer is {} bytes, the signature needs {}", kernel.param_buffer_size,
                                   offset));
  return problems;
}

std::string format_arch(const cubin_info& info) {
  return fmt::format("sm_{}{}", info.sm, info.arch_specific ? "a" : "");
}

}  // namespace tb::compiler
