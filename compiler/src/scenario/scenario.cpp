#include <tb/scenario/scenario.hpp>
#include <tb/scenario/types.hpp>

#include "expression.ipp"
#include "toml_keys.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>

namespace tb::scenario {
namespace {

namespace fs = std::filesystem;

// toml++ 3.3 (Debian 12's) reaches __builtin_unreachable, undefined behaviour, when it
// tests some non-ASCII characters for whitespace (U+00A1..U+0499 among them; found by
// tb.test.fuzz.scenario). TOML allows non-ASCII only in strings and comments, so a file
// with one anywhere else is refused here, with its place, before toml++ sees it.
void reject_characters_toml_cannot_take(const fs::path& file, const fs::path& shown) {
  std::ifstream in(file, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  enum class in_ { code, comment, basic, literal, basic_ml, literal_ml } state = in_::code;
  int line = 1, column = 0;
  const auto at = [&](std::size_t i, std::string_view s) { return text.compare(i, s.size(), s) == 0; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++column;  // a character starts here
    if (c == '\n') {
      ++line, column = 0;
      if (state == in_::comment || state == in_::basic || state == in_::literal) state = in_::code;
      continue;
    }
    switch (state) {
      case in_::code:
        if (static_cast<unsigned char>(c) >= 0x80)
          throw diagnostic_error({shown, line, column}, "a non-ASCII character outside a string or comment "
                                                        "(TOML allows them only in strings, comments and quoted keys)");
        if (c == '#') state = in_::comment;
        else if (at(i, "\"\"\"")) state = in_::basic_ml, i += 2, column += 2;
        else if (at(i, "'''")) state = in_::literal_ml, i += 2, column += 2;
        else if (c == '"') state = in_::basic;
        else if (c == '\'') state = in_::literal;
        break;
      case in_::comment: break;
      case in_::basic:
      case in_::basic_ml:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i, ++column;
        else if (state == in_::basic && c == '"') state = in_::code;
        else if (state == in_::basic_ml && at(i, "\"\"\"")) state = in_::code, i += 2, column += 2;
        break;
      case in_::literal:
        if (c == '\'') state = in_::code;
        break;
      case in_::literal_ml:
        if (at(i, "'''")) state = in_::code, i += 2, column += 2;
        break;
    }
  }
}



std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Reads one TOML table, rejecting keys it does not know: a typo in a scenario
// should be an error, not a silently ignored setting.
class table_reader {
 public:
  table_reader(const fs::path& file, const toml::table& table, std::string what,
               std::initializer_list<std::string_view> allowed)
      : m_file(file), m_table(table), m_what(std::move(what)) {
    reject_unknown_keys(file, table, m_what, allowed);
  }

  source_location where() const { return located(m_file, m_table); }
  const toml::node* find(std::string_view key) const { return m_table.get(key); }

  std::string required_string(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) throw diagnostic_error(where(), fmt::format("{} has no '{}'", m_what, key));
    return string_of(key, *node);
  }
  std::string optional_string(std::string_view key, std::string fallback) const {
    const toml::node* node = find(key);
    return node ? string_of(key, *node) : fallback;
  }
  int optional_positive_int(std::string_view key, int fallback, int max) const {
    const toml::node* node = find(key);
    if (!node) return fallback;
    const auto value = node->value<std::int64_t>();
    if (!node->is_integer() || !value || *value < 1 || *value > max)
      throw diagnostic_error(located(m_file, *node),
                             fmt::format("'{}' in {} must be an integer from 1 to {}", key, m_what, max));
    return static_cast<int>(*value);
  }
  bool optional_bool(std::string_view key, bool fallback) const {
    const toml::node* node = find(key);
    if (!node) return fallback;
    if (!node->is_boolean())
      throw diagnostic_error(located(m_file, *node), fmt::format("'{}' in {} must be true or false", key, m_what));
    return *node->value<bool>();
  }
  const toml::array* optional_array(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return nullptr;
    if (!node->is_array())
      throw diagnostic_error(located(m_file, *node), fmt::format("'{}' in {} must be an array", key, m_what));
    return node->as_array();
  }
  const toml::table* optional_table(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return nullptr;
    if (!node->is_table())
      throw diagnostic_error(located(m_file, *node),
                             fmt::format("'{}' in {} must be a table such as {{ BLOCK = 1024 }}", key, m_what));
    return node->as_table();
  }

 private:
  std::string string_of(std::string_view key, const toml::node& node) const {
    if (!node.is_string())
      throw diagnostic_error(located(m_file, node), fmt::format("'{}' in {} must be a string", key, m_what));
    return std::string(*node.value<std::string_view>());
  }

  const fs::path& m_file;
  const toml::table& m_table;
  std::string m_what;
};

constexpr_list read_constexprs(const fs::path& file, const toml::table* table) {
  constexpr_list out;
  if (!table) return out;
  for (const auto& [key, node] : *table) {
    const std::string name(key.str());
    if (node.is_integer()) out.emplace_back(name, *node.value<std::int64_t>());
    else if (node.is_floating_point()) out.emplace_back(name, *node.value<double>());
    else if (node.is_boolean()) out.emplace_back(name, *node.value<bool>());
    else if (node.is_string()) out.emplace_back(name, std::string(*node.value<std::string_view>()));
    else
      throw diagnostic_error(located(file, node),
                             fmt::format("constexpr '{}' must be an integer, float, boolean or string, found {}",
                                         name, node.is_array() ? "an array" : "a table"));
  }
  return out;
}

param parse_param(const fs::path& file, const toml::node& node, std::string_view kernel_name) {
  const source_location where = located(file, node);
  if (!node.is_string())
    throw diagnostic_error(where, fmt::format("signature entries of kernel '{}' must be strings such as "
                                              "\"x_ptr: *fp32:16\"", kernel_name));
  const std::string_view text = *node.value<std::string_view>();
  const auto colon = text.find(':');
  if (colon == std::string_view::npos)
    throw diagnostic_error(where, fmt::format("signature entry '{}' of kernel '{}' is not 'name: type[:hint]'",
                                              text, kernel_name));
  param p;
  p.where = where;
  p.name = std::string(trim(text.substr(0, colon)));
  if (!is_identifier(p.name))
    throw diagnostic_error(where, fmt::format("'{}' is not a valid argument name in signature entry '{}'",
                                              p.name, text));
  std::string_view rest = trim(text.substr(colon + 1));
  const auto next = rest.find(':');
  p.type = std::string(trim(rest.substr(0, next)));
  const auto type = lookup_type(p.type);
  if (!type)
    throw diagnostic_error(where, fmt::format("unknown type '{}' for argument '{}' (expected one of {})",
                                              p.type, p.name, known_types_text()));
  rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
  while (!rest.empty()) {
    const auto end = rest.find(':');
    const std::string_view hint = trim(rest.substr(0, end));
    int value = 0;
    if (hint == "16") value = hint_divisible_16;
    else if (hint == "1") value = hint_equal_1;
    else
      throw diagnostic_error(where, fmt::format("unknown hint ':{}' for argument '{}' (expected :16 or :1)",
                                                hint, p.name));
    if (value == hint_equal_1 && !type->is_integer)
      throw diagnostic_error(where, fmt::format("hint ':1' needs an integer argument, '{}' is {}", p.name, p.type));
    if (value == hint_divisible_16 && type->is_float)
      throw diagnostic_error(where, fmt::format("hint ':16' needs a pointer or integer argument, '{}' is {}",
                                                p.name, p.type));
    if (std::find(p.hints.begin(), p.hints.end(), value) == p.hints.end()) p.hints.push_back(value);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  return p;
}

std::string specialization_name(const std::vector<param>& params,
                                const std::vector<std::pair<std::size_t, int>>& hints) {
  if (hints.empty()) return "generic";
  std::string out;
  for (const auto& [index, hint] : hints)
    out += fmt::format("{}{}{}", out.empty() ? "" : ".", params[index].name, hint);
  return out;
}

specialization parse_specialization(const fs::path& file, const toml::node& node, const kernel& k) {
  const source_location where = located(file, node);
  if (!node.is_string())
    throw diagnostic_error(where, "specializations must be strings such as \"x_ptr:16, n:1\"");
  std::string_view text = *node.value<std::string_view>();
  specialization s;
  s.where = where;
  while (!trim(text).empty()) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto colon = item.find(':');
    const std::string_view name = trim(item.substr(0, colon));
    const std::string_view hint = colon == std::string_view::npos ? "" : trim(item.substr(colon + 1));
    const auto it = std::find_if(k.params.begin(), k.params.end(), [&](const param& p) { return p.name == name; });
    if (it == k.params.end())
      throw diagnostic_error(where, fmt::format("specialization names '{}', which is not in the signature of '{}'",
                                                name, k.name));
    const int value = hint == "16" ? hint_divisible_16 : hint == "1" ? hint_equal_1 : 0;
    if (std::find(it->hints.begin(), it->hints.end(), value) == it->hints.end() || value == 0)
      throw diagnostic_error(
          where, fmt::format("specialization '{}:{}' uses a hint the signature does not declare for '{}' "
                             "(declare it there, e.g. \"{}: {}:{}\")",
                             name, hint, name, name, it->type, hint.empty() ? "16" : hint));
    const auto index = static_cast<std::size_t>(it - k.params.begin());
    for (const auto& [seen, unused] : s.hints)
      if (seen == index)
        throw diagnostic_error(where, fmt::format("specialization names '{}' twice", name));
    s.hints.emplace_back(index, value);
  }
  std::sort(s.hints.begin(), s.hints.end());
  s.name = specialization_name(k.params, s.hints);
  return s;
}

// num_ctas (CTAs per program, launched as a 1-D cluster: sm_90 and newer), launch_pdl
// (programmatic dependent launch) and launch_cooperative_grid: Triton's compile options,
// recorded in the bundle; the runtime launches with the matching attributes.
void read_launch_attributes(const fs::path& file, const table_reader& vr, variant& v) {
  v.num_ctas = vr.optional_positive_int("num_ctas", 1, 16);
  if ((v.num_ctas & (v.num_ctas - 1)) != 0)
    throw diagnostic_error(located(file, *vr.find("num_ctas")),
                           fmt::format("num_ctas must be a power of two from 1 to 16, found {}", v.num_ctas));
  v.launch_pdl = vr.optional_bool("launch_pdl", false);
  v.launch_cooperative_grid = vr.optional_bool("launch_cooperative_grid", false);
}

std::string derived_variant_name(const variant& v, const constexpr_list& own) {
  std::string name = fmt::format("w{}_s{}", v.num_warps, v.num_stages);
  // Launch attributes only when set, so that plain variants keep their names.
  if (v.num_ctas > 1) name += fmt::format("_c{}", v.num_ctas);
  if (v.launch_cooperative_grid) name += "_coop";
  if (v.launch_pdl) name += "_pdl";
  for (const auto& [key, value] : own) {
    std::string text = to_string(value);
    for (char& c : text)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    name += fmt::format("_{}{}", key, text);
  }
  return name;
}

kernel parse_kernel(const fs::path& file, const fs::path& dir, const toml::table& table) {
  const table_reader reader(file, table, "[[kernels]]",
                            {"name", "source", "signature", "constexprs", "specializations", "variants"});
  kernel k;
  k.where = reader.where();
  k.name = reader.required_string("name");
  if (!is_identifier(k.name))
    throw diagnostic_error(located(file, *reader.find("name")),
                           fmt::format("kernel name '{}' is not a Python identifier", k.name));
  k.source = reader.required_string("source");
  k.source_path = fs::absolute(dir / k.source).lexically_normal();
  if (!fs::is_regular_file(k.source_path))
    throw diagnostic_error(located(file, *reader.find("source")),
                           fmt::format("kernel source '{}' of kernel '{}' not found (looked for {})", k.source,
                                       k.name, k.source_path.string()));

  const toml::array* signature = reader.optional_array("signature");
  if (!signature) throw diagnostic_error(k.where, fmt::format("kernel '{}' has no 'signature'", k.name));
  k.signature_where = located(file, *reader.find("signature"));
  for (const auto& node : *signature) {
    param p = parse_param(file, node, k.name);
    for (const auto& other : k.params)
      if (other.name == p.name)
        throw diagnostic_error(p.where, fmt::format("argument '{}' appears twice in the signature of '{}'",
                                                    p.name, k.name));
    k.params.push_back(std::move(p));
  }

  if (const toml::array* specs = reader.optional_array("specializations")) {
    for (const auto& node : *specs) {
      specialization s = parse_specialization(file, node, k);
      for (const auto& other : k.specializations)
        if (other.name == s.name)
          throw diagnostic_error(s.where, fmt::format("specialization '{}' is listed twice", s.name));
      k.specializations.push_back(std::move(s));
    }
    if (k.specializations.empty())
      throw diagnostic_error(located(file, *reader.find("specializations")),
                             "'specializations' is empty (leave it out for the default)");
  } else {
    // Default: every argument at its first declared hint, then the generic fallback,
    // so any argument values find a kernel.
    specialization full{.where = k.signature_where};
    for (std::size_t i = 0; i < k.params.size(); ++i)
      if (!k.params[i].hints.empty()) full.hints.emplace_back(i, k.params[i].hints.front());
    full.name = specialization_name(k.params, full.hints);
    const bool has_hints = !full.hints.empty();
    k.specializations.push_back(std::move(full));
    // An IR file was compiled for one specialisation: no generic fallback beside it.
    if (has_hints && !k.from_ir()) k.specializations.push_back({.name = "generic", .hints = {}, .where = k.signature_where});
  }
  if (k.from_ir() && k.specializations.size() != 1)
    throw diagnostic_error(located(file, *reader.find("specializations")),
                           fmt::format("kernel '{}' is compiled from the IR file '{}', which holds one specialisation "
                                       "(its arguments' tt.divisibility); expected one in 'specializations', found {}",
                                       k.name, k.source, k.specializations.size()));
  std::stable_sort(k.specializations.begin(), k.specializations.end(),
                   [](const specialization& a, const specialization& b) { return a.hints.size() > b.hints.size(); });

  const constexpr_list defaults = read_constexprs(file, reader.optional_table("constexprs"));
  const toml::node* variants_node = reader.find("variants");
  const toml::array* variants = reader.optional_array("variants");
  if (!variants || variants->empty())
    throw diagnostic_error(variants_node ? located(file, *variants_node) : k.where,
                           fmt::format("kernel '{}' has no [[kernels.variants]] (give at least one, e.g. "
                                       "num_warps = 4)", k.name));
  for (const auto& node : *variants) {
    if (!node.is_table())
      throw diagnostic_error(located(file, node), "each [[kernels.variants]] entry must be a table");
    const table_reader vr(file, *node.as_table(), "[[kernels.variants]]",
                          {"name", "num_warps", "num_stages", "num_ctas", "launch_pdl",
                           "launch_cooperative_grid", "constexprs"});
    variant v;
    v.where = vr.where();
    read_launch_attributes(file, vr, v);
    v.num_warps = vr.optional_positive_int("num_warps", 4, 32);
    if ((v.num_warps & (v.num_warps - 1)) != 0)
      throw diagnostic_error(located(file, *vr.find("num_warps")),
                             fmt::format("num_warps must be a power of two, found {}", v.num_warps));
    v.num_stages = vr.optional_positive_int("num_stages", 3, 16);
    const constexpr_list own = read_constexprs(file, vr.optional_table("constexprs"));
    v.constexprs = defaults;
    for (const auto& [key, value] : own) {
      // An init-capture, not [&]: clang 14 (the fuzz build) cannot capture a structured binding.
      auto it = std::find_if(v.constexprs.begin(), v.constexprs.end(),
                             [&wanted = key](const auto& kv) { return kv.first == wanted; });
      if (it != v.constexprs.end()) it->second = value;
      else v.constexprs.emplace_back(key, value);
    }
    std::sort(v.constexprs.begin(), v.constexprs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    v.name = vr.optional_string("name", derived_variant_name(v, own));
    if (!is_identifier(v.name))
      throw diagnostic_error(located(file, *vr.find("name")),
                             fmt::format("variant name '{}' must be letters, digits and '_'", v.name));
    for (const auto& other : k.variants)
      if (other.name == v.name)
        throw diagnostic_error(v.where, fmt::format("kernel '{}' has two variants named '{}' (name them apart "
                                                    "with name = \"...\")", k.name, v.name));
    for (const auto& [key, value] : v.constexprs)
      for (const auto& p : k.params)
        if (p.name == key)
          throw diagnostic_error(v.where, fmt::format("'{}' is a runtime argument in the signature of '{}' and "
                                                      "cannot also be a constexpr", key, k.name));
    k.variants.push_back(std::move(v));
  }
  return k;
}

// ---- Run sections: [scalars], [buffers], [[launch]], [run] ----

std::optional<number> number_of(const toml::node& node) {
  if (node.is_integer()) return number{*node.value<std::int64_t>()};
  if (node.is_floating_point()) return number{*node.value<double>()};
  return std::nullopt;
}

// A TOML value that is a number or an expression string.
expression expression_of(const fs::path& file, const toml::node& node, std::string_view what) {
  if (auto n = number_of(node)) return expression::constant(*n, located(file, node));
  if (node.is_string()) return expression::parse(*node.value<std::string_view>(), located(file, node));
  throw diagnostic_error(located(file, node), fmt::format("{} must be a number or an expression string such as "
                                                          "\"cdiv(N, BLOCK_SIZE)\"", what));
}

bool fits(std::string_view type, std::int64_t v) {
  if (type == "i1" || type == "u1") return v == 0 || v == 1;
  if (type == "i8") return v >= INT8_MIN && v <= INT8_MAX;
  if (type == "i16") return v >= INT16_MIN && v <= INT16_MAX;
  if (type == "i32") return v >= INT32_MIN && v <= INT32_MAX;
  if (type == "u8") return v >= 0 && v <= UINT8_MAX;
  if (type == "u16") return v >= 0 && v <= UINT16_MAX;
  if (type == "u32") return v >= 0 && v <= static_cast<std::int64_t>(UINT32_MAX);
  if (type == "u64") return v >= 0;
  return true;
}

void parse_scalars(const fs::path& file, const toml::table& table, scenario& s) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const auto& begin = key.source().begin;
    const source_location at = begin.line ? source_location{file, static_cast<int>(begin.line), static_cast<int>(begin.column)}
                                          : located(file, node);
    if (!is_identifier(name)) throw diagnostic_error(at, fmt::format("scalar name '{}' must be letters, digits and '_'", name));
    const auto value = number_of(node);
    if (!value)
      throw diagnostic_error(located(file, node), fmt::format("scalar '{}' must be an integer or a float", name));
    s.scalars.push_back({name, *value, at});
  }
}

void parse_buffers(const fs::path& file, const toml::table& table, scenario& s) {
  const auto lookup = [&](std::string_view n) -> std::optional<number> {
    if (const auto* sc = s.find_scalar(n)) return sc->value;
    return std::nullopt;
  };
  for (const auto& [key, node] : table) {
    buffer_def b;
    b.name = std::string(key.str());
    b.where = located(file, node);
    if (!is_identifier(b.name))
      throw diagnostic_error(b.where, fmt::format("buffer name '{}' must be letters, digits and '_'", b.name));
    if (s.find_scalar(b.name))
      throw diagnostic_error(b.where, fmt::format("'{}' is both a scalar and a buffer", b.name));
    if (!node.is_table())
      throw diagnostic_error(b.where, fmt::format("buffer '{}' must be a table such as "
                                                  "{{ dtype = \"fp32\", size = \"N\", init = \"random\", seed = 1 }}",
                                                  b.name));
    const std::string what = fmt::format("buffer '{}'", b.name);
    const table_reader r(file, *node.as_table(), what, {"dtype", "size", "init", "seed", "low", "high"});
    b.dtype = r.required_string("dtype");
    const auto type = lookup_type(b.dtype);
    if (!type || type->is_pointer)
      throw diagnostic_error(located(file, *r.find("dtype")),
                             fmt::format("unknown dtype '{}' for buffer '{}' (expected one of {})", b.dtype, b.name,
                                         known_types_text()));
    const toml::node* size = r.find("size");
    if (!size) throw diagnostic_error(b.where, fmt::format("buffer '{}' has no 'size' (elements)", b.name));
    b.size_expr = expression_of(file, *size, fmt::format("'size' of buffer '{}'", b.name));
    const number n = b.size_expr.evaluate(lookup);
    if (!std::holds_alternative<std::int64_t>(n) || std::get<std::int64_t>(n) < 1)
      throw diagnostic_error(located(file, *size), fmt::format("size of buffer '{}' must be a positive integer, "
                                                               "'{}' is {}", b.name, b.size_expr.text(), to_string(n)));
    b.size = std::get<std::int64_t>(n);
    if (const toml::node* init = r.find("init")) {
      if (auto v = number_of(*init)) {
        b.init = buffer_init::constant;
        b.value = to_double(*v);
      } else if (init->is_string() && *init->value<std::string_view>() == "random") {
        b.init = buffer_init::random;
      } else {
        throw diagnostic_error(located(file, *init), fmt::format("'init' of buffer '{}' must be a number (every "
                                                                 "element that value) or \"random\"", b.name));
      }
    }
    const auto read_double = [&](std::string_view k, double fallback) {
      const toml::node* v = r.find(k);
      if (!v) return fallback;
      const auto n2 = number_of(*v);
      if (!n2) throw diagnostic_error(located(file, *v), fmt::format("'{}' of buffer '{}' must be a number", k, b.name));
      return to_double(*n2);
    };
    b.low = read_double("low", -1.0);
    b.high = read_double("high", 1.0);
    if (const toml::node* seed = r.find("seed")) {
      const auto v = seed->value<std::int64_t>();
      if (!seed->is_integer() || !v || *v < 0)
        throw diagnostic_error(located(file, *seed), fmt::format("'seed' of buffer '{}' must be a non-negative integer",
                                                                 b.name));
      b.seed = static_cast<std::uint64_t>(*v);
    }
    if (b.init != buffer_init::random && (r.find("seed") || r.find("low") || r.find("high")))
      throw diagnostic_error(b.where, fmt::format("buffer '{}' has 'seed', 'low' or 'high' but its init is not "
                                                  "\"random\"", b.name));
    if (b.init == buffer_init::random && !(b.low < b.high))
      throw diagnostic_error(b.where, fmt::format("buffer '{}': 'low' must be below 'high'", b.name));
    s.buffers.push_back(std::move(b));
  }
}

launch_def parse_launch(const fs::path& file, const toml::table& table, const scenario& s) {
  const table_reader r(file, table, "[[launch]]", {"kernel", "variant", "grid", "args"});
  launch_def l;
  l.where = r.where();
  const std::string kernel_name = r.required_string("kernel");
  const auto kit = std::find_if(s.kernels.begin(), s.kernels.end(), [&](const kernel& k) { return k.name == kernel_name; });
  if (kit == s.kernels.end())
    throw diagnostic_error(located(file, *r.find("kernel")),
                           fmt::format("[[launch]] names kernel '{}', which is not in [[kernels]]", kernel_name));
  l.kernel = static_cast<std::size_t>(kit - s.kernels.begin());
  const kernel& k = *kit;
  if (const toml::node* v = r.find("variant")) {
    const std::string name = r.required_string("variant");
    const auto vit = std::find_if(k.variants.begin(), k.variants.end(), [&](const variant& x) { return x.name == name; });
    if (vit == k.variants.end()) {
      std::string known;
      for (const auto& x : k.variants) known += fmt::format("{}'{}'", known.empty() ? "" : ", ", x.name);
      throw diagnostic_error(located(file, *v), fmt::format("kernel '{}' has no variant '{}' (it has {})", k.name,
                                                            name, known));
    }
    l.variant = static_cast<std::size_t>(vit - k.variants.begin());
  }
  const variant& var = k.variants[l.variant];
  const auto lookup = [&](std::string_view n) -> std::optional<number> {
    if (const auto* sc = s.find_scalar(n)) return sc->value;
    for (const auto& [key, value] : var.constexprs) {
      if (key != n) continue;
      if (const auto* i = std::get_if<std::int64_t>(&value)) return number{*i};
      if (const auto* d = std::get_if<double>(&value)) return number{*d};
      if (const auto* b = std::get_if<bool>(&value)) return number{std::int64_t{*b ? 1 : 0}};
      throw diagnostic_error(var.where, fmt::format("constexpr '{}' of variant '{}' is a string ({}), but [[launch]] "
                                                    "uses it as a number: write it without quotes",
                                                    key, var.name, to_string(value)));
    }
    return std::nullopt;
  };

  const toml::node* grid = r.find("grid");
  if (!grid) throw diagnostic_error(l.where, "[[launch]] has no 'grid' (e.g. grid = \"cdiv(N, BLOCK_SIZE)\")");
  std::vector<const toml::node*> dims;
  if (const toml::array* a = grid->as_array()) {
    if (a->empty() || a->size() > 3)
      throw diagnostic_error(located(file, *grid), "'grid' must have 1 to 3 dimensions");
    for (const auto& d : *a) dims.push_back(&d);
  } else {
    dims.push_back(grid);
  }
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const expression e = expression_of(file, *dims[i], "a 'grid' dimension");
    const number n = e.evaluate(lookup);
    if (!std::holds_alternative<std::int64_t>(n) || std::get<std::int64_t>(n) < 1 ||
        std::get<std::int64_t>(n) > INT32_MAX)
      throw diagnostic_error(located(file, *dims[i]), fmt::format("grid dimension '{}' must be a positive integer, "
                                                                  "found {}", e.text(), to_string(n)));
    l.grid[i] = std::get<std::int64_t>(n);
  }

  const toml::table* args = r.optional_table("args");
  if (!args) throw diagnostic_error(l.where, fmt::format("[[launch]] of '{}' has no 'args' table", k.name));
  for (const auto& [key, node] : *args) {
    if (std::none_of(k.params.begin(), k.params.end(), [&arg = key](const param& p) { return p.name == arg.str(); })) {
      const auto& begin = key.source().begin;
      throw diagnostic_error({file, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                             fmt::format("'{}' is not an argument of kernel '{}'", key.str(), k.name));
    }
  }
  for (std::size_t pi = 0; pi < k.params.size(); ++pi) {
    const param& p = k.params[pi];
    const toml::node* node = args->get(p.name);
    if (!node)
      throw diagnostic_error(located(file, *r.find("args")),
                             fmt::format("[[launch]] of '{}' gives no value for argument '{}'", k.name, p.name));
    launch_arg a;
    a.param = pi;
    a.where = located(file, *node);
    const auto type = lookup_type(p.type);
    if (type->is_pointer) {
      if (!node->is_string())
        throw diagnostic_error(a.where, fmt::format("pointer argument '{}' needs a buffer name, e.g. \"x\" or \"x + 1\"",
                                                    p.name));
      const std::string_view text = trim(*node->value<std::string_view>());
      std::size_t end = 0;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
      const std::string name(text.substr(0, end));
      const buffer_def* b = s.find_buffer(name);
      if (!b)
        throw diagnostic_error(a.where, fmt::format("argument '{}' names buffer '{}', which is not in [buffers]",
                                                    p.name, name));
      a.is_buffer = true;
      a.buffer = static_cast<std::size_t>(b - s.buffers.data());
      if (b->dtype != std::string_view(p.type).substr(1))
        throw diagnostic_error(a.where, fmt::format("argument '{}' is {} but buffer '{}' holds {}", p.name, p.type,
                                                    name, b->dtype));
      const std::string_view rest = trim(text.substr(end));
      if (!rest.empty()) {
        if (rest.front() != '+')
          throw diagnostic_error(a.where, fmt::format("pointer argument '{}' must be \"buffer\" or \"buffer + "
                                                      "elements\", found '{}'", p.name, text));
        source_location offset_at = a.where;
        if (offset_at.column > 0)
          offset_at.column += static_cast<int>(text.size() - rest.size() + 1);
        a.expr = expression::parse(rest.substr(1), offset_at);
        const number off = a.expr.evaluate(lookup);
        if (!std::holds_alternative<std::int64_t>(off) || std::get<std::int64_t>(off) < 0 ||
            std::get<std::int64_t>(off) >= b->size)
          throw diagnostic_error(a.where, fmt::format("offset {} of argument '{}' lies outside buffer '{}' ({} elements)",
                                                      to_string(off), p.name, name, b->size));
        a.offset = std::get<std::int64_t>(off);
      }
    } else {
      a.expr = expression_of(file, *node, fmt::format("argument '{}'", p.name));
      a.value = a.expr.evaluate(lookup);
      if (type->is_integer) {
        if (!std::holds_alternative<std::int64_t>(a.value))
          throw diagnostic_error(a.where, fmt::format("argument '{}' is {} but '{}' is {}", p.name, p.type,
                                                      a.expr.text(), to_string(a.value)));
        if (!fits(p.type, std::get<std::int64_t>(a.value)))
          throw diagnostic_error(a.where, fmt::format("value {} of argument '{}' does not fit {}",
                                                      to_string(a.value), p.name, p.type));
      }
    }
    l.args.push_back(std::move(a));
  }
  return l;
}

void parse_run(const fs::path& file, const toml::table* table, scenario& s) {
  if (table) {
    const table_reader r(file, *table, "[run]", {"target", "iterations", "warmup", "time_limit_s", "rtol", "atol"});
    s.run.given = true;
    s.run.where = r.where();
    s.run.target = r.optional_string("target", "");
    s.run.iterations = r.optional_positive_int("iterations", 100, 1000000);
    if (const toml::node* w = r.find("warmup")) {
      const auto v = w->value<std::int64_t>();
      if (!w->is_integer() || !v || *v < 0 || *v > 1000000)
        throw diagnostic_error(located(file, *w), "'warmup' in [run] must be an integer from 0 to 1000000");
      s.run.warmup = static_cast<int>(*v);
    }
    const auto positive = [&](std::string_view k, double fallback) {
      const toml::node* v = r.find(k);
      if (!v) return fallback;
      const auto n = number_of(*v);
      if (!n || !(to_double(*n) > 0))
        throw diagnostic_error(located(file, *v), fmt::format("'{}' in [run] must be a positive number", k));
      return to_double(*n);
    };
    s.run.time_limit_s = positive("time_limit_s", 20);
    s.run.rtol = positive("rtol", 1e-4);
    s.run.atol = positive("atol", 1e-5);
    if (s.launches.empty())
      throw diagnostic_error(s.run.where, "[run] needs a launch sequence: add [[launch]] tables");
  }
  if (s.launches.empty()) return;
  if (s.run.target.empty()) {
    const std::size_t first = s.launches.front().kernel;
    for (const auto& l : s.launches)
      if (l.kernel != first)
        throw diagnostic_error(table ? s.run.where : s.launches.front().where,
                               "the launch sequence runs several kernels: name the one to measure with "
                               "[run] target = \"...\"");
    s.run.target = s.kernels[first].name;
  }
  const auto it = std::find_if(s.kernels.begin(), s.kernels.end(), [&](const kernel& k) { return k.name == s.run.target; });
  const source_location at = table && table->get("target") ? located(file, *table->get("target")) : s.run.where;
  if (it == s.kernels.end())
    throw diagnostic_error(at, fmt::format("target '{}' is not a kernel of this scenario", s.run.target));
  s.run.target_kernel = static_cast<std::size_t>(it - s.kernels.begin());
  if (std::none_of(s.launches.begin(), s.launches.end(), [&](const launch_def& l) { return l.kernel == s.run.target_kernel; }))
    throw diagnostic_error(at, fmt::format("target '{}' is never launched in [[launch]]", s.run.target));
}

}  // namespace

fs::path resolve_scenario_file(const fs::path& path_or_dir) {
  return fs::is_directory(path_or_dir) ? path_or_dir / "scenario.toml" : path_or_dir;
}

scenario load_scenario(const fs::path& path_or_dir) {
  const fs::path toml_path = resolve_scenario_file(path_or_dir);
  scenario s;
  s.file = fs::absolute(toml_path).lexically_normal();
  s.dir = s.file.parent_path();
  const fs::path shown = toml_path;  // diagnostics name the file as the user wrote it
  if (!fs::is_regular_file(s.file))
    throw diagnostic_error({shown}, "scenario file not found (expected a scenario.toml or its folder)");
  reject_characters_toml_cannot_take(s.file, shown);
  toml::table root;
  try {
    root = toml::parse_file(s.file.string());
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw diagnostic_error({shown, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                           fmt::format("invalid TOML: {}", error.description()));
  }
  const table_reader top(shown, root, "the scenario file",
                         {"scenario", "kernels", "scalars", "buffers", "launch", "run"});
  const toml::table* header = top.optional_table("scenario");
  if (!header) throw diagnostic_error({shown, 1, 0}, "missing [scenario] table with the scenario's name");
  const table_reader info(shown, *header, "[scenario]", {"name", "description"});
  s.name = info.required_string("name");
  if (!is_identifier(s.name))
    throw diagnostic_error(located(shown, *info.find("name")),
                           fmt::format("scenario name '{}' must be letters, digits and '_'", s.name));
  s.description = info.optional_string("description", "");
  const toml::array* kernels = top.optional_array("kernels");
  if (!kernels || kernels->empty())
    throw diagnostic_error({shown, 1, 0}, "the scenario has no [[kernels]]");
  for (const auto& node : *kernels) {
    if (!node.is_table()) throw diagnostic_error(located(shown, node), "each [[kernels]] entry must be a table");
    kernel k = parse_kernel(shown, s.dir, *node.as_table());
    for (const auto& other : s.kernels)
      if (other.name == k.name)
        throw diagnostic_error(k.where, fmt::format("kernel '{}' is listed twice", k.name));
    s.kernels.push_back(std::move(k));
  }
  if (const toml::table* scalars = top.optional_table("scalars")) parse_scalars(shown, *scalars, s);
  if (const toml::table* buffers = top.optional_table("buffers")) parse_buffers(shown, *buffers, s);
  if (const toml::array* launches = top.optional_array("launch")) {
    for (const auto& node : *launches) {
      if (!node.is_table()) throw diagnostic_error(located(shown, node), "each [[launch]] entry must be a table");
      s.launches.push_back(parse_launch(shown, *node.as_table(), s));
    }
  }
  parse_run(shown, top.optional_table("run"), s);
  return s;
}

const buffer_def* scenario::find_buffer(std::string_view n) const noexcept {
  for (const auto& b : buffers)
    if (b.name == n) return &b;
  return nullptr;
}

const scalar_def* scenario::find_scalar(std::string_view n) const noexcept {
  for (const auto& v : scalars)
    if (v.name == n) return &v;
  return nullptr;
}

std::size_t dtype_size(std::string_view dtype) noexcept {
  const auto t = lookup_type(dtype);
  return t && !t->is_pointer ? t->size : 0;
}

std::string to_string(const constexpr_value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return fmt::format("\"{}\"", v);
        else return fmt::format("{}", v);
      },
      value);
}

// The twin rule of --pdl: variants of one kernel that are the same compile
// configuration but for launch_pdl.
bool pdl_twins(const variant& a, const variant& b) {
  return a.num_warps == b.num_warps && a.num_stages == b.num_stages && a.num_ctas == b.num_ctas &&
         a.launch_cooperative_grid == b.launch_cooperative_grid && a.constexprs == b.constexprs;
}

scenario with_launch_pdl(const scenario& s, bool on) {
  scenario out = s;
  for (auto& l : out.launches) {
    const kernel& k = out.kernels[l.kernel];
    const variant& given = k.variants[l.variant];
    if (given.launch_pdl == on) continue;
    std::size_t twin = k.variants.size();
    for (std::size_t v = 0; v < k.variants.size() && twin == k.variants.size(); ++v)
      if (k.variants[v].launch_pdl == on && pdl_twins(k.variants[v], given)) twin = v;
    if (twin == k.variants.size())
      throw diagnostic_error(l.where, fmt::format("[[launch]] of kernel '{}' uses variant '{}', which has no twin "
                                                  "with launch_pdl = {} (the same num_warps, num_stages, num_ctas, "
                                                  "launch_cooperative_grid and constexprs): expected one for PDL {}",
                                                  k.name, given.name, on, on ? "on" : "off"));
    l.variant = twin;
  }
  return out;
}

int min_arch(const variant& v) noexcept { return v.num_ctas > 1 || v.launch_pdl ? 90 : 0; }

int min_arch(const scenario& s) noexcept {
  int arch = 0;
  for (const auto& k : s.kernels)
    for (const auto& v : k.variants) arch = std::max(arch, min_arch(v));
  return arch;
}

}  // namespace tb::scenario
