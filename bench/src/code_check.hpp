// Does each launch's AOT cubin hold the code Triton's JIT built for the same launch?
// The AOT side: the image cubin-cached chose, described from the bundle's manifest
// (aot_image_metadata); the JIT side: what bench/jit_runner.py wrote for the launch
// (launch_<i>.cubin, and launch_<i>.json from tb_aot.metadata.describe). The comparison
// itself, by code rather than bytes, is code_identity.hpp.
#pragma once

#include "launch_plan.hpp"
#include "results.hpp"

#include <tb/runtime/bundle.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace tb::bench {

// One launch's AOT image: its cubin's bytes, held by the loaded bundle (empty: the
// launch runs PTX or nothing), and its metadata in Triton's keys.
struct aot_image {
  std::string_view cubin;
  nlohmann::json metadata;
};

// The image that cubin-cached launches for `l` with specialisation `spec`, image `k`;
// it points into `b`, which must outlive it.
aot_image describe_aot_image(const tb::runtime::bundle& b, const planned_launch& l,
                             const tb::runtime::specialization_desc& spec, std::size_t k);

// Compares launch `launch`'s AOT image with the JIT's files in `jit_dir`.
code_result compare_launch_code(std::size_t launch, const std::string& kernel, const aot_image& aot,
                                const std::filesystem::path& jit_dir);

}  // namespace tb::bench
