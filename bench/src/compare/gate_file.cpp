#include "compare/gate_file.hpp"

#include <tb/bench/mode.hpp>
#include <tb/support/read_file.hpp>

#include "toml_keys.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <optional>

namespace tb::bench::compare {

namespace {

namespace fs = std::filesystem;
using tb::scenario::diagnostic_error;
using tb::scenario::located;
using tb::scenario::reject_unknown_keys;
using tb::scenario::source_location;


// toml++ 3.3 misbehaves on some non-ASCII characters outside strings (see
// compiler/src/scenario/scenario.cpp); a gate file has no need for any, so it is ASCII.
void require_ascii(std::string_view text, const fs::path& shown) {
  int line = 1, column = 0;
  for (const char c : text) {
    ++column;
    if (c == '\n') ++line, column = 0;
    else if (static_cast<unsigned char>(c) >= 0x80)
      throw diagnostic_error({shown, line, column}, "a non-ASCII character (a gate file is ASCII only)");
  }
}

// One TOML table whose keys must all be known: a typo is an error, not an ignored setting.
class table_reader {
 public:
  table_reader(const fs::path& file, const toml::table& table, std::string what,
               std::initializer_list<std::string_view> allowed)
      : m_file(file), m_table(table), m_what(std::move(what)) {
    reject_unknown_keys(file, table, m_what, allowed);
  }

  source_location where() const { return located(m_file, m_table); }
  const std::string& what() const { return m_what; }
  const toml::node* find(std::string_view key) const { return m_table.get(key); }
  source_location at(std::string_view key) const { return located(m_file, *find(key)); }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_string())
      throw diagnostic_error(located(m_file, *node), fmt::format("'{}' in {} must be a string", key, m_what));
    return node->as_string()->get();
  }
  // A finite number (integer or float) >= min (or > min when `strict`).
  std::optional<double> number(std::string_view key, double min, bool strict, std::string_view expected) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    const std::optional<double> value = node->value<double>();
    if (!node->is_number() || !value || !std::isfinite(*value) || (strict ? *value <= min : *value < min))
      throw diagnostic_error(located(m_file, *node), fmt::format("'{}' in {} must be {}", key, m_what, expected));
    return *value;
  }
  std::vector<std::string> strings(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return {};
    const auto* array = node->as_array();
    const auto bad = [&] {
      return diagnostic_error(located(m_file, *node), fmt::format("'{}' in {} must be an array of strings", key, m_what));
    };
    if (!array) throw bad();
    std::vector<std::string> out;
    for (const auto& item : *array) {
      if (!item.is_string()) throw bad();
      out.push_back(item.as_string()->get());
    }
    return out;
  }

 private:
  const fs::path& m_file;
  const toml::table& m_table;
  std::string m_what;
};

bool is_metric_id(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

// The entries of [[key]]: an array of tables.
std::vector<const toml::table*> tables_of(const fs::path& file, const toml::table& root, std::string_view key) {
  std::vector<const toml::table*> out;
  const toml::node* node = root.get(key);
  if (!node) return out;
  const auto* array = node->as_array();
  if (!array)
    throw diagnostic_error(located(file, *node), fmt::format("'{}' must be an array of tables ([[{}]])", key, key));
  for (const auto& item : *array) {
    if (!item.is_table())
      throw diagnostic_error(located(file, item), fmt::format("each [[{}]] entry must be a table", key));
    out.push_back(item.as_table());
  }
  return out;
}

metric_gate parse_metric(const fs::path& file, const toml::table& table) {
  const table_reader r(file, table, "[[metric]]", {"id", "relative_percent", "absolute", "modes"});
  metric_gate m;
  m.where = r.where();
  const auto id = r.string("id");
  if (!id) throw diagnostic_error(r.where(), "[[metric]] has no 'id' (expected a metric id, e.g. \"host.time_per_launch\")");
  if (!is_metric_id(*id))
    throw diagnostic_error(r.at("id"), fmt::format("metric id '{}' in [[metric]] must be letters, digits, '_' and "
                                                   "'.' (e.g. \"host.time_per_launch\")", *id));
  m.id = *id;
  m.tol.relative_percent = r.number("relative_percent", 0, false, "a number >= 0 (percent)").value_or(3.0);
  m.tol.absolute = r.number("absolute", 0, false, "a number >= 0 (in the metric's unit)").value_or(0.0);
  m.modes = r.strings("modes");
  return m;
}

std::string default_name(const budget& b) {
  const char* op = b.at_most ? "<=" : ">=";
  switch (b.kind) {
    case budget_kind::checks: return "every mode's outputs checked";
    case budget_kind::ratio: return fmt::format("{} {} {} {:g} x {}", b.mode, b.metric, op, b.bound, b.of_mode);
    case budget_kind::value: return fmt::format("{} {} {} {:g}", b.mode, b.metric, op, b.bound);
  }
  return {};
}

// The bound: exactly one of at_most, at_least (ratios, with of_mode), at_most_value,
// at_least_value (in the metric's unit).
void parse_bound(const table_reader& r, budget& b) {
  std::vector<std::string_view> given;
  for (const char* key : {"at_most", "at_least", "at_most_value", "at_least_value"})
    if (r.find(key)) given.push_back(key);
  if (given.size() != 1)
    throw diagnostic_error(given.empty() ? r.where() : r.at(given[1]),
                           fmt::format("[[budget]] needs exactly one of 'at_most', 'at_least' (with 'of_mode'), "
                                       "'at_most_value', 'at_least_value'{}",
                                       given.empty() ? " (or checks = \"all-passed\")"
                                                     : fmt::format(", not '{}' and '{}'", given[0], given[1])));
  const std::string_view key = given[0];
  b.at_most = key.starts_with("at_most");
  b.kind = key.ends_with("_value") ? budget_kind::value : budget_kind::ratio;
  b.bound = *r.number(key, 0, true, "a number > 0");
  const auto of_mode = r.string("of_mode");
  if (b.kind == budget_kind::ratio && !of_mode)
    throw diagnostic_error(r.at(key), fmt::format("'{}' in [[budget]] is a ratio and needs 'of_mode' (the mode it "
                                                  "is a multiple of; or use '{}_value' for a value)", key, key));
  if (b.kind == budget_kind::value && of_mode)
    throw diagnostic_error(r.at("of_mode"), fmt::format("'of_mode' in [[budget]] goes with 'at_most' or 'at_least' "
                                                        "(a ratio), not '{}' (a value)", key));
  b.of_mode = of_mode.value_or("");
}

budget parse_budget(const fs::path& file, const toml::table& table) {
  const table_reader r(file, table, "[[budget]]",
                       {"name", "scenario", "mode", "metric", "of_mode", "at_most", "at_least", "at_most_value",
                        "at_least_value", "checks"});
  budget b;
  b.where = r.where();
  b.scenario = r.string("scenario").value_or("");
  if (const auto checks = r.string("checks")) {
    if (*checks != "all-passed")
      throw diagnostic_error(r.at("checks"), fmt::format("'checks' in [[budget]] is '{}' (expected \"all-passed\")",
                                                         *checks));
    for (const char* key : {"mode", "metric", "of_mode", "at_most", "at_least", "at_most_value", "at_least_value"})
      if (r.find(key))
        throw diagnostic_error(r.at(key), fmt::format("a 'checks' budget takes no '{}' (it covers every mode)", key));
    b.kind = budget_kind::checks;
  } else {
    const auto mode = r.string("mode"), metric = r.string("metric");
    if (!mode || !metric)
      throw diagnostic_error(r.where(), fmt::format("[[budget]] has no '{}' (expected a mode label and a metric id, "
                                                    "or checks = \"all-passed\")", mode ? "metric" : "mode"));
    if (!is_metric_id(*metric))
      throw diagnostic_error(r.at("metric"), fmt::format("metric id '{}' in [[budget]] must be letters, digits, '_' "
                                                         "and '.'", *metric));
    b.mode = *mode;
    b.metric = *metric;
    parse_bound(r, b);
  }
  b.name = r.string("name").value_or(default_name(b));
  return b;
}

// [gate] control: a mode label, or "none".
std::string parse_control(const std::string& text, const source_location& where) {
  if (text == "none") return {};
  if (!parse_mode_label(text))
    throw diagnostic_error(where, fmt::format("'control' in [gate] must be a mode ({}) or \"none\", not '{}'",
                                              mode_names(), text));
  return text;
}

gate_file parse_root(const fs::path& shown, const toml::table& root) {
  const table_reader top(shown, root, "the gate file", {"gate", "metric", "budget"});
  gate_file g;
  g.file = shown;
  if (const toml::node* node = top.find("gate")) {
    if (!node->is_table()) throw diagnostic_error(located(shown, *node), "'gate' must be a table ([gate])");
    const table_reader gate(shown, *node->as_table(), "[gate]", {"alpha", "control"});
    const auto alpha = gate.number("alpha", 0, true, "a number between 0 and 1 (e.g. 0.05)");
    if (alpha && *alpha >= 1) throw diagnostic_error(gate.at("alpha"), "'alpha' in [gate] must be a number between 0 and 1 (e.g. 0.05)");
    g.alpha = alpha.value_or(0.05);
    if (const auto control = gate.string("control")) g.control = parse_control(*control, gate.at("control"));
  }
  for (const toml::table* t : tables_of(shown, root, "metric")) {
    metric_gate m = parse_metric(shown, *t);
    if (const auto* first = g.find(m.id))
      throw diagnostic_error(m.where, fmt::format("metric '{}' is listed twice (first at line {})", m.id,
                                                  first->where.line));
    g.metrics.push_back(std::move(m));
  }
  for (const toml::table* t : tables_of(shown, root, "budget")) {
    budget b = parse_budget(shown, *t);
    for (const auto& other : g.budgets)
      if (other.name == b.name)
        throw diagnostic_error(b.where, fmt::format("budget '{}' is named twice (first at line {}; names are the "
                                                    "test cases' and must differ)", b.name, other.where.line));
    g.budgets.push_back(std::move(b));
  }
  if (g.metrics.empty() && g.budgets.empty())
    throw diagnostic_error({shown, 1, 1}, "the gate file gates nothing (expected [[metric]] or [[budget]] entries)");
  return g;
}

}  // namespace

bool metric_gate::gates(std::string_view mode_label) const {
  return modes.empty() || std::find(modes.begin(), modes.end(), mode_label) != modes.end();
}

const metric_gate* gate_file::find(std::string_view metric_id) const noexcept {
  for (const auto& m : metrics)
    if (m.id == metric_id) return &m;
  return nullptr;
}

compare_options gate_file::options() const {
  compare_options o;
  o.alpha = alpha;
  o.control = control;
  for (const auto& m : metrics) o.per_metric.emplace(m.id, m.tol);
  return o;
}

gate_file parse_gate_file(std::string_view text, const fs::path& shown) {
  require_ascii(text, shown);
  toml::table root;
  try {
    root = toml::parse(text, shown.string());
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw diagnostic_error({shown, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                           fmt::format("invalid TOML: {}", error.description()));
  }
  return parse_root(shown, root);
}

gate_file load_gate_file(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw diagnostic_error({file}, "gate file not found (expected a TOML file)");
  return parse_gate_file(tb::support::read_file(file), file);
}

}  // namespace tb::bench::compare
