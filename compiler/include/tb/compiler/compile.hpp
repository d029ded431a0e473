// `triton-aot compile`: a scenario's kernels to a checked bundle of cubins, PTX,
// metadata, a manifest and typed C++ launchers (docs/aot-bundle.md).
#pragma once

#include <tb/scenario/scenario.hpp>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tb::compiler {

// "sm_90" -> 90. Throws diagnostic_error naming `origin` for anything else.
int parse_arch(std::string_view text, std::string_view origin);
std::string supported_archs_text();

struct compile_options {
  std::filesystem::path scenario;   // scenario.toml or its folder
  std::filesystem::path out_dir;
  std::vector<int> archs{90};
  int jobs = 0;                     // parallel Triton compiles; 0 = one per core
  std::filesystem::path cache_dir;  // empty: $TRITON_AOT_CACHE_DIR, else ~/.cache/triton-bench/aot
  std::filesystem::path python;     // empty: $TRITON_AOT_PYTHON, else the build's configured Python
  std::function<void(std::string_view)> progress;  // one line per finished image, or empty
  int timeout_seconds = 600;        // per image: no image finished for this long stops the compile
  std::function<int()> stop_signal;  // a signal that asks the compile to stop (SIGINT, SIGTERM), or 0
  bool keep_ir = false;             // --keep-ir: each image's .ttir .ttgir .llir (and .ptx) in the bundle
};

// Thrown when stop_signal() said to stop: everything the compile made is removed by then.
class compile_stopped : public std::runtime_error {
 public:
  explicit compile_stopped(int number) : std::runtime_error("stopped by a signal"), signal(number) {}
  int signal;
};

struct image_timing {
  std::string kernel, variant, specialization;
  int arch = 0;
  double seconds = 0;  // Triton's compile time; 0 for a cache hit
  bool cached = false;
  // Triton's compile listener, in order: ir_initialization, each lowering (ttir, ttgir,
  // llir, ptx, cubin = ptxas), store_results; empty for a cache hit.
  std::vector<std::pair<std::string, double>> stages;
};

struct compile_report {
  std::size_t images = 0;  // kernel x variant x specialisation x arch
  std::size_t compiled = 0;
  std::size_t cached = 0;
  bool python_started = false;
  double seconds = 0;
  std::string triton_version;
  std::vector<image_timing> timings;
};

// Throws tb::scenario::diagnostic_error; on error nothing is left at out_dir that
// was not there before.
compile_report compile_scenario(const compile_options& options);

}  // namespace tb::compiler
