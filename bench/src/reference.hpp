// The host reference: a C++ model of every shipped kernel, keyed by scenario and
// kernel name, replayed over the launch sequence on host buffers. Each mode's
// device results after one iteration from the initial values must match it.
#pragma once

#include "host_data.hpp"

#include <tb/scenario/scenario.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

// One launch as a host model sees it.
class host_launch {
 public:
  host_launch(const tb::scenario::scenario& s, const tb::scenario::launch_def& l, std::vector<host_buffer>& buffers);

  double scalar(std::string_view param) const;         // a float or integer argument
  std::int64_t integer(std::string_view param) const;  // an integer argument
  std::int64_t constexpr_int(std::string_view name) const;
  std::int64_t grid_x() const { return m_launch.grid[0]; }

  // A pointer argument: element i relative to its offset.
  double load(std::string_view param, std::int64_t i) const;
  void store(std::string_view param, std::int64_t i, double value);

 private:
  const tb::scenario::launch_arg& arg(std::string_view param) const;
  const tb::scenario::scenario& m_scenario;
  const tb::scenario::launch_def& m_launch;
  std::vector<host_buffer>& m_buffers;
};

using host_kernel = void (*)(host_launch&);

// The model of `kernel` in `scenario`; null when there is none.
host_kernel find_host_kernel(std::string_view scenario, std::string_view kernel) noexcept;

// Kernels launched by the scenario that have no host model (empty: it can be checked).
std::vector<std::string> kernels_without_reference(const tb::scenario::scenario& s);

// Runs one iteration of the launch sequence on `buffers` (initial_buffers(s) for the
// reference). Throws std::runtime_error when a kernel has no model.
void run_reference(const tb::scenario::scenario& s, std::vector<host_buffer>& buffers);

}  // namespace tb::bench
