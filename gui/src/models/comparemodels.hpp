// Models of the compare view: where each trace is aligned, the analysis metrics per trace
// (tb::profiler::analyze, shown as the CLI's table shows them) and the histogram of the
// gap before the target kernel.
#pragma once

#include "traceanalysis.hpp"
#include "tracedocument.hpp"

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tb::gui {

enum class AlignMode { traceStart, iteration, targetLaunch };

/// The k-th (0-based) alignment point of a document, relative to its origin:
/// trace start (0), the start of the k-th NVTX iteration range, or the start of the launch
/// call of the k-th target kernel (the kernel's start when no launch call is linked).
/// nullopt when the document has fewer than k + 1 such points or no target is set.
std::optional<double> alignmentPoint(const TraceDocument& doc, AlignMode mode, int k);

/// Rows: target, counts, every metric (median [95 % CI], as tb-trace-analyze prints
/// them), module load totals, GPU busy. Columns: traces.
class MetricsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  using QAbstractTableModel::QAbstractTableModel;
  void setAnalyses(std::vector<TraceAnalysis> analyses);
  const std::vector<TraceAnalysis>& analyses() const noexcept { return m_analyses; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  /// Row index of a metric id ("gap.before_target") or a fixed row name, -1 if absent.
  int rowOf(const QString& name) const;

 private:
  struct RowSpec {
    QString id;
    QString label;
  };
  QString cell(const TraceAnalysis& a, const RowSpec& row, bool tooltip) const;
  std::vector<TraceAnalysis> m_analyses;
  std::vector<RowSpec> m_rows;
};

/// Shared-bin histogram of several sample sets.
struct Histogram {
  std::vector<double> edges;               ///< bins + 1 edges; the last bin also holds everything above
  std::vector<std::vector<int>> counts;    ///< [series][bin]
};
/// `bins` equal bins from the smallest sample to the 99th percentile of all samples (so a
/// few outliers do not squash the rest; they land in the last bin).
Histogram makeHistogram(const std::vector<std::vector<double>>& samples, int bins);

}  // namespace tb::gui
