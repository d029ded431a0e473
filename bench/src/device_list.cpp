#include "device_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

namespace tb::bench {

namespace {

std::string present(int count) {
  return count == 1 ? "1 GPU (ordinal 0)" : fmt::format("{} GPUs (ordinals 0 to {})", count, count - 1);
}

int parse_ordinal(std::string_view spec, std::string_view item, int count) {
  int value = -1;
  const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
  if (item.empty() || error != std::errc() || end != item.data() + item.size() || value < 0)
    throw std::invalid_argument(fmt::format("--device {}: '{}' is not a device ordinal (expected all, an ordinal such "
                                            "as 0, or a list such as 0,1)", spec, item));
  if (value >= count)
    throw std::invalid_argument(fmt::format("--device {}: no GPU {}: this machine has {}", spec, value, present(count)));
  return value;
}

}  // namespace

std::vector<int> parse_device_list(std::string_view spec, int count) {
  std::vector<int> devices;
  if (spec == "all") {
    for (int d = 0; d < count; ++d) devices.push_back(d);
    return devices;
  }
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = spec.find(',', from);
    const std::string_view item = spec.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    const int d = parse_ordinal(spec, item, count);
    if (std::find(devices.begin(), devices.end(), d) != devices.end())
      throw std::invalid_argument(fmt::format("--device {}: GPU {} is given twice", spec, d));
    devices.push_back(d);
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return devices;
}

bool is_device_set(std::string_view spec) noexcept { return spec == "all" || spec.find(',') != std::string_view::npos; }

}  // namespace tb::bench
