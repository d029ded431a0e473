// Triton's argument type names (`*fp32`, `i64`, ...) and what they are in C++.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tb::scenario {

struct type_info {
  std::string_view triton;   // "*fp32", "i32"
  std::string_view cpp;      // "tb::runtime::device_ptr", "std::int32_t"
  std::size_t size;          // bytes in the kernel's parameter buffer
  bool is_pointer;
  bool is_integer;
  bool is_float;
};

// Known scalar types and pointers to any of them; nullopt for anything else.
std::optional<type_info> lookup_type(std::string_view triton_type);

// The accepted names, for error messages: "i1 i8 ... fp64, and *<type> for pointers".
std::string known_types_text();

}  // namespace tb::scenario
