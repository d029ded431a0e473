#include "historymodel.hpp"

#include "timemapping.hpp"

#include <tb/bench/mode.hpp>

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>

namespace tb::gui {

namespace {

std::atomic<int> nextConnection{0};

QString sqlErrorText(const QSqlError& error) {
  const QString db = error.databaseText().trimmed();
  return db.isEmpty() ? error.text().trimmed() : db;
}

}  // namespace

ValueScale scaleFor(const QString& unit, double largest) {
  if (unit == QLatin1String("ns")) {
    const double a = std::fabs(largest);
    if (a >= 1e9) return {1e9, QStringLiteral("s")};
    if (a >= 1e6) return {1e6, QStringLiteral("ms")};
    if (a >= 1e3) return {1e3, QStringLiteral("µs")};
    return {1, QStringLiteral("ns")};
  }
  if (unit == QLatin1String("percent")) return {1, QStringLiteral("%")};
  return {1, unit};
}

QString formatValue(double value, const QString& unit) {
  if (!std::isfinite(value)) return QStringLiteral("-");
  if (unit == QLatin1String("ns")) return formatDuration(value, 3);
  if (unit == QLatin1String("percent")) return QStringLiteral("%1 %").arg(value, 0, 'f', 1);
  const QString number = value == std::floor(value) && std::fabs(value) < 1e15 ? QString::number(value, 'f', 0)
                                                                                : QString::number(value, 'g', 4);
  return unit.isEmpty() ? number : QStringLiteral("%1 %2").arg(number, unit);
}

int modeOrder(const QString& label) {
  const auto parsed = tb::bench::parse_mode_label(label.toStdString());
  if (!parsed) return 1'000'000;
  return static_cast<int>(parsed->kind) * 10'000 + parsed->instance;
}

HistoryModel::HistoryModel(const QString& path)
    : m_path(path),
      m_connection(QStringLiteral("tb-history-%1").arg(nextConnection++)),
      m_detector(builtinChangePointDetector()) {
  const QFileInfo info(path);
  if (!info.exists()) fail(QStringLiteral("cannot open: No such file or directory"));
  if (info.isDir()) fail(QStringLiteral("cannot open: is a directory"));
  if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
    fail(QStringLiteral("cannot open: Qt's SQLite driver (QSQLITE) is not installed (Debian: libqt6sql6-sqlite)"));
  try {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!db.open()) fail(QStringLiteral("cannot open: %1").arg(sqlErrorText(db.lastError())));
    check();
  } catch (...) {
    QSqlDatabase::removeDatabase(m_connection);
    throw;
  }
}

HistoryModel::~HistoryModel() {
  {
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    db.close();
  }
  QSqlDatabase::removeDatabase(m_connection);
}

void HistoryModel::fail(const QString& what) const {
  throw HistoryError(QStringLiteral("%1: %2").arg(m_path, what).toStdString());
}

namespace {

// Runs `sql` with `binds` in order; a failure throws the driver's text via `fail`.
template <typename Fail>
QSqlQuery execute(const QString& connection, const QString& sql, const QVariantList& binds, Fail fail) {
  QSqlQuery q(QSqlDatabase::database(connection, false));
  q.setForwardOnly(true);
  if (!q.prepare(sql)) fail(q.lastError());
  for (const auto& b : binds) q.addBindValue(b);
  if (!q.exec()) fail(q.lastError());
  return q;
}

}  // namespace

void HistoryModel::check() const {
  auto notSqlite = [this](const QSqlError& e) {
    fail(QStringLiteral("not a triton-bench results database (cannot read it as SQLite: %1)").arg(sqlErrorText(e)));
  };
  auto q = execute(m_connection, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"), {}, notSqlite);
  std::set<QString> tables;
  while (q.next()) tables.insert(q.value(0).toString());
  if (!tables.count(QStringLiteral("tb_schema")))
    fail(QStringLiteral("not a triton-bench results database (no tb_schema table)"));
  auto bad = [this](const QSqlError& e) { fail(QStringLiteral("cannot read tb_schema: %1").arg(sqlErrorText(e))); };
  auto v = execute(m_connection, QStringLiteral("SELECT version FROM tb_schema"), {}, bad);
  std::vector<qint64> versions;
  while (v.next()) versions.push_back(v.value(0).toLongLong());
  if (versions.size() != 1)
    fail(QStringLiteral("tb_schema has %1 rows (expected one: the schema version)").arg(versions.size()));
  const qint64 version = versions.front();
  if (version > kSchemaVersion)
    fail(QStringLiteral("schema version %1 is newer than this viewer reads (%2)").arg(version).arg(kSchemaVersion));
  if (version < kSchemaVersion)
    fail(QStringLiteral("schema version %1 is older than this viewer reads (%2)").arg(version).arg(kSchemaVersion));
  for (const char* table : {"runs", "modes", "metrics"}) {
    if (!tables.count(QLatin1String(table)))
      fail(QStringLiteral("not a triton-bench results database (schema version 2 but no %1 table)").arg(QLatin1String(table)));
  }
}

QStringList HistoryModel::scenarios() const {
  auto bad = [this](const QSqlError& e) { fail(QStringLiteral("cannot read runs: %1").arg(sqlErrorText(e))); };
  auto q = execute(m_connection,
                   QStringLiteral("SELECT DISTINCT scenario FROM runs WHERE scenario IS NOT NULL ORDER BY scenario"), {}, bad);
  QStringList out;
  while (q.next()) out << q.value(0).toString();
  return out;
}

std::vector<HistoryMetric> HistoryModel::metrics(const QString& scenario) const {
  auto bad = [this](const QSqlError& e) { fail(QStringLiteral("cannot read metrics: %1").arg(sqlErrorText(e))); };
  // Newest run first, so that each metric keeps the unit it has now.
  auto q = execute(m_connection,
                   QStringLiteral("SELECT m.metric_id, m.unit FROM metrics m JOIN runs r ON r.id = m.run_id "
                                  "WHERE r.scenario = ? ORDER BY m.run_id DESC"),
                   {scenario}, bad);
  std::map<QString, QString> units;
  while (q.next()) units.try_emplace(q.value(0).toString(), q.value(1).toString());
  std::vector<HistoryMetric> out;
  for (auto& [id, unit] : units) out.push_back({id, unit});
  return out;
}

QStringList HistoryModel::branches(const QString& scenario) const {
  auto bad = [this](const QSqlError& e) { fail(QStringLiteral("cannot read runs: %1").arg(sqlErrorText(e))); };
  auto q = execute(m_connection,
                   QStringLiteral("SELECT DISTINCT branch FROM runs WHERE scenario = ? AND branch IS NOT NULL "
                                  "ORDER BY branch"),
                   {scenario}, bad);
  QStringList out;
  while (q.next()) out << q.value(0).toString();
  return out;
}

HistorySelection HistoryModel::select(const QString& scenario, const QString& metric, const QString& branch) const {
  auto bad = [this](const QSqlError& e) { fail(QStringLiteral("cannot read metrics: %1").arg(sqlErrorText(e))); };
  QString sql = QStringLiteral(
      "SELECT r.id, r.created, r.git_commit, r.branch, r.gpu_name, r.hostname, m.mode_label, m.n, m.median, "
      "m.ci95_low, m.ci95_high, m.unit, mo.status, mo.check_status "
      "FROM metrics m JOIN runs r ON r.id = m.run_id "
      "LEFT JOIN modes mo ON mo.run_id = m.run_id AND mo.label = m.mode_label "
      "WHERE r.scenario = ? AND m.metric_id = ?");
  QVariantList binds{scenario, metric};
  if (!branch.isEmpty()) {
    sql += QStringLiteral(" AND r.branch = ?");
    binds << branch;
  }
  sql += QStringLiteral(" ORDER BY r.id, m.mode_label");
  auto q = execute(m_connection, sql, binds, bad);

  HistorySelection s{scenario, metric, {}, branch, {}, {}};
  std::map<QString, std::vector<HistoryPoint>> byMode;
  while (q.next()) {
    const qint64 run = q.value(0).toLongLong();
    if (s.runs.empty() || s.runs.back() != run) s.runs.push_back(run);
    if (!q.value(11).isNull()) s.unit = q.value(11).toString();  // ordered by run: the newest wins
    auto& points = byMode[q.value(6).toString()];
    if (q.value(8).isNull()) continue;  // n = 0: no statistics
    HistoryPoint p;
    p.runId = run;
    p.x = static_cast<int>(s.runs.size()) - 1;
    p.created = q.value(1).toString();
    p.commit = q.value(2).toString();
    p.branch = q.value(3).toString();
    p.gpu = q.value(4).toString();
    p.hostname = q.value(5).toString();
    p.n = q.value(7).toLongLong();
    p.median = q.value(8).toDouble();
    p.ciLow = q.value(9).isNull() ? p.median : q.value(9).toDouble();
    p.ciHigh = q.value(10).isNull() ? p.median : q.value(10).toDouble();
    p.modeStatus = q.value(12).toString();
    p.checkStatus = q.value(13).toString();
    points.push_back(std::move(p));
  }
  for (auto& [mode, points] : byMode) {
    if (!points.empty()) s.modes.push_back({mode, std::move(points), {}});
  }
  std::stable_sort(s.modes.begin(), s.modes.end(),
                   [](const ModeHistory& a, const ModeHistory& b) { return modeOrder(a.mode) < modeOrder(b.mode); });
  for (auto& m : s.modes) m.changePoints = changePointsOf(m.points);
  return s;
}

// What the detector says, kept to indices that start a new level inside the series,
// ascending, one per index.
std::vector<ChangePoint> HistoryModel::changePointsOf(const std::vector<HistoryPoint>& points) const {
  if (!m_detector || points.size() < 2) return {};
  std::vector<double> values;
  values.reserve(points.size());
  for (const auto& p : points) values.push_back(p.median);
  std::vector<ChangePoint> found = m_detector(values);
  std::erase_if(found, [&](const ChangePoint& c) { return c.index < 1 || c.index >= static_cast<int>(points.size()); });
  std::stable_sort(found.begin(), found.end(), [](const ChangePoint& a, const ChangePoint& b) { return a.index < b.index; });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const ChangePoint& a, const ChangePoint& b) { return a.index == b.index; }),
              found.end());
  return found;
}

QString describePoint(const HistorySelection& selection, const ModeHistory& mode, std::size_t index) {
  if (index >= mode.points.size()) return {};
  const auto& p = mode.points[index];
  const QString& unit = selection.unit;
  QStringList lines;
  lines << QStringLiteral("%1 %2: %3 [95 % CI %4 .. %5], n = %6")
               .arg(mode.mode, selection.metric, formatValue(p.median, unit), formatValue(p.ciLow, unit),
                    formatValue(p.ciHigh, unit))
               .arg(p.n);
  lines << QStringLiteral("run %1, %2").arg(p.runId).arg(p.created.isEmpty() ? QStringLiteral("(no date)") : p.created);
  lines << QStringLiteral("commit %1 on %2")
               .arg(p.commit.isEmpty() ? QStringLiteral("(unknown)") : p.commit,
                    p.branch.isEmpty() ? QStringLiteral("(no branch)") : p.branch);
  lines << QStringLiteral("GPU %1, host %2")
               .arg(p.gpu.isEmpty() ? QStringLiteral("(unknown)") : p.gpu,
                    p.hostname.isEmpty() ? QStringLiteral("(unknown)") : p.hostname);
  if (!p.checkStatus.isEmpty()) lines << QStringLiteral("mode %1, check %2").arg(p.modeStatus, p.checkStatus);
  for (const auto& c : mode.changePoints) {
    if (c.index == static_cast<int>(index))
      lines << QStringLiteral("change point: %1%2 % from the level before")
                   .arg(c.relativeChange >= 0 ? QStringLiteral("+") : QString())
                   .arg(c.relativeChange * 100, 0, 'f', 1);
  }
  return lines.join(QLatin1Char('\n'));
}

}  // namespace tb::gui
