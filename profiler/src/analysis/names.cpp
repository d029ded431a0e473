// The names the analysis recognises: launch calls, module loading, iterations, units.
#include <tb/profiler/analysis.hpp>

#include "analysis/context.hpp"

namespace tb::profiler {

namespace {

constexpr std::string_view launch_api_names[] = {
    "cuLaunchKernel",           "cuLaunchKernelEx",  "cuLaunchKernel_ptsz", "cuLaunchKernelEx_ptsz",
    "cuLaunchCooperativeKernel", "cuGraphLaunch",    "cudaLaunchKernel",    "cudaGraphLaunch"};

}  // namespace

std::string_view to_string(metric_unit unit) noexcept {
  switch (unit) {
    case metric_unit::nanoseconds: return "ns";
    case metric_unit::count: return "count";
    case metric_unit::percent: return "percent";
  }
  return "ns";
}

bool is_launch_api_name(std::string_view name) noexcept {
  for (auto n : launch_api_names) {
    if (n == name) return true;
  }
  return false;
}

bool is_module_api_name(std::string_view name) noexcept {
  return detail::starts_with(name, "cuModuleLoad") || detail::starts_with(name, "cuLibraryLoad") ||
         name == "cuModuleGetFunction" || name == "cuLibraryGetKernel" || name == "cuModuleUnload";
}

bool is_iteration_range_name(std::string_view name) noexcept {
  return detail::starts_with(name, "iter") || matches_range_name(name, "ProfilerStep#");
}

bool matches_range_name(std::string_view name, std::string_view pattern) noexcept {
  if (!pattern.empty() && pattern.back() == '#') return detail::starts_with(name, pattern);
  return name == pattern;
}

bool detail::is_dispatch_range_name(std::string_view name) noexcept { return starts_with(name, "dispatch"); }

}  // namespace tb::profiler
