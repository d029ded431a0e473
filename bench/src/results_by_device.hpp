// A run on several GPUs (--device all, --device 0,1): one complete results per device,
// each measured as a one-device run is (its own rounds, checks and method), in the order
// run. Its JSON (schema "triton-bench/results-by-device", docs/results-schema.md) holds
// each device's results object as --json writes it for one device; compare and gate read
// it as one run whose series are the modes of each device ("cubin-cached@gpu1"), so a
// device is compared only with the same device of the other run.
#pragma once

#include "results.hpp"
#include "run_summary.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

inline constexpr std::string_view results_by_device_schema = "triton-bench/results-by-device";
inline constexpr int results_by_device_version = 1;

nlohmann::json by_device_to_json(std::span<const results> runs);
bool is_by_device_json(const nlohmann::json& j) noexcept;
// Reads what by_device_to_json wrote; throws std::runtime_error naming the item
// ("devices[1]: ...", "devices: expected a non-empty array", "devices[1]: GPU 0 again").
std::vector<results> by_device_from_json(const nlohmann::json& j);

// "cubin-cached@gpu1": a mode's series in a by-device run.
std::string device_label(std::string_view mode_label, int ordinal);

// The by-device run as compare and gate see it: every device's modes under
// device_label(); the environment and method of the first device, the GPU name the
// devices' distinct names joined by " + ".
run_summary summarize_by_device(std::span<const results> runs, std::string source);

}  // namespace tb::bench
