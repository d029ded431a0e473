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
// Header-only, constexpr, no allocation, noexcept. The generated launchers call it
// on every launch with tables whose sizes are in their types (std::arrays, a
// std::tuple of candidates): then the loops below are unrolled and inlined, and the
// hint tests fold into the few instructions a hand-written `x % 16 == 0 && ...`
// chain compiles to (bench/micro's BM_generated_launcher measures the launcher).
// Tables sized at run time (vectors, spans, as in triton-bench) are plain loops.
#pragma once

#include <tb/runtime/kernel_binary.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>

// Complete unrolling, asked for only on loops whose trip count is a constant (GCC at
// -O2 does not do it by itself; on a loop of unknown count GCC's pragma would
// multiply the code instead), and inlining, so that the callers' constants reach
// the loops.
#if defined(__clang__)
#define TB_RUNTIME_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define TB_RUNTIME_UNROLL _Pragma("GCC unroll 128")
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

// The conditions of the generic kernel: none.
inline constexpr std::array<hint_test, 0> no_hints{};

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

namespace detail {

// The number of elements when the type says it (C array, std::array, span of static
// extent), else std::dynamic_extent.
template <class R>
inline constexpr std::size_t static_size = std::dynamic_extent;
template <class T, std::size_t N>
inline constexpr std::size_t static_size<T[N]> = N;
template <class T, std::size_t N>
inline constexpr std::size_t static_size<std::array<T, N>> = N;
template <class T, std::size_t N>
inline constexpr std::size_t static_size<std::span<T, N>> = N;

template <class T>
inline constexpr bool is_tuple = false;
template <class... T>
inline constexpr bool is_tuple<std::tuple<T...>> = true;

}  // namespace detail

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

// Whether the arguments meet test `t`: `values[i]` and `kinds[i]` describe argument
// i; a test naming an argument past their end is not met.
TB_RUNTIME_INLINE constexpr bool meets(const hint_test& t, std::span<const std::int64_t> values,
                                       std::span<const arg_kind> kinds) noexcept {
  return t.arg < values.size() && t.arg < kinds.size() && meets(t.h, values[t.arg], kinds[t.arg]);
}

// Whether the arguments meet every condition in `tests` (a range of hint_test).
template <class Tests>
TB_RUNTIME_INLINE constexpr bool meets_all(const Tests& tests, std::span<const std::int64_t> values,
                                           std::span<const arg_kind> kinds) noexcept {
  if constexpr (constexpr std::size_t n = detail::static_size<Tests>; n != std::dynamic_extent) {
    TB_RUNTIME_UNROLL
    for (std::size_t i = 0; i < n; ++i) {
      if (!meets(tests[i], values, kinds)) return false;
    }
  } else {
    for (const hint_test& t : tests) {
      if (!meets(t, values, kinds)) return false;
    }
  }
  return true;
}

// The index of the first candidate whose conditions the arguments meet, or npos.
// `candidates`, most specialised first: a std::tuple of ranges of hint_test (the
// generated launchers' std::arrays, no_hints for the generic kernel), or a range of
// them (a vector of vectors).
template <std::size_t I = 0, class Candidates>
TB_RUNTIME_INLINE constexpr std::size_t choose(const Candidates& candidates, std::span<const std::int64_t> values,
                                               std::span<const arg_kind> kinds) noexcept {
  if constexpr (detail::is_tuple<Candidates>) {
    if constexpr (I == std::tuple_size_v<Candidates>) {
      return npos;
    } else {
      return meets_all(std::get<I>(candidates), values, kinds) ? I : choose<I + 1>(candidates, values, kinds);
    }
  } else {
    std::size_t index = 0;
    for (const auto& tests : candidates) {
      if (meets_all(tests, values, kinds)) return index;
      ++index;
    }
    return npos;
  }
}

// Packs the parameter array of a compiled kernel that keeps the arguments `kept`
// (a range of indices, increasing): params[i] = arg(kept[i]), then
// scratch_param_count nulls. `arg(index)` gives the pointer to argument `index`'s
// value; `params` has room for kept.size() + scratch_param_count pointers. Returns
// kept.size().
template <class Kept, class ArgPointer>
  requires std::invocable<ArgPointer&, std::uint32_t>
TB_RUNTIME_INLINE constexpr std::size_t pack(const Kept& kept, ArgPointer arg, void** params) noexcept {
  std::size_t n = 0;
  if constexpr (constexpr std::size_t size = detail::static_size<Kept>; size != std::dynamic_extent) {
    TB_RUNTIME_UNROLL
    for (std::size_t i = 0; i < size; ++i) params[i] = arg(kept[i]);
    n = size;
  } else {
    for (const std::uint32_t index : kept) params[n++] = arg(index);
  }
  TB_RUNTIME_UNROLL
  for (std::uint32_t s = 0; s < scratch_param_count; ++s) params[n + s] = nullptr;
  return n;
}

// The same from an array of pointers to every argument, in order. `args` may be
// `params` itself (packing in place, as the generated launchers do): kept is
// increasing, so kept[i] >= i and each slot is read before it is overwritten.
template <class Kept>
TB_RUNTIME_INLINE constexpr std::size_t pack(const Kept& kept, void* const* args, void** params) noexcept {
  return pack(kept, [args](std::uint32_t index) { return args[index]; }, params);
}

}  // namespace tb::runtime

#undef TB_RUNTIME_UNROLL
#undef TB_RUNTIME_INLINE
