// A scenario's launch sequence bound to a loaded AOT bundle and device addresses:
// per launch the argument values (as the kernel takes them), the compiled
// specialisations to choose from, and the two steps each launch repeats, as the
// generated launchers do: choose the specialisation whose conditions the arguments
// meet (the dispatcher) and pack the parameter array, both by the rule of
// tb/runtime/dispatch.hpp.
#pragma once

#include <tb/runtime/bundle.hpp>
#include <tb/runtime/dispatch.hpp>
#include <tb/runtime/runtime.hpp>
#include <tb/scenario/scenario.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tb::bench {

inline constexpr std::size_t max_kernel_params = 64;

struct planned_arg {
  std::uint64_t slot = 0;  // the value's bytes as the kernel takes them (first `size` bytes)
};

struct planned_launch {
  const tb::runtime::kernel_desc* kernel = nullptr;
  const tb::runtime::variant_desc* variant = nullptr;
  tb::runtime::launch_grid grid;
  std::vector<planned_arg> args;  // one per kernel_desc::params entry
  // What the dispatcher reads (tb/runtime/dispatch.hpp), per argument: the value
  // hints are checked on (the address, or the integer; 0 otherwise) and its kind.
  std::vector<std::int64_t> hint_values;
  std::vector<tb::runtime::arg_kind> kinds;
  // Per specialisation of the variant (most specialised first): its conditions,
  // resolved to argument indices once.
  std::vector<std::vector<tb::runtime::hint_test>> candidates;
  std::size_t scenario_launch = 0;
};

// A scalar argument's bytes as the kernel takes them, packed as Triton's JIT launcher
// packs the same Python value (fp32 as float, fp16 rounded to nearest, bf16 truncated).
std::uint64_t encode_scalar(const std::string& type, const tb::scenario::number& value);

// Binds every [[launch]] of `s` to `b`. `buffer_addresses[i]` is the device address
// of s.buffers[i]. Throws std::runtime_error naming the launch when the bundle lacks
// the kernel or variant or disagrees with the scenario about the parameters.
std::vector<planned_launch> plan_launches(const tb::scenario::scenario& s, const tb::runtime::bundle& b,
                                          const std::vector<std::uint64_t>& buffer_addresses);

// The dispatcher: tb::runtime::choose over the variant's specialisations. Null when
// no specialisation accepts the arguments.
const tb::runtime::specialization_desc* choose_specialization(const planned_launch& l) noexcept;

// tb::runtime::pack: params[0..n) point at the values the compiled kernel takes
// (arguments folded into the code skipped), then the null scratch slots; returns n.
std::size_t pack_params(const planned_launch& l, const tb::runtime::specialization_desc& spec, void** params) noexcept;

}  // namespace tb::bench
