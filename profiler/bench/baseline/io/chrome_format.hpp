// Names shared by the Chrome trace writer and reader (see docs/trace-format.md).
#pragma once

#include <tb/profiler/trace.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace tb::profiler::detail {

inline constexpr std::string_view format_name = "tb-chrome-trace";
inline constexpr int format_version = 1;
/// Timestamps must satisfy |t| < 2^62 ns so that every difference fits in int64.
inline constexpr std::int64_t max_abs_ns = std::int64_t{1} << 62;

/// The Chrome `cat` written for each kind (Kineto's names where Kineto has one).
constexpr std::string_view category_of(event_kind kind) noexcept {
  switch (kind) {
    case event_kind::driver_api: return "cuda_driver";
    case event_kind::runtime_api: return "cuda_runtime";
    case event_kind::kernel: return "kernel";
    case event_kind::memcpy: return "gpu_memcpy";
    case event_kind::memset: return "gpu_memset";
    case event_kind::synchronization: return "cuda_sync";
    case event_kind::nvtx_range: return "user_annotation";
    case event_kind::nvtx_marker: return "user_annotation";
    case event_kind::overhead: return "overhead";
    case event_kind::other: return "other";
  }
  return "other";
}

/// The kind for a `cat` read from a file (ours and Kineto's, old and new spellings).
inline std::optional<event_kind> kind_of_category(std::string_view cat) noexcept {
  if (cat == "kernel" || cat == "Kernel" || cat == "cuda_profiler_range") return event_kind::kernel;
  if (cat == "cuda_runtime" || cat == "Runtime") return event_kind::runtime_api;
  if (cat == "cuda_driver" || cat == "Driver") return event_kind::driver_api;
  if (cat == "gpu_memcpy" || cat == "Memcpy") return event_kind::memcpy;
  if (cat == "gpu_memset" || cat == "Memset") return event_kind::memset;
  if (cat == "cuda_sync" || cat == "synchronization") return event_kind::synchronization;
  if (cat == "user_annotation" || cat == "nvtx") return event_kind::nvtx_range;
  if (cat == "overhead") return event_kind::overhead;
  if (cat == "other") return event_kind::other;
  return std::nullopt;
}

}  // namespace tb::profiler::detail
