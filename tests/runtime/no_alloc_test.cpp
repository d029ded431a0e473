// The warm cached launch path allocates nothing: global operator new is replaced in
// this binary and counts every allocation.
#include "fake_driver.hpp"
#include "fake_kernels.hpp"

#include <tb/runtime/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace tb::test {
namespace {

using runtime::load_mode;

TEST(NoAlloc, CountingWorks) {
  const long long before = g_allocations.load();
  int* volatile p = new int(3);  // volatile: the pair may not be elided
  delete p;
  EXPECT_EQ(g_allocations.load() - before, 1);
}

TEST(NoAlloc, WarmCachedLaunchesAllocateNothing) {
  fake_driver fake;
  fake.record = false;  // the fake itself must not allocate either
  fake.scratch_index = 1;
  fake.install();
  test_kernel plain("plain", 1, {cubin90(), ptx80()});
  test_kernel with_scratch("scratch", 1, {cubin90(), ptx80()});
  for (auto& image : with_scratch.images) {
    image.global_scratch_size = 512;
    image.num_ctas = 2;  // the cuLaunchKernelEx path too
  }
  param_pack params(1);
  for (load_mode mode : {load_mode::cubin_cached, load_mode::ptx_cached, load_mode::library}) {
    SCOPED_TRACE(std::string(runtime::to_string(mode)));
    runtime::runtime rt(mode);
    ASSERT_TRUE(rt.launch(plain.binary, {8, 1, 1}, nullptr, params.data()).ok());
    ASSERT_TRUE(rt.launch(with_scratch.binary, {8, 1, 1}, nullptr, params.data()).ok());
    const long long before = g_allocations.load();
    for (int i = 0; i < 10000; ++i) {
      ASSERT_TRUE(rt.launch(plain.binary, {8, 1, 1}, nullptr, params.data()).ok());
      ASSERT_TRUE(rt.launch(with_scratch.binary, {1u + static_cast<std::uint32_t>(i % 8), 1, 1}, nullptr, params.data()).ok());
    }
    EXPECT_EQ(g_allocations.load() - before, 0);
  }
}

TEST(NoAlloc, FirstLaunchDoesAllocate) {
  // Guards the test above against a counter that never counts on this path.
  fake_driver fake;
  fake.record = false;
  fake.scratch_index = 1;
  fake.install();
  test_kernel plain("plain", 1, {cubin90()});
  param_pack params(1);
  runtime::runtime rt(load_mode::cubin_cached);
  const long long before = g_allocations.load();
  ASSERT_TRUE(rt.launch(plain.binary, {8, 1, 1}, nullptr, params.data()).ok());
  EXPECT_GT(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace tb::test
