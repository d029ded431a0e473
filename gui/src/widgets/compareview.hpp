// Several traces stacked on one time scale, aligned at a chosen iteration start, beside
// the analysis metrics per trace and a histogram of the gap before the target kernel.
#pragma once

#include "../models/comparemodels.hpp"
#include "timelineview.hpp"

#include <QWidget>

class QComboBox;
class QSplitter;
class QSpinBox;
class QLabel;
class QChartView;
class QChart;

namespace tb::gui {

class MetricsTable;

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);

  /// Analyses every document for `target` (empty: the most frequent kernel) and marks on
  /// each the target kernels its analysis resolved (traceanalysis.hpp).
  void setDocuments(std::vector<TraceDocumentPtr> docs, const QString& target);
  void setTarget(const QString& target);
  /// Aligns every trace at its k-th (0-based) point of `mode`; traces without one stay at
  /// their start (reported in the status label).
  void setAlignment(AlignMode mode, int k);

  TimelineView* timeline() const noexcept { return m_timeline; }
  const MetricsTableModel& metrics() const noexcept { return m_metrics; }
  QChart* histogram() const noexcept { return m_chart; }
  const Histogram& histogramData() const noexcept { return m_histogram; }
  QString statusText() const;

 signals:
  void selectionChanged(const tb::gui::EventRef& ref);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void rebuild();
  void updateAnalysis();
  /// Until the user moves a splitter: the table gets the width its columns need (40-60 % of
  /// the view) and the height its rows need (30-70 %), so the layout follows the contents,
  /// not the order in which the traces finished loading.
  void fitSplit();

  std::vector<TraceDocumentPtr> m_docs;
  QString m_target;
  AlignMode m_mode = AlignMode::iteration;
  int m_k = 0;
  TimelineView* m_timeline = nullptr;
  QComboBox* m_modeBox = nullptr;
  QSpinBox* m_kBox = nullptr;
  QLabel* m_status = nullptr;
  MetricsTable* m_table = nullptr;
  QSplitter* m_split = nullptr;       // timeline | table over chart
  QSplitter* m_rightSplit = nullptr;  // table over chart
  bool m_userSplit = false;
  QChartView* m_chartView = nullptr;
  QChart* m_chart = nullptr;
  MetricsTableModel m_metrics;
  Histogram m_histogram;
};

}  // namespace tb::gui
