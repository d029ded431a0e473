// Small arithmetic expressions used by a scenario's run sections: buffer sizes,
// launch grids and arguments, e.g. "cdiv(N, BLOCK_SIZE)" or "M * K".
//
// Grammar (Python-like precedence):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/' | '//' | '%') unary)*
//   unary   := '-' unary | primary
//   primary := integer | float | name | name '(' expr (',' expr)* ')' | '(' expr ')'
// Functions: cdiv(a, b) (ceiling division of integers), min(a, b, ...), max(a, b, ...).
// Integers are 64-bit; '/' is true division (a float), '//' and '%' floor like Python.
#pragma once

#include <tb/scenario/diagnostic.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tb::scenario {

using number = std::variant<std::int64_t, double>;

double to_double(const number& value) noexcept;
std::string to_string(const number& value);  // "1024", "0.5"

struct expr_node;

class expression {
 public:
  expression() = default;
  // Parses `text`. `where` locates the text in its file: the column of its opening
  // quote (or of a bare value), so errors point at the offending character. Throws
  // diagnostic_error.
  static expression parse(std::string_view text, source_location where);
  static expression constant(number value, source_location where);

  // Looks up a name's value; nullopt for an unknown name.
  using lookup_fn = std::function<std::optional<number>(std::string_view)>;
  // Evaluates; throws diagnostic_error (located at the expression) for an unknown
  // name, a division by zero or a function called with the wrong arguments.
  number evaluate(const lookup_fn& lookup) const;

  const std::string& text() const noexcept { return m_text; }
  const source_location& where() const noexcept { return m_where; }
  bool empty() const noexcept { return m_root == nullptr; }
  std::vector<std::string> names() const;  // every name it reads, in order of appearance

 private:
  std::string m_text;
  source_location m_where;
  std::shared_ptr<const expr_node> m_root;
};

}  // namespace tb::scenario
