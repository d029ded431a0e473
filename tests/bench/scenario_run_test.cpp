// The scenario's run sections ([scalars], [buffers], [[launch]], [run]): the shipped
// scenarios parse into what their files say, and every mistake is one located error.
#include "test_support.hpp"

#include <tb/scenario/expression.hpp>
#include <tb/scenario/scenario.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

namespace fs = std::filesystem;
namespace sc = tb::scenario;

const fs::path scenarios = TB_SCENARIOS_DIR;

TEST(ScenarioRun, EveryShippedScenarioHasALaunchSequence) {
  for (const char* name : {"vector_add", "sandwich", "softmax", "matmul", "many_kernels", "dynamic_shapes", "scalar_args",
                           "pdl_chain", "cluster"}) {
    const auto s = sc::load_scenario(scenarios / name);
    EXPECT_FALSE(s.launches.empty()) << name;
    EXPECT_FALSE(s.buffers.empty()) << name;
    EXPECT_FALSE(s.run.target.empty()) << name;
    for (const auto& l : s.launches) EXPECT_EQ(l.args.size(), s.kernels[l.kernel].params.size()) << name;
  }
}

TEST(ScenarioRun, SandwichIsProducerTargetConsumer) {
  const auto s = sc::load_scenario(scenarios / "sandwich");
  ASSERT_EQ(s.launches.size(), 3u);
  EXPECT_EQ(s.run.target, "target_kernel");
  EXPECT_EQ(s.kernels[s.launches[1].kernel].name, "target_kernel");
  EXPECT_EQ(s.launches[1].grid[0], 1024);  // cdiv(1048576, 1024)
  const auto* x = s.find_buffer("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->size, 1048576);
  EXPECT_EQ(x->init, sc::buffer_init::random);
  EXPECT_EQ(x->seed, 1u);
  const auto& alpha = s.launches[1].args[3];
  EXPECT_FALSE(alpha.is_buffer);
  EXPECT_DOUBLE_EQ(sc::to_double(alpha.value), 0.5);
}

TEST(ScenarioRun, DynamicShapesChangeBetweenLaunches) {
  const auto s = sc::load_scenario(scenarios / "dynamic_shapes");
  ASSERT_EQ(s.launches.size(), 4u);
  std::vector<std::int64_t> n;
  for (const auto& l : s.launches) n.push_back(std::get<std::int64_t>(l.args[2].value));
  EXPECT_EQ(n, (std::vector<std::int64_t>{4096, 1000, 1, 4095}));
  EXPECT_EQ(s.launches[3].args[0].offset, 1);  // "x + 1"
  EXPECT_EQ(s.launches[2].grid[0], 1);
}

TEST(ScenarioRun, MatmulGridUsesVariantConstexprs) {
  const auto s = sc::load_scenario(scenarios / "matmul");
  ASSERT_EQ(s.launches.size(), 1u);
  EXPECT_EQ(s.launches[0].grid[0], (1024 / 128) * (1024 / 64));  // variant m128n64k32
  EXPECT_DOUBLE_EQ(s.run.rtol, 0.01);
}

TEST(Expression, EvaluatesLikePython) {
  const auto eval = [](const char* text) {
    return sc::expression::parse(text, {"f", 1, 1}).evaluate([](std::string_view n) -> std::optional<sc::number> {
      if (n == "N") return sc::number{std::int64_t{1000}};
      if (n == "B") return sc::number{std::int64_t{256}};
      return std::nullopt;
    });
  };
  EXPECT_EQ(std::get<std::int64_t>(eval("cdiv(N, B)")), 4);
  EXPECT_EQ(std::get<std::int64_t>(eval("N // B + N % B * 2")), 3 + 232 * 2);
  EXPECT_EQ(std::get<std::int64_t>(eval("-7 // 2")), -4);
  EXPECT_DOUBLE_EQ(std::get<double>(eval("N / 8")), 125.0);
  EXPECT_EQ(std::get<std::int64_t>(eval("max(1, min(N, B), 3)")), 256);
  EXPECT_EQ(std::get<std::int64_t>(eval("(N - 1) * 2")), 1998);
  EXPECT_DOUBLE_EQ(std::get<double>(eval("1.5e1 + 1")), 16.0);
}

struct bad_case {
  const char* name;
  const char* suffix;   // appended to the kernel header
  int line;             // in the suffix, 1-based
  const char* message;  // expected in the error
};

class ScenarioRunErrors : public testing::TestWithParam<bad_case> {};

TEST_P(ScenarioRunErrors, NameTheFileTheLineAndTheItem) {
  const bad_case& c = GetParam();
  const int header_lines = static_cast<int>(std::count(tb::test::kernel_header, tb::test::kernel_header +
                                                       std::char_traits<char>::length(tb::test::kernel_header), '\n'));
  const fs::path file = tb::test::write_scenario(c.name, std::string(tb::test::kernel_header) + c.suffix);
  try {
    sc::load_scenario(file);
    FAIL() << c.name << ": no error";
  } catch (const sc::diagnostic_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(c.message), std::string::npos) << c.name << ": " << what;
    EXPECT_EQ(e.where().file, file) << what;
    EXPECT_EQ(e.where().line, header_lines + c.line) << c.name << ": " << what;
    EXPECT_NE(what.find(": error: "), std::string::npos) << what;
  }
}


INSTANTIATE_TEST_SUITE_P(
    EveryError, ScenarioRunErrors,
    testing::Values(
        bad_case{"unknown_section", "[buffer]\nx = 1\n", 1, "unknown key 'buffer' in the scenario file"},
        bad_case{"scalar_not_number", "[scalars]\nN = \"big\"\n", 2, "scalar 'N' must be an integer or a float"},
        bad_case{"buffer_not_table", "[buffers]\nx = 4\n", 2, "buffer 'x' must be a table"},
        bad_case{"buffer_unknown_key", "[buffers]\nx = { dtype = \"fp32\", size = 4, sead = 1 }\n", 2,
                 "unknown key 'sead' in buffer 'x'"},
        bad_case{"buffer_no_dtype", "[buffers]\nx = { size = 4 }\n", 2, "buffer 'x' has no 'dtype'"},
        bad_case{"buffer_bad_dtype", "[buffers]\nx = { dtype = \"*fp32\", size = 4 }\n", 2, "unknown dtype '*fp32'"},
        bad_case{"buffer_no_size", "[buffers]\nx = { dtype = \"fp32\" }\n", 2, "buffer 'x' has no 'size'"},
        bad_case{"buffer_size_zero", "[scalars]\nN = 0\n[buffers]\nx = { dtype = \"fp32\", size = \"N\" }\n", 4,
                 "size of buffer 'x' must be a positive integer, 'N' is 0"},
        bad_case{"buffer_size_unknown_name", "[buffers]\nx = { dtype = \"fp32\", size = \"M * 2\" }\n", 2,
                 "unknown name 'M' in expression 'M * 2'"},
        bad_case{"buffer_size_syntax", "[buffers]\nx = { dtype = \"fp32\", size = \"4 *\" }\n", 2,
                 "expression '4 *' ends where a value was expected"},
        bad_case{"buffer_bad_init", "[buffers]\nx = { dtype = \"fp32\", size = 4, init = \"zeros\" }\n", 2,
                 "'init' of buffer 'x' must be a number"},
        bad_case{"buffer_seed_without_random", "[buffers]\nx = { dtype = \"fp32\", size = 4, seed = 3 }\n", 2,
                 "has 'seed', 'low' or 'high' but its init is not \"random\""},
        bad_case{"buffer_negative_seed", "[buffers]\nx = { dtype = \"fp32\", size = 4, init = \"random\", seed = -3 }\n",
                 2, "'seed' of buffer 'x' must be a non-negative integer"},
        bad_case{"buffer_low_high", "[buffers]\nx = { dtype = \"fp32\", size = 4, init = \"random\", low = 1, high = 0 }\n",
                 2, "'low' must be below 'high'"},
        bad_case{"scalar_and_buffer", "[scalars]\nx = 1\n[buffers]\nx = { dtype = \"fp32\", size = 4 }\n", 4,
                 "'x' is both a scalar and a buffer"},
        bad_case{"launch_unknown_key", "[[launch]]\nkernal = \"add_kernel\"\n", 2, "unknown key 'kernal' in [[launch]]"},
        bad_case{"launch_unknown_kernel", "[[launch]]\nkernel = \"mul_kernel\"\n", 2,
                 "[[launch]] names kernel 'mul_kernel', which is not in [[kernels]]"},
        bad_case{"launch_unknown_variant", "[[launch]]\nkernel = \"add_kernel\"\nvariant = \"b512\"\n", 3,
                 "kernel 'add_kernel' has no variant 'b512' (it has 'b1024')"},
        bad_case{"launch_no_grid", "[[launch]]\nkernel = \"add_kernel\"\n", 1, "[[launch]] has no 'grid'"},
        bad_case{"launch_grid_4d", "[[launch]]\nkernel = \"add_kernel\"\ngrid = [1, 1, 1, 1]\n", 3,
                 "'grid' must have 1 to 3 dimensions"},
        bad_case{"launch_grid_zero", "[[launch]]\nkernel = \"add_kernel\"\ngrid = \"BLOCK_SIZE - 1024\"\n", 3,
                 "grid dimension 'BLOCK_SIZE - 1024' must be a positive integer, found 0"},
        bad_case{"launch_grid_function", "[[launch]]\nkernel = \"add_kernel\"\ngrid = \"ceil(4096, BLOCK_SIZE)\"\n", 3,
                 "unknown function 'ceil' (expected cdiv, min or max)"},
        bad_case{"launch_grid_div_zero", "[[launch]]\nkernel = \"add_kernel\"\ngrid = \"cdiv(4096, 0)\"\n", 3,
                 "division by zero"},
        bad_case{"launch_no_args", "[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n", 1, "has no 'args' table"},
        bad_case{"launch_unknown_arg",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x\", y_ptr = \"x\", out_ptr = \"x\", n_elements = 16, m = 1 }\n",
                 6, "'m' is not an argument of kernel 'add_kernel'"},
        bad_case{"launch_missing_arg",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x\", y_ptr = \"x\", out_ptr = \"x\" }\n",
                 6, "gives no value for argument 'n_elements'"},
        bad_case{"launch_pointer_number",
                 "[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\nargs = { x_ptr = 0, y_ptr = \"x\", out_ptr = \"x\", "
                 "n_elements = 16 }\n",
                 4, "pointer argument 'x_ptr' needs a buffer name"},
        bad_case{"launch_unknown_buffer",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x\", y_ptr = \"z\", out_ptr = \"x\", n_elements = 16 }\n",
                 6, "argument 'y_ptr' names buffer 'z', which is not in [buffers]"},
        bad_case{"launch_dtype_mismatch",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\nh = { dtype = \"fp16\", size = 4096 }\n[[launch]]\n"
                 "kernel = \"add_kernel\"\ngrid = 4\nargs = { x_ptr = \"x\", y_ptr = \"h\", out_ptr = \"x\", n_elements = 16 }\n",
                 7, "argument 'y_ptr' is *fp32 but buffer 'h' holds fp16"},
        bad_case{"launch_bad_offset",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x - 1\", y_ptr = \"x\", out_ptr = \"x\", n_elements = 16 }\n",
                 6, "must be \"buffer\" or \"buffer + elements\""},
        bad_case{"launch_offset_outside",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x + 4096\", y_ptr = \"x\", out_ptr = \"x\", n_elements = 16 }\n",
                 6, "offset 4096 of argument 'x_ptr' lies outside buffer 'x' (4096 elements)"},
        bad_case{"launch_int_gets_float",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x\", y_ptr = \"x\", out_ptr = \"x\", n_elements = 1.5 }\n",
                 6, "argument 'n_elements' is i32 but '1.5' is 1.5"},
        bad_case{"launch_int_too_big",
                 "[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\nkernel = \"add_kernel\"\ngrid = 4\n"
                 "args = { x_ptr = \"x\", y_ptr = \"x\", out_ptr = \"x\", n_elements = \"2 * 2147483647\" }\n",
                 6, "value 4294967294 of argument 'n_elements' does not fit i32"},
        bad_case{"run_unknown_key", "[run]\niteration = 3\n", 2, "unknown key 'iteration' in [run]"},
        bad_case{"run_bad_iterations", "[run]\niterations = 0\n", 2, "'iterations' in [run] must be an integer from 1"},
        bad_case{"run_bad_warmup", "[run]\nwarmup = -1\n", 2, "'warmup' in [run] must be an integer from 0"},
        bad_case{"run_bad_rtol", "[run]\nrtol = 0\n", 2, "'rtol' in [run] must be a positive number"},
        bad_case{"run_without_launch", "[run]\niterations = 3\n", 1, "[run] needs a launch sequence"},
        bad_case{"run_unknown_target",
                 "[run]\ntarget = \"mul_kernel\"\n[buffers]\nx = { dtype = \"fp32\", size = 4096 }\n[[launch]]\n"
                 "kernel = \"add_kernel\"\ngrid = 4\nargs = { x_ptr = \"x\", y_ptr = \"x\", out_ptr = \"x\", n_elements = 16 }\n",
                 2, "target 'mul_kernel' is not a kernel of this scenario"}),
    [](const testing::TestParamInfo<bad_case>& p) { return std::string(p.param.name); });

TEST(ScenarioRunErrors, ErrorPointsAtTheColumnInsideTheExpression) {
  const fs::path file = tb::test::write_scenario(
      "column", std::string(tb::test::kernel_header) + "[buffers]\nx = { dtype = \"fp32\", size = \"4 + M\" }\n");
  try {
    sc::load_scenario(file);
    FAIL();
  } catch (const sc::diagnostic_error& e) {
    // size = "4 + M": the quote is at column 30, M is the 5th character inside it
    EXPECT_EQ(e.where().column, 30 + 1 + 4) << e.what();
  }
}

}  // namespace
