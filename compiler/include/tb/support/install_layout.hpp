// Where an installed (or built) tool finds its files: always relative to its own
// executable, never a path of the machine it was built on. The build tree has the
// same layout as an install prefix (docs/install.md):
//
//   <prefix>/bin/triton-aot, triton-bench, triton-bench-gui
//   <prefix>/lib/libtb_cupti_inject.so, libtb_runtime.a, cmake/triton-bench/
//   <prefix>/share/triton-bench/python/tb_aot/   the compiler's Python frontend
//   <prefix>/share/triton-bench/jit_runner.py    triton-bench's JIT side
//   <prefix>/share/triton-bench/scenarios/       the example scenarios
//   <prefix>/share/triton-bench/recorded/        the run shown without a GPU
#pragma once

#include <filesystem>

namespace tb::support {

// This process's executable (/proc/self/exe), symlinks resolved; empty if unknown.
std::filesystem::path executable_path();

// <prefix>: the folder above the executable's bin/.
std::filesystem::path install_prefix();

// <prefix>/share/triton-bench and <prefix>/lib.
std::filesystem::path data_dir();
std::filesystem::path library_dir();

// The user's cache for triton-bench: $XDG_CACHE_HOME/triton-bench, else
// $HOME/.cache/triton-bench, else <temp>/triton-bench-cache-<uid>.
std::filesystem::path user_cache_dir();

// The user's data for triton-bench (the results database): $XDG_DATA_HOME/triton-bench,
// else $HOME/.local/share/triton-bench; empty when neither is set (nothing to guess:
// data, unlike a cache, must not land in a temporary folder).
std::filesystem::path user_data_dir();

}  // namespace tb::support
