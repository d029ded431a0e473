// The PostgreSQL back end of the results store: sql_connection over libpq. libpq is
// loaded (dlopen) when a postgresql:// database is first used, so that triton-bench
// starts on a machine without it (a GPU runner that records into SQLite) and says what
// is missing only when it is needed. Values travel as text: doubles as their shortest
// exact text both ways (extra_float_digits = 3), so they round-trip bit for bit.
#include "sql_connection.hpp"

#include <libpq-fe.h>

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>

namespace tb::bench {

namespace {

// The libpq functions used, resolved from libpq.so.5.
struct libpq {
  decltype(&PQconnectdb) connectdb = nullptr;
  decltype(&PQstatus) status = nullptr;
  decltype(&PQerrorMessage) error_message = nullptr;
  decltype(&PQfinish) finish = nullptr;
  decltype(&PQexecParams) exec_params = nullptr;
  decltype(&PQresultStatus) result_status = nullptr;
  decltype(&PQresultErrorMessage) result_error = nullptr;
  decltype(&PQclear) clear = nullptr;
  decltype(&PQntuples) ntuples = nullptr;
  decltype(&PQnfields) nfields = nullptr;
  decltype(&PQgetvalue) get_value = nullptr;
  decltype(&PQgetisnull) get_is_null = nullptr;
  decltype(&PQgetlength) get_length = nullptr;
  decltype(&PQsetNoticeProcessor) set_notice_processor = nullptr;
};

template <class F>
void resolve(void* lib, F& f, const char* name) {
  f = reinterpret_cast<F>(::dlsym(lib, name));
  if (f == nullptr) throw std::runtime_error(std::string("libpq.so.5 has no ") + name);
}

const libpq& load_libpq() {
  static libpq pq;
  static std::string problem;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      problem = std::string("cannot load libpq (Debian: libpq5): ") + ::dlerror();
      return;
    }
    try {
      resolve(lib, pq.connectdb, "PQconnectdb");
      resolve(lib, pq.status, "PQstatus");
      resolve(lib, pq.error_message, "PQerrorMessage");
      resolve(lib, pq.finish, "PQfinish");
      resolve(lib, pq.exec_params, "PQexecParams");
      resolve(lib, pq.result_status, "PQresultStatus");
      resolve(lib, pq.result_error, "PQresultErrorMessage");
      resolve(lib, pq.clear, "PQclear");
      resolve(lib, pq.ntuples, "PQntuples");
      resolve(lib, pq.nfields, "PQnfields");
      resolve(lib, pq.get_value, "PQgetvalue");
      resolve(lib, pq.get_is_null, "PQgetisnull");
      resolve(lib, pq.get_length, "PQgetlength");
      resolve(lib, pq.set_notice_processor, "PQsetNoticeProcessor");
    } catch (const std::exception& e) {
      problem = e.what();
    }
  });
  if (!problem.empty()) throw std::runtime_error(problem);
  return pq;
}

// libpq's messages end in a newline and may go on over lines: the first line.
std::string first_line(const char* text) {
  std::string s = text ? text : "";
  if (const auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

// '?' placeholders as $1, $2, ... (the store's SQL has no '?' inside its literals).
std::string numbered(std::string_view sql) {
  std::string out;
  int n = 0;
  for (const char c : sql)
    if (c == '?') out += "$" + std::to_string(++n);
    else out += c;
  return out;
}

constexpr Oid int8_oid = 20, text_oid = 25, float8_oid = 701;

class postgres_connection final : public sql_connection {
 public:
  postgres_connection(const std::string& uri, std::string shown) : m_pq(load_libpq()), m_name(std::move(shown)) {
    m_conn = m_pq.connectdb(uri.c_str());
    if (m_conn == nullptr || m_pq.status(m_conn) != CONNECTION_OK) {
      const std::string why = m_conn ? first_line(m_pq.error_message(m_conn)) : "out of memory";
      m_pq.finish(m_conn);
      throw std::runtime_error(m_name + ": cannot connect: " + why);
    }
    m_pq.set_notice_processor(m_conn, [](void*, const char*) {}, nullptr);
    execute("SET extra_float_digits = 3");  // shortest exact doubles (PostgreSQL 12+), or 17 digits before
    execute("SET client_min_messages = warning");
  }
  ~postgres_connection() override { m_pq.finish(m_conn); }

  sql_dialect dialect() const override { return sql_dialect::postgresql; }
  const std::string& name() const override { return m_name; }
  std::string_view begin_write() const override { return "BEGIN"; }

  std::vector<sql_row> query(std::string_view sql, const std::vector<sql_value>& params) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& p = params[i];
      if (std::holds_alternative<std::monostate>(p)) continue;
      if (const auto* v = std::get_if<std::int64_t>(&p)) texts[i] = std::to_string(*v), types[i] = int8_oid;
      else if (const auto* d = std::get_if<double>(&p)) texts[i] = exact_text(*d), types[i] = float8_oid;
      else texts[i] = std::get<std::string>(p), types[i] = text_oid;
      values[i] = texts[i].c_str();
    }
    PGresult* res = m_pq.exec_params(m_conn, numbered(sql).c_str(), static_cast<int>(params.size()), types.data(),
                                     values.data(), nullptr, nullptr, 0);
    struct clear {
      const libpq& pq;
      PGresult* r;
      ~clear() { pq.clear(r); }
    } guard{m_pq, res};
    const auto status = res ? m_pq.result_status(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error(m_name + ": " + first_line(res ? m_pq.result_error(res) : m_pq.error_message(m_conn)));
    std::vector<sql_row> rows;
    for (int r = 0; r < m_pq.ntuples(res); ++r) {
      sql_row row;
      for (int c = 0; c < m_pq.nfields(res); ++c) {
        if (m_pq.get_is_null(res, r, c)) row.cells.emplace_back(std::monostate{});
        else
          row.cells.emplace_back(
              std::string(m_pq.get_value(res, r, c), static_cast<std::size_t>(m_pq.get_length(res, r, c))));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  const libpq& m_pq;
  std::string m_name;
  PGconn* m_conn = nullptr;
};

}  // namespace

std::unique_ptr<sql_connection> open_postgres(const std::string& uri, const std::string& shown) {
  return std::make_unique<postgres_connection>(uri, shown);
}

}  // namespace tb::bench
