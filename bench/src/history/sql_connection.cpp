#include "sql_connection.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tb::bench {

std::string exact_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);  // the shortest text that reads back as v
}

double parse_exact(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    throw std::runtime_error("'" + std::string(text) + "': expected a number from the database");
  return v;
}

std::int64_t sql_row::integer(std::size_t i) const {
  const auto& c = cells.at(i);
  if (const auto* v = std::get_if<std::int64_t>(&c)) return *v;
  if (const auto* s = std::get_if<std::string>(&c)) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size())
      throw std::runtime_error("'" + *s + "': expected an integer from the database");
    return v;
  }
  if (const auto* d = std::get_if<double>(&c)) return static_cast<std::int64_t>(*d);
  return 0;
}

double sql_row::real(std::size_t i) const {
  const auto& c = cells.at(i);
  if (const auto* v = std::get_if<double>(&c)) return *v;
  if (const auto* v = std::get_if<std::int64_t>(&c)) return static_cast<double>(*v);
  if (const auto* s = std::get_if<std::string>(&c)) return parse_exact(*s);
  return std::numeric_limits<double>::quiet_NaN();
}

std::string sql_row::text(std::size_t i) const {
  const auto& c = cells.at(i);
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* v = std::get_if<std::int64_t>(&c)) return std::to_string(*v);
  if (const auto* d = std::get_if<double>(&c)) return exact_text(*d);
  return {};
}

sql_transaction::~sql_transaction() {
  if (m_done) return;
  try {
    m_c.execute("ROLLBACK");
  } catch (...) {  // the connection is gone: the back end rolls back itself
  }
}

}  // namespace tb::bench
