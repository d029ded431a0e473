// The manifest loader: a good bundle gives kernel_binary objects with their
// parameter descriptions; a bad one gives an error naming the file and the item.
#include <tb/runtime/bundle.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace tb::test {
namespace {

namespace fs = std::filesystem;

const char* k_manifest = R"({
  "schema": "triton-bench/aot-manifest",
  "version": 1,
  "scenario": "vector_add",
  "triton_version": "3.6.0",
  "archs": [90, 80],
  "kernels": [
    {
      "name": "add_kernel",
      "source": "kernels.py",
      "params": [
        {"name": "x_ptr", "type": "*fp32", "cpp_type": "tb::runtime::device_ptr", "size": 8},
        {"name": "y_ptr", "type": "*fp32", "cpp_type": "tb::runtime::device_ptr", "size": 8},
        {"name": "n",     "type": "i32",   "cpp_type": "std::int32_t",           "size": 4}
      ],
      "variants": [
        {
          "name": "b1024", "num_warps": 4, "num_stages": 3, "constexprs": {"BLOCK": 1024},
          "specializations": [
            {
              "name": "x_ptr16.n1",
              "hints": {"x_ptr": 16, "n": 1},
              "kernel_params": [0, 1],
              "images": [
                {"arch": 90, "format": "cubin", "path": "images/add/b1024/s/sm_90.cubin", "size": 6,
                 "sha256": "abc", "symbol": "add_kernel", "num_warps": 4, "num_ctas": 1,
                 "cluster_dims": [1, 1, 1], "shared": 70000, "global_scratch_size": 16,
                 "global_scratch_align": 8, "profile_scratch_size": 0, "profile_scratch_align": 1,
                 "launch_cooperative_grid": false, "launch_pdl": true, "registers": 20, "triton_hash": "f82d"},
                {"arch": 80, "format": "ptx", "path": "images/add/b1024/s/sm_80.ptx",
                 "symbol": "add_kernel", "num_warps": 4, "shared": 0}
              ]
            },
            {
              "name": "generic", "hints": {}, "kernel_params": [0, 1, 2],
              "images": [
                {"arch": 90, "format": "cubin", "path": "images/add/b1024/g/sm_90.cubin",
                 "symbol": "add_kernel_generic", "num_warps": 8, "shared": 0}
              ]
            }
          ]
        }
      ]
    }
  ]
})";

class Bundle : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("tb-bundle-test-" + std::to_string(rd()));
    fs::create_directories(dir / "images/add/b1024/s");
    fs::create_directories(dir / "images/add/b1024/g");
    write("images/add/b1024/s/sm_90.cubin", "CUBIN!");
    write("images/add/b1024/s/sm_80.ptx", ".version 8.0\n.target sm_80\n");
    write("images/add/b1024/g/sm_90.cubin", "GENERIC");
    write("manifest.json", k_manifest);
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& relative, const std::string& text) {
    std::ofstream(dir / relative, std::ios::binary) << text;
  }
  // Loads the manifest with `from` replaced by `to`; returns the error message.
  std::string error_with(const std::string& from, const std::string& to) {
    std::string text = k_manifest;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    write("manifest.json", text);
    runtime::bundle b;
    const runtime::status s = runtime::bundle::load(dir, b);
    EXPECT_FALSE(s.ok());
    return s.message();
  }
  fs::path dir;
};

TEST_F(Bundle, LoadsKernelsVariantsSpecializationsAndImages) {
  runtime::bundle b;
  const runtime::status s = runtime::bundle::load(dir, b);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(b.scenario(), "vector_add");
  EXPECT_EQ(b.triton_version(), "3.6.0");
  EXPECT_EQ(b.archs(), (std::vector<int>{90, 80}));
  ASSERT_EQ(b.kernels().size(), 1u);
  const runtime::kernel_desc& k = b.kernels()[0];
  ASSERT_EQ(k.params.size(), 3u);
  EXPECT_EQ(k.params[2].name, "n");
  EXPECT_EQ(k.params[2].type, "i32");
  EXPECT_EQ(k.params[2].size, 4u);
  ASSERT_EQ(k.variants.size(), 1u);
  EXPECT_EQ(k.variants[0].constexprs_json, R"({"BLOCK":1024})");

  const runtime::specialization_desc* spec = b.find("add_kernel", "b1024", "x_ptr16.n1");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->hints.at("x_ptr"), 16);
  EXPECT_EQ(spec->hints.at("n"), 1);
  ASSERT_EQ(spec->params.size(), 2u);  // n == 1 is folded into the code
  EXPECT_EQ(spec->params[1].name, "y_ptr");
  const runtime::kernel_binary& bin = spec->binary;
  EXPECT_STREQ(bin.name, "add_kernel[b1024.x_ptr16.n1]");
  EXPECT_EQ(bin.num_params, 2u);
  ASSERT_EQ(bin.num_images, 2u);
  const runtime::kernel_image& cubin = bin.images[0];
  EXPECT_EQ(cubin.arch, 90);
  EXPECT_EQ(cubin.format, runtime::image_format::cubin);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(cubin.data), cubin.size), "CUBIN!");
  EXPECT_STREQ(cubin.symbol, "add_kernel");
  EXPECT_EQ(cubin.shared_bytes, 70000u);
  EXPECT_EQ(cubin.global_scratch_size, 16u);
  EXPECT_EQ(cubin.global_scratch_align, 8u);
  EXPECT_TRUE(cubin.launch_pdl);
  EXPECT_FALSE(cubin.launch_cooperative_grid);
  EXPECT_EQ(spec->image_info[0].registers, 20);
  EXPECT_EQ(spec->image_info[0].sha256, "abc");
  const runtime::kernel_image& ptx = bin.images[1];
  EXPECT_EQ(ptx.format, runtime::image_format::ptx);
  EXPECT_EQ(ptx.size, std::string(".version 8.0\n.target sm_80\n").size());
  EXPECT_EQ(ptx.data[ptx.size], '\0');
  EXPECT_EQ(ptx.num_ctas, 1u);
  EXPECT_EQ(ptx.global_scratch_align, 1u);
  EXPECT_EQ(runtime::choose_image(bin, 86, false), &bin.images[1]);

  const runtime::specialization_desc* generic = b.find("add_kernel", "b1024", "generic");
  ASSERT_NE(generic, nullptr);
  EXPECT_EQ(generic->binary.num_params, 3u);
  EXPECT_EQ(generic->binary.images[0].num_warps, 8u);
  EXPECT_EQ(b.find("add_kernel", "b1024", "nope"), nullptr);
  EXPECT_EQ(b.find_kernel("nope"), nullptr);

  // Pointers survive moving the bundle.
  const runtime::kernel_binary* before = &spec->binary;
  runtime::bundle moved = std::move(b);
  EXPECT_EQ(&moved.find("add_kernel", "b1024", "x_ptr16.n1")->binary, before);
  EXPECT_STREQ(before->images[0].symbol, "add_kernel");
}

TEST_F(Bundle, MissingManifest) {
  runtime::bundle b;
  const runtime::status s = runtime::bundle::load(dir / "nowhere", b);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), (dir / "nowhere" / "manifest.json").string() + ": error: cannot open the manifest");
}

TEST_F(Bundle, InvalidJsonGivesLineAndColumn) {
  const std::string m = error_with(R"("version": 1,)", R"("version": 1,,)");
  EXPECT_NE(m.find((dir / "manifest.json").string() + ":3:"), std::string::npos) << m;
  EXPECT_NE(m.find("error: invalid JSON"), std::string::npos) << m;
}

TEST_F(Bundle, SchemaAndVersionAreChecked) {
  EXPECT_NE(error_with("triton-bench/aot-manifest", "other").find("error: schema is \"other\""),
            std::string::npos);
  EXPECT_NE(error_with(R"("version": 1)", R"("version": 2)").find("version is 2; this runtime reads version 1"),
            std::string::npos);
}

TEST_F(Bundle, ItemErrorsNameTheItem) {
  const std::string file = (dir / "manifest.json").string() + ": error: ";
  EXPECT_EQ(error_with(R"("symbol": "add_kernel_generic", )", ""),
            file + "kernels[0].variants[0].specializations[1].images[0] has no \"symbol\"");
  EXPECT_EQ(error_with(R"("format": "ptx")", R"("format": "sass")"),
            file + "kernels[0].variants[0].specializations[0].images[1].format is \"sass\", expected \"cubin\" "
                   "or \"ptx\"");
  EXPECT_EQ(error_with(R"("kernel_params": [0, 1, 2])", R"("kernel_params": [0, 1, 3])"),
            file + "kernels[0].variants[0].specializations[1].kernel_params[2] is not an index into the "
                   "kernel's 3 params");
  EXPECT_EQ(error_with(R"("size": 6,)", R"("size": 7,)"),
            file + "kernels[0].variants[0].specializations[0].images[0].size is 7 but " +
                (dir / "images/add/b1024/s/sm_90.cubin").string() + " has 6 bytes");
  EXPECT_EQ(error_with("images/add/b1024/g/sm_90.cubin", "images/missing.cubin"),
            file + "kernels[0].variants[0].specializations[1].images[0].path cannot read " +
                (dir / "images/missing.cubin").string());
  EXPECT_EQ(error_with(R"("num_warps": 8)", R"("num_warps": "8")"),
            file + "kernels[0].variants[0].specializations[1].images[0].num_warps is not an integer");
  EXPECT_EQ(error_with(R"("n": 1})", R"("n": 2})"),
            file + "kernels[0].variants[0].specializations[0].hints.n is not 1 or 16");
  EXPECT_EQ(error_with(R"("size": 4})", R"("size": 0})"),
            file + "kernels[0].params[2].size 0 is outside 1..256");
}

TEST_F(Bundle, FailedLoadLeavesTheTargetUntouched) {
  runtime::bundle b;
  ASSERT_TRUE(runtime::bundle::load(dir, b).ok());
  write("manifest.json", "{}");
  EXPECT_FALSE(runtime::bundle::load(dir, b).ok());
  EXPECT_EQ(b.scenario(), "vector_add");
}

}  // namespace
}  // namespace tb::test
