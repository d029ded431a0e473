#include <tb/scenario/types.hpp>

#include <array>

namespace tb::scenario {
namespace {

// Scalars as Triton 3.6 names them in signatures, with the parameter-buffer size the
// compiled kernel expects. Floats keep their own width: fp32 is 4 bytes, never double.
constexpr std::array<type_info, 14> scalar_types{{
    {"i1", "bool", 1, false, true, false},
    {"i8", "std::int8_t", 1, false, true, false},
    {"i16", "std::int16_t", 2, false, true, false},
    {"i32", "std::int32_t", 4, false, true, false},
    {"i64", "std::int64_t", 8, false, true, false},
    {"u8", "std::uint8_t", 1, false, true, false},
    {"u16", "std::uint16_t", 2, false, true, false},
    {"u32", "std::uint32_t", 4, false, true, false},
    {"u64", "std::uint64_t", 8, false, true, false},
    {"fp16", "tb::runtime::half_bits", 2, false, false, true},
    {"bf16", "tb::runtime::bfloat16_bits", 2, false, false, true},
    {"fp32", "float", 4, false, false, true},
    {"fp64", "double", 8, false, false, true},
    {"u1", "bool", 1, false, true, false},
}};

constexpr std::array<std::string_view, 3> pointee_only{"fp8e4nv", "fp8e5", "fp8e4b15"};

}  // namespace

std::optional<type_info> lookup_type(std::string_view name) {
  if (!name.empty() && name.front() == '*') {
    const std::string_view pointee = name.substr(1);
    bool known = false;
    for (const auto& t : scalar_types) known = known || t.triton == pointee;
    for (const auto& t : pointee_only) known = known || t == pointee;
    if (!known) return std::nullopt;
    return type_info{name, "tb::runtime::device_ptr", 8, true, false, false};
  }
  for (const auto& t : scalar_types)
    if (t.triton == name) return t;
  return std::nullopt;
}

std::string known_types_text() {
  std::string out;
  for (const auto& t : scalar_types) {
    if (!out.empty()) out += ' ';
    out += t.triton;
  }
  return out + ", and *<type> for pointers (also *fp8e4nv, *fp8e5)";
}

}  // namespace tb::scenario
