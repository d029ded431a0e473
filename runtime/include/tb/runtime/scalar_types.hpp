// C++ types that generated launchers use for Triton scalar arguments with no
// built-in C++ equivalent: 16-bit floats are passed as their raw bits.
#pragma once

#include <cstdint>

namespace tb::runtime {

using half_bits = std::uint16_t;      // IEEE fp16, as bits
using bfloat16_bits = std::uint16_t;  // bfloat16, as bits

}  // namespace tb::runtime
