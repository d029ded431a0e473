// The generated launchers, compiled and linked from every shipped scenario: their
// dispatchers choose as documented, and their embedded tables agree with the
// manifest written beside them. No GPU needed.
#include <cluster_kernels.hpp>
#include <dynamic_shapes_kernels.hpp>
#include <many_kernels_kernels.hpp>
#include <matmul_kernels.hpp>
#include <pdl_chain_kernels.hpp>
#include <sandwich_kernels.hpp>
#include <scalar_args_kernels.hpp>
#include <softmax_kernels.hpp>
#include <vector_add_kernels.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using tb::runtime::device_ptr;

const fs::path aot_dir = TB_AOT_DIR;
constexpr device_ptr aligned = 0x7f0000000000;  // 16-byte aligned device addresses
constexpr device_ptr misaligned = aligned + 4;

std::string name_of(const tb::runtime::kernel_binary& b) { return b.name; }

TEST(GeneratedDispatch, DynamicShapesPicksTheMostSpecialisedMatch) {
  using namespace tb_aot::dynamic_shapes;
  const auto v = scale_shift_kernel_variant::w2_s3;
  EXPECT_EQ(name_of(scale_shift_kernel_select(v, aligned, aligned + 64, 4096, 2.f, 1.f)),
            "scale_shift_kernel[w2_s3.x_ptr16.out_ptr16.n_elements16]");
  EXPECT_EQ(name_of(scale_shift_kernel_select(v, aligned, aligned + 64, 1, 2.f, 1.f)),
            "scale_shift_kernel[w2_s3.x_ptr16.out_ptr16.n_elements1]");
  EXPECT_EQ(name_of(scale_shift_kernel_select(v, aligned, aligned + 64, 1000, 2.f, 1.f)),
            "scale_shift_kernel[w2_s3.x_ptr16.out_ptr16]");
  EXPECT_EQ(name_of(scale_shift_kernel_select(v, misaligned, aligned, 4096, 2.f, 1.f)),
            "scale_shift_kernel[w2_s3.generic]");
  // n == 1 is folded into the code: that kernel takes one parameter fewer
  EXPECT_EQ(scale_shift_kernel_select(v, aligned, aligned, 1, 2.f, 1.f).num_params, 4u);
  EXPECT_EQ(scale_shift_kernel_select(v, aligned, aligned, 16, 2.f, 1.f).num_params, 5u);
}

TEST(GeneratedDispatch, MatmulFoldsUnitStrides) {
  using namespace tb_aot::matmul;
  const auto& contiguous = matmul_kernel_select(matmul_kernel_variant::m64n64k32, aligned, aligned, aligned,
                                                1024, 1024, 1024, 1024, 1, 1024, 1, 1024, 1);
  EXPECT_EQ(contiguous.num_params, 9u);  // the three unit strides are constants in the code
  const auto& transposed = matmul_kernel_select(matmul_kernel_variant::m64n64k32, aligned, aligned, aligned,
                                                1024, 1024, 1024, 1, 1024, 1024, 1, 1024, 1);
  EXPECT_EQ(name_of(transposed), "matmul_kernel[m64n64k32.generic]");
  EXPECT_EQ(transposed.num_params, 12u);
}

TEST(GeneratedDispatch, LargeMatmulTileNeedsMoreThan48KiBOfSharedMemoryOnEveryArch) {
  using namespace tb_aot::matmul;
  const auto& big = matmul_kernel_select(matmul_kernel_variant::m128n128k128, aligned, aligned, aligned,
                                         1024, 1024, 1024, 1024, 1, 1024, 1, 1024, 1);
  ASSERT_EQ(big.num_images, 4u);
  for (std::size_t i = 0; i < big.num_images; ++i) EXPECT_GT(big.images[i].shared_bytes, 48u * 1024) << i;
}

TEST(GeneratedDispatch, NoMatchingSpecialisationIsRefusedBeforeTheDriver) {
  using namespace tb_aot::many_kernels;
  // many_kernels compiles only the aligned specialisation: a misaligned pointer has no kernel
  const auto& none = op_00_kernel_select(op_00_kernel_variant::w4_s3, misaligned, aligned, 4096);
  EXPECT_EQ(none.num_params, 0u);
  EXPECT_EQ(none.num_images, 0u);
  tb::runtime::runtime runtime(tb::runtime::load_mode::cubin_cached);
  const auto status = op_00_kernel(nullptr, {4, 1, 1}, misaligned, aligned, 4096, op_00_kernel_variant::w4_s3, runtime);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("op_00_kernel: no compiled specialisation accepts these arguments"), std::string::npos)
      << status.message();
}

TEST(GeneratedTables, AgreeWithTheManifest) {
  struct scenario_binaries {
    const char* scenario;
    const char* kernel;
    std::span<const tb::runtime::kernel_binary> binaries;
  };
  const scenario_binaries all[] = {
      {"vector_add", "add_kernel", tb_aot::vector_add::add_kernel_binaries()},
      {"sandwich", "target_kernel", tb_aot::sandwich::target_kernel_binaries()},
      {"softmax", "softmax_kernel", tb_aot::softmax::softmax_kernel_binaries()},
      {"matmul", "matmul_kernel", tb_aot::matmul::matmul_kernel_binaries()},
      {"many_kernels", "op_23_kernel", tb_aot::many_kernels::op_23_kernel_binaries()},
      {"dynamic_shapes", "scale_shift_kernel", tb_aot::dynamic_shapes::scale_shift_kernel_binaries()},
      {"scalar_args", "axpby_kernel", tb_aot::scalar_args::axpby_kernel_binaries()},
      {"pdl_chain", "target_kernel", tb_aot::pdl_chain::target_kernel_binaries()},
      {"cluster", "scale_kernel", tb_aot::cluster::scale_kernel_binaries()},
  };
  for (const auto& entry : all) {
    std::ifstream in(aot_dir / entry.scenario / "manifest.json");
    ASSERT_TRUE(in) << entry.scenario;
    const auto manifest = nlohmann::json::parse(in);
    EXPECT_EQ(manifest["schema"], "triton-bench/aot-manifest");
    EXPECT_EQ(manifest["triton_version"], "3.6.0");
    const nlohmann::json* kernel = nullptr;
    for (const auto& k : manifest["kernels"])
      if (k["name"] == entry.kernel) kernel = &k;
    ASSERT_NE(kernel, nullptr) << entry.kernel;
    std::size_t index = 0;
    for (const auto& variant : (*kernel)["variants"])
      for (const auto& spec : variant["specializations"]) {
        ASSERT_LT(index, entry.binaries.size());
        const auto& binary = entry.binaries[index++];
        EXPECT_EQ(binary.num_params, spec["kernel_params"].size()) << binary.name;
        ASSERT_EQ(binary.num_images, spec["images"].size()) << binary.name;
        for (std::size_t i = 0; i < binary.num_images; ++i) {
          const auto& image = spec["images"][i];
          const auto& embedded = binary.images[i];
          EXPECT_EQ(embedded.arch, image["arch"].get<int>());
          EXPECT_EQ(embedded.size, image["size"].get<std::size_t>());
          EXPECT_EQ(embedded.shared_bytes, image["shared"].get<std::uint32_t>());
          EXPECT_EQ(embedded.num_warps, image["num_warps"].get<std::uint32_t>());
          // the launch attributes: per image, and as the variant asked for them
          EXPECT_EQ(embedded.num_ctas, image["num_ctas"].get<std::uint32_t>()) << binary.name;
          EXPECT_EQ(embedded.launch_pdl, image["launch_pdl"].get<bool>()) << binary.name;
          EXPECT_EQ(embedded.launch_cooperative_grid, image["launch_cooperative_grid"].get<bool>()) << binary.name;
          EXPECT_EQ(embedded.num_ctas, variant["num_ctas"].get<std::uint32_t>()) << binary.name;
          EXPECT_EQ(embedded.launch_pdl, variant["launch_pdl"].get<bool>()) << binary.name;
          EXPECT_EQ(std::string(embedded.symbol), image["symbol"].get<std::string>());
          // the embedded bytes are the file's bytes
          std::ifstream file(aot_dir / entry.scenario / image["path"].get<std::string>(), std::ios::binary);
          const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
          ASSERT_EQ(bytes.size(), embedded.size);
          EXPECT_EQ(0, std::memcmp(bytes.data(), embedded.data, bytes.size())) << image["path"];
          if (embedded.format == tb::runtime::image_format::ptx) {
            EXPECT_EQ(embedded.data[embedded.size], 0);
          }
        }
      }
    EXPECT_EQ(index, entry.binaries.size());
  }
}

}  // namespace
