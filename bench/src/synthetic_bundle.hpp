// A bundle written from the scenario model alone, with made-up image bytes: what
// CPU tests and micro-benchmarks load instead of a triton-aot output (the runtime's
// fake driver never looks inside an image).
#pragma once

#include <tb/scenario/scenario.hpp>

#include <filesystem>

namespace tb::bench {

// Writes DIR/manifest.json and one sm_90 cubin file per specialisation.
void write_synthetic_bundle(const tb::scenario::scenario& s, const std::filesystem::path& dir);

}  // namespace tb::bench
