// The History view: a results database's metric over the runs, one line per mode, its
// 95 % intervals as bands of the line's colour, change points marked on the steps;
// scenario, metric and branch chosen in combo boxes; a click on a point shows the run
// (commit, branch, date, GPU, value) below the chart.
#pragma once

#include "../models/historymodel.hpp"

#include <QWidget>

#include <memory>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPointF;

namespace tb::gui {

class HistoryView : public QWidget {
  Q_OBJECT
 public:
  explicit HistoryView(QWidget* parent = nullptr);
  ~HistoryView() override;

  /// Shows `model` (the first scenario, its first metric, every branch); null clears.
  void setModel(std::unique_ptr<HistoryModel> model);
  HistoryModel* model() const noexcept { return m_model.get(); }
  /// Chooses what is shown (empty: keep that choice; empty branch: all branches). An
  /// unknown name leaves its choice as it is and is named in the returned one-line
  /// error ("scenario 'x' is not in the database (it has: a, b)"); empty when all known.
  QString select(const QString& scenario, const QString& metric, const QString& branch = {});

  const HistorySelection& selection() const noexcept { return m_selection; }
  QChart* chart() const noexcept { return m_chart; }
  QString statusText() const;
  QString detailsText() const;
  /// Colour of a mode's line, band and markers (fixed per mode, so it stays across metrics).
  static QColor colorOf(const QString& mode);

 public slots:
  /// A click on mode `modeIndex` (of selection().modes) at `value` (chart coordinates):
  /// shows the nearest run of that mode below the chart; returns the text.
  QString showPointAt(int modeIndex, const QPointF& value);

 private:
  void fillScenarios();
  void fillMetricsAndBranches();
  void rebuild();
  void addMode(int modeIndex, double divisor);
  void addAxes(double divisor, const QString& unitLabel);
  int nearestPoint(int modeIndex, double x) const;

  std::unique_ptr<HistoryModel> m_model;
  HistorySelection m_selection;
  QComboBox* m_scenarioBox = nullptr;
  QComboBox* m_metricBox = nullptr;
  QComboBox* m_branchBox = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_details = nullptr;
  QChartView* m_chartView = nullptr;
  QChart* m_chart = nullptr;
};

}  // namespace tb::gui
