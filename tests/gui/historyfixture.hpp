// A results database (schema version 2, as `triton-bench --record` writes it) with known
// rows, for the History model, view and render tests. Synthetic numbers, not measurements.
//
// scenario "sandwich": runs 1..6 (run 5 on branch "feature", the others on "main");
// scenario "other": run 7. Metric host.time_per_launch (ns) per mode:
//   run           1      2      3      4      5      6
//   jit       21000  21100  20900  21050  21020  20980   (CI +-300)
//   cubin     60000      -  61000  60500  60200  60800   (run 2: n = 0, NULL statistics;
//                                                         run 6: n = 1, no interval)
//   cubin-cached 4300 4310  4290   5400   5410   5390    (CI +-20; the step at run 4)
//   cubin-cached#2           4295                         (CI +-25, run 3 only)
// gpu.busy_per_iteration (percent): cubin-cached 40 + run id. Run 7: cubin-cached 9999 ns.
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

#include "models/historychangepoints.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace tb::gui::test {

inline const char* kSchemaV2 = R"sql(
CREATE TABLE tb_schema(version INTEGER NOT NULL);
CREATE TABLE runs(id INTEGER PRIMARY KEY, recorded_at TEXT, created TEXT, git_commit TEXT, branch TEXT,
  hostname TEXT, gpu_name TEXT, compute_capability INTEGER, driver_version TEXT, cuda_version TEXT,
  triton_version TEXT, torch_version TEXT, scenario TEXT, launches_per_iteration INTEGER, rounds INTEGER,
  traced_rounds INTEGER, source TEXT);
CREATE TABLE modes(run_id INTEGER, label TEXT, status TEXT, check_kind TEXT, check_status TEXT,
  PRIMARY KEY(run_id, label));
CREATE TABLE metrics(run_id INTEGER, mode_label TEXT, metric_id TEXT, unit TEXT, units TEXT, n INTEGER,
  mean REAL, median REAL, ci95_low REAL, ci95_high REAL, p5 REAL, p95 REAL, p99 REAL, min REAL, max REAL,
  mad REAL, ci_bootstrap INTEGER, PRIMARY KEY(run_id, mode_label, metric_id));
CREATE TABLE round_medians(run_id INTEGER, mode_label TEXT, metric_id TEXT, position INTEGER, value REAL,
  PRIMARY KEY(run_id, mode_label, metric_id, position));
)sql";

/// Runs `statements` (';'-separated) on a fresh SQLite file `path`; throws on any error.
inline void writeDatabase(const QString& path, const QString& statements) {
  const QString name = QStringLiteral("fixture-%1").arg(path);
  {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    if (!db.open()) throw std::runtime_error(db.lastError().text().toStdString());
    QSqlQuery q(db);
    for (const QString& s : statements.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
      if (s.trimmed().isEmpty()) continue;
      if (!q.exec(s)) throw std::runtime_error((s + QStringLiteral(": ") + q.lastError().text()).toStdString());
    }
    db.close();
  }
  QSqlDatabase::removeDatabase(name);
}

/// A metrics row: NaN median writes NULL statistics (n = 0); NaN half-width writes no interval.
inline QString metricRow(int run, const char* mode, const char* metric, const char* unit, int n, double median,
                         double halfWidth) {
  auto num = [](double v) { return std::isnan(v) ? QStringLiteral("NULL") : QString::number(v, 'g', 17); };
  const double lo = std::isnan(median) || std::isnan(halfWidth) ? NAN : median - halfWidth;
  const double hi = std::isnan(median) || std::isnan(halfWidth) ? NAN : median + halfWidth;
  return QStringLiteral("INSERT INTO metrics(run_id, mode_label, metric_id, unit, units, n, mean, median, ci95_low, "
                        "ci95_high, ci_bootstrap) VALUES (%1, '%2', '%3', '%4', '%4', %5, %6, %6, %7, %8, 0);")
      .arg(run)
      .arg(QLatin1String(mode), QLatin1String(metric), QLatin1String(unit))
      .arg(n)
      .arg(num(median), num(lo), num(hi));
}

/// The commit of run `id` in the fixture: 40 hex digits, "c1c1...".
inline QString commitOf(int id) { return QString(QStringLiteral("c%1").arg(id)).repeated(20); }

inline void writeHistoryFixture(const QString& path) {
  QString sql = QLatin1String(kSchemaV2);
  sql += QStringLiteral("INSERT INTO tb_schema VALUES (2);");
  for (int id = 1; id <= 7; ++id) {
    sql += QStringLiteral("INSERT INTO runs(id, recorded_at, created, git_commit, branch, hostname, gpu_name, "
                          "compute_capability, scenario, launches_per_iteration, rounds, traced_rounds, source) "
                          "VALUES (%1, '2026-12-0%1T10:00:00Z', '2026-12-0%1T09:00:00Z', '%2', '%3', 'gpu-host', "
                          "'NVIDIA H200', 90, '%4', 3, 10, 2, 'run.json');")
               .arg(id)
               .arg(commitOf(id), id == 5 ? QStringLiteral("feature") : QStringLiteral("main"),
                    id == 7 ? QStringLiteral("other") : QStringLiteral("sandwich"));
  }
  const double jit[] = {21000, 21100, 20900, 21050, 21020, 20980};
  const double cubin[] = {60000, NAN, 61000, 60500, 60200, 60800};
  const double cached[] = {4300, 4310, 4290, 5400, 5410, 5390};
  const char* t = "host.time_per_launch";
  for (int id = 1; id <= 6; ++id) {
    const auto i = static_cast<std::size_t>(id - 1);
    sql += metricRow(id, "jit", t, "ns", 200, jit[i], 300);
    sql += metricRow(id, "cubin", t, "ns", id == 2 ? 0 : id == 6 ? 1 : 200, cubin[i], id == 6 ? NAN : 500);
    sql += metricRow(id, "cubin-cached", t, "ns", 200, cached[i], 20);
    sql += metricRow(id, "cubin-cached", "gpu.busy_per_iteration", "percent", 10, 40 + id, 1);
    for (const char* mode : {"jit", "cubin", "cubin-cached"}) {
      sql += QStringLiteral("INSERT INTO modes VALUES (%1, '%2', 'ok', 'output', '%3');")
                 .arg(id)
                 .arg(QLatin1String(mode), QLatin1String(id == 2 && QLatin1String(mode) == QLatin1String("cubin") ? "skipped" : "passed"));
    }
  }
  sql += metricRow(3, "cubin-cached#2", t, "ns", 200, 4295, 25);
  sql += metricRow(7, "cubin-cached", t, "ns", 200, 9999, 10);
  writeDatabase(path, sql);
}

// A longer history for the render test and the docs' screenshot: scenario "sandwich",
// 24 runs on main, host.time_per_launch of four AOT modes with +-3 % deterministic
// jitter and intervals of +-2.5 %; cubin-cached steps up 25 % at the 15th run (index 14),
// graph down 20 % at the 9th (index 8). Synthetic, not measurements.
struct DemoMode {
  const char* mode;
  double level;
  int step;  ///< index where the level changes, -1: none
  double factor;
};
inline const std::vector<DemoMode>& demoModes() {
  static const std::vector<DemoMode> modes = {
      {"ptx-cached", 4600, -1, 1}, {"cubin-cached", 4300, 14, 1.25}, {"library", 4050, -1, 1}, {"graph", 2100, 8, 0.8}};
  return modes;
}
inline constexpr int kDemoRuns = 24;

inline std::vector<double> demoSeries(const DemoMode& m) {
  std::uint32_t state = 12345u + static_cast<std::uint32_t>(m.level);
  std::vector<double> out;
  for (int i = 0; i < kDemoRuns; ++i) {
    state = state * 1664525u + 1013904223u;
    const double jitter = (static_cast<double>(state >> 8) / 16777216.0 - 0.5) * 0.06;
    const double level = m.step >= 0 && i >= m.step ? m.level * m.factor : m.level;
    out.push_back(std::round(level * (1 + jitter)));
  }
  return out;
}

/// The change points demoSeries has by construction, found by recognising the series
/// (a detector for tests: it knows the answer, it does not look for one).
inline std::vector<ChangePoint> demoChangePoints(const std::vector<double>& values) {
  for (const auto& m : demoModes()) {
    if (m.step >= 0 && demoSeries(m) == values) return {{m.step, m.factor - 1}};
  }
  return {};
}

inline void writeDemoHistory(const QString& path) {
  QString sql = QLatin1String(kSchemaV2);
  sql += QStringLiteral("INSERT INTO tb_schema VALUES (2);");
  for (int id = 1; id <= kDemoRuns; ++id) {
    sql += QStringLiteral("INSERT INTO runs(id, created, git_commit, branch, hostname, gpu_name, scenario) VALUES "
                          "(%1, '2026-12-%2T09:00:00Z', '%3', 'main', 'gpu-host', 'NVIDIA H200', 'sandwich');")
               .arg(id)
               .arg(id, 2, 10, QLatin1Char('0'))
               .arg(QStringLiteral("%1").arg(id * 7919, 8, 16, QLatin1Char('0')).repeated(5));
  }
  for (const auto& m : demoModes()) {
    const auto values = demoSeries(m);
    for (int id = 1; id <= kDemoRuns; ++id) {
      const double v = values[static_cast<std::size_t>(id - 1)];
      sql += metricRow(id, m.mode, "host.time_per_launch", "ns", 200, v, std::round(v * 0.025));
    }
  }
  writeDatabase(path, sql);
}

}  // namespace tb::gui::test
