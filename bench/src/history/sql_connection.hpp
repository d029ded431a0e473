// The little of SQL the results store needs from a back end (SQLite, PostgreSQL):
// statements with '?' parameters and rows of typed cells. The store's SQL is written once
// over this (sql_store.cpp); each back end turns it into its own calls.
#pragma once

#include "schema.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tb::bench {

// NULL, an integer, a double, a text. A back end may return any column as text
// (PostgreSQL's text results); the row's accessors convert, exactly.
using sql_value = std::variant<std::monostate, std::int64_t, double, std::string>;

struct sql_row {
  std::vector<sql_value> cells;

  bool is_null(std::size_t i) const { return std::holds_alternative<std::monostate>(cells.at(i)); }
  std::int64_t integer(std::size_t i) const;  // NULL: 0
  double real(std::size_t i) const;           // NULL: NaN
  std::string text(std::size_t i) const;      // NULL: ""
};

// A double as the text that reads back as the same double (shortest round trip), and
// that text read back; NaN and the infinities as PostgreSQL writes them.
std::string exact_text(double v);
double parse_exact(std::string_view text);

class sql_connection {
 public:
  virtual ~sql_connection() = default;
  virtual sql_dialect dialect() const = 0;
  // For messages: the file, or the URI without password.
  virtual const std::string& name() const = 0;
  // Runs one statement; its rows (none for most statements). Throws std::runtime_error
  // "NAME: the back end's message" on any error.
  virtual std::vector<sql_row> query(std::string_view sql, const std::vector<sql_value>& params = {}) = 0;
  void execute(std::string_view sql, const std::vector<sql_value>& params = {}) { query(sql, params); }
  // The statement that starts a transaction that will write (SQLite: BEGIN IMMEDIATE,
  // which takes the write lock at once).
  virtual std::string_view begin_write() const = 0;
};

// BEGIN ... COMMIT, rolled back unless commit() was called.
class sql_transaction {
 public:
  explicit sql_transaction(sql_connection& c) : m_c(c) { m_c.execute(m_c.begin_write()); }
  ~sql_transaction();
  sql_transaction(const sql_transaction&) = delete;
  sql_transaction& operator=(const sql_transaction&) = delete;
  void commit() {
    m_c.execute("COMMIT");
    m_done = true;
  }

 private:
  sql_connection& m_c;
  bool m_done = false;
};

// SQLite: the file (its folder made if missing; with create false, a missing file is an
// error). PostgreSQL: the URI (libpq, loaded when first needed).
std::unique_ptr<sql_connection> open_sqlite(const std::string& file, bool create);
std::unique_ptr<sql_connection> open_postgres(const std::string& uri, const std::string& shown);

}  // namespace tb::bench
