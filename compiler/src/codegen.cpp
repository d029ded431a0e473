// Writes the manifest and the generated C++ launchers of a bundle.
//
// The generated code is plain C++20 with no dependency but the runtime's public
// headers; it must compile warning-free under -Wall -Wextra -Wpedantic.
#include <tb/compiler/bundle.hpp>
#include <tb/scenario/types.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tb::compiler {
namespace {

using json = nlohmann::ordered_json;  // the manifest keeps a reading order

std::string image_symbol(const kernel_record& k, const variant_record& v, std::size_t spec_index,
                         const image_record& image) {
  return fmt::format("{}_{}_s{}_sm{}_{}", k.kernel->name, v.variant->name, spec_index, image.arch, image.format);
}

std::string binary_label(const kernel_record& k, const variant_record& v, const specialization_record& s) {
  return fmt::format("{}[{}.{}]", k.kernel->name, v.variant->name, s.spec->name);
}

std::string cpp_type(const scenario::param& p) { return std::string(scenario::lookup_type(p.type)->cpp); }

// "tb::runtime::device_ptr x_ptr, std::int32_t n"
std::string parameter_list(const scenario::kernel& k) {
  std::string out;
  for (const auto& p : k.params) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", cpp_type(p), p.name);
  return out;
}

// "x_ptr:16 n_elements:1", or "generic"
std::string describe_conditions(const scenario::kernel& k, const scenario::specialization& s) {
  std::string out;
  for (const auto& [index, hint] : s.hints) out += fmt::format("{}{}:{}", out.empty() ? "" : " ", k.params[index].name, hint);
  return out.empty() ? "generic" : out;
}

// "{0, tb::runtime::hint::divisible_by_16}, {2, tb::runtime::hint::equal_to_1}"
std::string hint_tests(const scenario::specialization& s) {
  std::string out;
  for (const auto& [index, hint] : s.hints)
    out += fmt::format("{}{{{}, tb::runtime::hint::{}}}", out.empty() ? "" : ", ", index,
                       hint == scenario::hint_equal_1 ? "equal_to_1" : "divisible_by_16");
  return out;
}

std::string arg_kind(const scenario::param& p) {
  const auto type = scenario::lookup_type(p.type);
  return type->is_pointer ? "pointer" : type->is_integer ? "integer" : "other";
}

bool param_is_tested(const scenario::kernel& k, std::size_t index) {
  for (const auto& s : k.specializations)
    for (const auto& [i, hint] : s.hints)
      if (i == index) return true;
  return false;
}

std::string describe_signature(const scenario::kernel& k) {
  std::string out;
  for (const auto& p : k.params) {
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", p.name, p.type);
    for (int h : p.hints) out += fmt::format(":{}", h);
  }
  return out;
}

std::string describe_variant(const scenario::variant& v) {
  std::string out = fmt::format("num_warps={} num_stages={}", v.num_warps, v.num_stages);
  if (v.num_ctas > 1) out += fmt::format(" num_ctas={}", v.num_ctas);
  if (v.launch_cooperative_grid) out += " launch_cooperative_grid=true";
  if (v.launch_pdl) out += " launch_pdl=true";
  for (const auto& [name, value] : v.constexprs) out += fmt::format(" {}={}", name, scenario::to_string(value));
  return out;
}

void append_bytes(std::string& out, const std::vector<unsigned char>& bytes, bool terminate) {
  constexpr std::size_t per_line = 20;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out += (i % per_line == 0) ? "\n    " : " ";
    out += fmt::format("0x{:02x},", bytes[i]);
  }
  if (terminate) out += "\n    0x00,";  // PTX is loaded as a C string
  out += "\n";
}

std::size_t binary_count(const kernel_record& k) {
  std::size_t n = 0;
  for (const auto& v : k.variants) n += v.specializations.size();
  return n;
}

// Does a compiled kernel of `k` drop an argument (a ':1' hint folds it into the code)?
bool folds_an_argument(const kernel_record& k) {
  for (const auto& v : k.variants)
    for (const auto& s : v.specializations)
      if (s.kernel_params.size() != k.kernel->params.size()) return true;
  return false;
}

template <class Index>
std::string index_list(const std::vector<Index>& indices) {
  std::string out;
  for (const auto i : indices) out += fmt::format("{}{}", out.empty() ? "" : ", ", i);
  return out;
}

// The tables that tb::runtime::choose and tb::runtime::pack read (the rule is in
// tb/runtime/dispatch.hpp): each argument's kind; per variant, the conditions of its
// compiled kernels, most specialised first, as a tuple of std::arrays (sizes in the
// types, so that choose expands at compile time); the arguments each compiled kernel
// keeps (one std::array when every kernel keeps all of them).
std::string dispatch_tables(const kernel_record& k) {
  const auto& kernel = *k.kernel;
  std::string kinds;
  for (const auto& p : kernel.params) kinds += fmt::format("{}tb::runtime::arg_kind::{}", kinds.empty() ? "" : ", ", arg_kind(p));
  std::string out = fmt::format("\nconstexpr tb::runtime::arg_kind {}_kinds[{}] = {{{}}};\n", kernel.name,
                                kernel.params.size(), kinds);
  for (const auto& v : k.variants) {
    std::string candidates;
    for (std::size_t si = 0; si < v.specializations.size(); ++si) {
      const auto& spec = *v.specializations[si].spec;
      const std::string tests = fmt::format("{}_{}_s{}_tests", kernel.name, v.variant->name, si);
      if (!spec.hints.empty())
        out += fmt::format("constexpr std::array<tb::runtime::hint_test, {}> {}{{{{{}}}}};  // {}\n", spec.hints.size(),
                           tests, hint_tests(spec), describe_conditions(kernel, spec));
      candidates += fmt::format("{}{}", candidates.empty() ? "" : ", ", spec.hints.empty() ? "tb::runtime::no_hints" : tests);
    }
    out += fmt::format("constexpr auto {}_{}_candidates = std::make_tuple({});\n", kernel.name, v.variant->name, candidates);
  }
  if (!folds_an_argument(k)) {
    std::vector<std::size_t> all(kernel.params.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    return out + fmt::format("constexpr std::array<std::uint32_t, {}> {}_kept{{{{{}}}}};  // every compiled kernel takes every argument\n",
                             all.size(), kernel.name, index_list(all));
  }
  std::string rows;
  for (const auto& v : k.variants)
    for (std::size_t si = 0; si < v.specializations.size(); ++si) {
      const auto& kept = v.specializations[si].kernel_params;
      const std::string name = fmt::format("{}_{}_s{}_kept", kernel.name, v.variant->name, si);
      if (!kept.empty()) out += fmt::format("constexpr std::uint32_t {}[] = {{{}}};\n", name, index_list(kept));
      rows += fmt::format("{}{}", rows.empty() ? "" : ", ", kept.empty() ? "{}" : name);
    }
  return out + fmt::format("constexpr std::span<const std::uint32_t> {}_kept[{}] = {{{}}};\n", kernel.name,
                           binary_count(k), rows);
}

// The dispatcher: the index into the kernel's table of the compiled kernel that
// tb::runtime::choose picks for these arguments, or the table's size when none.
// `inline`, so that GCC folds it into the launcher as it did the hand-written tests
// (without, it calls it: ~1 ns more per launch with 22 arguments).
std::string dispatcher(const kernel_record& k) {
  const auto& kernel = *k.kernel;
  std::string params, values;
  for (std::size_t i = 0; i < kernel.params.size(); ++i) {
    const auto& p = kernel.params[i];
    const bool tested = param_is_tested(kernel, i);
    params += fmt::format(", {}{} {}", tested ? "" : "[[maybe_unused]] ", cpp_type(p), p.name);
    values += fmt::format("{}{}", i ? ", " : "", tested ? fmt::format("static_cast<std::int64_t>({})", p.name) : "0");
  }
  std::string out = fmt::format(
      "\ninline std::size_t {0}_dispatch({0}_variant variant{1}) {{\n"
      "  const std::int64_t hint_values[{2}] = {{{3}}};  // what hints are checked on (0: never tested)\n"
      "  switch (variant) {{\n",
      kernel.name, params, kernel.params.size(), values);
  std::size_t base = 0;
  for (const auto& v : k.variants) {
    out += fmt::format(
        "    case {0}_variant::{1}:\n"
        "      if (const std::size_t chosen = tb::runtime::choose({0}_{1}_candidates, hint_values, {0}_kinds);\n"
        "          chosen != tb::runtime::npos)\n"
        "        return {2}chosen;\n"
        "      break;\n",
        kernel.name, v.variant->name, base == 0 ? std::string() : fmt::format("{} + ", base));
    base += v.specializations.size();
  }
  return out + fmt::format("  }}\n  return {};  // no specialisation matches: the launcher refuses\n}}\n", base);
}

}  // namespace

std::string header_file_name(const bundle& b) { return b.scenario->name + "_kernels.hpp"; }
std::string source_file_name(const bundle& b) { return b.scenario->name + "_kernels.cpp"; }

std::string manifest_json(const bundle& b) {
  json kernels = json::array();
  for (const auto& k : b.kernels) {
    json params = json::array();
    for (const auto& p : k.kernel->params) {
      const auto type = scenario::lookup_type(p.type);
      params.push_back({{"name", p.name}, {"type", p.type}, {"cpp_type", std::string(type->cpp)}, {"size", type->size}});
    }
    json variants = json::array();
    for (const auto& v : k.variants) {
      json constexprs = json::object();
      for (const auto& [name, value] : v.variant->constexprs)
        constexprs[name] = std::visit([](const auto& x) { return json(x); }, value);
      json specs = json::array();
      for (const auto& s : v.specializations) {
        json hints = json::object();
        for (const auto& [index, hint] : s.spec->hints) hints[k.kernel->params[index].name] = hint;
        json images = json::array();
        for (const auto& i : s.images) {
          images.push_back({{"arch", i.arch},
                            {"format", i.format},
                            {"path", i.path.generic_string()},
                            {"sha256", i.sha256},
                            {"size", i.bytes.size()},
                            {"symbol", i.symbol},
                            {"num_warps", i.num_warps},
                            {"num_ctas", i.num_ctas},
                            {"cluster_dims", {i.cluster_dims[0], i.cluster_dims[1], i.cluster_dims[2]}},
                            {"shared", i.shared},
                            {"static_shared", i.static_shared},
                            {"global_scratch_size", i.global_scratch_size},
                            {"global_scratch_align", i.global_scratch_align},
                            {"profile_scratch_size", i.profile_scratch_size},
                            {"profile_scratch_align", i.profile_scratch_align},
                            {"launch_cooperative_grid", i.launch_cooperative_grid},
                            {"launch_pdl", i.launch_pdl},
                            {"registers", i.registers},
                            {"triton_hash", i.triton_hash}});
        }
        json ir = json::array();
        for (const auto& r : s.ir)
          ir.push_back({{"arch", r.arch},
                        {"stage", r.stage},
                        {"path", r.path.generic_string()},
                        {"sha256", r.sha256},
                        {"size", r.bytes.size()}});
        specs.push_back({{"name", s.spec->name},
                         {"hints", hints},
                         {"kernel_params", s.kernel_params},
                         {"images", images},
                         {"ir", ir}});
      }
      variants.push_back({{"name", v.variant->name},
                          {"num_warps", v.variant->num_warps},
                          {"num_stages", v.variant->num_stages},
                          {"num_ctas", v.variant->num_ctas},
                          {"launch_pdl", v.variant->launch_pdl},
                          {"launch_cooperative_grid", v.variant->launch_cooperative_grid},
                          {"constexprs", constexprs},
                          {"specializations", specs}});
    }
    kernels.push_back({{"name", k.kernel->name}, {"source", k.kernel->source}, {"params", params}, {"variants", variants}});
  }
  const json manifest = {{"schema", "triton-bench/aot-manifest"},
                         {"version", 1},
                         {"scenario", b.scenario->name},
                         {"triton_version", b.triton_version},
                         {"archs", b.archs},
                         {"keep_ir", b.keep_ir},
                         {"kernels", kernels}};
  return manifest.dump(1) + "\n";
}

std::string generated_header(const bundle& b) {
  const std::string ns = "tb_aot::" + b.scenario->name;
  std::string archs;
  for (int a : b.archs) archs += fmt::format(" sm_{}", a);
  std::string out = fmt::format(
      "// Generated by triton-aot from {}/scenario.toml: do not edit.\n"
      "// Triton {}; cubin and PTX for{}.\n"
      "//\n"
      "// One launcher per kernel. It picks the most specialised compiled kernel whose\n"
      "// conditions the arguments meet (pointer 16-byte alignment, integer divisibility\n"
      "// by 16, integer equal to 1: the rule of tb/runtime/dispatch.hpp), and the runtime\n"
      "// picks the image for the device: the cubin of its exact architecture, else PTX\n"
      "// that the driver compiles.\n"
      "#pragma once\n\n"
      "#include <tb/runtime/kernel_binary.hpp>\n"
      "#include <tb/runtime/runtime.hpp>\n"
      "#include <tb/runtime/scalar_types.hpp>\n\n"
      "#include <cstdint>\n"
      "#include <span>\n\n"
      "namespace {} {{\n",
      b.scenario->name, b.triton_version, archs, ns);
  for (const auto& k : b.kernels) {
    const auto& kernel = *k.kernel;
    out += fmt::format("\n// {}({}) from {}\n", kernel.name, describe_signature(kernel), kernel.source);
    out += fmt::format("enum class {}_variant {{\n", kernel.name);
    for (const auto& v : k.variants)
      out += fmt::format("  {},  // {}\n", v.variant->name, describe_variant(*v.variant));
    out += "};\n\n";
    out += fmt::format(
        "tb::runtime::status {0}(tb::runtime::stream_handle stream, tb::runtime::launch_grid grid,\n"
        "    {1},\n"
        "    {0}_variant variant = {0}_variant::{2},\n"
        "    tb::runtime::runtime& runtime = tb::runtime::default_runtime());\n\n",
        kernel.name, parameter_list(kernel), k.variants.front().variant->name);
    out += fmt::format(
        "// The compiled kernel the launcher would use for these arguments.\n"
        "const tb::runtime::kernel_binary& {0}_select({0}_variant variant, {1});\n\n"
        "// Every compiled kernel of {0}: variants x specialisations (to preload them).\n"
        "std::span<const tb::runtime::kernel_binary> {0}_binaries();\n",
        kernel.name, parameter_list(kernel));
  }
  out += fmt::format("\n}}  // namespace {}\n", ns);
  return out;
}

std::string generated_source(const bundle& b) {
  const std::string ns = "tb_aot::" + b.scenario->name;
  std::string out = fmt::format(
      "// Generated by triton-aot from {}/scenario.toml: do not edit.\n"
      "#include \"{}\"\n\n"
      "#include <tb/runtime/dispatch.hpp>\n\n"
      "namespace {} {{\n"
      "namespace {{\n",
      b.scenario->name, header_file_name(b), ns);
  for (const auto& k : b.kernels) {
    // Images, then one kernel_image table per specialisation, the binaries, the
    // dispatch tables and the dispatcher.
    for (const auto& v : k.variants) {
      for (std::size_t si = 0; si < v.specializations.size(); ++si) {
        const auto& s = v.specializations[si];
        for (const auto& image : s.images) {
          out += fmt::format("\n// {} sm_{} {}: {} bytes, sha256 {}\n", binary_label(k, v, s), image.arch, image.format,
                             image.bytes.size(), image.sha256);
          out += fmt::format("alignas(16) const unsigned char {}[] = {{", image_symbol(k, v, si, image));
          append_bytes(out, image.bytes, image.format == "ptx");
          out += "};\n";
        }
        out += fmt::format("\nconst tb::runtime::kernel_image {}_{}_s{}_images[] = {{\n", k.kernel->name, v.variant->name, si);
        for (const auto& image : s.images) {
          out += fmt::format(
              "    {{{}, tb::runtime::image_format::{}, {}, {}, \"{}\", {}, {}, {{{}, {}, {}}}, {}, {}, {}, {}, {}, {}, {}}},\n",
              image.arch, image.format, image_symbol(k, v, si, image), image.bytes.size(), image.symbol,
              image.num_warps, image.num_ctas, image.cluster_dims[0], image.cluster_dims[1], image.cluster_dims[2],
              image.shared, image.global_scratch_size, image.global_scratch_align, image.profile_scratch_size,
              image.profile_scratch_align, image.launch_cooperative_grid, image.launch_pdl);
        }
        out += "};\n";
      }
    }
    out += fmt::format("\nconst tb::runtime::kernel_binary {}_table[{}] = {{\n", k.kernel->name, binary_count(k));
    for (const auto& v : k.variants)
      for (std::size_t si = 0; si < v.specializations.size(); ++si)
        out += fmt::format("    {{\"{}\", {}, {}_{}_s{}_images, {}}},\n", binary_label(k, v, v.specializations[si]),
                           v.specializations[si].kernel_params.size(), k.kernel->name, v.variant->name, si,
                           v.specializations[si].images.size());
    out += "};\n";
    out += dispatch_tables(k);
    out += dispatcher(k);
  }
  out += "\n}  // namespace\n";

  for (const auto& k : b.kernels) {
    const auto& kernel = *k.kernel;
    std::string names, addresses;
    for (const auto& p : kernel.params) {
      names += fmt::format(", {}", p.name);
      addresses += fmt::format("{}&{}", addresses.empty() ? "" : ", ", p.name);
    }
    const std::size_t binaries = binary_count(k);
    out += fmt::format(
        "\ntb::runtime::status {0}(tb::runtime::stream_handle stream, tb::runtime::launch_grid grid,\n"
        "    {1},\n"
        "    {0}_variant variant, tb::runtime::runtime& runtime) {{\n"
        "  const std::size_t which = {0}_dispatch(variant{2});\n"
        "  if (which == {3}) [[unlikely]]\n"
        "    return tb::runtime::no_specialisation_error(\"{0}\");\n"
        "  const tb::runtime::kernel_binary& binary = {0}_table[which];\n"
        "  void* params[{5} + tb::runtime::scratch_param_count] = {{{4}}};\n"
        "  tb::runtime::pack({0}_kept{6}, params, params);  // in place\n"
        "  return runtime.launch(binary, grid, stream, params);\n"
        "}}\n",
        kernel.name, parameter_list(kernel), names, binaries, addresses, kernel.params.size(),
        folds_an_argument(k) ? "[which]" : "");
    out += fmt::format(
        "\nconst tb::runtime::kernel_binary& {0}_select({0}_variant variant, {1}) {{\n"
        "  static const tb::runtime::kernel_binary none{{\"{0}[no matching specialisation]\", 0, nullptr, 0}};\n"
        "  const std::size_t which = {0}_dispatch(variant{2});\n"
        "  return which == {3} ? none : {0}_table[which];\n"
        "}}\n",
        kernel.name, parameter_list(kernel), names, binaries);
    out += fmt::format("\nstd::span<const tb::runtime::kernel_binary> {0}_binaries() {{ return {0}_table; }}\n", kernel.name);
  }
  out += fmt::format("\n}}  // namespace {}\n", ns);
  return out;
}

}  // namespace tb::compiler
