// The History view's model: a triton-bench results database (the SQLite file
// `triton-bench --record` writes, schema version 2) read with Qt SQL, read-only. It lists
// the scenarios, the metrics of a scenario and the branches, and gives for (scenario,
// metric, branch) one series per mode: per run, oldest first, the median and its 95 %
// interval, with the run's commit, branch, date and GPU; change points come from a
// detector set on the model (historychangepoints.hpp). No widgets.
#pragma once

#include "historychangepoints.hpp"

#include <QString>
#include <QStringList>

#include <memory>
#include <stdexcept>
#include <vector>

namespace tb::gui {

/// Why a database cannot be read: one line, "FILE: what is wrong".
class HistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HistoryMetric {
  QString id;    ///< "host.time_per_launch"
  QString unit;  ///< "ns", "percent", ... (of the newest run that has it)
};

/// One run's value of one mode and metric.
struct HistoryPoint {
  qint64 runId = 0;
  int x = 0;  ///< position of the run among the selection's runs (0 = oldest)
  QString created;  ///< ISO 8601 UTC
  QString commit;
  QString branch;
  QString gpu;
  QString hostname;
  QString modeStatus;   ///< modes.status, empty when the run has no modes row
  QString checkStatus;  ///< modes.check_status
  qint64 n = 0;
  double median = 0;
  double ciLow = 0;   ///< the median where the database has no interval
  double ciHigh = 0;
};

struct ModeHistory {
  QString mode;  ///< "cubin-cached", "cubin-cached#2"
  std::vector<HistoryPoint> points;       ///< by run id; runs with n = 0 (NULL statistics) left out
  std::vector<ChangePoint> changePoints;  ///< indices into points, ascending
};

struct HistorySelection {
  QString scenario;
  QString metric;
  QString unit;
  QString branch;  ///< empty: every branch
  std::vector<qint64> runs;  ///< run id at each x
  std::vector<ModeHistory> modes;  ///< in mode order (jit, ptx, cubin, ..., repeats after their mode)
};

/// A unit for an axis: values are divided by `divisor` and labelled `label`.
struct ValueScale {
  double divisor = 1;
  QString label;
};
/// ns become µs from 1 000 ns and ms from 1 000 000 ns (by the largest value shown, so
/// the whole axis has one unit); "percent" is "%"; other units stay as they are.
ValueScale scaleFor(const QString& unit, double largest);

class HistoryModel {
 public:
  static constexpr int kSchemaVersion = 2;

  /// Opens `path` read-only and checks it is a results database this viewer reads;
  /// throws HistoryError otherwise.
  explicit HistoryModel(const QString& path);
  ~HistoryModel();
  HistoryModel(const HistoryModel&) = delete;
  HistoryModel& operator=(const HistoryModel&) = delete;

  const QString& path() const noexcept { return m_path; }
  QStringList scenarios() const;
  std::vector<HistoryMetric> metrics(const QString& scenario) const;
  QStringList branches(const QString& scenario) const;
  /// Every mode's series of `metric` in `scenario`, on `branch` (empty: all branches).
  HistorySelection select(const QString& scenario, const QString& metric, const QString& branch = {}) const;

  /// Default: builtinChangePointDetector(). An empty detector marks nothing.
  void setChangePointDetector(ChangePointDetector detector) { m_detector = std::move(detector); }
  bool hasChangePointDetector() const noexcept { return static_cast<bool>(m_detector); }

 private:
  void check() const;
  std::vector<ChangePoint> changePointsOf(const std::vector<HistoryPoint>& points) const;
  [[noreturn]] void fail(const QString& what) const;

  QString m_path;
  QString m_connection;
  ChangePointDetector m_detector;
};

/// The text shown for a clicked point (mode.points[index]): mode and value with its
/// interval, run id and date, commit and branch, GPU and host, and the change point
/// when one starts there.
QString describePoint(const HistorySelection& selection, const ModeHistory& mode, std::size_t index);

/// A value of `unit` as the viewer shows it: durations as formatDuration, percent with
/// one decimal, other units whole or with 4 significant digits.
QString formatValue(double value, const QString& unit);

/// Position of a mode label in the order of `--mode all`, repeats after their mode,
/// unknown labels last.
int modeOrder(const QString& label);

}  // namespace tb::gui
