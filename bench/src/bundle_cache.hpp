// The AOT bundle triton-bench runs for a scenario: the one given (--bundle-dir), else
// one compiled by the triton-aot installed beside triton-bench into the user's cache
// ($XDG_CACHE_HOME/triton-bench/bundles/NAME-KEY; KEY hashes the scenario's files,
// the architectures, the triton-aot build and its Python), never into the current folder.
#pragma once

#include <tb/scenario/scenario.hpp>

#include <filesystem>
#include <string>

namespace tb::bench {

struct bundle_request {
  std::string given;   // --bundle-dir: the folder with manifest.json, or DIR/<scenario>
  std::string python;  // passed to triton-aot as --python (empty: its own lookup)
  bool quiet = false;  // triton-aot's progress lines go to stderr unless quiet
};

// triton-aot beside this executable; empty when it is not there.
std::filesystem::path triton_aot_beside();

// Throws std::runtime_error saying what is missing or what triton-aot reported.
std::filesystem::path find_bundle(const tb::scenario::scenario& s, const bundle_request& request);

}  // namespace tb::bench
