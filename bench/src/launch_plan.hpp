// A scenario's launch sequence bound to a loaded AOT bundle and device addresses:
// per launch the argument values (as the kernel takes them), the compiled
// specialisations to choose from, and the two steps each launch repeats, as the
// generated launchers do: choose the specialisation whose conditions the arguments
// meet (the dispatcher) and pack the parameter array.
#pragma once

#include <tb/runtime/bundle.hpp>
#include <tb/runtime/runtime.hpp>
#include <tb/scenario/scenario.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tb::bench {

inline constexpr std::size_t max_kernel_params = 64;

struct planned_arg {
  std::uint64_t slot = 0;       // the value's bytes as the kernel takes them (first `size` bytes)
  std::int64_t hint_value = 0;  // what hints are checked on: the address, or the integer
  bool pointer = false;
  bool integer = false;
};

// One compiled specialisation and its conditions, resolved to argument indices once.
struct planned_candidate {
  const tb::runtime::specialization_desc* spec = nullptr;
  std::vector<std::pair<std::uint32_t, int>> hints;  // (argument index, 16 or 1)
};

struct planned_launch {
  const tb::runtime::kernel_desc* kernel = nullptr;
  const tb::runtime::variant_desc* variant = nullptr;
  tb::runtime::launch_grid grid;
  std::vector<planned_arg> args;  // one per kernel_desc::params entry
  std::vector<planned_candidate> candidates;  // the variant's specialisations, most specialised first
  std::size_t scenario_launch = 0;
};

// Binds every [[launch]] of `s` to `b`. `buffer_addresses[i]` is the device address
// of s.buffers[i]. Throws std::runtime_error naming the launch when the bundle lacks
// the kernel or variant or disagrees with the scenario about the parameters.
std::vector<planned_launch> plan_launches(const tb::scenario::scenario& s, const tb::runtime::bundle& b,
                                          const std::vector<std::uint64_t>& buffer_addresses);

// The dispatcher: the first specialisation (most specialised first) whose hints the
// argument values meet (:16 address or integer divisible by 16, :1 equal to 1).
// Null when none does.
const tb::runtime::specialization_desc* choose_specialization(const planned_launch& l) noexcept;

// Fills params[0..n) with pointers to the values the compiled kernel takes (arguments
// folded into the code are skipped) and leaves the scratch slots after them; returns n.
std::size_t pack_params(const planned_launch& l, const tb::runtime::specialization_desc& spec, void** params) noexcept;

}  // namespace tb::bench
