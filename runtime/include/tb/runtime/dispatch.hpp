// THE dispatch rule: which compiled specialisation of a kernel a launch uses, and
// how its parameter array is packed. The one place this is written down; the
// launchers triton-aot generates and triton-bench's dynamic path both call it.
//
// Specialisations. A kernel variant is compiled once per specialisation: a set of
// hints, each on one argument,
//   :16  (hint::divisible_by_16) a pointer 16-byte aligned, or an integer divisible
//        by 16 (Triton's tt.divisibility = 16);
//   :1   (hint::equal_to_1) an integer equal to 1 (Triton folds the value into the
//        code: the compiled kernel does not take that argument).
// Floating-point arguments never meet a hint. Hints are checked on the value as a
// std::int64_t: the address of a pointer, the integer itself (unsigned 64-bit values
// are taken modulo 2^64, which keeps divisibility by 16).
//
// Choice. The candidates are one variant's specialisations, most specialised first
// (by number of hints; the generic kernel, with none, last). The first whose every
// hint the arguments meet is launched. None: the launch is refused (only possible
// when the generic kernel was not compiled).
//
// Packing. The compiled kernel's parameter array is a pointer to each argument it
// kept, in argument order (arguments folded by a :1 hint skipped), followed by
// scratch_param_count null slots that the runtime fills (Triton's scratch pointers).
//
// Header-only, constexpr, no allocation, noexcept. Generated launchers call it on
// every launch with constexpr tables; inlined and unrolled, the hint tests fold
// into the few instructions a hand-written `x % 16 == 0 && ...` chain compiles to
// (bench/micro's BM_generated_launcher measures the launcher).
#pragma once

#include <tb/runtime/kernel_binary.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

// The functions are inlined into their callers and their loops unrolled completely
// where the trip counts are constants: GCC at -O2 does not unroll these loops by
// itself, Clang does once they are inlined (its unroll pragma would warn, at the
// caller, wherever the tables are not constants, as in triton-bench).
#if defined(__GNUC__) && !defined(__clang__)
#define TB_RUNTIME_UNROLL _Pragma("GCC unroll 64")
#else
#define TB_RUNTIME_UNROLL
#endif
#if defined(__GNUC__)
#define TB_RUNTIME_INLINE [[gnu::always_inline]] inline
#else
#define TB_RUNTIME_INLINE inline
#endif

namespace tb::runtime {

// A hint's value is its number in the signature (":16", ":1").
enum class hint : std::uint8_t { divisible_by_16 = 16, equal_to_1 = 1 };

// What kind of argument a value is: only pointers and integers meet hints.
enum class arg_kind : std::uint8_t { pointer, integer, other };

// One condition of a specialisation: argument `arg` (its index among the kernel's
// arguments) meets hint `h`.
struct hint_test {
  std::uint32_t arg = 0;
  hint h = hint::divisible_by_16;
};

// A candidate: the conditions of one compiled specialisation (empty: generic).
using candidate = std::span<const hint_test>;

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Whether one argument (its value as std::int64_t and its kind) meets `h`.
TB_RUNTIME_INLINE constexpr bool meets(hint h, std::int64_t value, arg_kind kind) noexcept {
  switch (h) {
    case hint::divisible_by_16:
      return kind != arg_kind::other && value % 16 == 0;
    case hint::equal_to_1:
      return kind == arg_kind::integer && value == 1;
  }
  return false;  // not a hint
}

// Whether the arguments meet every condition of `tests`. `values[i]` and `kinds[i]`
// describe argument i; a test naming an argument past their end is not met.
TB_RUNTIME_INLINE constexpr bool meets_all(std::span<const hint_test> tests, std::span<const std::int64_t> values,
                                           std::span<const arg_kind> kinds) noexcept {
  TB_RUNTIME_UNROLL
  for (const hint_test& t : tests) {
    if (t.arg >= values.size() || t.arg >= kinds.size() || !meets(t.h, values[t.arg], kinds[t.arg])) return false;
  }
  return true;
}

// The index of the first candidate whose conditions the arguments meet, or npos.
// `candidates`: most specialised first; any range whose elements convert to a span
// of hint_test (an array of candidate, a vector of vectors of hint_test).
template <class Candidates>
TB_RUNTIME_INLINE constexpr std::size_t choose(const Candidates& candidates, std::span<const std::int64_t> values,
                                               std::span<const arg_kind> kinds) noexcept
  requires requires { { *std::begin(candidates) } -> std::convertible_to<std::span<const hint_test>>; }
{
  std::size_t index = 0;
  TB_RUNTIME_UNROLL
  for (const auto& c : candidates) {
    if (meets_all(c, values, kinds)) return index;
    ++index;
  }
  return npos;
}

// Packs the parameter array of a compiled kernel that keeps the arguments `kept`
// (indices, increasing): params[i] = arg(kept[i]), then scratch_param_count nulls.
// `arg(index)` gives the pointer to argument `index`'s value; `params` has room for
// kept.size() + scratch_param_count pointers. Returns kept.size().
template <class ArgPointer>
TB_RUNTIME_INLINE constexpr std::size_t pack(std::span<const std::uint32_t> kept, ArgPointer arg, void** params) noexcept
  requires std::invocable<ArgPointer&, std::uint32_t>
{
  std::size_t n = 0;
  TB_RUNTIME_UNROLL
  for (const std::uint32_t index : kept) params[n++] = arg(index);
  TB_RUNTIME_UNROLL
  for (std::uint32_t s = 0; s < scratch_param_count; ++s) params[n + s] = nullptr;
  return n;
}

// The same from an array of pointers to every argument, in order. `args` may be
// `params` itself (packing in place, as the generated launchers do): kept is
// increasing, so kept[i] >= i and each slot is read before it is overwritten.
TB_RUNTIME_INLINE constexpr std::size_t pack(std::span<const std::uint32_t> kept, void* const* args,
                                             void** params) noexcept {
  return pack(kept, [args](std::uint32_t index) { return args[index]; }, params);
}

}  // namespace tb::runtime

#undef TB_RUNTIME_UNROLL
#undef TB_RUNTIME_INLINE
