// The activity buffers the tracer hands to CUPTI. CUPTI asks for a buffer on the thread
// that is recording (a launch), so that request must never wait: the pool has its own
// lock, which nothing holds for longer than a vector push or pop (the conversion of a
// completed buffer happens under another lock), and buffers are allocated and their
// pages touched ahead of time (reserve), so that a request in steady state is a pop
// and CUPTI's first write to a page does not fault on the launch path.
//
// Every buffer has the pool's current size: set_size drops the free buffers of another
// size, and release frees, instead of keeping, a buffer of another size (one that was
// out with CUPTI when the size changed), so a buffer is never handed out as bigger than
// it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tb::profiler::cupti {

struct activity_buffer {
  std::uint8_t* data = nullptr;
  std::size_t bytes = 0;
};

class buffer_pool {
 public:
  buffer_pool() = default;
  ~buffer_pool();
  buffer_pool(const buffer_pool&) = delete;
  buffer_pool& operator=(const buffer_pool&) = delete;

  // The size of the buffers handed out from now on; frees the free ones of another size.
  void set_size(std::size_t bytes);
  std::size_t size() const;
  // Makes at least `count` free buffers of the current size, their pages touched.
  void reserve(std::size_t count);
  // A buffer of the current size (8-byte aligned, as CUPTI requires); {nullptr, 0} when
  // out of memory. A free one when there is one.
  activity_buffer acquire();
  // Gives `data` back; `bytes` is the size it was handed out with.
  void release(std::uint8_t* data, std::size_t bytes);
  std::size_t free_count() const;
  // Buffers allocated since construction (free or out with CUPTI).
  std::uint64_t allocated() const;

 private:
  void release_new(std::uint8_t* data, std::size_t bytes);  // counts it as allocated, then release
  mutable std::mutex m_mutex;
  std::size_t m_bytes = std::size_t{8} << 20;
  std::vector<std::uint8_t*> m_free;
  std::uint64_t m_allocated = 0;
};

}  // namespace tb::profiler::cupti
