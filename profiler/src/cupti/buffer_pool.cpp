#include "buffer_pool.hpp"

#include <cstdlib>
#include <cstring>

namespace tb::profiler::cupti {

namespace {

std::uint8_t* allocate(std::size_t bytes) {
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (bytes + 7) / 8 * 8;
  return static_cast<std::uint8_t*>(std::aligned_alloc(8, rounded == 0 ? 8 : rounded));
}

}  // namespace

buffer_pool::~buffer_pool() {
  for (std::uint8_t* b : m_free) std::free(b);
}

void buffer_pool::set_size(std::size_t bytes) {
  std::lock_guard lock(m_mutex);
  if (bytes == m_bytes) return;
  for (std::uint8_t* b : m_free) std::free(b);
  m_free.clear();
  m_bytes = bytes;
}

std::size_t buffer_pool::size() const {
  std::lock_guard lock(m_mutex);
  return m_bytes;
}

void buffer_pool::reserve(std::size_t count) {
  std::size_t bytes = 0;
  std::size_t have = 0;
  {
    std::lock_guard lock(m_mutex);
    bytes = m_bytes;
    have = m_free.size();
  }
  // Allocated and touched outside the lock: CUPTI may ask for a buffer meanwhile.
  for (; have < count; ++have) {
    std::uint8_t* b = allocate(bytes);
    if (b == nullptr) return;
    std::memset(b, 0, bytes);
    release_new(b, bytes);
  }
}

void buffer_pool::release_new(std::uint8_t* data, std::size_t bytes) {
  {
    std::lock_guard lock(m_mutex);
    ++m_allocated;
  }
  release(data, bytes);
}

activity_buffer buffer_pool::acquire() {
  std::size_t bytes = 0;
  {
    std::lock_guard lock(m_mutex);
    bytes = m_bytes;
    if (!m_free.empty()) {
      std::uint8_t* b = m_free.back();
      m_free.pop_back();
      return {b, bytes};
    }
    ++m_allocated;
  }
  std::uint8_t* b = allocate(bytes);
  return {b, b == nullptr ? 0 : bytes};
}

void buffer_pool::release(std::uint8_t* data, std::size_t bytes) {
  if (data == nullptr) return;
  {
    std::lock_guard lock(m_mutex);
    if (bytes == m_bytes) {
      m_free.push_back(data);
      return;
    }
  }
  std::free(data);
}

std::size_t buffer_pool::free_count() const {
  std::lock_guard lock(m_mutex);
  return m_free.size();
}

std::uint64_t buffer_pool::allocated() const {
  std::lock_guard lock(m_mutex);
  return m_allocated;
}

}  // namespace tb::profiler::cupti
