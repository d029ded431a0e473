// The SQLite back end of the results store: sql_connection over the SQLite C API.
#include "sql_connection.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace tb::bench {

namespace {

namespace fs = std::filesystem;

class sqlite_connection final : public sql_connection {
 public:
  sqlite_connection(const std::string& file, bool create) : m_name(file) {
    if (!create && !fs::exists(file))
      throw std::runtime_error(file + ": no such results database (record a run first: triton-bench record RESULTS.json)");
    if (create) {
      std::error_code ec;
      if (const auto dir = fs::path(file).parent_path(); !dir.empty()) fs::create_directories(dir, ec);
      if (ec) throw std::runtime_error(file + ": cannot make its folder: " + ec.message());
    }
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(file.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
      const std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
      sqlite3_close(m_db);
      throw std::runtime_error(file + ": cannot open: " + why);
    }
    sqlite3_busy_timeout(m_db, 10000);  // another recording holds the write lock
    execute("PRAGMA foreign_keys = ON");
  }
  ~sqlite_connection() override { sqlite3_close(m_db); }

  sql_dialect dialect() const override { return sql_dialect::sqlite; }
  const std::string& name() const override { return m_name; }
  std::string_view begin_write() const override { return "BEGIN IMMEDIATE"; }

  std::vector<sql_row> query(std::string_view sql, const std::vector<sql_value>& params) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) fail();
    struct finalize {
      sqlite3_stmt* s;
      ~finalize() { sqlite3_finalize(s); }
    } guard{stmt};
    for (std::size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i) + 1, params[i]);
    std::vector<sql_row> rows;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail();
      sql_row row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) row.cells.push_back(cell(stmt, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  [[noreturn]] void fail() const { throw std::runtime_error(m_name + ": " + sqlite3_errmsg(m_db)); }

  void bind(sqlite3_stmt* stmt, int at, const sql_value& v) const {
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(stmt, at);
    else if (const auto* i = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(stmt, at, *i);
    else if (const auto* d = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt, at, *d);
    else {
      const auto& s = std::get<std::string>(v);
      rc = sqlite3_bind_text(stmt, at, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) fail();
  }

  static sql_value cell(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(stmt, c)};
      case SQLITE_FLOAT: return sqlite3_column_double(stmt, c);
      case SQLITE_NULL: return std::monostate{};
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
      }
    }
  }

  std::string m_name;
  sqlite3* m_db = nullptr;
};

}  // namespace

std::unique_ptr<sql_connection> open_sqlite(const std::string& file, bool create) {
  return std::make_unique<sqlite_connection>(file, create);
}

}  // namespace tb::bench
