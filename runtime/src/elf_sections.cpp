#include <tb/runtime/elf_sections.hpp>

#include <cstring>
#include <string>
#include <utility>

namespace tb::runtime {
namespace {

// ELF64 layout (System V gABI): the file header is 64 bytes, a section header 64, a
// symbol 24. Offsets below are into those records.
constexpr std::uint64_t header_size = 64;
constexpr std::uint64_t section_header_size = 64;
constexpr std::uint64_t symbol_size = 24;
constexpr std::uint32_t section_strtab = 3;   // SHT_STRTAB
constexpr std::uint16_t shn_xindex = 0xffff;  // e_shstrndx is in section 0's sh_link

// Thrown inside the reader only; read_elf() turns it into a status.
struct elf_error {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw elf_error{std::move(message)}; }

std::string num(std::uint64_t value) { return std::to_string(value); }

// Whether [offset, offset + length) lies inside `size` bytes, without overflow.
bool fits(std::uint64_t offset, std::uint64_t length, std::uint64_t size) {
  return offset <= size && length <= size - offset;
}

// A little-endian unsigned integer of `width` bytes at `at`; the caller checked the range.
std::uint64_t le(std::span<const std::byte> bytes, std::uint64_t at, int width) {
  std::uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = value << 8 | std::to_integer<std::uint64_t>(bytes[at + i]);
  return value;
}

struct raw_section {
  std::uint32_t name_offset = 0;
  elf_section section;
  std::uint64_t offset = 0;
};

raw_section read_section_header(std::span<const std::byte> bytes, std::uint64_t at) {
  raw_section r;
  r.name_offset = static_cast<std::uint32_t>(le(bytes, at, 4));
  r.section.type = static_cast<std::uint32_t>(le(bytes, at + 4, 4));
  r.section.flags = le(bytes, at + 8, 8);
  r.offset = le(bytes, at + 24, 8);
  r.section.size = le(bytes, at + 32, 8);
  r.section.link = static_cast<std::uint32_t>(le(bytes, at + 40, 4));
  r.section.info = static_cast<std::uint32_t>(le(bytes, at + 44, 4));
  r.section.entry_size = le(bytes, at + 56, 8);
  return r;
}

// A NUL-terminated name at `offset` in a string table.
std::string table_string(std::span<const std::byte> table, std::uint64_t offset, const std::string& what,
                         const char* table_name) {
  if (offset >= table.size())
    fail(what + ": name offset " + num(offset) + " past the end of the " + table_name + " (" + num(table.size()) +
         " bytes)");
  const auto* begin = reinterpret_cast<const char*>(table.data()) + offset;
  const void* nul = std::memchr(begin, 0, table.size() - offset);
  if (!nul) fail(what + ": name at offset " + num(offset) + " of the " + table_name + " is not NUL-terminated");
  return std::string(begin, static_cast<const char*>(nul));
}

// The file header's checks; fills everything in `out` but the sections.
void read_header(std::span<const std::byte> bytes, elf_file& out) {
  static constexpr unsigned char magic[4] = {0x7f, 'E', 'L', 'F'};
  if (bytes.size() < 4 || std::memcmp(bytes.data(), magic, 4) != 0)
    fail("not an ELF file (it does not start with \\x7fELF)");
  if (bytes.size() < header_size)
    fail("truncated: the " + num(bytes.size()) + "-byte file ends inside the 64-byte ELF64 header");
  const auto ident = [&](int i) { return std::to_integer<std::uint8_t>(bytes[static_cast<std::size_t>(i)]); };
  if (ident(4) != 2) fail("not a 64-bit ELF file (EI_CLASS " + num(ident(4)) + ", expected 2)");
  if (ident(5) != 1) fail("not a little-endian ELF file (EI_DATA " + num(ident(5)) + ", expected 1)");
  out.os_abi = ident(7);
  out.abi_version = ident(8);
  out.type = static_cast<std::uint16_t>(le(bytes, 16, 2));
  out.machine = static_cast<std::uint16_t>(le(bytes, 18, 2));
  out.flags = static_cast<std::uint32_t>(le(bytes, 48, 4));
}

// The section header table: every entry inside the file, e_shnum and e_shstrndx
// resolved (extended numbering: both may live in section 0).
std::vector<raw_section> read_section_table(std::span<const std::byte> bytes, std::uint16_t& names_index) {
  const std::uint64_t table = le(bytes, 40, 8);
  const std::uint64_t entry = le(bytes, 58, 2);
  std::uint64_t count = le(bytes, 60, 2);
  names_index = static_cast<std::uint16_t>(le(bytes, 62, 2));
  if (table == 0) {
    if (count != 0) fail("e_shnum is " + num(count) + " but there is no section header table (e_shoff 0)");
    return {};
  }
  if (entry < section_header_size) fail("e_shentsize is " + num(entry) + ", expected 64 or more");
  if (!fits(table, entry, bytes.size()))
    fail("truncated: the section header table at offset " + num(table) + " starts past the end of the " +
         num(bytes.size()) + "-byte file");
  const raw_section first = read_section_header(bytes, table);
  if (count == 0) count = first.section.size;
  if (count > (bytes.size() - table) / entry)
    fail("truncated: the section header table (offset " + num(table) + ", " + num(count) + " entries of " +
         num(entry) + " bytes) ends past the end of the " + num(bytes.size()) + "-byte file");
  std::vector<raw_section> out;
  out.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) out.push_back(read_section_header(bytes, table + i * entry));
  if (names_index == shn_xindex) {
    if (first.section.link > 0xffff) fail("e_shstrndx (in section 0's sh_link) is " + num(first.section.link));
    names_index = static_cast<std::uint16_t>(first.section.link);
  }
  return out;
}

// Names every section from the table e_shstrndx points at (SHN_UNDEF: no names) and
// points each at its bytes.
void resolve_sections(std::span<const std::byte> bytes, std::vector<raw_section>& raw, std::uint16_t names_index) {
  std::span<const std::byte> names;
  if (names_index != 0) {
    if (names_index >= raw.size())
      fail("bad e_shstrndx " + num(names_index) + ": the file has " + num(raw.size()) + " sections");
    const raw_section& table = raw[names_index];
    if (table.section.type != section_strtab)
      fail("bad e_shstrndx " + num(names_index) + ": that section has type " + num(table.section.type) +
           ", not SHT_STRTAB (3)");
    if (!fits(table.offset, table.section.size, bytes.size()))
      fail("truncated: the section name table (section " + num(names_index) + ", offset " + num(table.offset) +
           ", " + num(table.section.size) + " bytes) ends past the end of the " + num(bytes.size()) + "-byte file");
    names = bytes.subspan(table.offset, table.section.size);
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    raw_section& r = raw[i];
    const std::string what = "section " + num(i);
    if (names_index != 0) r.section.name = table_string(names, r.name_offset, what, "section name table");
    // Section 0 holds no contents (its sh_size may be the extended section count).
    if (i == 0 || r.section.type == elf_section_nobits) continue;
    if (!fits(r.offset, r.section.size, bytes.size()))
      fail("truncated: " + what + " (" + r.section.name + ", offset " + num(r.offset) + ", " +
           num(r.section.size) + " bytes) ends past the end of the " + num(bytes.size()) + "-byte file");
    r.section.bytes = bytes.subspan(r.offset, r.section.size);
  }
}

}  // namespace

const elf_section* elf_file::find(std::string_view name) const noexcept {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

status read_elf(std::span<const std::byte> bytes, elf_file& out) {
  try {
    elf_file elf;
    read_header(bytes, elf);
    std::uint16_t names_index = 0;
    std::vector<raw_section> raw = read_section_table(bytes, names_index);
    resolve_sections(bytes, raw, names_index);
    elf.sections.reserve(raw.size());
    for (auto& r : raw) elf.sections.push_back(std::move(r.section));
    out = std::move(elf);
    return {};
  } catch (const elf_error& e) {
    return status::error(e.message);
  }
}

status read_elf_symbols(const elf_file& elf, std::vector<elf_symbol>& out) {
  try {
    std::vector<elf_symbol> symbols;
    for (std::size_t index = 0; index < elf.sections.size(); ++index) {
      const elf_section& table = elf.sections[index];
      if (table.type != elf_section_symtab) continue;
      const std::string what = "symbol table (section " + num(index) + ", " + table.name + ")";
      if (table.entry_size != 0 && table.entry_size != symbol_size)
        fail(what + ": sh_entsize " + num(table.entry_size) + ", expected 24");
      if (table.bytes.size() % symbol_size != 0)
        fail(what + ": " + num(table.bytes.size()) + " bytes, not a whole number of 24-byte symbols");
      if (table.link == 0 || table.link >= elf.sections.size() || elf.sections[table.link].type != section_strtab)
        fail(what + ": sh_link " + num(table.link) + " does not name a string table");
      const std::span<const std::byte> names = elf.sections[table.link].bytes;
      for (std::uint64_t at = 0; at < table.bytes.size(); at += symbol_size) {
        elf_symbol s;
        s.name = table_string(names, le(table.bytes, at, 4), what + " entry " + num(at / symbol_size), "string table");
        s.info = static_cast<std::uint8_t>(le(table.bytes, at + 4, 1));
        s.other = static_cast<std::uint8_t>(le(table.bytes, at + 5, 1));
        s.section = static_cast<std::uint16_t>(le(table.bytes, at + 6, 2));
        s.value = le(table.bytes, at + 8, 8);
        s.size = le(table.bytes, at + 16, 8);
        symbols.push_back(std::move(s));
      }
      break;
    }
    out = std::move(symbols);
    return {};
  } catch (const elf_error& e) {
    return status::error(e.message);
  }
}

int cubin_sm(const elf_file& elf) noexcept {
  if (elf.machine != elf_machine_cuda) return 0;
  return static_cast<int>(elf.abi_version >= 8 ? (elf.flags >> 8) & 0xff : elf.flags & 0xff);
}

bool cubin_arch_specific(const elf_file& elf) noexcept {
  if (elf.machine != elf_machine_cuda) return false;
  return (elf.flags & (elf.abi_version >= 8 ? 0x8u : 0x800u)) != 0;
}

}  // namespace tb::runtime
