#include "synthetic_bundle.hpp"

#include <tb/scenario/types.hpp>
#include <tb/support/sha256.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace tb::bench {

void write_synthetic_bundle(const tb::scenario::scenario& s, const std::filesystem::path& dir) {
  using nlohmann::json;
  namespace fs = std::filesystem;
  json kernels = json::array();
  for (const auto& k : s.kernels) {
    json params = json::array();
    for (const auto& p : k.params) {
      const auto t = tb::scenario::lookup_type(p.type);
      params.push_back({{"name", p.name}, {"type", p.type}, {"cpp_type", std::string(t->cpp)}, {"size", t->size}});
    }
    json variants = json::array();
    for (const auto& v : k.variants) {
      json specs = json::array();
      for (const auto& sp : k.specializations) {
        json hints = json::object();
        json kernel_params = json::array();
        for (const auto& [index, hint] : sp.hints) hints[k.params[index].name] = hint;
        for (std::size_t i = 0; i < k.params.size(); ++i) {
          bool folded = false;
          for (const auto& [index, hint] : sp.hints) folded = folded || (index == i && hint == 1);
          if (!folded) kernel_params.push_back(i);
        }
        const std::string rel = fmt::format("images/{}/{}/{}/sm_90.cubin", k.name, v.name, sp.name);
        const std::string bytes = fmt::format("fake cubin {} {} {}", k.name, v.name, sp.name);
        fs::create_directories((dir / rel).parent_path());
        std::ofstream(dir / rel, std::ios::binary) << bytes;
        json image = {{"arch", 90},          {"format", "cubin"},       {"path", rel},
                      {"sha256", tb::support::sha256::of(bytes)}, {"size", bytes.size()}, {"symbol", k.name},
                      {"num_warps", v.num_warps}, {"num_ctas", v.num_ctas}, {"cluster_dims", {1, 1, 1}},
                      {"shared", 0},         {"global_scratch_size", 0}, {"global_scratch_align", 1},
                      {"profile_scratch_size", 0}, {"profile_scratch_align", 1},
                      {"launch_cooperative_grid", v.launch_cooperative_grid}, {"launch_pdl", v.launch_pdl},
                      {"registers", 16},
                      {"triton_hash", "synthetic"}};
        // and PTX for sm_80, which any newer device loads (the PTX modes take it)
        const std::string ptx_rel = fmt::format("images/{}/{}/{}/sm_80.ptx", k.name, v.name, sp.name);
        const std::string ptx = fmt::format(".version 8.0\n.target sm_80\n.address_size 64\n// {}\n", k.name);
        std::ofstream(dir / ptx_rel, std::ios::binary) << ptx;
        json ptx_image = image;
        ptx_image["arch"] = 80;
        ptx_image["format"] = "ptx";
        ptx_image["path"] = ptx_rel;
        ptx_image["sha256"] = tb::support::sha256::of(ptx);
        ptx_image["size"] = ptx.size();
        specs.push_back({{"name", sp.name},
                         {"hints", hints},
                         {"kernel_params", kernel_params},
                         {"images", {image, ptx_image}}});
      }
      variants.push_back({{"name", v.name}, {"num_warps", v.num_warps}, {"num_stages", v.num_stages},
                          {"num_ctas", v.num_ctas}, {"launch_pdl", v.launch_pdl},
                          {"launch_cooperative_grid", v.launch_cooperative_grid},
                          {"constexprs", json::object()}, {"specializations", specs}});
    }
    kernels.push_back({{"name", k.name}, {"source", k.source}, {"params", params}, {"variants", variants}});
  }
  const json manifest = {{"schema", "triton-bench/aot-manifest"}, {"version", 1}, {"scenario", s.name},
                         {"triton_version", "synthetic"}, {"archs", {90, 80}}, {"kernels", kernels}};
  fs::create_directories(dir);
  std::ofstream(dir / "manifest.json") << manifest.dump(1);
}

}  // namespace tb::bench
