// The target kernels: the exact name, else every name containing the pattern, else (no
// pattern) the kernel name with the most executions (ties: the first seen).
#include "analysis/context.hpp"

namespace tb::profiler::detail {

namespace {

bool is_kernel(std::span<const std::uint32_t> kernel_count, std::size_t id) { return kernel_count[id] > 0; }

void mark_by_pattern(const trace& t, const std::string& pattern, std::span<const std::uint32_t> kernel_count,
                     std::vector<std::uint8_t>& flags, analysis_result& r) {
  if (auto exact = t.strings().find(pattern); exact && is_kernel(kernel_count, *exact)) {
    flags[*exact] |= flag_target;
    r.target_exact = true;
    return;
  }
  for (std::size_t id = 0; id < kernel_count.size(); ++id) {
    const auto name = t.strings().view(static_cast<string_id>(id));
    if (is_kernel(kernel_count, id) && name.find(pattern) != std::string_view::npos) flags[id] |= flag_target;
  }
}

void mark_most_frequent(std::span<const std::uint32_t> kernel_count, std::vector<std::uint8_t>& flags) {
  std::size_t best = 0;
  for (std::size_t id = 0; id < kernel_count.size(); ++id) {
    if (kernel_count[id] > kernel_count[best]) best = id;
  }
  if (!kernel_count.empty() && kernel_count[best] > 0) flags[best] |= flag_target;
}

[[noreturn]] void no_match(const trace& t, const std::string& pattern, std::span<const std::uint32_t> kernel_count) {
  std::string known;
  std::size_t listed = 0;
  for (std::size_t id = 0; id < kernel_count.size() && listed < 5; ++id) {
    if (!is_kernel(kernel_count, id)) continue;
    known += listed++ ? ", " : "";
    known += t.strings().view(static_cast<string_id>(id));
  }
  throw analysis_error("no kernel name equals or contains \"" + pattern + "\"" +
                       (known.empty() ? std::string(" (the trace has no kernels)") : " (kernels: " + known + ")"));
}

}  // namespace

void resolve_target(const trace& t, const std::string& pattern, std::span<const std::uint32_t> kernel_count,
                    std::vector<std::uint8_t>& flags, analysis_result& r) {
  if (!pattern.empty()) {
    mark_by_pattern(t, pattern, kernel_count, flags, r);
  } else {
    mark_most_frequent(kernel_count, flags);
  }
  for (std::size_t id = 0; id < kernel_count.size(); ++id) {
    if (!(flags[id] & flag_target)) continue;
    r.target_names.emplace_back(t.strings().view(static_cast<string_id>(id)));
    r.target_kernels += kernel_count[id];
  }
  if (!pattern.empty() && r.target_names.empty()) no_match(t, pattern, kernel_count);
}

}  // namespace tb::profiler::detail
