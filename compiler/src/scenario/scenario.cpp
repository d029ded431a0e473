#include <tb/scenario/scenario.hpp>
#include <tb/scenario/types.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <set>
#include <string_view>

namespace tb::scenario {
namespace {

namespace fs = std::filesystem;

source_location located(const fs::path& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  return {file, static_cast<int>(begin.line), static_cast<int>(begin.column)};
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
    for (const auto& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        std::string expected;
        for (auto a : allowed) expected += fmt::format("{}'{}'", expected.empty() ? "" : ", ", a);
        const auto& begin = key.source().begin;
        const source_location at = begin.line ? source_location{file, static_cast<int>(begin.line), static_cast<int>(begin.column)}
                                              : located(file, node);
        throw diagnostic_error(at, fmt::format("unknown key '{}' in {} (expected one of {})", key.str(),
                                           m_what, expected));
      }
    }
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

std::string derived_variant_name(const variant& v, const constexpr_list& own) {
  std::string name = fmt::format("w{}_s{}", v.num_warps, v.num_stages);
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
    if (has_hints) k.specializations.push_back({.name = "generic", .hints = {}, .where = k.signature_where});
  }
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
                          {"name", "num_warps", "num_stages", "constexprs"});
    variant v;
    v.where = vr.where();
    v.num_warps = vr.optional_positive_int("num_warps", 4, 32);
    if ((v.num_warps & (v.num_warps - 1)) != 0)
      throw diagnostic_error(located(file, *vr.find("num_warps")),
                             fmt::format("num_warps must be a power of two, found {}", v.num_warps));
    v.num_stages = vr.optional_positive_int("num_stages", 3, 16);
    const constexpr_list own = read_constexprs(file, vr.optional_table("constexprs"));
    v.constexprs = defaults;
    for (const auto& [key, value] : own) {
      auto it = std::find_if(v.constexprs.begin(), v.constexprs.end(), [&](const auto& kv) { return kv.first == key; });
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
  toml::table root;
  try {
    root = toml::parse_file(s.file.string());
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw diagnostic_error({shown, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                           fmt::format("invalid TOML: {}", error.description()));
  }
  const table_reader top(shown, root, "the scenario file", {"scenario", "kernels"});
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
  return s;
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

}  // namespace tb::scenario
