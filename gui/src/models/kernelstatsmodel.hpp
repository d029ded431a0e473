// The per-kernel table of the timeline tab: tb::profiler::per_kernel_stats of the shown
// trace, for the whole trace or a selected time range, with the range's statistics
// (tb::profiler::compute_range_stats) beside it. The numbers are the CLI's
// (`triton-bench analyze --per-kernel`); this model only formats them.
#pragma once

#include "tracedocument.hpp"

#include <tb/profiler/kernel_stats.hpp>
#include <tb/profiler/range_stats.hpp>

#include <QAbstractTableModel>

#include <optional>
#include <utility>
#include <vector>

namespace tb::gui {

class KernelStatsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { nameColumn, instancesColumn, totalColumn, timePercentColumn, medianColumn, launchApiColumn, launchLatencyColumn,
                gapBeforeColumn, streamColumn, allColumns };
  /// Qt::UserRole: the cell's number (ns, count or percent; the name for text columns), so
  /// that a QSortFilterProxyModel sorts by value, not by text.
  static constexpr int sortRole = Qt::UserRole;

  using QAbstractTableModel::QAbstractTableModel;
  /// Recomputes for `doc` (nullptr: empty) over `range` (document-relative ns, either order;
  /// nullopt: the whole trace), one row per kernel name or per name and stream.
  void compute(TraceDocumentPtr doc, std::optional<std::pair<double, double>> range, bool byStream);

  const std::vector<tb::profiler::kernel_stats_row>& rows() const noexcept { return m_rows; }
  /// The window's statistics; for the whole trace, first start to last end.
  const tb::profiler::range_stats& rangeStats() const noexcept { return m_range; }
  bool hasRange() const noexcept { return m_hasRange; }
  bool byStream() const noexcept { return m_byStream; }
  /// The kernels a row counts (its name, and stream for by-stream rows, starting in the
  /// window), in start order.
  std::vector<EventIndex> kernelsOf(int row) const;
  /// One line: "range 1.20 ms: 45 kernels, GPU busy 63.2 %, gaps 0.440 ms in 44".
  QString summaryText() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QVariant display(const tb::profiler::kernel_stats_row& row, int column) const;
  QVariant value(const tb::profiler::kernel_stats_row& row, int column) const;
  QString tooltip(const tb::profiler::kernel_stats_row& row) const;

  TraceDocumentPtr m_doc;
  std::vector<tb::profiler::kernel_stats_row> m_rows;
  tb::profiler::range_stats m_range;
  bool m_hasRange = false;
  bool m_byStream = false;
};

}  // namespace tb::gui
