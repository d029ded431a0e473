// The tracer's activity-buffer pool (profiler/src/cupti/buffer_pool.hpp).
#include "buffer_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace tb::profiler::cupti {
namespace {

TEST(BufferPool, ReservedBuffersAreHandedOutWithoutAllocating) {
  buffer_pool p;
  p.set_size(4096);
  p.reserve(2);
  EXPECT_EQ(p.free_count(), 2u);
  EXPECT_EQ(p.allocated(), 2u);
  const activity_buffer a = p.acquire();
  const activity_buffer b = p.acquire();
  ASSERT_NE(a.data, nullptr);
  EXPECT_EQ(a.bytes, 4096u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data) % 8, 0u);
  EXPECT_EQ(a.data[4095], 0);  // touched (zeroed) when reserved
  EXPECT_EQ(p.allocated(), 2u);
  const activity_buffer c = p.acquire();  // none free: a new one
  EXPECT_EQ(p.allocated(), 3u);
  p.release(a.data, a.bytes);
  p.release(b.data, b.bytes);
  p.release(c.data, c.bytes);
  EXPECT_EQ(p.free_count(), 3u);
  p.reserve(2);  // enough free already
  EXPECT_EQ(p.allocated(), 3u);
}

// The bug this pool fixed: a buffer kept from a tracer with smaller buffers was handed to
// CUPTI with the new, larger size.
TEST(BufferPool, ABufferIsNeverHandedOutAsBiggerThanItIs) {
  buffer_pool p;
  p.set_size(1024);
  p.reserve(1);
  const activity_buffer out_with_cupti = p.acquire();
  p.reserve(1);
  p.set_size(8192);  // the free 1 KiB buffer goes
  EXPECT_EQ(p.free_count(), 0u);
  p.release(out_with_cupti.data, out_with_cupti.bytes);  // comes back after the change: freed
  EXPECT_EQ(p.free_count(), 0u);
  const activity_buffer big = p.acquire();
  ASSERT_NE(big.data, nullptr);
  EXPECT_EQ(big.bytes, 8192u);
  big.data[8191] = 1;  // really that large (ASan would say otherwise)
  p.release(big.data, big.bytes);
  EXPECT_EQ(p.free_count(), 1u);
  EXPECT_EQ(p.size(), 8192u);
}

}  // namespace
}  // namespace tb::profiler::cupti
