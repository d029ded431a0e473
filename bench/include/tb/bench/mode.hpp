// The modes triton-bench measures: one type, parsed once (triton-bench's command line,
// a results file), from which every list of modes derives (--help and --list, the
// results schema, the GUI's synthetic traces, the runners). A mode named twice in one
// run is the same mode with a higher instance number (a repeat: "cubin-cached#2").
// Header-only and dependency-free, so that the viewer can use it without the harness.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tb::bench {

enum class mode : std::uint8_t {
  jit,           // Triton's Python JIT (bench/jit_runner.py)
  ptx,           // load the PTX module at every launch, launch, synchronize, unload
  cubin,         // the same with the cubin
  ptx_cached,    // PTX loaded once per context, CUfunction kept
  cubin_cached,  // cubin loaded once per context, CUfunction kept: the reference
  library,       // cuLibraryLoadData once, CUkernel launched
  graph,         // one iteration's cubin-cached launches captured in a CUDA graph, replayed
  driver,        // cubin-cached resolved before the rounds: each launch one bare cuLaunchKernel
};

struct mode_info {
  mode value;
  std::string_view name;  // as on the command line and in results files
  std::string_view help;  // one line for --help and --list
  bool aot;               // launched through tb::runtime (every mode but jit)
  // Each launch is one cuLaunchKernel of a function loaded before the rounds, so its host
  // time moves with the driver mode's when the machine's speed moves: compare measures it
  // relative to the driver mode of the same rounds (docs/compare.md, "Machine state").
  bool loaded_launch;
};

// In the order of `--mode all`.
inline constexpr std::array<mode_info, 8> mode_table = {{
    {mode::jit, "jit", "Triton's Python JIT (bench/jit_runner.py), traced by libtb_cupti_inject.so", false, false},
    {mode::ptx, "ptx", "load the PTX module at every launch, launch, synchronize, unload", true, false},
    {mode::cubin, "cubin", "the same with the cubin", true, false},
    {mode::ptx_cached, "ptx-cached", "PTX loaded once per context, CUfunction kept", true, true},
    {mode::cubin_cached, "cubin-cached", "cubin loaded once per context, CUfunction kept (ratios are to this mode)",
     true, true},
    {mode::library, "library", "cuLibraryLoadData once, CUkernel launched", true, true},
    {mode::graph, "graph", "one iteration's cubin-cached launches captured in a CUDA graph, replayed", true, false},
    {mode::driver, "driver",
     "the floor: cubin-cached with specialisation, packing and lookup done before the rounds; each launch one bare "
     "cuLaunchKernel",
     true, true},
}};

// Ratios are to this mode; it also settles the GPU before the rounds.
inline constexpr mode reference_mode = mode::cubin_cached;

constexpr const mode_info& info(mode m) noexcept { return mode_table[static_cast<std::size_t>(m)]; }
constexpr std::string_view to_string(mode m) noexcept { return info(m).name; }
constexpr bool is_aot(mode m) noexcept { return info(m).aot; }
constexpr bool is_loaded_launch(mode m) noexcept { return info(m).loaded_launch; }

constexpr std::optional<mode> parse_mode(std::string_view text) noexcept {
  for (const auto& i : mode_table)
    if (i.name == text) return i.value;
  return std::nullopt;
}

// "jit, ptx, cubin, ..." for messages and help.
inline std::string mode_names(std::string_view separator = ", ") {
  std::string out;
  for (const auto& i : mode_table) {
    if (!out.empty()) out += separator;
    out += i.name;
  }
  return out;
}

// A mode as one run measures it: the mode and which time it runs in that run.
struct mode_instance {
  mode kind = reference_mode;
  int instance = 1;  // 2, 3, ...: the same mode again in the same run
  // "cubin-cached", or "cubin-cached#2" for a repeat.
  std::string label() const {
    std::string out(to_string(kind));
    if (instance > 1) out += "#" + std::to_string(instance);
    return out;
  }
  friend bool operator==(const mode_instance&, const mode_instance&) = default;
};

// "cubin-cached" or "cubin-cached#2"; nullopt for an unknown mode or a bad instance.
inline std::optional<mode_instance> parse_mode_label(std::string_view text) {
  const auto hash = text.find('#');
  const auto m = parse_mode(text.substr(0, hash));
  if (!m) return std::nullopt;
  if (hash == std::string_view::npos) return mode_instance{*m, 1};
  int n = 0;
  const auto digits = text.substr(hash + 1);
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 2) return std::nullopt;
  return mode_instance{*m, n};
}

}  // namespace tb::bench
