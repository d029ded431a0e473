// Loads traces off the UI thread: reading and indexing run on a worker thread, results
// come back as queued signals (the pattern of hotspot's PerfParser).
#pragma once

#include "tracedocument.hpp"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QString>

#include <memory>
#include <vector>

namespace tb::gui {

class TraceLoader : public QObject {
  Q_OBJECT
 public:
  explicit TraceLoader(QObject* parent = nullptr);
  ~TraceLoader() override;

  /// Starts loading `path` on a worker thread (several loads may run at once).
  void load(const QString& path);
  int pending() const noexcept { return m_pending; }

 signals:
  void progress(const QString& path, int percent, const QString& stage);
  void loaded(const QString& path, tb::gui::TraceDocumentPtr doc);
  /// `message` is the trace_error's one-line text.
  void failed(const QString& path, const QString& message);
  void idle();

 private:
  int m_pending = 0;
  std::vector<QPointer<QThread>> m_workers;
};

}  // namespace tb::gui
