// Comparing a mode's output buffers with the expected ones: bit for bit (when the same
// code ran on the same inputs, as with Triton's JIT and an identical cubin) or within a
// tolerance (different code, or a host model), naming the element furthest off.
#pragma once

#include "host_data.hpp"
#include "results.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tb::bench {

struct tolerance {
  double rtol = 0, atol = 0;  // |got - want| <= atol + rtol * |want|
};

struct output_comparison {
  bool ok = true;
  std::size_t buffers = 0, elements = 0, mismatches = 0;
  double max_abs_error = 0;            // over every element (finite errors)
  std::optional<worst_element> worst;  // the mismatch furthest off (exact: in bits, then value)
  std::string message;  // "2 buffers, 8192 elements, bit-exact" or "buffer 'c'[17]: got .., expected .. (...)"
};

// Buffers matched by position; sizes and dtypes must agree. `tol` empty: bit for bit
// (NaNs equal only with the same bits); else within the tolerance (any NaN equals NaN).
output_comparison compare_outputs(const std::vector<host_buffer>& got, const std::vector<host_buffer>& want,
                                  std::optional<tolerance> tol);

}  // namespace tb::bench
