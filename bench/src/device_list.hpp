// Which GPUs a run measures (--device): "all", one ordinal, or a comma-separated list
// ("0,1"), checked against the GPUs present. The run then measures each in turn, in the
// order given, one complete results section per device (results_by_device.hpp).
#pragma once

#include <string_view>
#include <vector>

namespace tb::bench {

// The ordinals `spec` names, in its order; `count` is the number of GPUs present (at
// least 1). Throws std::invalid_argument with one line naming the item: not a number,
// an ordinal the machine lacks, one given twice, an empty item.
std::vector<int> parse_device_list(std::string_view spec, int count);

// Whether `spec` asks for a by-device run ("all" or a list): its results are written in
// sections, as results_by_device.hpp, even when it names one GPU. One ordinal: a plain run.
bool is_device_set(std::string_view spec) noexcept;

}  // namespace tb::bench
