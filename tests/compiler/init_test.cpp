// `triton-aot init`: the skeleton it writes loads with the project's own scenario
// parser and says what the Python file says; its commented run section loads once
// uncommented; errors write nothing and never replace a file.
#include <tb/compiler/init.hpp>
#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using tb::compiler::init_options;
using tb::compiler::init_scenario;
using tb::scenario::diagnostic_error;

const fs::path inputs = TB_TEST_INPUTS;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// A fresh folder per test with a copy of the many-kernels file in `demo-1/`.
class Init : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root = fs::temp_directory_path() / folder_name(info->name());
    fs::remove_all(root);
    fs::create_directories(root / "demo-1");
    fs::copy_file(inputs / "init_many" / "kernels.py", root / "demo-1" / "kernels.py");
  }
  void TearDown() override { fs::remove_all(root); }
  static std::string folder_name(const std::string& test) {
    return "tb-init-test-" + test + "-" + std::to_string(::getpid());
  }
  std::vector<std::string> entries(const fs::path& dir) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path root;
};

const tb::scenario::kernel& kernel_named(const tb::scenario::scenario& s, const std::string& name) {
  for (const auto& k : s.kernels)
    if (k.name == name) return k;
  throw std::runtime_error("no kernel " + name);
}

TEST(InitName, FolderNamesBecomeIdentifiers) {
  EXPECT_EQ(tb::compiler::scenario_name_for("vector_add"), "vector_add");
  EXPECT_EQ(tb::compiler::scenario_name_for("my-kernels.v2"), "my_kernels_v2");
  EXPECT_EQ(tb::compiler::scenario_name_for("2d"), "s_2d");
  EXPECT_EQ(tb::compiler::scenario_name_for(""), "s_");
}

TEST_F(Init, SkeletonLoadsAndSaysWhatTheFileSays) {
  const auto report = init_scenario({.source = root / "demo-1" / "kernels.py"});
  EXPECT_EQ(report.out, root / "demo-1" / "scenario.toml");
  EXPECT_EQ(report.scenario, "demo_1");
  EXPECT_EQ(report.kernels, (std::vector<std::string>{"add_kernel", "scale_kernel", "copy_kernel", "fill_kernel"}));
  EXPECT_EQ(report.helpers, std::vector<std::string>{"_scale"});

  const auto s = tb::scenario::load_scenario(report.out);
  EXPECT_EQ(s.name, "demo_1");
  ASSERT_EQ(s.kernels.size(), 4u);
  EXPECT_EQ(s.kernels[0].name, "add_kernel");  // file order
  EXPECT_EQ(s.kernels[3].name, "fill_kernel");
  EXPECT_TRUE(s.launches.empty());  // the run section is commented out

  const auto& add = kernel_named(s, "add_kernel");
  EXPECT_EQ(add.source, "kernels.py");
  ASSERT_EQ(add.params.size(), 4u);
  EXPECT_EQ(add.params[0].type, "*fp32");
  EXPECT_EQ(add.params[3].type, "i32");
  ASSERT_EQ(add.variants.size(), 1u);
  EXPECT_EQ(add.variants[0].num_warps, 4);
  EXPECT_EQ(add.variants[0].constexprs, (tb::scenario::constexpr_list{{"BLOCK_SIZE", std::int64_t{64}}}));

  const auto& scale = kernel_named(s, "scale_kernel");
  EXPECT_EQ(scale.params[3].type, "fp32");  // from the annotation tl.float32
  // Python defaults; DTYPE = tl.float32 is not a TOML value and is left to Triton.
  EXPECT_EQ(scale.variants[0].constexprs,
            (tb::scenario::constexpr_list{{"BLOCK", std::int64_t{256}}, {"HAS_BIAS", false}}));

  const auto& copy = kernel_named(s, "copy_kernel");
  EXPECT_EQ(copy.params[1].type, "*fp16");  // from the annotation "*fp16"
  ASSERT_EQ(copy.variants.size(), 2u);      // one per autotune config
  EXPECT_EQ(copy.variants[1].num_warps, 8);
  EXPECT_EQ(copy.variants[1].num_stages, 2);
  EXPECT_EQ(copy.variants[1].constexprs,
            (tb::scenario::constexpr_list{{"BLOCK_SIZE", std::int64_t{1024}}, {"EVEN_N", false}}));
  EXPECT_EQ(entries(root / "demo-1"), (std::vector<std::string>{"kernels.py", "scenario.toml"}));
}

// Uncommenting the run section's TOML lines ("# ", not the "## " prose) gives a
// scenario that loads with its launches, buffers and target.
TEST_F(Init, RunSectionLoadsOnceUncommented) {
  const auto report = init_scenario({.source = root / "demo-1" / "kernels.py"});
  std::istringstream in(read(report.out));
  std::string text, line;
  bool run_section = false;
  while (std::getline(in, line)) {
    if (line.starts_with("# ---- Running")) run_section = true;
    else if (run_section && line.starts_with("## ")) continue;
    else if (run_section && line == "#") line.clear();
    else if (run_section && line.starts_with("# ")) line.erase(0, 2);
    text += line + "\n";
  }
  write(report.out, text);
  const auto s = tb::scenario::load_scenario(report.out);
  ASSERT_EQ(s.launches.size(), 4u);
  EXPECT_EQ(s.run.target, "add_kernel");
  EXPECT_EQ(s.launches[0].grid[0], 1048576 / 64);  // cdiv(N, BLOCK_SIZE) with the placeholder
  const auto& dst = s.buffers[s.launches[2].args[1].buffer];  // copy_kernel's dst: *fp16
  EXPECT_EQ(dst.name, "dst_fp16");
  EXPECT_EQ(dst.dtype, "fp16");
}

TEST_F(Init, OutputElsewhereNamesTheSourceRelativeToIt) {
  fs::create_directories(root / "scenarios" / "mine");
  const auto report = init_scenario({.source = root / "demo-1" / "kernels.py", .out = root / "scenarios" / "mine"});
  EXPECT_EQ(report.out, root / "scenarios" / "mine" / "scenario.toml");
  const auto s = tb::scenario::load_scenario(report.out);
  EXPECT_EQ(s.name, "mine");
  EXPECT_EQ(s.kernels[0].source, "../../demo-1/kernels.py");
  EXPECT_EQ(s.kernels[0].source_path, root / "demo-1" / "kernels.py");
}

TEST_F(Init, NeverReplacesAFile) {
  write(root / "demo-1" / "scenario.toml", "keep\n");
  try {
    init_scenario({.source = root / "demo-1" / "kernels.py"});
    FAIL() << "expected an error";
  } catch (const diagnostic_error& e) {
    EXPECT_EQ(e.where().file, root / "demo-1" / "scenario.toml");
    EXPECT_NE(e.message().find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(root / "demo-1" / "scenario.toml"), "keep\n");
  EXPECT_EQ(entries(root / "demo-1"), (std::vector<std::string>{"kernels.py", "scenario.toml"}));
}

TEST_F(Init, ErrorsAreLocatedAndWriteNothing) {
  try {
    init_scenario({.source = inputs / "syntax_error" / "kernels.py", .out = root / "scenario.toml"});
    FAIL() << "expected an error";
  } catch (const diagnostic_error& e) {
    EXPECT_EQ(e.where().line, 7);
    EXPECT_EQ(e.where().column, 27);
    EXPECT_EQ(e.message(), "invalid Python: unmatched ')'");
  }
  EXPECT_THROW(init_scenario({.source = root / "missing.py", .out = root / "a.toml"}), diagnostic_error);
  EXPECT_THROW(init_scenario({.source = inputs / "init_none" / "kernels.py", .out = root / "b.toml"}), diagnostic_error);
  EXPECT_THROW(init_scenario({.source = root / "demo-1" / "kernels.py", .out = root / "c.toml", .name = "9lives"}),
               diagnostic_error);
  EXPECT_EQ(entries(root), std::vector<std::string>{"demo-1"});
}

}  // namespace
