#include "traceanalysis.hpp"

namespace tb::gui {

namespace prof = tb::profiler;

TraceAnalysis analyzeDocument(const TraceDocument& doc, const QString& target) {
  TraceAnalysis a;
  a.title = doc.title();
  a.source = doc.sourceName();
  a.target = target;
  try {
    prof::analysis_options options;
    options.target = target.toStdString();
    a.result = prof::analyze(doc.trace(), options);
  } catch (const std::exception& error) {
    a.result = QString::fromUtf8(error.what());
  }
  return a;
}

int markTarget(TraceDocument& doc, const TraceAnalysis& analysis) {
  const auto* r = std::get_if<prof::analysis_result>(&analysis.result);
  return doc.setTargetNames(analysis.target, r ? r->target_names : std::vector<std::string>{});
}

int setTarget(TraceDocument& doc, const QString& target) { return markTarget(doc, analyzeDocument(doc, target)); }

}  // namespace tb::gui
