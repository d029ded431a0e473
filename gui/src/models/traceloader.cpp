#include "traceloader.hpp"

#include <tb/profiler/trace_error.hpp>

#include <QMetaObject>
#include <QPointer>
#include <QThread>

namespace tb::gui {

TraceLoader::TraceLoader(QObject* parent) : QObject(parent) {
  qRegisterMetaType<tb::gui::TraceDocumentPtr>("tb::gui::TraceDocumentPtr");
}

TraceLoader::~TraceLoader() {
  // Workers post back to this object: let them finish before it goes away.
  for (const auto& worker : m_workers) {
    if (worker) worker->wait();
  }
}

void TraceLoader::load(const QString& path) {
  ++m_pending;
  QPointer<TraceLoader> self(this);
  QThread* worker = QThread::create([self, path] {
    auto post = [&](auto fn) {
      if (self) QMetaObject::invokeMethod(self.data(), fn, Qt::QueuedConnection);
    };
    try {
      auto doc = TraceDocument::load(path.toStdString(), [&](int percent, const QString& stage) {
        post([self, path, percent, stage] {
          if (self) emit self->progress(path, percent, stage);
        });
      });
      post([self, path, doc] {
        if (!self) return;
        --self->m_pending;
        emit self->loaded(path, doc);
        if (self && self->m_pending == 0) emit self->idle();
      });
    } catch (const std::exception& error) {
      const QString message = QString::fromUtf8(error.what());
      post([self, path, message] {
        if (!self) return;
        --self->m_pending;
        emit self->failed(path, message);
        if (self && self->m_pending == 0) emit self->idle();
      });
    }
  });
  connect(worker, &QThread::finished, worker, &QObject::deleteLater);
  m_workers.emplace_back(worker);
  worker->start();
}

}  // namespace tb::gui
