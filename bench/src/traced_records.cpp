#include "traced_records.hpp"

namespace tb::bench {

std::string_view to_string(traced_records r) noexcept {
  switch (r) {
    case traced_records::all: return "all";
    case traced_records::gpu: return "gpu";
    case traced_records::split: return "split";
  }
  return "all";
}

std::optional<traced_records> parse_traced_records(std::string_view name) noexcept {
  for (const auto r : {traced_records::all, traced_records::gpu, traced_records::split})
    if (to_string(r) == name) return r;
  return std::nullopt;
}

bool from_gpu_records(std::string_view id) noexcept {
  return id.starts_with("kernel.") || id.starts_with("gap.") || id.starts_with("overlap.") || id.starts_with("iteration.") ||
         id.starts_with("gpu.");
}

}  // namespace tb::bench
