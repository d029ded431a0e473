// The compare view's metrics table (MetricsTableModel): one row per metric, one column per
// trace.
//
// Layout: metrics as rows, traces as columns, not transposed. One metric is read across
// the traces along a row; 2-8 trace columns of values fit beside the timeline where the 20
// or so metric columns of a transposed table would not, and the metric names, the longest
// labels, sit once in the vertical header, which stays in place while the table scrolls
// sideways (the sticky first column). A column is as wide as its widest value (values are
// never cut); longer text (the target kernel's name, an analysis error, a trace title) is
// elided in the middle, which keeps both ends of a templated name, and the tooltip holds
// it in full. Columns can be widened by hand.
#pragma once

#include <QTableView>

namespace tb::gui {

class MetricsTableModel;

class MetricsTable : public QTableView {
  Q_OBJECT
 public:
  explicit MetricsTable(QWidget* parent = nullptr);
  /// Shows `model` and sizes the columns again whenever it is reset.
  void setMetrics(MetricsTableModel* model);
  /// The width that shows every column without scrolling sideways.
  int fullWidth() const;
  /// The height that shows every row without scrolling (from the contents, not the layout).
  int fullHeight() const;

 private:
  void fitColumns();
  int valueWidth(int column) const;

  MetricsTableModel* m_metrics = nullptr;
};

}  // namespace tb::gui
