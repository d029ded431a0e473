// The ELF section reader (runtime/include/tb/runtime/elf_sections.hpp): real cubins
// from triton-aot for every arch it offers, every truncation of one, corrupted bytes,
// and hand-built files for each error it names.
#include <tb/runtime/elf_sections.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

namespace rt = tb::runtime;
using bytes_t = std::vector<std::byte>;

template <int N>
void put(bytes_t& b, std::size_t at, std::uint64_t value) {
  for (int i = 0; i < N; ++i) b[at + i] = static_cast<std::byte>(value >> (8 * i));
}

// A minimal ELF64 file: header, the sections' contents, then the section header
// table. Section 0 is the null section; the last one is .shstrtab (e_shstrndx).
struct built_section {
  std::string name;
  std::uint32_t type = 1;
  std::string contents;
};
struct built_elf {
  bytes_t bytes;
  std::size_t shoff = 0;
  std::vector<std::size_t> offsets;  // of each section's contents
  std::size_t header_at(std::size_t index) const { return shoff + index * 64; }
};

built_elf build_elf(std::vector<built_section> sections) {
  std::string names(1, '\0');
  std::vector<std::size_t> name_at{0};
  for (const auto& s : sections) {
    name_at.push_back(names.size());
    names += s.name + '\0';
  }
  name_at.push_back(names.size());
  names += std::string(".shstrtab") + '\0';
  sections.insert(sections.begin(), built_section{"", 0, ""});
  sections.push_back({".shstrtab", 3, names});

  built_elf e;
  e.bytes.resize(64);
  const char ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0x33, 7};
  std::memcpy(e.bytes.data(), ident, sizeof ident);
  put<2>(e.bytes, 16, 2);    // ET_EXEC
  put<2>(e.bytes, 18, 190);  // EM_CUDA
  put<4>(e.bytes, 48, 0x5a0d5a);
  for (const auto& s : sections) {
    e.offsets.push_back(e.bytes.size());
    for (char c : s.contents) e.bytes.push_back(static_cast<std::byte>(c));
  }
  e.shoff = e.bytes.size();
  e.bytes.resize(e.shoff + 64 * sections.size());
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const std::size_t h = e.header_at(i);
    put<4>(e.bytes, h, name_at[i]);
    put<4>(e.bytes, h + 4, sections[i].type);
    put<8>(e.bytes, h + 24, i == 0 ? 0 : e.offsets[i]);
    put<8>(e.bytes, h + 32, sections[i].contents.size());
  }
  put<8>(e.bytes, 40, e.shoff);
  put<2>(e.bytes, 58, 64);
  put<2>(e.bytes, 60, sections.size());
  put<2>(e.bytes, 62, sections.size() - 1);
  return e;
}

built_elf sample() { return build_elf({{".text.k", 1, "CODE"}, {".nv.info.k", 0x70000000, "INFO!"}}); }

std::string read_error(const bytes_t& b) {
  rt::elf_file elf;
  elf.flags = 0xdead;
  const rt::status s = rt::read_elf(b, elf);
  EXPECT_EQ(elf.flags, 0xdeadu) << "a failed read must leave the output as it was";
  return s ? std::string("ok") : s.message();
}

std::string text(std::span<const std::byte> b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

TEST(ElfSections, ReadsAHandBuiltFile) {
  const built_elf e = sample();
  rt::elf_file elf;
  ASSERT_TRUE(rt::read_elf(e.bytes, elf)) << read_error(e.bytes);
  ASSERT_EQ(elf.sections.size(), 4u);
  EXPECT_EQ(elf.sections[0].name, "");
  EXPECT_EQ(elf.sections[1].name, ".text.k");
  EXPECT_EQ(text(elf.sections[1].bytes), "CODE");
  EXPECT_EQ(elf.sections[2].type, 0x70000000u);
  EXPECT_EQ(text(elf.find(".nv.info.k")->bytes), "INFO!");
  EXPECT_EQ(elf.find(".nope"), nullptr);
  EXPECT_EQ(elf.machine, 190);
  EXPECT_EQ(elf.os_abi, 0x33);
  EXPECT_EQ(elf.abi_version, 7);
  EXPECT_EQ(rt::cubin_sm(elf), 90);
}

TEST(ElfSections, RefusesWhatIsNotAnElf64File) {
  EXPECT_EQ(read_error({}), "not an ELF file (it does not start with \\x7fELF)");
  bytes_t garbage(4096);
  std::mt19937 random(7);
  for (auto& b : garbage) b = static_cast<std::byte>(random());
  EXPECT_EQ(read_error(garbage), "not an ELF file (it does not start with \\x7fELF)");

  bytes_t sixteen(16);
  std::memcpy(sixteen.data(), "\x7f" "ELF\x02\x01\x01", 7);
  EXPECT_EQ(read_error(sixteen), "truncated: the 16-byte file ends inside the 64-byte ELF64 header");

  built_elf e = sample();
  e.bytes[4] = std::byte{1};
  EXPECT_EQ(read_error(e.bytes), "not a 64-bit ELF file (EI_CLASS 1, expected 2)");
  e.bytes[4] = std::byte{2};
  e.bytes[5] = std::byte{2};
  EXPECT_EQ(read_error(e.bytes), "not a little-endian ELF file (EI_DATA 2, expected 1)");
}

TEST(ElfSections, NamesEachBrokenTable) {
  {
    built_elf e = sample();
    put<2>(e.bytes, 62, 9);
    EXPECT_EQ(read_error(e.bytes), "bad e_shstrndx 9: the file has 4 sections");
  }
  {
    built_elf e = sample();
    put<2>(e.bytes, 62, 1);
    EXPECT_EQ(read_error(e.bytes), "bad e_shstrndx 1: that section has type 1, not SHT_STRTAB (3)");
  }
  {
    built_elf e = sample();
    put<8>(e.bytes, e.header_at(1) + 24, e.bytes.size() - 2);
    EXPECT_EQ(read_error(e.bytes), "truncated: section 1 (.text.k, offset " + std::to_string(e.bytes.size() - 2) +
                                       ", 4 bytes) ends past the end of the " + std::to_string(e.bytes.size()) +
                                       "-byte file");
  }
  {
    built_elf e = sample();  // an offset + size that wraps around 2^64
    put<8>(e.bytes, e.header_at(1) + 24, ~std::uint64_t{0} - 1);
    EXPECT_NE(read_error(e.bytes).find("truncated: section 1 (.text.k"), std::string::npos);
  }
  {
    built_elf e = sample();
    put<4>(e.bytes, e.header_at(2), 1000);
    EXPECT_EQ(read_error(e.bytes), "section 2: name offset 1000 past the end of the section name table (30 bytes)");
  }
  {
    built_elf e = sample();  // the name table's last NUL overwritten
    e.bytes[e.offsets[3] + 29] = std::byte{'x'};
    EXPECT_EQ(read_error(e.bytes), "section 3: name at offset 20 of the section name table is not NUL-terminated");
  }
  {
    built_elf e = sample();
    put<2>(e.bytes, 58, 32);
    EXPECT_EQ(read_error(e.bytes), "e_shentsize is 32, expected 64 or more");
  }
  {
    built_elf e = sample();
    put<2>(e.bytes, 60, 1000);
    EXPECT_EQ(read_error(e.bytes), "truncated: the section header table (offset " + std::to_string(e.shoff) +
                                       ", 1000 entries of 64 bytes) ends past the end of the " +
                                       std::to_string(e.bytes.size()) + "-byte file");
  }
  {
    built_elf e = sample();
    put<8>(e.bytes, 40, 0);
    EXPECT_EQ(read_error(e.bytes), "e_shnum is 4 but there is no section header table (e_shoff 0)");
  }
}

TEST(ElfSections, ReadsExtendedSectionNumbering) {
  built_elf e = sample();  // e_shnum 0 and e_shstrndx SHN_XINDEX: both in section 0
  put<2>(e.bytes, 60, 0);
  put<2>(e.bytes, 62, 0xffff);
  put<8>(e.bytes, e.header_at(0) + 32, 4);
  put<4>(e.bytes, e.header_at(0) + 40, 3);
  rt::elf_file elf;
  ASSERT_TRUE(rt::read_elf(e.bytes, elf)) << read_error(e.bytes);
  ASSERT_EQ(elf.sections.size(), 4u);
  EXPECT_EQ(elf.sections[2].name, ".nv.info.k");
}

TEST(ElfSections, SymbolTablesAreChecked) {
  std::string symbols(48, '\0');  // the null symbol and "k", a global function in section 1
  symbols[24] = 1;
  symbols[28] = 0x12;
  symbols[30] = 1;
  symbols[40] = 4;
  built_elf e = build_elf({{".text.k", 1, "CODE"}, {".strtab", 3, std::string("\0k\0", 3)}, {".symtab", 2, symbols}});
  put<4>(e.bytes, e.header_at(3) + 40, 2);  // sh_link: .strtab
  rt::elf_file elf;
  ASSERT_TRUE(rt::read_elf(e.bytes, elf)) << read_error(e.bytes);
  std::vector<rt::elf_symbol> out;
  ASSERT_TRUE(rt::read_elf_symbols(elf, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].name, "k");
  EXPECT_EQ(out[1].type(), 2);
  EXPECT_EQ(out[1].binding(), 1);
  EXPECT_EQ(out[1].section, 1);
  EXPECT_EQ(out[1].size, 4u);

  elf.sections[3].link = 9;
  rt::status s = rt::read_elf_symbols(elf, out);
  EXPECT_EQ(s.message(), "symbol table (section 3, .symtab): sh_link 9 does not name a string table");
  elf.sections[3].link = 2;
  elf.sections[3].bytes = elf.sections[3].bytes.first(30);
  s = rt::read_elf_symbols(elf, out);
  EXPECT_EQ(s.message(), "symbol table (section 3, .symtab): 30 bytes, not a whole number of 24-byte symbols");
  EXPECT_EQ(out.size(), 2u) << "a failed read must leave the output as it was";
}

TEST(ElfSections, CubinSmReadsBothFlagLayouts) {
  rt::elf_file elf;
  elf.machine = rt::elf_machine_cuda;
  elf.abi_version = 8;
  elf.flags = 0x900640a;  // ptxas -arch sm_100a
  EXPECT_EQ(rt::cubin_sm(elf), 100);
  EXPECT_TRUE(rt::cubin_arch_specific(elf));
  elf.flags = 0x9007802;  // sm_120
  EXPECT_EQ(rt::cubin_sm(elf), 120);
  EXPECT_FALSE(rt::cubin_arch_specific(elf));
  elf.abi_version = 7;
  elf.flags = 0x5a0d5a;  // sm_90a
  EXPECT_EQ(rt::cubin_sm(elf), 90);
  EXPECT_TRUE(rt::cubin_arch_specific(elf));
  elf.flags = 0x5a055a;  // sm_90
  EXPECT_FALSE(rt::cubin_arch_specific(elf));
  elf.machine = 62;  // x86-64
  EXPECT_EQ(rt::cubin_sm(elf), 0);
}

#ifdef TB_ELF_ARCHS_DIR

bytes_t read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes_t out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

const std::vector<int> archs = {TB_ELF_ARCHS};

std::size_t section_table_offset(const bytes_t& b) {  // e_shoff
  std::size_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | std::to_integer<std::size_t>(b.at(40 + i));
  return v;
}

bytes_t cubin(int arch) {
  const auto path = std::filesystem::path(TB_ELF_ARCHS_DIR) / ("sm_" + std::to_string(arch) + ".cubin");
  bytes_t b = read_file(path);
  if (b.empty()) ADD_FAILURE() << "no cubin at " << path;
  return b;
}

TEST(ElfSectionsOnCubins, EveryArchTritonAotOffers) {
  for (int arch : archs) {
    SCOPED_TRACE("sm_" + std::to_string(arch));
    const bytes_t b = cubin(arch);
    rt::elf_file elf;
    ASSERT_TRUE(rt::read_elf(b, elf)) << read_error(b);
    EXPECT_EQ(elf.machine, rt::elf_machine_cuda);
    EXPECT_EQ(elf.abi_version, arch >= 100 ? 8 : 7);
    EXPECT_EQ(rt::cubin_sm(elf), arch);
    EXPECT_EQ(rt::cubin_arch_specific(elf), arch >= 90) << "Triton targets sm_90a, sm_100a, ...";
    EXPECT_EQ(elf.sections.at(0).type, 0u);

    const rt::elf_section* code = elf.find(".text.store_kernel");
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(code->type, 1u);
    EXPECT_TRUE(code->flags & 0x4) << "SHF_EXECINSTR";
    EXPECT_GT(code->bytes.size(), 0u);
    EXPECT_NE(elf.find(".nv.info.store_kernel"), nullptr);
    ASSERT_NE(elf.find(".nv.constant0.store_kernel"), nullptr);
    // The spans are the right bytes: the embedded PTX names the kernel and the target.
    const rt::elf_section* ptx = elf.find(".nv_debug_ptx_txt");
    ASSERT_NE(ptx, nullptr);
    const std::string ptx_text = text(ptx->bytes);
    EXPECT_NE(ptx_text.find(".entry store_kernel"), std::string::npos);
    EXPECT_NE(ptx_text.find(".target sm_" + std::to_string(arch)), std::string::npos);

    std::vector<rt::elf_symbol> symbols;
    ASSERT_TRUE(rt::read_elf_symbols(elf, symbols));
    const auto kernel = std::find_if(symbols.begin(), symbols.end(), [](const auto& s) { return s.name == "store_kernel"; });
    ASSERT_NE(kernel, symbols.end());
    EXPECT_EQ(kernel->type(), 2) << "STT_FUNC";
    ASSERT_LT(kernel->section, elf.sections.size());
    EXPECT_EQ(elf.sections[kernel->section].name, ".text.store_kernel");
    EXPECT_EQ(kernel->size, code->size);
  }
}

TEST(ElfSectionsOnCubins, EveryTruncationIsReadOrRefused) {
  const bytes_t whole = cubin(90);
  rt::elf_file full;
  ASSERT_TRUE(rt::read_elf(whole, full));
  const std::size_t table = section_table_offset(whole);
  int refused = 0;
  for (std::size_t n = 0; n < whole.size(); ++n) {
    const bytes_t cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
    rt::elf_file elf;
    const rt::status s = rt::read_elf(cut, elf);
    if (!s) {
      ++refused;
      continue;
    }
    // Read only when the section table and every section are inside what is left.
    EXPECT_GE(n, table + 64 * full.sections.size()) << n;
    for (const auto& sec : elf.sections)
      EXPECT_TRUE(sec.bytes.empty() || sec.bytes.data() + sec.bytes.size() <= cut.data() + cut.size()) << n;
  }
  EXPECT_GT(refused, 0);
  const auto at = [&](std::size_t n) { return read_error(bytes_t(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n))); };
  EXPECT_EQ(at(16), "truncated: the 16-byte file ends inside the 64-byte ELF64 header");
  EXPECT_EQ(at(63), "truncated: the 63-byte file ends inside the 64-byte ELF64 header");
  EXPECT_NE(at(64).find("truncated: the section header table"), std::string::npos) << at(64);
  EXPECT_NE(at(table + 100).find("truncated: the section header table (offset " + std::to_string(table)),
            std::string::npos) << at(table + 100);
}

// Bytes flipped in the header and the section table: each read ends in a result or a
// message, and whatever is read lies inside the buffer.
TEST(ElfSectionsOnCubins, CorruptHeadersAreReadOrRefused) {
  const bytes_t whole = cubin(100);
  rt::elf_file full;
  ASSERT_TRUE(rt::read_elf(whole, full));
  const std::size_t table = section_table_offset(whole);
  std::mt19937 random(2024);
  int refused = 0;
  for (int i = 0; i < 20000; ++i) {
    bytes_t b = whole;
    const std::size_t span = 64 * full.sections.size();
    const std::size_t where = i % 4 == 0 ? random() % 64 : table + random() % span;
    b[where] = static_cast<std::byte>(random());
    if (i % 3 == 0) b[table + random() % span] = static_cast<std::byte>(0xff);
    rt::elf_file elf;
    if (!rt::read_elf(b, elf)) {
      ++refused;
      continue;
    }
    for (const auto& sec : elf.sections)
      ASSERT_TRUE(sec.bytes.empty() ||
                  (sec.bytes.data() >= b.data() && sec.bytes.data() + sec.bytes.size() <= b.data() + b.size()));
    std::vector<rt::elf_symbol> symbols;
    (void)rt::read_elf_symbols(elf, symbols);
  }
  EXPECT_GT(refused, 0);
}

#endif

}  // namespace
