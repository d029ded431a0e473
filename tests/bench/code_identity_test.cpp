// Code identity (bench/src/code_identity.hpp) on real cubins: triton-aot's bundles of
// tests/bench/data/code_identity (first: variants w4/w8, specialisations n_elements16 and
// n_elements1; second: first's w4.n_elements16 under another scenario name), and two
// kernels compiled and described by tb_aot.metadata as the JIT runner does
// (describe_kernels.py: "same" is first's w4 image, "n_i64" types n_elements as i64).
#include "code_identity.hpp"

#include <tb/runtime/bundle.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace rt = tb::runtime;
using namespace tb::bench;
using json = nlohmann::json;

const fs::path data = TB_CODE_IDENTITY_DIR;
constexpr const char* n16 = "x_ptr16.y_ptr16.out_ptr16.n_elements16";
constexpr const char* n1 = "x_ptr16.y_ptr16.out_ptr16.n_elements1";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.empty()) ADD_FAILURE() << "nothing read from " << path;
  return s;
}

const rt::bundle& bundle(const std::string& name) {
  static std::map<std::string, rt::bundle> loaded;
  if (!loaded.contains(name)) {
    rt::bundle b;
    const rt::status s = rt::bundle::load(data / name, b);
    if (!s) ADD_FAILURE() << s.message();
    loaded.emplace(name, std::move(b));
  }
  return loaded.at(name);
}

// One image of a bundle: its bytes and the metadata aot_image_metadata builds for it.
struct image {
  std::string bytes;
  json metadata;
};

image aot(const std::string& scenario, const std::string& variant, const std::string& spec, int arch) {
  const fs::path path = data / scenario / "images" / "add_kernel" / variant / spec / ("sm_" + std::to_string(arch) + ".cubin");
  return {read_file(path), aot_image_metadata(bundle(scenario), "add_kernel", variant, spec, arch)};
}

image described(const std::string& name) {
  return {read_file(data / "described" / (name + ".cubin")), json::parse(read_file(data / "described" / (name + ".json")))};
}

code_identity compare(const image& a, const image& b) {
  return compare_code({"AOT", a.bytes, &a.metadata}, {"JIT", b.bytes, &b.metadata});
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& x : list) s += x + "\n";
  return s;
}

TEST(CodeIdentity, TheSameFileTwice) {
  const image a = aot("first", "w4", n16, 90);
  const code_identity id = compare(a, a);
  EXPECT_EQ(id.verdict, code_verdict::identical_file);
  EXPECT_EQ(id.summary, "identical file");
  EXPECT_TRUE(id.reasons.empty());
  EXPECT_TRUE(id.differing_sections.empty());
}

// The canonical file name embeds the scenario name: only the line tables and the PTX
// copy differ, for each arch.
TEST(CodeIdentity, AnotherScenarioNameChangesOnlyTheDebugInfo) {
  for (int arch : {90, 80}) {
    SCOPED_TRACE(arch);
    const image a = aot("first", "w4", n16, arch), b = aot("second", "w4", n16, arch);
    ASSERT_NE(a.bytes, b.bytes) << "the test needs files that differ";
    const code_identity id = compare(a, b);
    EXPECT_EQ(id.verdict, code_verdict::identical_code) << id.summary;
    EXPECT_TRUE(id.differing_sections.empty()) << joined(id.differing_sections);
    EXPECT_TRUE(has(id.differing_other_sections, ".debug_line")) << joined(id.differing_other_sections);
    EXPECT_TRUE(has(id.differing_other_sections, ".nv_debug_ptx_txt")) << joined(id.differing_other_sections);
    EXPECT_EQ(id.summary.rfind("identical code (debug info differs: ", 0), 0u) << id.summary;
    EXPECT_NE(id.summary.find(".debug_line"), std::string::npos) << id.summary;
    EXPECT_TRUE(id.reasons.empty());
  }
}

TEST(CodeIdentity, NumWarpsFourAgainstEight) {
  const code_identity id = compare(aot("first", "w4", n16, 90), aot("first", "w8", n16, 90));
  EXPECT_EQ(id.verdict, code_verdict::different_code);
  EXPECT_TRUE(has(id.differing_sections, ".text.add_kernel")) << joined(id.differing_sections);
  EXPECT_TRUE(has(id.differing_sections, ".nv.info.add_kernel")) << joined(id.differing_sections);
  EXPECT_EQ(id.reasons, std::vector<std::string>{"num_warps: AOT 4, JIT 8"});
  EXPECT_EQ(id.summary.rfind("different code (", 0), 0u) << id.summary;
  EXPECT_NE(id.summary.find("): num_warps: AOT 4, JIT 8"), std::string::npos) << id.summary;
}

TEST(CodeIdentity, AnArgumentEqualToOneIsFolded) {
  const code_identity id = compare(aot("first", "w4", n16, 90), aot("first", "w4", n1, 90));
  EXPECT_EQ(id.verdict, code_verdict::different_code);
  ASSERT_EQ(id.reasons.size(), 1u) << joined(id.reasons);
  EXPECT_EQ(id.reasons[0], "'n_elements' is the constant 1 in JIT (an integer argument equal to 1 is folded into the "
                           "code), a runtime i32 in AOT");
}

TEST(CodeIdentity, AnotherArch) {
  const code_identity id = compare(aot("first", "w4", n16, 90), aot("first", "w4", n16, 80));
  EXPECT_EQ(id.verdict, code_verdict::different_code);
  EXPECT_TRUE(has(id.differing_sections, "ELF header e_flags")) << joined(id.differing_sections);
  EXPECT_TRUE(has(id.reasons, "target arch: AOT sm_90, JIT sm_80")) << joined(id.reasons);
  EXPECT_TRUE(has(id.reasons, "the cubins are built for different GPUs: AOT sm_90a, JIT sm_80 (ELF e_flags)"))
      << joined(id.reasons);
}

// tb_aot.metadata.describe of Triton's compile and aot_image_metadata of the bundle say
// the same about the same compile: no reason is invented from the two formats.
TEST(CodeIdentity, TheBundleAndTritonDescribeTheSameCompileAlike) {
  const image a = aot("first", "w4", n16, 90), j = described("same");
  EXPECT_TRUE(metadata_reasons(a.metadata, "AOT", j.metadata, "JIT").empty())
      << joined(metadata_reasons(a.metadata, "AOT", j.metadata, "JIT"));
  EXPECT_EQ(compare(a, j).verdict, code_verdict::identical_file) << "triton-aot compiles as Triton does";
  EXPECT_EQ(j.metadata.at("signature").at("n_elements"), "i32");
  EXPECT_EQ(j.metadata.at("num_warps"), 4);
}

// What the JIT does to a Python int above 2**31: n_elements becomes i64.
TEST(CodeIdentity, AnIntegerTypedI64ByTheJit) {
  const code_identity id = compare(aot("first", "w4", n16, 90), described("n_i64"));
  EXPECT_EQ(id.verdict, code_verdict::different_code);
  EXPECT_TRUE(has(id.differing_sections, ".text.add_kernel")) << joined(id.differing_sections);
  EXPECT_EQ(id.reasons, std::vector<std::string>{"signature type of 'n_elements': AOT i32, JIT i64 (the JIT types a "
                                                 "Python int as i32 or i64 by its value)"});
}

// The other reasons, on Triton's real description with one field changed.
TEST(CodeIdentity, MetadataReasons) {
  const json base = described("same").metadata;
  const auto reasons_for = [&](const auto& edit) {
    json other = base;
    edit(other);
    return metadata_reasons(base, "AOT", other, "JIT");
  };
  EXPECT_EQ(reasons_for([](json& m) { m["triton_version"] = "3.5.1"; }),
            std::vector<std::string>{"Triton version: AOT 3.6.0, JIT 3.5.1"});
  EXPECT_EQ(reasons_for([](json& m) { m["num_stages"] = 2; }), std::vector<std::string>{"num_stages: AOT 3, JIT 2"});
  EXPECT_EQ(reasons_for([](json& m) { m["constant_vals"][0] = 512; }),
            std::vector<std::string>{"constexpr 'BLOCK_SIZE': AOT 1024, JIT 512"});
  EXPECT_EQ(reasons_for([](json& m) {
              m["attrs_keys"].erase(0);  // x_ptr: no longer 16-byte aligned
              m["attrs_vals"].erase(0);
            }),
            std::vector<std::string>{"divisibility of 'x_ptr': AOT 16, JIT none (a pointer 16-byte aligned or an "
                                     "integer divisible by 16 is specialised)"});
  EXPECT_EQ(reasons_for([](json& m) {
              m["attrs_keys"].push_back({1});  // as the JIT writes an argument it found not divisible
              m["attrs_vals"].push_back(json::array());
            }),
            std::vector<std::string>{});
  EXPECT_EQ(reasons_for([](json& m) { m["signature"]["n_elements"] = "fp64"; }),
            std::vector<std::string>{"signature type of 'n_elements': AOT i32, JIT fp64"});
  EXPECT_EQ(reasons_for([](json& m) { m["target"]["arch"] = 100; }),
            std::vector<std::string>{"target arch: AOT sm_90, JIT sm_100"});
  json scale = base, scale_jit = base;
  scale["signature"]["n_elements"] = "fp64";
  scale_jit["signature"]["n_elements"] = "fp32";
  EXPECT_EQ(metadata_reasons(scale, "AOT", scale_jit, "JIT"),
            std::vector<std::string>{"signature type of 'n_elements': AOT fp64, JIT fp32 (the JIT types a Python float "
                                     "as fp32)"});
}

TEST(CodeIdentity, WithoutMetadataTheCauseIsUnknown) {
  const image a = aot("first", "w4", n16, 90), b = aot("first", "w8", n16, 90);
  const code_identity id = compare_code({"AOT", a.bytes, &a.metadata}, {"JIT", b.bytes, nullptr});
  EXPECT_EQ(id.verdict, code_verdict::different_code);
  EXPECT_EQ(id.reasons, std::vector<std::string>{"no Triton metadata for JIT: the cause is not known"});
}

TEST(CodeIdentity, UnreadableCubins) {
  const image a = aot("first", "w4", n16, 90);
  code_identity id = compare_code({"AOT", a.bytes, nullptr}, {"JIT", "", nullptr});
  EXPECT_EQ(id.verdict, code_verdict::unreadable);
  EXPECT_EQ(id.summary, "unreadable: no JIT cubin");
  id = compare_code({"AOT", a.bytes, nullptr}, {"JIT", std::string_view(a.bytes).substr(0, 100), nullptr});
  EXPECT_EQ(id.verdict, code_verdict::unreadable);
  EXPECT_EQ(id.summary.rfind("unreadable: JIT cubin: truncated: the section header table", 0), 0u) << id.summary;
  EXPECT_EQ(to_string(code_verdict::identical_code), "identical code");
}

TEST(CodeIdentity, AotMetadataNamesWhatTheBundleLacks) {
  EXPECT_THROW(aot_image_metadata(bundle("first"), "add_kernel", "w16", n16, 90), std::invalid_argument);
  EXPECT_THROW(aot_image_metadata(bundle("first"), "add_kernel", "w4", n16, 75), std::invalid_argument);
  const json m = aot_image_metadata(bundle("first"), "add_kernel", "w4", n1, 80);
  EXPECT_EQ(m.at("signature").at("n_elements"), "constexpr");
  EXPECT_EQ(m.at("arg_names"), json({"x_ptr", "y_ptr", "out_ptr", "n_elements", "BLOCK_SIZE"}));
  EXPECT_EQ(m.at("constant_keys"), json::parse("[[3], [4]]"));
  EXPECT_EQ(m.at("constant_vals"), json::parse("[1, 1024]"));
  EXPECT_EQ(m.at("target").at("arch"), 80);
}

}  // namespace
