// The output check: bit for bit against the JIT, or within a tolerance, naming the
// element furthest off.
#include "output_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tb::bench {
namespace {

host_buffer buffer(std::string name, std::string dtype, std::vector<double> values) {
  host_buffer b{std::move(name), std::move(dtype), static_cast<std::int64_t>(values.size()), {}};
  b.bytes.assign(values.size() * tb::scenario::dtype_size(b.dtype), 0);
  for (std::size_t i = 0; i < values.size(); ++i) b.set(static_cast<std::int64_t>(i), values[i]);
  return b;
}

TEST(OutputCheck, IdenticalBuffersAreBitExact) {
  const std::vector<host_buffer> want = {buffer("x", "fp32", {1, 2, 3}), buffer("h", "fp16", {0.5, -1})};
  const auto r = compare_outputs(want, want, std::nullopt);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.elements, 5u);
  EXPECT_EQ(r.message, "2 buffers, 5 elements, bit-exact");
  EXPECT_FALSE(r.worst);
}

TEST(OutputCheck, ExactFailsOnTheSmallestDifferenceAndNamesTheWorstElement) {
  const std::vector<host_buffer> want = {buffer("a", "fp32", {1, 2, 3, 4}), buffer("b", "fp32", {10, 20})};
  auto got = want;
  got[0].set(1, std::nextafter(2.0f, 3.0f));  // one ulp: a tolerance would pass it
  got[1].set(1, 20.5);
  const auto r = compare_outputs(got, want, std::nullopt);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.mismatches, 2u);
  ASSERT_TRUE(r.worst);
  EXPECT_EQ(r.worst->buffer, "b");
  EXPECT_EQ(r.worst->index, 1);
  EXPECT_DOUBLE_EQ(r.worst->got, 20.5);
  EXPECT_DOUBLE_EQ(r.worst->expected, 20);
  EXPECT_DOUBLE_EQ(r.worst->abs_error, 0.5);
  EXPECT_NE(r.message.find("buffer 'b'[1]: got 20.5, expected 20"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("not bit-exact"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("2 of 6 elements differ"), std::string::npos) << r.message;
  EXPECT_TRUE(compare_outputs(got, want, tolerance{0, 0.6}).ok);
}

TEST(OutputCheck, ToleranceNamesTheWorstElementNotTheFirst) {
  const std::vector<host_buffer> want = {buffer("out", "fp32", {1, 1, 1, 1, 1})};
  auto got = want;
  got[0].set(0, 1.2);
  got[0].set(3, 1.9);
  const auto r = compare_outputs(got, want, tolerance{0.01, 0.0});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.mismatches, 2u);
  ASSERT_TRUE(r.worst);
  EXPECT_EQ(r.worst->index, 3);
  EXPECT_NEAR(r.max_abs_error, 0.9, 1e-6);
  EXPECT_NE(r.message.find("buffer 'out'[3]"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("rtol 0.01"), std::string::npos) << r.message;
}

TEST(OutputCheck, ToleranceAcceptsSmallErrorsAndReportsTheMaximum) {
  const std::vector<host_buffer> want = {buffer("out", "fp32", {100, 200})};
  auto got = want;
  got[0].set(1, 200.01);
  const auto r = compare_outputs(got, want, tolerance{1e-4, 0});
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_NEAR(r.max_abs_error, 0.01, 1e-4);
  EXPECT_NE(r.message.find("within rtol"), std::string::npos) << r.message;
}

TEST(OutputCheck, NaNIsEqualOnlyToNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<host_buffer> want = {buffer("out", "fp32", {nan, 1})};
  EXPECT_TRUE(compare_outputs(want, want, tolerance{0, 0}).ok);
  EXPECT_TRUE(compare_outputs(want, want, std::nullopt).ok);
  auto got = want;
  got[0].set(1, nan);
  const auto r = compare_outputs(got, want, tolerance{1, 1});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.worst->index, 1);
}

TEST(OutputCheck, SizeOrTypeDisagreementFailsNamingTheBuffer) {
  const std::vector<host_buffer> want = {buffer("out", "fp32", {1, 2})};
  const std::vector<host_buffer> got = {buffer("out", "fp32", {1})};
  const auto r = compare_outputs(got, want, std::nullopt);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("buffer 'out'"), std::string::npos) << r.message;
  EXPECT_FALSE(compare_outputs({}, want, std::nullopt).ok);
}

}  // namespace
}  // namespace tb::bench
