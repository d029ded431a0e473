#include "kernelstatsmodel.hpp"

#include <tb/profiler/analysis.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tb::gui {

namespace prof = tb::profiler;

namespace {

QString duration(double ns) {
  return std::isnan(ns) ? QStringLiteral("-") : QString::fromStdString(prof::format_duration(ns));
}

// "median [low .. high] (n)" of a summary, for tooltips.
QString withInterval(const prof::summary& s) {
  if (s.n == 0) return QStringLiteral("-");
  return QStringLiteral("%1 [%2 .. %3] (n %4)").arg(duration(s.median), duration(s.ci_low), duration(s.ci_high)).arg(s.n);
}

double medianOrNan(const prof::summary& s) { return s.n == 0 ? std::numeric_limits<double>::quiet_NaN() : s.median; }

}  // namespace

void KernelStatsModel::compute(TraceDocumentPtr doc, std::optional<std::pair<double, double>> range, bool byStream) {
  beginResetModel();
  m_rows.clear();
  m_range = {};
  m_hasRange = range.has_value();
  m_byStream = byStream;
  m_doc = doc;
  if (doc) {
    prof::kernel_stats_options options;
    options.by_stream = byStream;
    options.statistics.bootstrap_max_samples = 0;  // order-statistic intervals: cheap on every selection
    std::int64_t begin = doc->originNs();
    std::int64_t end = begin + static_cast<std::int64_t>(std::llround(doc->spanNs()));
    if (range) {
      begin = doc->originNs() + static_cast<std::int64_t>(std::llround(std::min(range->first, range->second)));
      end = doc->originNs() + static_cast<std::int64_t>(std::llround(std::max(range->first, range->second)));
      options.begin_ns = begin;
      options.end_ns = end;
    }
    m_rows = prof::per_kernel_stats(doc->trace(), options);
    m_range = prof::compute_range_stats(doc->trace(), begin, end);
  }
  endResetModel();
}

std::vector<EventIndex> KernelStatsModel::kernelsOf(int row) const {
  std::vector<EventIndex> found;
  if (!m_doc || row < 0 || row >= rowCount()) return found;
  const auto& r = m_rows[static_cast<std::size_t>(row)];
  const auto name = m_doc->trace().strings().find(r.name);
  if (!name) return found;
  const auto events = m_doc->trace().events();
  for (EventIndex i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.kind != prof::event_kind::kernel || e.name != *name || (m_byStream && e.track != r.track)) continue;
    if (m_hasRange && (e.start_ns < m_range.begin_ns || e.start_ns >= m_range.end_ns)) continue;
    found.push_back(i);
  }
  std::stable_sort(found.begin(), found.end(), [&](EventIndex a, EventIndex b) { return events[a].start_ns < events[b].start_ns; });
  return found;
}

QString KernelStatsModel::summaryText() const {
  const auto& r = m_range;
  const QString what = m_hasRange ? tr("range %1").arg(duration(static_cast<double>(r.end_ns - r.begin_ns)))
                                  : tr("whole trace %1").arg(duration(static_cast<double>(r.end_ns - r.begin_ns)));
  return tr("%1: %2 kernels (%3 names), GPU busy %4 %, gaps between GPU work %5 in %6")
      .arg(what)
      .arg(r.kernels)
      .arg(m_rows.size())
      .arg(r.busy_percent, 0, 'f', 1)
      .arg(duration(static_cast<double>(r.gaps_ns)))
      .arg(r.gaps);
}

int KernelStatsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int KernelStatsModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  return m_byStream ? allColumns : allColumns - 1;
}

QVariant KernelStatsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  static const char* const names[] = {"Kernel",     "Instances",      "Total",      "Time %", "Median",
                                      "Launch API", "Launch latency", "Gap before", "Stream"};
  static const char* const tips[] = {
      "The kernel's name (elided in the middle; the tooltip has it whole)",
      "Kernels of this name that started in the range",
      "Summed duration",
      "Share of the summed duration of every kernel in the table",
      "Median duration",
      "Median duration of the launch call (same correlation id)",
      "Median time from the launch call's start to the kernel's start",
      "Median idle time on the kernel's stream before it (end of the previous GPU work to its start)",
      "The GPU stream (by-stream rows)"};
  if (section < 0 || section >= allColumns) return {};
  if (role == Qt::DisplayRole) return tr(names[section]);
  if (role == Qt::ToolTipRole) return tr(tips[section]);
  return {};
}

QVariant KernelStatsModel::display(const prof::kernel_stats_row& row, int column) const {
  switch (column) {
    case nameColumn: return QString::fromStdString(row.name);
    case instancesColumn: return QString::number(row.count);
    case totalColumn: return duration(static_cast<double>(row.total_ns));
    case timePercentColumn: return QStringLiteral("%1 %").arg(row.time_percent, 0, 'f', 1);
    case medianColumn: return duration(medianOrNan(row.duration));
    case launchApiColumn: return duration(medianOrNan(row.launch_api));
    case launchLatencyColumn: return duration(medianOrNan(row.launch_latency));
    case gapBeforeColumn: return duration(medianOrNan(row.gap_before));
    case streamColumn: return QString::fromStdString(row.stream);
    default: return {};
  }
}

QVariant KernelStatsModel::value(const prof::kernel_stats_row& row, int column) const {
  switch (column) {
    case nameColumn: return QString::fromStdString(row.name);
    case instancesColumn: return static_cast<qulonglong>(row.count);
    case totalColumn: return static_cast<qlonglong>(row.total_ns);
    case timePercentColumn: return row.time_percent;
    case medianColumn: return medianOrNan(row.duration);
    case launchApiColumn: return medianOrNan(row.launch_api);
    case launchLatencyColumn: return medianOrNan(row.launch_latency);
    case gapBeforeColumn: return medianOrNan(row.gap_before);
    case streamColumn: return QString::fromStdString(row.stream);
    default: return {};
  }
}

QString KernelStatsModel::tooltip(const prof::kernel_stats_row& row) const {
  QString tip = QString::fromStdString(row.name);
  if (!row.stream.empty()) tip += QStringLiteral("\n%1").arg(QString::fromStdString(row.stream));
  tip += tr("\n%1 instances, total %2 (%3 % of kernel time)").arg(row.count).arg(duration(static_cast<double>(row.total_ns))).arg(row.time_percent, 0, 'f', 1);
  tip += tr("\nduration: median %1; min %2, max %3, stddev %4")
             .arg(withInterval(row.duration), duration(row.duration.min), duration(row.duration.max), duration(row.duration_stddev_ns));
  tip += tr("\nlaunch API: %1\nlaunch latency: %2\ngap before: %3")
             .arg(withInterval(row.launch_api), withInterval(row.launch_latency), withInterval(row.gap_before));
  return tip + tr("\n(medians with their 95 % intervals; click to mark every launch in the range)");
}

QVariant KernelStatsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const auto& row = m_rows[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole: return display(row, index.column());
    case sortRole: return value(row, index.column());
    case Qt::ToolTipRole: return tooltip(row);
    case Qt::TextAlignmentRole:
      return index.column() == nameColumn || index.column() == streamColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                                : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default: return {};
  }
}

}  // namespace tb::gui
