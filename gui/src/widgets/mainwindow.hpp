// The application window: File menu and drag and drop to open traces (loaded off the UI
// thread with a progress bar), a toolbar with the target kernel, search with
// next/previous and a filter, the timeline with the details panel, the compare view, and
// the history of a results database (File > Open results database, --history DB).
#pragma once

#include "../models/traceloader.hpp"
#include "compareview.hpp"
#include "detailspanel.hpp"
#include "historyview.hpp"
#include "kernelspanel.hpp"
#include "timelineview.hpp"

#include <QMainWindow>
#include <QPointer>

#include <map>

class QComboBox;
class QLineEdit;
class QCheckBox;
class QLabel;
class QProgressBar;
class QTabWidget;
#include <QMessageBox>

namespace tb::gui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  void openFiles(const QStringList& paths);
  /// File > Open's name filter: Chrome/Kineto traces, plain or gzip-compressed.
  static QString traceFileFilter();
  /// Runs the event loop until every pending load finished (or `timeoutMs` passed).
  bool waitForLoads(int timeoutMs = 60000);

  const std::vector<TraceDocumentPtr>& documents() const noexcept { return m_docs; }
  TraceDocumentPtr currentDocument() const;
  void setCurrentDocument(int index);
  TimelineView* timeline() const noexcept { return m_timeline; }
  DetailsPanel* details() const noexcept { return m_details; }
  CompareView* compare() const noexcept { return m_compare; }
  KernelsPanel* kernels() const noexcept { return m_kernels; }
  QTabWidget* tabs() const noexcept { return m_tabs; }
  HistoryView* history() const noexcept { return m_history; }

  /// Opens a results database in the History tab (and shows the tab). On failure: the
  /// one-line reason on stderr, in the status bar and in the non-modal
  /// `historyErrorDialog`; the tab keeps what it showed. Returns whether it opened.
  bool openHistory(const QString& path);
  QMessageBox* historyErrorDialog() const { return m_historyErrorDialog; }

  void setTarget(const QString& target);
  /// Search: sets the text (recomputing the hits) and selects the next/previous hit.
  void findNext();
  void findPrevious();
  void setSearchText(const QString& text);
  std::size_t searchHitCount() const noexcept { return m_hits.size(); }
  int searchPosition() const noexcept { return m_hitIndex; }
  void setFilterEnabled(bool on);
  /// The error dialog currently shown (non-modal), if any.
  QMessageBox* errorDialog() const { return m_errorDialog; }
  QString statusText() const;
  /// "FILE: why" for each trace of the current batch of opens that could not be opened
  /// (a batch ends when every load of it finished and a new open starts).
  const QStringList& loadFailures() const noexcept { return m_failures; }

 signals:
  void documentLoaded(const QString& path);
  /// A trace could not be opened; `message` is the reader's one-line reason.
  void loadFailed(const QString& path, const QString& message);
  /// A results database could not be opened; `message` is "FILE: why".
  void historyFailed(const QString& path, const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void onLoaded(const QString& path, TraceDocumentPtr doc);
  void onFailed(const QString& path, const QString& message);
  void showCurrent();
  QString documentStatus(const TraceDocument& doc) const;
  void updateSearch();
  void stepSearch(int direction);
  void onSelection(const EventRef& ref, bool fromCompare);
  void markKernels(const QString& name, const std::vector<EventIndex>& kernels);

  TraceLoader m_loader;
  std::vector<TraceDocumentPtr> m_docs;
  std::vector<std::uint64_t> m_docOrder;  ///< request number of each document (docs stay in opening order)
  std::map<QString, std::vector<std::uint64_t>> m_requests;
  std::uint64_t m_nextRequest = 0;
  int m_current = -1;
  TimelineView* m_timeline = nullptr;
  DetailsPanel* m_details = nullptr;
  CompareView* m_compare = nullptr;
  KernelsPanel* m_kernels = nullptr;
  HistoryView* m_history = nullptr;
  QTabWidget* m_tabs = nullptr;
  QComboBox* m_traceBox = nullptr;
  QLineEdit* m_targetEdit = nullptr;
  QLineEdit* m_searchEdit = nullptr;
  QCheckBox* m_filterBox = nullptr;
  QLabel* m_status = nullptr;
  QProgressBar* m_progress = nullptr;
  QPointer<QMessageBox> m_errorDialog;
  QPointer<QMessageBox> m_historyErrorDialog;
  QStringList m_failures;
  std::vector<EventIndex> m_hits;
  QString m_hitsFor;
  int m_hitIndex = -1;
};

}  // namespace tb::gui
