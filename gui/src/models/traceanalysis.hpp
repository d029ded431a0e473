// The analysis of one document (tb::profiler::analyze), and the target kernel it resolves.
//
// The target rule lives in one place, the profiler's analysis: an exact kernel name, else
// every kernel whose name contains the pattern, and with no pattern the kernel name with
// the most executions. The viewer never resolves a pattern itself; it marks on the
// document the names the analysis resolved, so the metrics table, the alignment at a
// target launch and the timeline's target highlight and gaps agree.
//
// Further per-document results (per-kernel statistics, statistics of a time range) belong
// here too, beside the analysis they come from.
#pragma once

#include "tracedocument.hpp"

#include <tb/profiler/analysis.hpp>

#include <QString>

#include <variant>

namespace tb::gui {

/// One trace's analysis: one column of the metrics table.
struct TraceAnalysis {
  QString title;
  QString source;   ///< the document's source (file name)
  QString target;   ///< the pattern analysed for (empty: the most frequent kernel)
  std::variant<tb::profiler::analysis_result, QString> result;  ///< or the analysis error
};

/// Analyses `doc` for `target` (empty: the most frequent kernel); errors become text.
TraceAnalysis analyzeDocument(const TraceDocument& doc, const QString& target);

/// Marks on `doc` the target kernels `analysis` resolved (none when it failed). Returns
/// the number of kernel names marked.
int markTarget(TraceDocument& doc, const TraceAnalysis& analysis);

/// analyzeDocument then markTarget; returns the number of kernel names marked.
int setTarget(TraceDocument& doc, const QString& target);

}  // namespace tb::gui
