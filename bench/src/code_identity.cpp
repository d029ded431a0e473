#include "code_identity.hpp"

#include <tb/runtime/elf_sections.hpp>
#include <tb/scenario/types.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>

namespace tb::bench {
namespace {

using json = nlohmann::json;
namespace rt = tb::runtime;

// ---- The cubins -------------------------------------------------------------------

enum class section_kind { layout, debug, note, code };

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view strip(std::string_view s, std::string_view prefix) {
  return starts_with(s, prefix) ? s.substr(prefix.size()) : s;
}

// See the header's "What counts as code".
section_kind classify(const rt::elf_section& s) {
  std::string_view name = strip(s.name, ".nv.merc");  // ".nv.merc.debug_line" -> ".debug_line"
  if (s.type == 0 || s.type == rt::elf_section_symtab || s.type == 3 || name == ".shstrtab" || name == ".strtab" ||
      name == ".symtab")
    return section_kind::layout;
  name = starts_with(name, ".rela.") ? name.substr(5) : strip(name, ".rel");
  if (starts_with(name, ".debug_") || starts_with(name, ".nv_debug")) return section_kind::debug;
  if (s.type == rt::elf_section_note || starts_with(s.name, ".note")) return section_kind::note;
  return section_kind::code;
}

bool same_section(const rt::elf_section& a, const rt::elf_section& b) {
  return a.type == b.type && a.flags == b.flags && a.size == b.size &&
         std::equal(a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end());
}

struct parsed {
  rt::elf_file elf;
  std::vector<rt::elf_symbol> symbols;
};

std::optional<std::string> parse(std::string_view label, std::string_view bytes, parsed& out) {
  if (bytes.empty()) return fmt::format("no {} cubin", label);
  const std::span<const std::byte> span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
  rt::status s = rt::read_elf(span, out.elf);
  if (s) s = rt::read_elf_symbols(out.elf, out.symbols);
  if (!s) return fmt::format("{} cubin: {}", label, s.message());
  return std::nullopt;
}

struct differences {
  std::vector<std::string> code, other;
};

void add(differences& d, section_kind kind, std::string item) {
  if (kind == section_kind::code) d.code.push_back(std::move(item));
  else if (kind != section_kind::layout) d.other.push_back(std::move(item));
}

// Sections paired by name (the n-th of a name with the n-th), in a's order, then b's extras.
void compare_sections(const parsed& a, std::string_view a_label, const parsed& b, std::string_view b_label,
                      differences& d) {
  std::map<std::string, std::vector<const rt::elf_section*>> in_b;
  for (const auto& s : b.elf.sections) in_b[s.name].push_back(&s);
  std::map<std::string, std::size_t> used;
  for (const auto& s : a.elf.sections) {
    auto& candidates = in_b[s.name];
    const std::size_t n = used[s.name]++;
    if (n >= candidates.size()) add(d, classify(s), fmt::format("{} (only in {})", s.name, a_label));
    else if (!same_section(s, *candidates[n])) add(d, classify(s), s.name);
  }
  for (const auto& [name, list] : in_b)
    for (std::size_t n = used[name]; n < list.size(); ++n)
      add(d, classify(*list[n]), fmt::format("{} (only in {})", name, b_label));
}

// Function and object symbols: their place and size in the code, by name.
std::map<std::string, std::string> kernel_symbols(const parsed& p) {
  std::map<std::string, std::string> out;
  for (const auto& s : p.symbols) {
    if (s.name.empty() || (s.type() != 1 && s.type() != 2)) continue;
    const std::string section =
        s.section < p.elf.sections.size() ? p.elf.sections[s.section].name : fmt::format("#{}", s.section);
    out[s.name] = fmt::format("{} {} {} {} {}", s.info, s.other, section, s.value, s.size);
  }
  return out;
}

void compare_symbols(const parsed& a, std::string_view a_label, const parsed& b, std::string_view b_label,
                     differences& d) {
  const auto sa = kernel_symbols(a), sb = kernel_symbols(b);
  for (const auto& [name, value] : sa) {
    const auto it = sb.find(name);
    if (it == sb.end()) d.code.push_back(fmt::format("symbol {} (only in {})", name, a_label));
    else if (it->second != value) d.code.push_back(fmt::format("symbol {}", name));
  }
  for (const auto& [name, value] : sb)
    if (!sa.contains(name)) d.code.push_back(fmt::format("symbol {} (only in {})", name, b_label));
}

void compare_headers(const rt::elf_file& a, const rt::elf_file& b, differences& d) {
  if (a.type != b.type) d.code.push_back("ELF header e_type");
  if (a.machine != b.machine) d.code.push_back("ELF header e_machine");
  if (a.flags != b.flags) d.code.push_back("ELF header e_flags");
  if (a.abi_version != b.abi_version) d.code.push_back("ELF header ABI version");
  if (a.os_abi != b.os_abi) d.code.push_back("ELF header OS/ABI");
}

std::string header_reason(const rt::elf_file& a, std::string_view a_label, const rt::elf_file& b,
                          std::string_view b_label) {
  const auto arch = [](const rt::elf_file& e) {
    return fmt::format("sm_{}{}", rt::cubin_sm(e), rt::cubin_arch_specific(e) ? "a" : "");
  };
  if (arch(a) == arch(b)) return {};
  return fmt::format("the cubins are built for different GPUs: {} {}, {} {} (ELF e_flags)", a_label, arch(a), b_label,
                     arch(b));
}

// ---- The metadata -------------------------------------------------------------------

std::string show(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The compile options and identities compared, in the order reported.
constexpr const char* option_keys[] = {
    "num_warps", "num_stages", "num_ctas", "maxnreg", "enable_fp_fusion", "enable_reflect_ftz",
    "launch_cooperative_grid", "launch_pdl", "debug", "sanitize_overflow", "ptx_version", "ptx_options",
    "default_dot_input_precision", "allowed_dot_input_precisions", "max_num_imprecise_acc_default",
    "supported_fp8_dtypes", "deprecated_fp8_dot_operand_dtypes", "instrumentation_mode", "ir_override",
    "warp_size"};

// The target's compute capability: "target" {"arch": 90} or Triton's text
// "GPUTarget(backend='cuda', arch=90, ...)", else "arch": "sm90".
std::optional<int> target_arch(const json& md) {
  const auto digits = [](std::string_view s) -> std::optional<int> {
    int v = 0;
    bool any = false;
    for (char c : s) {
      if (c < '0' || c > '9') break;
      v = v * 10 + (c - '0');
      any = true;
    }
    return any ? std::optional<int>(v) : std::nullopt;
  };
  if (const auto t = md.find("target"); t != md.end()) {
    if (t->is_object() && t->contains("arch") && (*t)["arch"].is_number_integer()) return (*t)["arch"].get<int>();
    if (t->is_string()) {
      const std::string s = t->get<std::string>();
      if (const auto at = s.find("arch="); at != std::string::npos) return digits(std::string_view(s).substr(at + 5));
    }
  }
  if (const auto a = md.find("arch"); a != md.end() && a->is_string()) {
    const std::string s = a->get<std::string>();
    return digits(std::string_view(s).substr(starts_with(s, "sm") ? 2 : 0));
  }
  return std::nullopt;
}

struct arg_spec {
  std::optional<std::string> type;  // the signature's
  std::optional<json> constant;     // constant_vals
  json attrs = json::array();       // attrs_vals, [] when none
};

struct spec_view {
  std::vector<std::string> order;   // labels in the function's order, then the rest
  std::map<std::string, arg_spec> args;
};

// Names a constant or attribute key ([index, sub-index...]) by the function's parameters.
std::optional<std::string> key_label(const json& key, const json* names) {
  if (!key.is_array() || key.empty() || !key[0].is_number_unsigned()) return std::nullopt;
  const auto index = key[0].get<std::size_t>();
  std::string label = names && index < names->size() && (*names)[index].is_string()
                          ? (*names)[index].get<std::string>()
                          : fmt::format("#{}", index);
  for (std::size_t i = 1; i < key.size(); ++i) label += fmt::format("[{}]", show(key[i]));
  return label;
}

spec_view read_spec(const json& md) {
  spec_view v;
  const auto names_it = md.find("arg_names");
  const json* names = names_it != md.end() && names_it->is_array() ? &*names_it : nullptr;
  const auto note = [&](const std::string& label) -> arg_spec& {
    if (!v.args.contains(label)) v.order.push_back(label);
    return v.args[label];
  };
  if (names)
    for (const auto& n : *names)
      if (n.is_string()) note(n.get<std::string>());
  if (const auto sig = md.find("signature"); sig != md.end() && sig->is_object())
    for (const auto& [name, type] : sig->items())
      if (type.is_string()) note(name).type = type.get<std::string>();
  const auto zip = [&](const char* keys, const char* vals, auto&& set) {
    const auto k = md.find(keys), x = md.find(vals);
    if (k == md.end() || x == md.end() || !k->is_array() || !x->is_array()) return;
    for (std::size_t i = 0; i < k->size() && i < x->size(); ++i)
      if (const auto label = key_label((*k)[i], names)) set(note(*label), (*x)[i]);
  };
  zip("constant_keys", "constant_vals", [](arg_spec& a, const json& value) { a.constant = value; });
  zip("attrs_keys", "attrs_vals", [](arg_spec& a, const json& value) {
    if (value.is_array()) a.attrs = value;
  });
  // Arguments the metadata names but says nothing else about are not compared.
  std::erase_if(v.order, [&](const std::string& label) {
    const arg_spec& a = v.args[label];
    const bool empty = !a.type && !a.constant && a.attrs.empty();
    if (empty) v.args.erase(label);
    return empty;
  });
  return v;
}

std::optional<json> divisibility(const json& attrs) {
  for (const auto& a : attrs)
    if (a.is_array() && a.size() == 2 && a[0] == "tt.divisibility") return a[1];
  return std::nullopt;
}

json other_attrs(const json& attrs) {
  json out = json::array();
  for (const auto& a : attrs)
    if (!(a.is_array() && a.size() == 2 && a[0] == "tt.divisibility")) out.push_back(a);
  return out;
}

bool is_int_type(const std::string& t) { return (t[0] == 'i' || t[0] == 'u') && t.size() > 1 && t != "u1" && t != "i1"; }
bool is_float_type(const std::string& t) {
  const auto info = tb::scenario::lookup_type(t);
  return info && info->is_float;
}

struct labels {
  std::string_view a, b;
};

// A type difference: "the constant 1" against a runtime integer, a constexpr against a
// runtime argument, or two runtime types.
std::string type_reason(const std::string& name, const arg_spec& x, const arg_spec& y, labels l) {
  const std::string& tx = *x.type;
  const std::string& ty = *y.type;
  if (tx == "constexpr" || ty == "constexpr") {
    const bool x_const = tx == "constexpr";
    const arg_spec& c = x_const ? x : y;
    const std::string& runtime_type = x_const ? ty : tx;
    const std::string_view const_side = x_const ? l.a : l.b, runtime_side = x_const ? l.b : l.a;
    const std::string value = c.constant ? show(*c.constant) : "?";
    if (c.constant && *c.constant == 1 && is_int_type(runtime_type))
      return fmt::format("'{}' is the constant 1 in {} (an integer argument equal to 1 is folded into the code), "
                         "a runtime {} in {}", name, const_side, runtime_type, runtime_side);
    return fmt::format("'{}' is a constexpr ({}) in {}, a runtime {} in {}", name, value, const_side, runtime_type,
                       runtime_side);
  }
  std::string why;
  if (is_int_type(tx) && is_int_type(ty)) why = " (the JIT types a Python int as i32 or i64 by its value)";
  if (is_float_type(tx) && is_float_type(ty)) why = " (the JIT types a Python float as fp32)";
  return fmt::format("signature type of '{}': {} {}, {} {}{}", name, l.a, tx, l.b, ty, why);
}

void argument_reasons(const std::string& name, const arg_spec& x, const arg_spec& y, labels l,
                      std::vector<std::string>& out) {
  if (x.type && y.type && *x.type != *y.type) {
    out.push_back(type_reason(name, x, y, l));
    if (*x.type == "constexpr" || *y.type == "constexpr") return;  // the constant explains the rest
  } else if (x.constant != y.constant) {
    const auto side = [](const std::optional<json>& c) { return c ? show(*c) : std::string("not given"); };
    out.push_back(fmt::format("constexpr '{}': {} {}, {} {}", name, l.a, side(x.constant), l.b, side(y.constant)));
  }
  const auto dx = divisibility(x.attrs), dy = divisibility(y.attrs);
  if (dx != dy) {
    const auto side = [](const std::optional<json>& d) { return d ? show(*d) : std::string("none"); };
    out.push_back(fmt::format("divisibility of '{}': {} {}, {} {} (a pointer 16-byte aligned or an integer divisible "
                              "by 16 is specialised)", name, l.a, side(dx), l.b, side(dy)));
  }
  if (other_attrs(x.attrs) != other_attrs(y.attrs))
    out.push_back(fmt::format("attributes of '{}': {} {}, {} {}", name, l.a, other_attrs(x.attrs).dump(), l.b,
                              other_attrs(y.attrs).dump()));
}

void specialisation_reasons(const json& a, const json& b, labels l, std::vector<std::string>& out) {
  const spec_view x = read_spec(a), y = read_spec(b);
  std::vector<std::string> order = x.order;
  for (const auto& label : y.order)
    if (!x.args.contains(label)) order.push_back(label);
  for (const auto& name : order) {
    const auto ix = x.args.find(name), iy = y.args.find(name);
    const bool in_x = ix != x.args.end(), in_y = iy != y.args.end();
    if (in_x && in_y) argument_reasons(name, ix->second, iy->second, l, out);
    else if (!x.order.empty() && !y.order.empty())
      out.push_back(fmt::format("argument '{}' only in {}'s signature", name, in_x ? l.a : l.b));
  }
}

}  // namespace

std::string_view to_string(code_verdict v) noexcept {
  switch (v) {
    case code_verdict::identical_file: return "identical file";
    case code_verdict::identical_code: return "identical code";
    case code_verdict::different_code: return "different code";
    case code_verdict::unreadable: return "unreadable";
  }
  return "unreadable";
}

std::vector<std::string> metadata_reasons(const json& a, std::string_view a_label, const json& b,
                                          std::string_view b_label) {
  std::vector<std::string> out;
  if (!a.is_object() || !b.is_object()) return out;
  const labels l{a_label, b_label};
  const auto both = [&](const char* key) { return a.contains(key) && b.contains(key) && a[key] != b[key]; };
  if (both("triton_version"))
    out.push_back(fmt::format("Triton version: {} {}, {} {}", l.a, show(a["triton_version"]), l.b,
                              show(b["triton_version"])));
  const auto ta = target_arch(a), tb = target_arch(b);
  if (ta && tb && *ta != *tb) out.push_back(fmt::format("target arch: {} sm_{}, {} sm_{}", l.a, *ta, l.b, *tb));
  if (both("name")) out.push_back(fmt::format("kernel name: {} {}, {} {}", l.a, show(a["name"]), l.b, show(b["name"])));
  for (const char* key : option_keys)
    if (both(key)) out.push_back(fmt::format("{}: {} {}, {} {}", key, l.a, show(a[key]), l.b, show(b[key])));
  specialisation_reasons(a, b, l, out);
  return out;
}

code_identity compare_code(const code_side& a, const code_side& b) {
  code_identity r;
  if (!a.cubin.empty() && a.cubin == b.cubin) {
    r.verdict = code_verdict::identical_file;
    r.summary = "identical file";
    return r;
  }
  parsed pa, pb;
  std::optional<std::string> error = parse(a.label, a.cubin, pa);
  if (!error) error = parse(b.label, b.cubin, pb);
  if (error) {
    r.verdict = code_verdict::unreadable;
    r.summary = fmt::format("unreadable: {}", *error);
    return r;
  }
  differences d;
  compare_headers(pa.elf, pb.elf, d);
  compare_sections(pa, a.label, pb, b.label, d);
  compare_symbols(pa, a.label, pb, b.label, d);
  r.differing_sections = d.code;
  r.differing_other_sections = d.other;
  if (d.code.empty()) {
    r.verdict = code_verdict::identical_code;
    std::vector<std::string> debug, notes;
    for (const auto& s : d.other) (starts_with(s, ".note") ? notes : debug).push_back(s);
    std::vector<std::string> parts;
    if (!debug.empty()) parts.push_back(fmt::format("debug info differs: {}", fmt::join(debug, ", ")));
    if (!notes.empty()) parts.push_back(fmt::format("notes differ: {}", fmt::join(notes, ", ")));
    if (parts.empty()) parts.push_back("only the file layout differs");
    r.summary = fmt::format("identical code ({})", fmt::join(parts, "; "));
    return r;
  }
  r.verdict = code_verdict::different_code;
  if (a.metadata && b.metadata) r.reasons = metadata_reasons(*a.metadata, a.label, *b.metadata, b.label);
  if (const std::string h = header_reason(pa.elf, a.label, pb.elf, b.label); !h.empty()) r.reasons.push_back(h);
  if (r.reasons.empty())
    r.reasons.push_back(a.metadata && b.metadata
                            ? "the Triton metadata of both agree (signature, specialisation, constexprs, options, "
                              "version, target): the cause is outside what Triton records"
                            : fmt::format("no Triton metadata for {}: the cause is not known",
                                          a.metadata ? b.label : a.label));
  r.summary = fmt::format("different code ({}): {}", fmt::join(d.code, ", "), fmt::join(r.reasons, "; "));
  return r;
}

json aot_image_metadata(const rt::bundle& b, std::string_view kernel, std::string_view variant,
                        std::string_view specialization, int arch) {
  const auto what = [&] { return fmt::format("{}[{}.{}] sm_{}", kernel, variant, specialization, arch); };
  const rt::kernel_desc* k = b.find_kernel(kernel);
  const rt::specialization_desc* spec = b.find(kernel, variant, specialization);
  const rt::variant_desc* v = nullptr;
  if (k)
    for (const auto& x : k->variants)
      if (x.name == variant) v = &x;
  if (!k || !spec || !v)
    throw std::invalid_argument(fmt::format("{}: not in the bundle {}", what(), b.directory().string()));
  const rt::kernel_image* image = nullptr;
  const rt::image_desc* info = nullptr;
  for (std::size_t i = 0; i < spec->images.size(); ++i)
    if (spec->images[i].arch == arch && spec->images[i].format == rt::image_format::cubin) {
      image = &spec->images[i];
      info = &spec->image_info[i];
    }
  if (!image) throw std::invalid_argument(fmt::format("{}: the bundle has no cubin for that arch", what()));

  json md = {{"name", info->symbol},
             {"num_warps", v->num_warps},
             {"num_stages", v->num_stages},
             {"num_ctas", image->num_ctas},
             {"launch_cooperative_grid", image->launch_cooperative_grid},
             {"launch_pdl", image->launch_pdl},
             {"triton_version", b.triton_version()},
             {"arch", fmt::format("sm{}", arch)},
             {"target", {{"backend", "cuda"}, {"arch", arch}, {"warp_size", 32}}}};
  json names = json::array(), signature = json::object();
  json constant_keys = json::array(), constant_vals = json::array(), attrs_keys = json::array(),
       attrs_vals = json::array();
  for (const auto& p : k->params) {
    const std::size_t index = names.size();
    names.push_back(p.name);
    const auto hint = spec->hints.find(p.name);
    const int h = hint == spec->hints.end() ? 0 : hint->second;
    signature[p.name] = h == 1 ? "constexpr" : p.type;
    if (h == 1) {
      constant_keys.push_back(json::array({index}));
      constant_vals.push_back(1);
    } else if (h == 16) {
      attrs_keys.push_back(json::array({index}));
      attrs_vals.push_back(json::array({json::array({"tt.divisibility", 16})}));
    }
  }
  const json constexprs = json::parse(v->constexprs_json.empty() ? "{}" : v->constexprs_json);
  for (const auto& [name, value] : constexprs.items()) {
    constant_keys.push_back(json::array({names.size()}));
    constant_vals.push_back(value);
    signature[name] = "constexpr";
    names.push_back(name);
  }
  md["arg_names"] = names;
  md["signature"] = signature;
  md["constant_keys"] = constant_keys;
  md["constant_vals"] = constant_vals;
  md["attrs_keys"] = attrs_keys;
  md["attrs_vals"] = attrs_vals;
  return md;
}

}  // namespace tb::bench
