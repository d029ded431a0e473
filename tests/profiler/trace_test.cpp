#include <tb/profiler/trace.hpp>

#include "trace_builder.hpp"

#include <gtest/gtest.h>

using namespace tb::profiler;

TEST(string_table, interns_equal_strings_to_equal_ids) {
  string_table s;
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.intern(""), empty_string);
  const auto a = s.intern("cuLaunchKernel");
  const auto b = s.intern("kernel_a");
  EXPECT_NE(a, b);
  EXPECT_EQ(s.intern(std::string("cuLaunch") + "Kernel"), a);
  EXPECT_EQ(s.view(b), "kernel_a");
  EXPECT_EQ(s.find("kernel_a"), b);
  EXPECT_FALSE(s.find("missing").has_value());
}

TEST(string_table, copies_and_moves_keep_a_working_index) {
  string_table s;
  for (int i = 0; i < 1000; ++i) s.intern("name " + std::to_string(i));
  string_table copy = s;
  string_table moved = std::move(s);
  EXPECT_EQ(copy.find("name 999"), moved.find("name 999"));
  EXPECT_EQ(copy.intern("name 5"), moved.intern("name 5"));
  EXPECT_EQ(copy.intern("new"), 1001u);
  EXPECT_EQ(s.size(), 1u);  // NOLINT(bugprone-use-after-move): moved-from is reset to valid empty
  EXPECT_EQ(s.intern("x"), 1u);
}

TEST(trace, event_is_dense) { EXPECT_LE(sizeof(event), 56u); }

TEST(trace, add_event_copies_args_and_sets_process) {
  test_support::trace_builder b;
  event e;
  e.kind = event_kind::memcpy;
  e.track = b.stream;
  e.name = b.t.intern("Memcpy HtoD");
  const event_arg args[] = {{b.t.intern("bytes"), b.t.intern("4096")}};
  const auto i = b.t.add_event(e, args);
  const auto& stored = b.t.events()[i];
  EXPECT_EQ(stored.process, b.gpu);
  ASSERT_EQ(b.t.args_of(stored).size(), 1u);
  EXPECT_EQ(b.t.str(b.t.args_of(stored)[0].value), "4096");
  event bad;
  bad.track = 99;
  EXPECT_THROW(b.t.add_event(bad), std::out_of_range);
}

TEST(trace, sort_by_start_is_stable_and_puts_parents_first) {
  test_support::trace_builder b;
  b.api("b", 20, 30);
  b.range("child", 10, 15);
  b.range("parent", 10, 40);
  b.api("a", 5, 6);
  EXPECT_FALSE(b.t.is_sorted_by_start());
  b.t.sort_by_start();
  ASSERT_TRUE(b.t.is_sorted_by_start());
  const auto ev = b.t.events();
  EXPECT_EQ(b.t.str(ev[0].name), "a");
  EXPECT_EQ(b.t.str(ev[1].name), "parent");
  EXPECT_EQ(b.t.str(ev[2].name), "child");
  EXPECT_EQ(b.t.str(ev[3].name), "b");
}

TEST(trace, equality_compares_content_not_ids) {
  test_support::trace_builder a, b;
  b.t.intern("unused string shifts the ids");
  a.kernel("k", 1, 2, 3);
  b.kernel("k", 1, 2, 3);
  EXPECT_TRUE(a.t == b.t);
  b.t.mutable_events()[0].end_ns = 5;
  EXPECT_FALSE(a.t == b.t);
}

TEST(event_kind, names_round_trip) {
  for (std::size_t i = 0; i < event_kind_count; ++i) {
    const auto k = static_cast<event_kind>(i);
    EXPECT_EQ(parse_event_kind(to_string(k)), k);
  }
  EXPECT_FALSE(parse_event_kind("bogus").has_value());
}
