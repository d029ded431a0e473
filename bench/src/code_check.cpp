#include "code_check.hpp"

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

}  // namespace

aot_image describe_aot_image(const fs::path& bundle_dir, const planned_launch& l,
                             const tb::runtime::specialization_desc& spec, std::size_t k) {
  aot_image out;
  const auto& image = spec.images[k];
  const fs::path file = bundle_dir / spec.image_info[k].path;
  if (image.format == tb::runtime::image_format::cubin) out.cubin = file;
  json signature = json::object(), attrs = json::object();
  for (const auto& p : l.kernel->params) signature[p.name] = p.type;
  for (const auto& [name, hint] : spec.hints) attrs[name] = hint == 16 ? "tt.divisibility=16" : "equal_to_1";
  json constexprs = json::parse(l.variant->constexprs_json.empty() ? "{}" : l.variant->constexprs_json);
  json metadata = read_json_or_null(fs::path(file).replace_extension(".json"));
  if (!metadata.is_object()) metadata = json::object();
  metadata["num_warps"] = metadata.value("num_warps", static_cast<int>(l.variant->num_warps));
  metadata["num_stages"] = metadata.value("num_stages", static_cast<int>(l.variant->num_stages));
  out.description = {{"metadata", metadata}, {"signature", signature}, {"constexprs", constexprs}, {"attrs", attrs}};
  return out;
}

code_result compare_launch_code(std::size_t launch, const std::string& kernel, const aot_image& aot,
                                const fs::path& jit_dir) {
  code_result r{launch, kernel, "not-compared", "", {}};
  const fs::path jit_cubin = jit_dir / fmt::format("launch_{}.cubin", launch);
  if (aot.cubin.empty()) {
    r.summary = "not compared: the AOT side launches PTX here (no cubin for this GPU)";
    return r;
  }
  if (!fs::exists(jit_cubin)) {
    r.summary = "not compared: the JIT runner reported no cubin for this launch";
    return r;
  }
  const std::string a = read_bytes(aot.cubin), j = read_bytes(jit_cubin);
  if (a == j) {
    r.verdict = "identical-file";
    r.summary = "identical file";
    return r;
  }
  r.verdict = "different-code";
  r.summary = fmt::format("different files (AOT {} bytes, JIT {} bytes)", a.size(), j.size());
  return r;
}

}  // namespace tb::bench
