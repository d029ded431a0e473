// Map from non-zero 64-bit keys (correlation ids) to 32-bit values. CUPTI hands out
// correlation ids densely and in launch order, so when the keys span a small range a
// direct table is used (sequential access); otherwise open addressing.
#pragma once

#include <tb/profiler/trace.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tb::profiler::detail {

class correlation_map {
 public:
  correlation_map() = default;
  correlation_map(std::size_t expected, std::uint64_t min_key, std::uint64_t max_key) {
    if (expected > 0 && max_key >= min_key && max_key - min_key < 4 * static_cast<std::uint64_t>(expected) + 1024) {
      m_dense = true;
      m_base = min_key;
      m_values.assign(static_cast<std::size_t>(max_key - min_key + 1), no_index);
      return;
    }
    std::size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    m_keys.assign(capacity, 0);
    m_values.assign(capacity, no_index);
    m_mask = capacity - 1;
  }
  // Returns the slot's value reference, inserting `fresh` when the key is new.
  std::uint32_t& get_or_insert(std::uint64_t key, std::uint32_t fresh, bool& inserted) {
    if (m_dense) {
      auto& v = m_values[static_cast<std::size_t>(key - m_base)];
      inserted = v == no_index;
      if (inserted) v = fresh;
      return v;
    }
    std::size_t i = slot(key);
    while (m_keys[i] != 0 && m_keys[i] != key) i = (i + 1) & m_mask;
    inserted = m_keys[i] == 0;
    if (inserted) {
      m_keys[i] = key;
      m_values[i] = fresh;
    }
    return m_values[i];
  }
  std::uint32_t find(std::uint64_t key) const noexcept {
    if (m_dense) {
      return key >= m_base && key - m_base < m_values.size() ? m_values[static_cast<std::size_t>(key - m_base)] : no_index;
    }
    if (m_keys.empty()) return no_index;
    std::size_t i = slot(key);
    while (m_keys[i] != 0) {
      if (m_keys[i] == key) return m_values[i];
      i = (i + 1) & m_mask;
    }
    return no_index;
  }

 private:
  std::size_t slot(std::uint64_t key) const noexcept {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & m_mask;
  }
  bool m_dense = false;
  std::uint64_t m_base = 0;
  std::vector<std::uint64_t> m_keys;
  std::vector<std::uint32_t> m_values;
  std::size_t m_mask = 0;
};

}  // namespace tb::profiler::detail
