// results_store over sql_connection: the store's SQL, written once for both back ends.
#include "results_store.hpp"
#include "sql_connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <stdexcept>

namespace tb::bench {

namespace {

using params = std::vector<sql_value>;

// NaN (a metric without samples): NULL. -0.0 as 0.0, the same in both back ends (SQLite
// keeps no sign of zero).
sql_value real(double v) { return std::isnan(v) ? sql_value{} : sql_value{v == 0 ? 0.0 : v}; }
sql_value integer(std::uint64_t v) { return static_cast<std::int64_t>(v); }

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// --- schema ---------------------------------------------------------------------------

std::vector<std::string> table_names(sql_connection& c) {
  const char* sql = c.dialect() == sql_dialect::sqlite
                        ? "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
                        : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";
  std::vector<std::string> names;
  for (const auto& row : c.query(sql)) names.push_back(row.text(0));
  std::sort(names.begin(), names.end());
  return names;
}

// The schema version of a database that has tables: refused unless they are a
// triton-bench database's, of a version this build knows.
int existing_version(sql_connection& c, const std::vector<std::string>& tables) {
  const auto known = schema_tables(schema_version);
  const auto foreign = std::find_if(tables.begin(), tables.end(), [&](const std::string& t) {
    return std::find(known.begin(), known.end(), t) == known.end();
  });
  if (foreign != tables.end() || std::find(tables.begin(), tables.end(), "tb_schema") == tables.end())
    throw std::runtime_error(fmt::format("{}: not a triton-bench results database (it has table{} {}); give --db another "
                                         "file or database",
                                         c.name(), tables.size() == 1 ? "" : "s", fmt::join(tables, ", ")));
  const auto rows = c.query("SELECT version FROM tb_schema");
  if (rows.size() != 1) throw std::runtime_error(c.name() + ": tb_schema has " + std::to_string(rows.size()) + " rows, expected 1");
  const auto version = rows[0].integer(0);
  if (version > schema_version)
    throw std::runtime_error(fmt::format("{}: results database of schema version {}, newer than this triton-bench "
                                         "knows ({}): use a newer triton-bench",
                                         c.name(), version, schema_version));
  if (version < 1) throw std::runtime_error(fmt::format("{}: schema version {}: expected 1 to {}", c.name(), version, schema_version));
  return static_cast<int>(version);
}

// Creates the schema in an empty database, or migrates an older one, in one transaction.
void prepare_schema(sql_connection& c, store_access access) {
  sql_transaction t(c);
  if (c.dialect() == sql_dialect::postgresql)  // runners starting together: one makes the schema
    c.execute("SELECT pg_advisory_xact_lock(7462696700)");
  const auto tables = table_names(c);
  if (tables.empty()) {
    if (access == store_access::existing)
      throw std::runtime_error(c.name() + ": no runs recorded here (record one first: triton-bench record RESULTS.json)");
    for (const auto& s : create_schema(schema_version, c.dialect())) c.execute(s);
  } else {
    for (int v = existing_version(c, tables); v < schema_version; ++v)
      for (const auto& s : migration(v, c.dialect())) c.execute(s);
  }
  t.commit();
}

// --- the filters ----------------------------------------------------------------------

// " AND r.scenario = ? ..." for the fields that are set.
std::string where(const run_filter& f, params& p) {
  std::string sql;
  const std::pair<const char*, const std::string*> eq[] = {
      {"r.scenario", &f.scenario}, {"r.branch", &f.branch}, {"r.gpu_name", &f.gpu}, {"r.hostname", &f.hostname}};
  for (const auto& [column, value] : eq)
    if (!value->empty()) sql += fmt::format(" AND {} = ?", column), p.emplace_back(*value);
  if (!f.commit.empty()) sql += " AND r.git_commit LIKE ?", p.emplace_back(f.commit + "%");
  return sql;
}

std::string limit(std::size_t last, params& p) {
  if (last == 0) return "";
  p.emplace_back(static_cast<std::int64_t>(last));
  return " LIMIT ?";
}

std::vector<std::string> texts(const std::vector<sql_row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

class sql_store final : public results_store {
 public:
  sql_store(std::unique_ptr<sql_connection> c, store_access access) : m_c(std::move(c)) { prepare_schema(*m_c, access); }

  const std::string& name() const override { return m_c->name(); }
  std::int64_t record(const run_summary& run) override;
  run_summary load(std::int64_t run_id) override;
  std::vector<run_row> find(const run_query& q) override;
  std::vector<series_point> series(const series_query& q) override;

  std::vector<std::string> scenarios() override {
    return texts(m_c->query("SELECT DISTINCT scenario FROM runs ORDER BY scenario"));
  }
  std::vector<std::string> mode_labels(const std::string& scenario) override {
    return texts(m_c->query("SELECT DISTINCT m.label FROM modes m JOIN runs r ON r.id = m.run_id WHERE r.scenario = ? "
                            "ORDER BY m.label",
                            {scenario}));
  }
  std::vector<std::string> metric_ids(const std::string& scenario, const std::string& mode) override {
    return texts(m_c->query("SELECT DISTINCT m.metric_id FROM metrics m JOIN runs r ON r.id = m.run_id "
                            "WHERE r.scenario = ? AND m.mode_label = ? ORDER BY m.metric_id",
                            {scenario, mode}));
  }

 private:
  void record_metric(std::int64_t id, const std::string& mode, std::size_t position, const metric_summary& m);
  std::unique_ptr<sql_connection> m_c;
};

// --- record ---------------------------------------------------------------------------

std::int64_t sql_store::record(const run_summary& run) {
  sql_transaction t(*m_c);
  const auto& e = run.env;
  const auto rows = m_c->query(
      "INSERT INTO runs (recorded_at, created, git_commit, branch, hostname, gpu_name, compute_capability, "
      "driver_version, cuda_version, triton_version, torch_version, scenario, launches_per_iteration, rounds, "
      "traced_rounds, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {now_utc(), run.created, run.git_commit, run.branch, run.hostname, e.gpu_name,
       std::int64_t{e.compute_capability}, e.driver_version, e.cuda_version, e.triton_version, e.torch_version,
       run.scenario, integer(run.launches_per_iteration), std::int64_t{run.rounds}, std::int64_t{run.traced_rounds},
       run.source});
  const std::int64_t id = rows.at(0).integer(0);
  for (std::size_t i = 0; i < run.modes.size(); ++i) {
    const auto& m = run.modes[i];
    m_c->execute("INSERT INTO modes (run_id, label, position, status, check_kind, check_status) VALUES (?, ?, ?, ?, ?, ?)",
                 {id, m.label, integer(i), m.status, m.check_kind, m.check_status});
    for (std::size_t k = 0; k < m.metrics.size(); ++k) record_metric(id, m.label, k, m.metrics[k]);
  }
  t.commit();
  return id;
}

void sql_store::record_metric(std::int64_t id, const std::string& mode, std::size_t position, const metric_summary& m) {
  const auto& s = m.stats;
  m_c->execute("INSERT INTO metrics (run_id, mode_label, metric_id, position, unit, units, n, mean, median, ci95_low, "
               "ci95_high, p5, p95, p99, min, max, mad, ci_bootstrap) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {id, mode, m.id, integer(position), m.unit, m.units, integer(s.n), real(s.mean), real(s.median),
                real(s.ci_low), real(s.ci_high), real(s.p5), real(s.p95), real(s.p99), real(s.min), real(s.max),
                real(s.mad), std::int64_t{s.ci_from_bootstrap ? 1 : 0}});
  constexpr std::size_t chunk = 200;  // rows per INSERT, well within both back ends' parameter limits
  for (std::size_t first = 0; first < m.round_medians.size(); first += chunk) {
    const std::size_t last = std::min(first + chunk, m.round_medians.size());
    std::string sql = "INSERT INTO round_medians (run_id, mode_label, metric_id, position, value) VALUES ";
    params p;
    for (std::size_t i = first; i < last; ++i) {
      sql += i == first ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
      p.insert(p.end(), {id, mode, m.id, integer(i), real(m.round_medians[i])});
    }
    m_c->execute(sql, p);
  }
}

// --- load -----------------------------------------------------------------------------

run_summary sql_store::load(std::int64_t run_id) {
  const auto runs = m_c->query(
      "SELECT created, git_commit, branch, hostname, gpu_name, compute_capability, driver_version, cuda_version, "
      "triton_version, torch_version, scenario, launches_per_iteration, rounds, traced_rounds FROM runs WHERE id = ?",
      {run_id});
  if (runs.empty()) throw std::runtime_error(fmt::format("{}: no run {}", name(), run_id));
  const auto& r = runs[0];
  run_summary s;
  s.source = fmt::format("db:{}#{}", name(), run_id);
  s.created = r.text(0), s.git_commit = r.text(1), s.branch = r.text(2), s.hostname = r.text(3);
  s.env = {r.text(4), static_cast<int>(r.integer(5)), r.text(6), r.text(7), r.text(8), r.text(9)};
  s.scenario = r.text(10);
  s.launches_per_iteration = static_cast<std::uint64_t>(r.integer(11));
  s.rounds = static_cast<int>(r.integer(12)), s.traced_rounds = static_cast<int>(r.integer(13));
  std::map<std::string, std::size_t> mode_at;
  for (const auto& m : m_c->query("SELECT label, status, check_kind, check_status FROM modes WHERE run_id = ? "
                                  "ORDER BY position",
                                  {run_id})) {
    mode_at[m.text(0)] = s.modes.size();
    s.modes.push_back({m.text(0), m.text(1), m.text(2), m.text(3), {}});
  }
  std::map<std::pair<std::string, std::string>, metric_summary*> metric_at;
  for (const auto& m : m_c->query("SELECT mode_label, metric_id, unit, units, n, mean, median, ci95_low, ci95_high, p5, "
                                  "p95, p99, min, max, mad, ci_bootstrap FROM metrics WHERE run_id = ? "
                                  "ORDER BY mode_label, position",
                                  {run_id})) {
    metric_summary x;
    x.id = m.text(1), x.unit = m.text(2), x.units = m.text(3);
    auto& st = x.stats;
    st.n = static_cast<std::size_t>(m.integer(4));
    st.mean = m.real(5), st.median = m.real(6), st.ci_low = m.real(7), st.ci_high = m.real(8);
    st.p5 = m.real(9), st.p95 = m.real(10), st.p99 = m.real(11), st.min = m.real(12), st.max = m.real(13);
    st.mad = m.real(14), st.ci_from_bootstrap = m.integer(15) != 0;
    auto& metrics = s.modes.at(mode_at.at(m.text(0))).metrics;
    metrics.push_back(std::move(x));
  }
  for (auto& mode : s.modes)
    for (auto& x : mode.metrics) metric_at[{mode.label, x.id}] = &x;
  for (const auto& v : m_c->query("SELECT mode_label, metric_id, value FROM round_medians WHERE run_id = ? "
                                  "ORDER BY mode_label, metric_id, position",
                                  {run_id}))
    metric_at.at({v.text(0), v.text(1)})->round_medians.push_back(v.real(2));
  return s;
}

// --- find and series ------------------------------------------------------------------

std::vector<run_row> sql_store::find(const run_query& q) {
  params p;
  std::string sql = "SELECT r.id, r.recorded_at, r.created, r.git_commit, r.branch, r.hostname, r.gpu_name, r.scenario, "
                    "r.source FROM runs r WHERE 1 = 1" + where(q.filter, p);
  if (q.run > 0) sql += " AND r.id = ?", p.emplace_back(q.run);
  sql += " ORDER BY r.created DESC, r.id DESC" + limit(q.last, p);
  std::vector<run_row> out;
  for (const auto& r : m_c->query(sql, p))
    out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8)});
  return out;
}

std::vector<series_point> sql_store::series(const series_query& q) {
  params p{q.mode, q.metric};
  std::string sql = "SELECT r.id, r.created, r.git_commit, r.branch, r.hostname, r.gpu_name, m.unit, m.n, m.median, "
                    "m.ci95_low, m.ci95_high FROM runs r JOIN metrics m ON m.run_id = r.id "
                    "WHERE m.mode_label = ? AND m.metric_id = ?" + where(q.filter, p);
  sql += " ORDER BY r.created DESC, r.id DESC" + limit(q.last, p);
  std::vector<series_point> out;
  for (const auto& r : m_c->query(sql, p))
    out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6),
                   static_cast<std::size_t>(r.integer(7)), r.real(8), r.real(9), r.real(10)});
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

std::unique_ptr<results_store> open_store(const db_spec& db, store_access access) {
  auto c = db.type == db_spec::kind::sqlite ? open_sqlite(db.target, access == store_access::create)
                                            : open_postgres(db.target, db.shown());
  return std::make_unique<sql_store>(std::move(c), access);
}

}  // namespace tb::bench
