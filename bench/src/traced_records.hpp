// What the traced rounds record (docs/bench.md, "Method", lighter traced rounds). Every
// driver or runtime API record costs the launching thread time, and that time widens the
// gaps the trace shows; a batch that records the GPU's side only (kernels, copies, sets,
// NVTX ranges) shows gaps closer to the untraced ones but no launch-API metrics.
#pragma once

#include <optional>
#include <string_view>

namespace tb::bench {

enum class traced_records {
  all,    // one batch per mode and round, every kind recorded: gaps and launch-API metrics alike
  gpu,    // one batch, the GPU's side only: gaps, kernel and iteration times; no launch-API metrics
  split,  // two batches: the GPU's side for gaps and times, then every kind for the launch-API metrics
};

std::string_view to_string(traced_records r) noexcept;
std::optional<traced_records> parse_traced_records(std::string_view name) noexcept;
inline constexpr std::string_view traced_records_names = "all, gpu, split";

// The NVTX range around a mode's traced batch: "mode:<label>" for a batch that records
// every kind, "gaps:<label>" for one that records the GPU's side only.
inline constexpr std::string_view gpu_records_range_prefix = "gaps:";

// Metrics of the trace that need no API record (kernel.*, gap.*, overlap.*, iteration.*, gpu.*):
// with GPU-only batches, these come from them.
bool from_gpu_records(std::string_view metric_id) noexcept;

}  // namespace tb::bench
