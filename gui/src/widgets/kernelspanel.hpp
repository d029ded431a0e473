// Under the timeline: the per-kernel table (KernelStatsModel) of the shown trace, for the
// whole trace or the range selected with shift-drag, and that range's statistics in one
// line above it. Sortable by any column (by value); a click on a row emits the row's
// kernels, which the main window marks on the timeline.
#pragma once

#include "../models/kernelstatsmodel.hpp"

#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace tb::gui {

class KernelsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit KernelsPanel(QWidget* parent = nullptr);
  /// Shows `doc` over the whole trace (clears the range).
  void setDocument(TraceDocumentPtr doc);
  /// Restricts the table to `range` (document-relative ns); nullopt: the whole trace.
  void setRange(std::optional<std::pair<double, double>> range);
  void setByStream(bool on);
  /// Clicks the row shown at `row` (the sorted view's order); false if there is none.
  bool activateRow(int row);
  /// The row (view order) of the first row named `name`, -1 if none.
  int rowNamed(const QString& name) const;

  const KernelStatsModel& model() const noexcept { return m_model; }
  QTableView* table() const noexcept { return m_table; }
  QString summaryText() const;

 signals:
  /// A row was clicked: its kernels in start order (KernelStatsModel::kernelsOf).
  void kernelsActivated(const QString& name, const std::vector<tb::gui::EventIndex>& kernels);
  /// The range was cleared with the "Whole trace" button.
  void rangeCleared();

 private:
  void recompute();

  TraceDocumentPtr m_doc;
  std::optional<std::pair<double, double>> m_range;
  KernelStatsModel m_model;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_table = nullptr;
  QLabel* m_summary = nullptr;
  QCheckBox* m_byStream = nullptr;
  QPushButton* m_whole = nullptr;
};

}  // namespace tb::gui
