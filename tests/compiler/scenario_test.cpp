// The scenario model: every shipped scenario parses into what its file says, and
// malformed files fail with one located message.
#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using tb::scenario::diagnostic_error;
using tb::scenario::load_scenario;

const fs::path scenarios = TB_SCENARIOS_DIR;
const fs::path inputs = TB_TEST_INPUTS;

TEST(Scenario, EveryShippedScenarioParses) {
  for (const char* name : {"vector_add", "sandwich", "softmax", "matmul", "many_kernels", "dynamic_shapes", "scalar_args",
                           "pdl_chain", "cluster"}) {
    const auto s = load_scenario(scenarios / name / "scenario.toml");
    EXPECT_EQ(s.name, name);
    EXPECT_FALSE(s.kernels.empty()) << name;
    for (const auto& k : s.kernels) {
      EXPECT_TRUE(fs::is_regular_file(k.source_path)) << k.source_path;
      EXPECT_FALSE(k.variants.empty()) << k.name;
      EXPECT_FALSE(k.specializations.empty()) << k.name;
    }
  }
}

TEST(Scenario, VectorAddHasTheDefaultSpecialisations) {
  const auto s = load_scenario(scenarios / "vector_add");  // a folder works too
  ASSERT_EQ(s.kernels.size(), 1u);
  const auto& k = s.kernels[0];
  EXPECT_EQ(k.name, "add_kernel");
  ASSERT_EQ(k.params.size(), 4u);
  EXPECT_EQ(k.params[3].name, "n_elements");
  EXPECT_EQ(k.params[3].type, "i32");
  EXPECT_EQ(k.params[3].hints, std::vector<int>{16});
  ASSERT_EQ(k.specializations.size(), 2u);  // every hint, then generic
  EXPECT_EQ(k.specializations[0].name, "x_ptr16.y_ptr16.out_ptr16.n_elements16");
  EXPECT_EQ(k.specializations[1].name, "generic");
  ASSERT_EQ(k.variants.size(), 1u);
  EXPECT_EQ(k.variants[0].name, "b1024");
  EXPECT_EQ(k.variants[0].num_warps, 4);
  EXPECT_EQ(k.variants[0].num_stages, 3);
  ASSERT_EQ(k.variants[0].constexprs.size(), 1u);
  EXPECT_EQ(k.variants[0].constexprs[0].first, "BLOCK_SIZE");
  EXPECT_EQ(std::get<std::int64_t>(k.variants[0].constexprs[0].second), 1024);
}

TEST(Scenario, SpecialisationsAreOrderedMostSpecialisedFirst) {
  const auto s = load_scenario(scenarios / "dynamic_shapes" / "scenario.toml");
  const auto& specs = s.kernels.at(0).specializations;
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].name, "x_ptr16.out_ptr16.n_elements16");
  EXPECT_EQ(specs[1].name, "x_ptr16.out_ptr16.n_elements1");
  EXPECT_EQ(specs[2].name, "x_ptr16.out_ptr16");
  EXPECT_EQ(specs[3].name, "generic");
}

TEST(Scenario, VariantConstexprsOverrideKernelDefaultsAndNamesAreDerived) {
  const auto s = load_scenario(scenarios / "matmul");
  const auto& k = s.kernels.at(0);
  ASSERT_EQ(k.variants.size(), 3u);
  const auto& big = k.variants[1];
  EXPECT_EQ(big.name, "m128n128k128");
  EXPECT_EQ(big.num_warps, 8);
  // GROUP_M from the kernel, BLOCK_* from the variant, sorted by name
  std::vector<std::string> names;
  for (const auto& [name, value] : big.constexprs) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"BLOCK_K", "BLOCK_M", "BLOCK_N", "GROUP_M"}));
  const auto sandwich = load_scenario(scenarios / "sandwich");
  EXPECT_EQ(sandwich.kernels.at(0).variants.at(0).name, "w4_s3");  // no name given, no own constexprs
}

// Launch attributes (issue 16): read from the variant, default off, and only a variant
// that sets one gets it (the PDL scenario's `plain` twin stays plain).
TEST(Scenario, LaunchAttributesAreReadPerVariant) {
  const auto pdl = load_scenario(scenarios / "pdl_chain");
  ASSERT_EQ(pdl.kernels.size(), 3u);
  for (const auto& k : pdl.kernels) {
    ASSERT_EQ(k.variants.size(), 2u) << k.name;
    EXPECT_EQ(k.variants[0].name, "plain");
    EXPECT_FALSE(k.variants[0].launch_pdl);
    EXPECT_EQ(k.variants[1].name, "pdl");
    EXPECT_TRUE(k.variants[1].launch_pdl);
    EXPECT_EQ(k.variants[1].num_ctas, 1);
    EXPECT_FALSE(k.variants[1].launch_cooperative_grid);
  }
  const auto cluster = load_scenario(scenarios / "cluster");
  EXPECT_EQ(cluster.kernels.at(0).variants.at(0).num_ctas, 1);
  EXPECT_EQ(cluster.kernels.at(1).variants.at(0).num_ctas, 2);
  EXPECT_EQ(cluster.kernels.at(1).variants.at(0).name, "w4_s3_c2");  // derived names say so
  EXPECT_FALSE(cluster.kernels.at(1).variants.at(0).launch_pdl);
}

// --pdl's rule: every launch moves to its kernel's launch_pdl twin, and a launch with no
// twin is refused at the launch.
TEST(Scenario, WithLaunchPdlMovesEveryLaunchToItsTwin) {
  const auto s = load_scenario(scenarios / "pdl_chain");
  const auto on = tb::scenario::with_launch_pdl(s, true);
  ASSERT_EQ(on.launches.size(), 3u);
  for (const auto& l : on.launches) {
    EXPECT_EQ(on.kernels[l.kernel].variants[l.variant].name, "pdl");
  }
  const auto off = tb::scenario::with_launch_pdl(on, false);
  for (const auto& l : off.launches) {
    EXPECT_EQ(off.kernels[l.kernel].variants[l.variant].name, "plain");
  }
  EXPECT_EQ(off.launches[1].args.size(), s.launches[1].args.size());  // only the variant changes

  const auto sandwich = load_scenario(scenarios / "sandwich");
  EXPECT_EQ(tb::scenario::with_launch_pdl(sandwich, false).launches[0].variant, 0u);  // already off
  try {
    tb::scenario::with_launch_pdl(sandwich, true);
    ADD_FAILURE() << "sandwich has no launch_pdl variants";
  } catch (const diagnostic_error& e) {
    EXPECT_EQ(e.message(), "[[launch]] of kernel 'producer_kernel' uses variant 'w4_s3', which has no twin with "
                           "launch_pdl = true (the same num_warps, num_stages, num_ctas, launch_cooperative_grid and "
                           "constexprs): expected one for PDL on");
    EXPECT_GT(e.where().line, 0);
  }
}

class ScenarioErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("tb_scenario_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    fs::copy_file(inputs / "good" / "kernels.py", m_dir / "kernels.py");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // Returns the message of the error the text causes ("" if none).
  std::string error_of(const std::string& toml) {
    std::ofstream(m_dir / "scenario.toml") << toml;
    try {
      load_scenario(m_dir / "scenario.toml");
    } catch (const diagnostic_error& e) {
      m_line = e.where().line;
      m_column = e.where().column;
      return e.message();
    }
    return "";
  }
  fs::path m_dir;
  int m_line = 0, m_column = 0;
};

constexpr const char* good_kernel =
    "[scenario]\nname = \"t\"\n[[kernels]]\nname = \"add_kernel\"\nsource = \"kernels.py\"\n";

TEST_F(ScenarioErrors, MissingScenarioTable) {
  EXPECT_EQ(error_of("[[kernels]]\nname = \"x\"\n"), "missing [scenario] table with the scenario's name");
}

TEST_F(ScenarioErrors, NoKernels) { EXPECT_EQ(error_of("[scenario]\nname = \"t\"\n"), "the scenario has no [[kernels]]"); }

TEST_F(ScenarioErrors, MissingSourceFile) {
  const auto message = error_of("[scenario]\nname = \"t\"\n[[kernels]]\nname = \"k\"\nsource = \"nope.py\"\n"
                                "signature = [\"x: i32\"]\n[[kernels.variants]]\n");
  EXPECT_NE(message.find("kernel source 'nope.py' of kernel 'k' not found"), std::string::npos) << message;
  EXPECT_EQ(m_line, 5);
}

TEST_F(ScenarioErrors, BadSignatureEntries) {
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [\"x_ptr *fp32\"]\n[[kernels.variants]]\n"),
            "signature entry 'x_ptr *fp32' of kernel 'add_kernel' is not 'name: type[:hint]'");
  EXPECT_EQ(m_line, 6);
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [\"x: *fp32:8\"]\n[[kernels.variants]]\n"),
            "unknown hint ':8' for argument 'x' (expected :16 or :1)");
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [\"x: fp32:1\"]\n[[kernels.variants]]\n"),
            "hint ':1' needs an integer argument, 'x' is fp32");
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [\"x: i32\", \"x: i32\"]\n[[kernels.variants]]\n"),
            "argument 'x' appears twice in the signature of 'add_kernel'");
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [1]\n[[kernels.variants]]\n"),
            "signature entries of kernel 'add_kernel' must be strings such as \"x_ptr: *fp32:16\"");
}

TEST_F(ScenarioErrors, SpecialisationMustUseDeclaredHints) {
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [\"n: i32:16\"]\nspecializations = [\"n:1\"]\n[[kernels.variants]]\n"),
            "specialization 'n:1' uses a hint the signature does not declare for 'n' (declare it there, e.g. \"n: i32:1\")");
  EXPECT_EQ(error_of(std::string(good_kernel) + "signature = [\"n: i32:16\"]\nspecializations = [\"m:16\"]\n[[kernels.variants]]\n"),
            "specialization names 'm', which is not in the signature of 'add_kernel'");
}

TEST_F(ScenarioErrors, VariantProblems) {
  const std::string head = std::string(good_kernel) + "signature = [\"n: i32\"]\n";
  EXPECT_EQ(error_of(head), "kernel 'add_kernel' has no [[kernels.variants]] (give at least one, e.g. num_warps = 4)");
  EXPECT_EQ(error_of(head + "[[kernels.variants]]\nnum_warps = 3\n"), "num_warps must be a power of two, found 3");
  EXPECT_EQ(error_of(head + "[[kernels.variants]]\nnum_warps = \"4\"\n"),
            "'num_warps' in [[kernels.variants]] must be an integer from 1 to 32");
  EXPECT_EQ(error_of(head + "[[kernels.variants]]\nconstexprs = { n = 4 }\n"),
            "'n' is a runtime argument in the signature of 'add_kernel' and cannot also be a constexpr");
  EXPECT_EQ(error_of(head + "[[kernels.variants]]\nnum_warps = 4\n[[kernels.variants]]\nnum_warps = 4\n"),
            "kernel 'add_kernel' has two variants named 'w4_s3' (name them apart with name = \"...\")");
}

TEST_F(ScenarioErrors, LaunchAttributeProblems) {
  const std::string head = std::string(good_kernel) + "signature = [\"n: i32\"]\n[[kernels.variants]]\n";
  EXPECT_EQ(error_of(head + "num_ctas = 3\n"), "num_ctas must be a power of two from 1 to 16, found 3");
  EXPECT_EQ(m_line, 8);
  EXPECT_EQ(error_of(head + "num_ctas = 32\n"), "'num_ctas' in [[kernels.variants]] must be an integer from 1 to 16");
  EXPECT_EQ(error_of(head + "launch_pdl = 1\n"), "'launch_pdl' in [[kernels.variants]] must be true or false");
  EXPECT_EQ(error_of(head + "launch_cooperative_grid = \"yes\"\n"),
            "'launch_cooperative_grid' in [[kernels.variants]] must be true or false");
  EXPECT_EQ(error_of(head + "launch_pdl = true\nnum_ctas = 2\nlaunch_cooperative_grid = true\n"), "");
}

}  // namespace

// Found by tb.test.fuzz.scenario: toml++ quotes the character it saw, a newline here, and
// the diagnostic spanned two lines. Every diagnostic is one line.
TEST(Scenario, ADiagnosticQuotingANewlineStaysOneLine) {
  const fs::path dir = fs::temp_directory_path() / ("tb-one-line-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "scenario.toml") << "[scenario]\nname = \"x\"\nflag = t\nother = 1\n";
  try {
    tb::scenario::load_scenario(dir);
    FAIL() << "no error";
  } catch (const tb::scenario::diagnostic_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find("invalid TOML"), std::string::npos) << what;
  }
  fs::remove_all(dir);
}

// Found by tb.test.fuzz.scenario: toml++ 3.3 reaches undefined behaviour on some non-ASCII
// characters where it tests for whitespace. TOML allows them only in strings and comments:
// anywhere else they are refused first, located; in strings and comments they stay.
TEST(Scenario, ACharacterTheTomlLibraryMishandlesIsRefusedWithItsPlace) {
  const fs::path dir = fs::temp_directory_path() / ("tb-toml-bug-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "scenario.toml") << "[scenario]\nname = \"x\"\n  \xe3\x80\x88 = 1\n";  // U+3008
  try {
    tb::scenario::load_scenario(dir);
    FAIL() << "no error";
  } catch (const tb::scenario::diagnostic_error& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().column, 3);
    EXPECT_NE(std::string(e.what()).find("non-ASCII character outside a string or comment"), std::string::npos)
        << e.what();
  }
  std::ofstream(dir / "scenario.toml", std::ios::trunc)
      << "# caf\xc3\xa9 \xe3\x80\x88\n[scenario]\nname = \"x\"\ndescription = \"\xc3\xb5 \\\" \xe3\x80\x88\"  # \xc3\xa9\n"
      << "notes = '''\n\xc3\xa9\n'''\n";
  try {
    tb::scenario::load_scenario(dir);
  } catch (const tb::scenario::diagnostic_error& e) {
    EXPECT_EQ(std::string(e.what()).find("non-ASCII"), std::string::npos) << e.what();  // other errors are fine
  }
  fs::remove_all(dir);
}
