// The expression evaluator, compiled as part of scenario.cpp (which includes this
// file) so the tb_scenario target's source list stays as it is.
#include <tb/scenario/expression.hpp>

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace tb::scenario {

struct expr_node {
  enum class kind { constant, name, negate, add, sub, mul, div, floordiv, mod, call } k = kind::constant;
  number value{std::int64_t{0}};
  std::string name;  // name, or the function's name for call
  std::size_t offset = 0;  // in the text, for errors
  std::vector<std::shared_ptr<const expr_node>> children;
};

double to_double(const number& value) noexcept {
  return std::holds_alternative<std::int64_t>(value) ? static_cast<double>(std::get<std::int64_t>(value))
                                                     : std::get<double>(value);
}

std::string to_string(const number& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return fmt::format("{}", *i);
  return fmt::format("{}", std::get<double>(value));
}

namespace {

using node_ptr = std::shared_ptr<const expr_node>;

source_location at_offset(const source_location& where, std::size_t offset) {
  source_location out = where;
  if (out.line > 0 && out.column > 0) out.column += static_cast<int>(offset) + 1;  // +1: the opening quote
  return out;
}

class parser {
 public:
  parser(std::string_view text, const source_location& where) : m_text(text), m_where(where) {}

  node_ptr parse_all() {
    node_ptr root = parse_expr();
    skip_space();
    if (m_pos != m_text.size()) fail(fmt::format("unexpected '{}' in expression '{}'", m_text[m_pos], m_text));
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { throw diagnostic_error(at_offset(m_where, m_pos), message); }

  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) ++m_pos;
  }
  bool accept(std::string_view token) {
    skip_space();
    if (m_text.substr(m_pos, token.size()) == token) {
      m_pos += token.size();
      return true;
    }
    return false;
  }

  node_ptr binary(expr_node::kind k, node_ptr a, node_ptr b, std::size_t offset) {
    auto n = std::make_shared<expr_node>();
    n->k = k;
    n->offset = offset;
    n->children = {std::move(a), std::move(b)};
    return n;
  }

  node_ptr parse_expr() {
    node_ptr left = parse_term();
    for (;;) {
      skip_space();
      const std::size_t at = m_pos;
      if (accept("+")) left = binary(expr_node::kind::add, left, parse_term(), at);
      else if (accept("-")) left = binary(expr_node::kind::sub, left, parse_term(), at);
      else return left;
    }
  }

  node_ptr parse_term() {
    node_ptr left = parse_unary();
    for (;;) {
      skip_space();
      const std::size_t at = m_pos;
      if (accept("//")) left = binary(expr_node::kind::floordiv, left, parse_unary(), at);
      else if (accept("*")) left = binary(expr_node::kind::mul, left, parse_unary(), at);
      else if (accept("/")) left = binary(expr_node::kind::div, left, parse_unary(), at);
      else if (accept("%")) left = binary(expr_node::kind::mod, left, parse_unary(), at);
      else return left;
    }
  }

  node_ptr parse_unary() {
    skip_space();
    const std::size_t at = m_pos;
    if (accept("-")) {
      auto n = std::make_shared<expr_node>();
      n->k = expr_node::kind::negate;
      n->offset = at;
      n->children = {parse_unary()};
      return n;
    }
    return parse_primary();
  }

  node_ptr parse_primary() {
    skip_space();
    if (m_pos >= m_text.size()) fail(fmt::format("expression '{}' ends where a value was expected", m_text));
    const std::size_t start = m_pos;
    const char c = m_text[m_pos];
    if (c == '(') {
      ++m_pos;
      node_ptr inner = parse_expr();
      if (!accept(")")) fail(fmt::format("missing ')' in expression '{}'", m_text));
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      std::size_t end = m_pos;
      bool is_float = false;
      while (end < m_text.size()) {
        const char d = m_text[end];
        if (std::isdigit(static_cast<unsigned char>(d)) || d == '_') {
          ++end;
        } else if (d == '.' || d == 'e' || d == 'E') {
          is_float = true;
          ++end;
          if ((d == 'e' || d == 'E') && end < m_text.size() && (m_text[end] == '-' || m_text[end] == '+')) ++end;
        } else {
          break;
        }
      }
      std::string digits;
      for (std::size_t i = m_pos; i < end; ++i)
        if (m_text[i] != '_') digits += m_text[i];
      auto n = std::make_shared<expr_node>();
      n->offset = start;
      if (is_float) {
        char* stop = nullptr;
        const double v = std::strtod(digits.c_str(), &stop);
        if (stop != digits.c_str() + digits.size()) fail(fmt::format("'{}' is not a number", digits));
        n->value = v;
      } else {
        std::int64_t v = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (r.ec != std::errc() || r.ptr != digits.data() + digits.size())
          fail(fmt::format("'{}' is not a 64-bit integer", digits));
        n->value = v;
      }
      m_pos = end;
      return n;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = m_pos;
      while (end < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[end])) || m_text[end] == '_')) ++end;
      auto n = std::make_shared<expr_node>();
      n->name = std::string(m_text.substr(m_pos, end - m_pos));
      n->offset = start;
      m_pos = end;
      if (accept("(")) {
        if (n->name != "cdiv" && n->name != "min" && n->name != "max") {
          m_pos = start;
          fail(fmt::format("unknown function '{}' (expected cdiv, min or max)", n->name));
        }
        n->k = expr_node::kind::call;
        do n->children.push_back(parse_expr());
        while (accept(","));
        if (!accept(")")) fail(fmt::format("missing ')' after the arguments of {}()", n->name));
        const std::size_t want = n->name == "cdiv" ? 2 : 0;
        if ((want && n->children.size() != want) || (!want && n->children.size() < 2)) {
          m_pos = start;
          fail(fmt::format("{}() takes {} arguments, found {}", n->name, want ? "2" : "2 or more", n->children.size()));
        }
      } else {
        n->k = expr_node::kind::name;
      }
      return n;
    }
    fail(fmt::format("unexpected '{}' in expression '{}'", c, m_text));
  }

  std::string_view m_text;
  const source_location& m_where;
  std::size_t m_pos = 0;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct evaluator {
  const std::string& text;
  const source_location& where;
  const expression::lookup_fn& lookup;

  [[noreturn]] void fail(const expr_node& n, const std::string& message) const {
    throw diagnostic_error(at_offset(where, n.offset), message);
  }

  number eval(const expr_node& n) const {
    using K = expr_node::kind;
    switch (n.k) {
      case K::constant: return n.value;
      case K::name: {
        if (auto v = lookup(n.name)) return *v;
        fail(n, fmt::format("unknown name '{}' in expression '{}'", n.name, text));
      }
      case K::negate: {
        const number v = eval(*n.children[0]);
        if (const auto* i = std::get_if<std::int64_t>(&v)) return -*i;
        return -std::get<double>(v);
      }
      case K::call: {
        std::vector<number> args;
        for (const auto& c : n.children) args.push_back(eval(*c));
        if (n.name == "cdiv") {
          const auto* a = std::get_if<std::int64_t>(&args[0]);
          const auto* b = std::get_if<std::int64_t>(&args[1]);
          if (!a || !b) fail(n, "cdiv() needs integers");
          if (*b == 0) fail(n, fmt::format("division by zero in expression '{}'", text));
          return floor_div(*a + *b - 1, *b);
        }
        number best = args[0];
        for (std::size_t i = 1; i < args.size(); ++i) {
          const bool less = to_double(args[i]) < to_double(best);
          if ((n.name == "min") == less) best = args[i];
        }
        return best;
      }
      default: break;
    }
    const number a = eval(*n.children[0]);
    const number b = eval(*n.children[1]);
    const auto* ia = std::get_if<std::int64_t>(&a);
    const auto* ib = std::get_if<std::int64_t>(&b);
    const bool ints = ia && ib;
    const double da = to_double(a), db = to_double(b);
    switch (n.k) {
      case K::add: return ints ? number{*ia + *ib} : number{da + db};
      case K::sub: return ints ? number{*ia - *ib} : number{da - db};
      case K::mul: return ints ? number{*ia * *ib} : number{da * db};
      case K::div:
        if (db == 0) fail(n, fmt::format("division by zero in expression '{}'", text));
        return da / db;
      case K::floordiv:
        if (db == 0) fail(n, fmt::format("division by zero in expression '{}'", text));
        return ints ? number{floor_div(*ia, *ib)} : number{std::floor(da / db)};
      case K::mod:
        if (db == 0) fail(n, fmt::format("division by zero in expression '{}'", text));
        return ints ? number{*ia - floor_div(*ia, *ib) * *ib} : number{da - std::floor(da / db) * db};
      default: break;
    }
    fail(n, "internal error: unknown expression node");
  }
};

void collect_names(const expr_node& n, std::vector<std::string>& out) {
  if (n.k == expr_node::kind::name) out.push_back(n.name);
  for (const auto& c : n.children) collect_names(*c, out);
}

}  // namespace

expression expression::parse(std::string_view text, source_location where) {
  expression e;
  e.m_text = std::string(text);
  e.m_where = std::move(where);
  parser p(e.m_text, e.m_where);
  e.m_root = p.parse_all();
  return e;
}

expression expression::constant(number value, source_location where) {
  expression e;
  e.m_text = to_string(value);
  e.m_where = std::move(where);
  auto n = std::make_shared<expr_node>();
  n->value = value;
  e.m_root = std::move(n);
  return e;
}

number expression::evaluate(const lookup_fn& lookup) const {
  if (!m_root) throw diagnostic_error(m_where, "empty expression");
  const evaluator ev{m_text, m_where, lookup};
  return ev.eval(*m_root);
}

std::vector<std::string> expression::names() const {
  std::vector<std::string> out;
  if (m_root) collect_names(*m_root, out);
  return out;
}

}  // namespace tb::scenario
