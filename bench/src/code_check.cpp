#include "code_check.hpp"

#include "code_identity.hpp"

#include <fmt/format.h>

#include <fstream>

namespace tb::bench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json read_json_or_null(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return nullptr;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::string_view verdict_id(code_verdict v) {
  switch (v) {
    case code_verdict::identical_file: return "identical-file";
    case code_verdict::identical_code: return "identical-code";
    case code_verdict::different_code: return "different-code";
    case code_verdict::unreadable: break;
  }
  return "not-compared";
}

}  // namespace

aot_image describe_aot_image(const tb::runtime::bundle& b, const planned_launch& l,
                             const tb::runtime::specialization_desc& spec, std::size_t k) {
  aot_image out;
  const auto& image = spec.images[k];
  if (image.format == tb::runtime::image_format::cubin)
    out.cubin = {reinterpret_cast<const char*>(image.data), image.size};
  try {
    out.metadata = aot_image_metadata(b, l.kernel->name, l.variant->name, spec.name, image.arch);
  } catch (const std::exception&) {
    out.metadata = nullptr;  // compared without reasons
  }
  return out;
}

code_result compare_launch_code(std::size_t launch, const std::string& kernel, const aot_image& aot,
                                const fs::path& jit_dir) {
  code_result r{launch, kernel, "not-compared", "", {}};
  const fs::path jit_cubin = jit_dir / fmt::format("launch_{}.cubin", launch);
  if (aot.cubin.empty()) {
    r.summary = "not compared: the AOT side launches PTX on this GPU (no cubin for its arch)";
    return r;
  }
  if (!fs::exists(jit_cubin)) {
    r.summary = "not compared: the JIT runner reported no cubin for this launch";
    return r;
  }
  const std::string j = read_bytes(jit_cubin);
  const json jit_metadata = read_json_or_null(jit_dir / fmt::format("launch_{}.json", launch));
  const code_identity id = compare_code({"AOT", aot.cubin, aot.metadata.is_null() ? nullptr : &aot.metadata},
                                        {"JIT", j, jit_metadata.is_null() ? nullptr : &jit_metadata});
  r.verdict = verdict_id(id.verdict);
  r.summary = id.summary;
  r.reasons = id.reasons;
  return r;
}

}  // namespace tb::bench
