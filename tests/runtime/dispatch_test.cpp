// The dispatch rule (tb/runtime/dispatch.hpp): which hint an argument meets, which
// candidate wins, how the parameter array is packed; with tables sized in their types
// (as the generated launchers hold them, checked at compile time too) and at run time
// (as triton-bench builds them): the same answers.
#include <tb/runtime/dispatch.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <span>
#include <tuple>
#include <cstdint>
#include <limits>
#include <vector>

namespace {

namespace rt = tb::runtime;
using rt::arg_kind;
using rt::hint;

// x_ptr, out_ptr, n_elements, scale: the dynamic_shapes kernel's shape.
constexpr arg_kind kinds[] = {arg_kind::pointer, arg_kind::pointer, arg_kind::integer, arg_kind::other};
constexpr std::array<rt::hint_test, 3> all16{{{0, hint::divisible_by_16}, {1, hint::divisible_by_16}, {2, hint::divisible_by_16}}};
constexpr std::array<rt::hint_test, 3> n1{{{0, hint::divisible_by_16}, {1, hint::divisible_by_16}, {2, hint::equal_to_1}}};
constexpr std::array<rt::hint_test, 2> ptrs16{{{0, hint::divisible_by_16}, {1, hint::divisible_by_16}}};
constexpr auto with_generic = std::make_tuple(all16, n1, ptrs16, rt::no_hints);
constexpr auto without_generic = std::make_tuple(all16, n1, ptrs16);
// the same, sized at run time
const std::vector<std::vector<rt::hint_test>> dynamic_with_generic = {{all16.begin(), all16.end()},
                                                                      {n1.begin(), n1.end()},
                                                                      {ptrs16.begin(), ptrs16.end()},
                                                                      {}};

constexpr std::size_t pick(std::int64_t x, std::int64_t out, std::int64_t n) {
  const std::int64_t values[] = {x, out, n, 0};
  return rt::choose(with_generic, values, kinds);
}

std::size_t pick_dynamic(std::int64_t x, std::int64_t out, std::int64_t n) {
  const std::vector<std::int64_t> values = {x, out, n, 0};
  const std::vector<arg_kind> dynamic_kinds(std::begin(kinds), std::end(kinds));
  return rt::choose(dynamic_with_generic, values, dynamic_kinds);
}

static_assert(pick(0x1000, 0x2000, 4096) == 0);
static_assert(pick(0x1000, 0x2000, 1) == 1);
static_assert(pick(0x1000, 0x2000, 1000) == 2);
static_assert(pick(0x1004, 0x2000, 4096) == 3);

TEST(Dispatch, SixteenIsAlignmentForPointersAndDivisibilityForIntegers) {
  EXPECT_TRUE(rt::meets(hint::divisible_by_16, 0x7f0000000000, arg_kind::pointer));
  EXPECT_FALSE(rt::meets(hint::divisible_by_16, 0x7f0000000004, arg_kind::pointer));
  EXPECT_TRUE(rt::meets(hint::divisible_by_16, 4096, arg_kind::integer));
  EXPECT_TRUE(rt::meets(hint::divisible_by_16, 0, arg_kind::integer));
  EXPECT_TRUE(rt::meets(hint::divisible_by_16, -32, arg_kind::integer));
  EXPECT_FALSE(rt::meets(hint::divisible_by_16, 1000, arg_kind::integer));
  // an unsigned 64-bit value past INT64_MAX, taken modulo 2^64
  EXPECT_TRUE(rt::meets(hint::divisible_by_16, static_cast<std::int64_t>(0xfffffffffffffff0ULL), arg_kind::integer));
  EXPECT_FALSE(rt::meets(hint::divisible_by_16, std::numeric_limits<std::int64_t>::max(), arg_kind::integer));
  // floating-point arguments never meet a hint, whatever their bits
  EXPECT_FALSE(rt::meets(hint::divisible_by_16, 0, arg_kind::other));
}

TEST(Dispatch, OneIsAnIntegerEqualToOne) {
  EXPECT_TRUE(rt::meets(hint::equal_to_1, 1, arg_kind::integer));
  EXPECT_FALSE(rt::meets(hint::equal_to_1, 0, arg_kind::integer));
  EXPECT_FALSE(rt::meets(hint::equal_to_1, 17, arg_kind::integer));
  EXPECT_FALSE(rt::meets(hint::equal_to_1, 1, arg_kind::pointer));
  EXPECT_FALSE(rt::meets(hint::equal_to_1, 1, arg_kind::other));
  EXPECT_FALSE(rt::meets(static_cast<hint>(7), 16, arg_kind::integer));  // not a hint: never met
}

TEST(Dispatch, FirstCandidateWhoseConditionsAreMetWins) {
  const std::int64_t aligned = 0x7f0000000000;
  for (const auto choose : {&pick, &pick_dynamic}) {
    EXPECT_EQ(choose(aligned, aligned + 64, 4096), 0u);
    EXPECT_EQ(choose(aligned, aligned + 64, 1), 1u);  // 1 is not divisible by 16: the :1 kernel
    EXPECT_EQ(choose(aligned, aligned + 64, 1000), 2u);
    EXPECT_EQ(choose(aligned, aligned + 64, -32), 0u);
    EXPECT_EQ(choose(aligned + 4, aligned, 4096), 3u);  // misaligned: the generic kernel
    EXPECT_EQ(choose(aligned, aligned + 8, 1), 3u);
  }
  // the order decides, not the number of hints: a generic kernel first takes everything
  const std::int64_t values[] = {aligned, aligned, 16, 0};
  EXPECT_EQ(rt::choose(std::make_tuple(rt::no_hints, all16), values, kinds), 0u);
  const std::vector<std::vector<rt::hint_test>> generic_first = {{}, {all16.begin(), all16.end()}};
  EXPECT_EQ(rt::choose(generic_first, values, kinds), 0u);
}

TEST(Dispatch, NoCandidateMetIsNpos) {
  const std::int64_t values[] = {0x7f0000000004, 0x7f0000000000, 4096, 0};
  EXPECT_EQ(rt::choose(without_generic, values, kinds), rt::npos);
  EXPECT_EQ(rt::choose(std::tuple<>{}, values, kinds), rt::npos);
  EXPECT_EQ(rt::choose(std::vector<std::vector<rt::hint_test>>{}, values, kinds), rt::npos);
  // a condition on an argument that is not there is not met
  constexpr std::array<rt::hint_test, 1> beyond{{{9, hint::divisible_by_16}}};
  EXPECT_EQ(rt::choose(std::make_tuple(beyond), values, kinds), rt::npos);
  const std::vector<std::vector<rt::hint_test>> dynamic_beyond = {{beyond.begin(), beyond.end()}};
  EXPECT_EQ(rt::choose(dynamic_beyond, values, kinds), rt::npos);
}

TEST(Dispatch, SpansOfHintTestsAreCandidatesToo) {
  const rt::hint_test n16[] = {{2, hint::divisible_by_16}};
  const rt::hint_test n_is_1[] = {{2, hint::equal_to_1}};
  const std::span<const rt::hint_test> candidates[] = {n_is_1, n16, {}};
  const std::int64_t values[] = {0, 0, 32, 0};
  EXPECT_EQ(rt::choose(candidates, values, kinds), 1u);
  EXPECT_TRUE(rt::meets_all(rt::no_hints, values, kinds));
  EXPECT_TRUE(rt::meets_all(std::span<const rt::hint_test>{}, values, kinds));
}

TEST(Dispatch, PackKeepsTheArgumentsInOrderAndClearsTheScratchSlots) {
  std::uint64_t a = 1, b = 2, c = 3, d = 4;
  void* const args[] = {&a, &b, &c, &d};
  void* params[4 + rt::scratch_param_count];
  std::fill(std::begin(params), std::end(params), &a);
  const std::vector<std::uint32_t> kept = {0, 1, 3};  // argument 2 folded into the code
  ASSERT_EQ(rt::pack(kept, args, params), 3u);
  EXPECT_EQ(params[0], &a);
  EXPECT_EQ(params[1], &b);
  EXPECT_EQ(params[2], &d);
  EXPECT_EQ(params[3], nullptr);
  EXPECT_EQ(params[4], nullptr);
  EXPECT_EQ(params[5], &a);  // past the scratch slots: untouched
}

TEST(Dispatch, PackInPlaceAsTheGeneratedLaunchersDo) {
  std::uint64_t v[5] = {};
  void* params[5 + rt::scratch_param_count] = {&v[0], &v[1], &v[2], &v[3], &v[4]};
  const std::uint32_t kept_array[] = {0, 1, 3, 4};
  const std::span<const std::uint32_t> kept = kept_array;  // as a folding launcher picks it
  ASSERT_EQ(rt::pack(kept, params, params), 4u);
  EXPECT_EQ(params[0], &v[0]);
  EXPECT_EQ(params[1], &v[1]);
  EXPECT_EQ(params[2], &v[3]);
  EXPECT_EQ(params[3], &v[4]);
  EXPECT_EQ(params[4], nullptr);
  EXPECT_EQ(params[5], nullptr);
  // keeping everything (a table sized in its type) leaves the pointers where they are
  void* all[3 + rt::scratch_param_count] = {&v[0], &v[1], &v[2], &v[0], &v[0]};
  constexpr std::array<std::uint32_t, 3> every{{0, 1, 2}};
  ASSERT_EQ(rt::pack(every, all, all), 3u);
  EXPECT_EQ(all[2], &v[2]);
  EXPECT_EQ(all[3], nullptr);
  EXPECT_EQ(all[4], nullptr);
}

TEST(Dispatch, PackThroughAnAccessor) {
  struct slot_with_more {
    std::uint64_t slot;
    double other;
  };
  slot_with_more args[3] = {{10, 0}, {11, 0}, {12, 0}};
  void* params[2 + rt::scratch_param_count];
  const std::uint32_t kept[] = {0, 2};
  ASSERT_EQ(rt::pack(kept, [&](std::uint32_t i) { return &args[i].slot; }, params), 2u);
  EXPECT_EQ(params[0], &args[0].slot);
  EXPECT_EQ(params[1], &args[2].slot);
  EXPECT_EQ(params[2], nullptr);
  EXPECT_EQ(params[3], nullptr);
  // nothing kept: only the scratch slots
  void* none[rt::scratch_param_count] = {&args[0], &args[0]};
  EXPECT_EQ(rt::pack(std::span<const std::uint32_t>{}, [&](std::uint32_t i) { return &args[i].slot; }, none), 0u);
  EXPECT_EQ(none[0], nullptr);
  EXPECT_EQ(none[1], nullptr);
}

}  // namespace
