#include "cold_phases.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <ctime>
#include <stdexcept>

namespace tb::bench {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 7> per_call_phases = {"main",    "setup",  "driver", "context",
                                                             "buffers", "launch", "complete"};
constexpr std::array<std::string_view, 8> loaded_phases = {"main",    "setup",  "driver", "context",
                                                           "buffers", "module", "launch", "complete"};
constexpr std::array<std::string_view, 9> graph_phases = {"main",   "setup", "driver", "context", "buffers",
                                                          "module", "graph", "launch", "complete"};
constexpr std::array<std::string_view, 10> jit_phases = {"python",  "torch",   "triton", "kernels", "context",
                                                         "buffers", "compile", "module", "launch",  "complete"};

std::string list(std::span<const std::string_view> names) {
  std::string out;
  for (const auto n : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", n);
  return out;
}

}  // namespace

std::span<const std::string_view> cold_phases(mode m) {
  switch (m) {
    case mode::jit: return jit_phases;
    case mode::ptx:
    case mode::cubin: return per_call_phases;
    case mode::graph: return graph_phases;
    case mode::ptx_cached:
    case mode::cubin_cached:
    case mode::library:
    case mode::driver: return loaded_phases;
  }
  return {};
}

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string cold_phase_clock::line() const {
  json phases = json::array();
  for (const auto& [phase, t] : m_marks) phases.push_back({{"phase", phase}, {"t_ns", t}});
  return json{{"schema", cold_child_schema}, {"version", cold_child_version}, {"phases", phases}}.dump();
}

bool is_cold_child_line(std::string_view line) noexcept {
  return line.find(cold_child_schema) != std::string_view::npos;
}

cold_child_sample parse_cold_child_line(std::string_view line, std::string_view who,
                                        std::span<const std::string_view> expected, std::int64_t t0_ns) {
  auto fail = [&](const std::string& what) -> std::runtime_error {
    return std::runtime_error(fmt::format("cold start {}: {}", who, what));
  };
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fail(fmt::format("the child's line is not a JSON object: {}", line));
  if (j.value("schema", "") != cold_child_schema)
    throw fail(fmt::format("the child's line is not {}: {}", cold_child_schema, line));
  if (!j.contains("version") || !j.at("version").is_number_integer() ||
      j.at("version").get<int>() != cold_child_version)
    throw fail(fmt::format("the child speaks {} version {}, this triton-bench version {} (another build?)",
                           cold_child_schema, j.contains("version") ? j.at("version").dump() : "(none)",
                           cold_child_version));
  if (!j.contains("phases") || !j.at("phases").is_array()) throw fail("the child's line has no 'phases' array");
  const json& phases = j.at("phases");
  cold_child_sample out;
  std::int64_t previous = t0_ns, after_context_start = -1;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const json& p = phases[i];
    if (!p.is_object() || !p.contains("phase") || !p.at("phase").is_string() || !p.contains("t_ns") ||
        !p.at("t_ns").is_number_integer())
      throw fail(fmt::format("phase {} of the child's line is not {{\"phase\": name, \"t_ns\": integer}}: {}", i + 1,
                             p.dump()));
    const std::string name = p.at("phase").get<std::string>();
    if (i >= expected.size())
      throw fail(fmt::format("phase '{}' after '{}', the last of {} (expected {})", name, expected.back(),
                             expected.size(), list(expected)));
    if (name != expected[i])
      throw fail(fmt::format("phase '{}' where '{}' was expected (expected {})", name, expected[i], list(expected)));
    const std::int64_t t = p.at("t_ns").get<std::int64_t>();
    if (t < previous && i == 0)
      throw fail(fmt::format("phase '{}' ends {} ns before the parent forked the child", name, previous - t));
    if (t < previous)
      throw fail(fmt::format("phase '{}' ends {} ns before '{}' ends", name, previous - t, expected[i - 1]));
    out.phase_ns.push_back(static_cast<double>(t - previous));
    if (name == cold_after_phase) after_context_start = t;
    previous = t;
  }
  if (phases.size() < expected.size())
    throw fail(fmt::format("phase '{}' missing from the child's line (expected {}; got {} phase{})",
                           expected[phases.size()], list(expected), phases.size(), phases.size() == 1 ? "" : "s"));
  out.total_ns = static_cast<double>(previous - t0_ns);
  out.after_context_ns = after_context_start < 0 ? 0.0 : static_cast<double>(previous - after_context_start);
  return out;
}

}  // namespace tb::bench
