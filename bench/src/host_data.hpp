// Host-side buffers of a scenario: initial values (the same bytes on every mode and
// in the JIT runner, which reads them from files) and element conversion. Outputs are
// compared in output_check.hpp.
#pragma once

#include <tb/scenario/scenario.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tb::bench {

// One buffer's bytes on the host, element type as in the scenario.
struct host_buffer {
  std::string name;
  std::string dtype;
  std::int64_t size = 0;            // elements
  std::vector<unsigned char> bytes; // size * dtype_size(dtype)

  double get(std::int64_t i) const;          // element i as a double
  void set(std::int64_t i, double value);    // stores, rounding to the dtype
};

// splitmix64: the generator behind "random" initial values (documented, stable).
std::uint64_t splitmix64(std::uint64_t& state) noexcept;

// Every buffer of the scenario with its initial values.
std::vector<host_buffer> initial_buffers(const tb::scenario::scenario& s);

// `dir`/<buffer>.bin with each buffer's bytes (how the JIT runner gets the same inputs).
void write_buffer_files(const std::vector<host_buffer>& buffers, const std::filesystem::path& dir);

// The buffers of `like` (names, dtypes, sizes) with the bytes of `dir`/<buffer>.bin, as
// the JIT runner writes its outputs. Throws std::runtime_error naming a missing file or
// one of the wrong size.
std::vector<host_buffer> read_buffer_files(const std::vector<host_buffer>& like, const std::filesystem::path& dir);

// IEEE binary16 / bfloat16 conversions (round to nearest even).
std::uint16_t float_to_half(float value) noexcept;
float half_to_float(std::uint16_t bits) noexcept;
std::uint16_t float_to_bfloat16(float value) noexcept;
float bfloat16_to_float(std::uint16_t bits) noexcept;

}  // namespace tb::bench
