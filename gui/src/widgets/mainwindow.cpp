#include "mainwindow.hpp"

#include <QAction>

#include <algorithm>
#include <cstdio>

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

namespace tb::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("triton-bench trace viewer"));
  setAcceptDrops(true);
  resize(1600, 900);

  auto* file = menuBar()->addMenu(tr("&File"));
  auto* open = file->addAction(tr("&Open..."), this, [this] {
    openFiles(QFileDialog::getOpenFileNames(this, tr("Open traces"), {}, traceFileFilter()));
  });
  open->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open results &database..."), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a results database"), {},
                                                      tr("triton-bench results (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty()) openHistory(path);
  });
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* bar = addToolBar(tr("Trace"));
  bar->setObjectName(QStringLiteral("mainToolBar"));
  bar->setMovable(false);
  bar->addWidget(new QLabel(tr(" Trace ")));
  m_traceBox = new QComboBox;
  m_traceBox->setObjectName(QStringLiteral("traceBox"));
  m_traceBox->setMinimumContentsLength(18);
  bar->addWidget(m_traceBox);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" Target kernel ")));
  m_targetEdit = new QLineEdit;
  m_targetEdit->setObjectName(QStringLiteral("targetEdit"));
  m_targetEdit->setPlaceholderText(tr("name or part of it"));
  m_targetEdit->setMaximumWidth(200);
  bar->addWidget(m_targetEdit);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" Search ")));
  m_searchEdit = new QLineEdit;
  m_searchEdit->setObjectName(QStringLiteral("searchEdit"));
  m_searchEdit->setPlaceholderText(tr("event name"));
  m_searchEdit->setMaximumWidth(200);
  bar->addWidget(m_searchEdit);
  auto* prev = bar->addAction(tr("◀ Prev"), this, &MainWindow::findPrevious);
  prev->setShortcut(QKeySequence::FindPrevious);
  auto* next = bar->addAction(tr("Next ▶"), this, &MainWindow::findNext);
  next->setShortcut(QKeySequence::FindNext);
  m_filterBox = new QCheckBox(tr("Filter"));
  m_filterBox->setObjectName(QStringLiteral("filterBox"));
  m_filterBox->setToolTip(tr("Hide every event whose name does not contain the search text"));
  bar->addWidget(m_filterBox);
  bar->addSeparator();
  bar->addAction(tr("Fit all (0)"), this, [this] { m_timeline->fitAll(); });

  m_timeline = new TimelineView;
  m_timeline->setObjectName(QStringLiteral("timeline"));
  m_details = new DetailsPanel;
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(m_timeline);
  split->addWidget(m_details);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  split->setSizes({1250, 350});
  m_kernels = new KernelsPanel;
  m_kernels->setObjectName(QStringLiteral("kernelsPanel"));
  auto* timelineTab = new QSplitter(Qt::Vertical);
  timelineTab->addWidget(split);
  timelineTab->addWidget(m_kernels);
  timelineTab->setStretchFactor(0, 3);
  timelineTab->setStretchFactor(1, 1);
  m_compare = new CompareView;
  m_tabs = new QTabWidget;
  m_tabs->addTab(timelineTab, tr("Timeline"));
  m_tabs->addTab(m_compare, tr("Compare"));
  m_history = new HistoryView;
  m_tabs->addTab(m_history, tr("History"));
  setCentralWidget(m_tabs);

  m_status = new QLabel;
  m_status->setObjectName(QStringLiteral("statusLabel"));
  statusBar()->addWidget(m_status, 1);
  m_progress = new QProgressBar;
  m_progress->setObjectName(QStringLiteral("loadProgress"));
  m_progress->setMaximumWidth(260);
  m_progress->setVisible(false);
  statusBar()->addPermanentWidget(m_progress);

  connect(&m_loader, &TraceLoader::loaded, this, &MainWindow::onLoaded);
  connect(&m_loader, &TraceLoader::failed, this, &MainWindow::onFailed);
  connect(&m_loader, &TraceLoader::progress, this, [this](const QString& path, int percent, const QString& stage) {
    // The reader gives no progress while it parses: busy indicator until indexing starts.
    if (stage == QLatin1String("reading")) {
      m_progress->setRange(0, 0);
    } else {
      m_progress->setRange(0, 100);
      m_progress->setValue(percent);
    }
    m_progress->setFormat(QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), stage));
    m_progress->setVisible(true);
  });
  connect(&m_loader, &TraceLoader::idle, this, [this] { m_progress->setVisible(false); });
  connect(m_traceBox, &QComboBox::currentIndexChanged, this, &MainWindow::setCurrentDocument);
  connect(m_targetEdit, &QLineEdit::editingFinished, this, [this] { setTarget(m_targetEdit->text()); });
  connect(m_searchEdit, &QLineEdit::returnPressed, this, &MainWindow::findNext);
  connect(m_searchEdit, &QLineEdit::textChanged, this, [this] {
    if (m_filterBox->isChecked()) setFilterEnabled(true);
  });
  connect(m_filterBox, &QCheckBox::toggled, this, &MainWindow::setFilterEnabled);
  connect(m_timeline, &TimelineView::selectionChanged, this, [this](const EventRef& ref) { onSelection(ref, false); });
  connect(m_compare, &CompareView::selectionChanged, this, [this](const EventRef& ref) { onSelection(ref, true); });
  connect(m_timeline, &TimelineView::rangeSelected, this, [this](double ns) {
    m_kernels->setRange(m_timeline->range());
    m_status->setText(tr("selected range: %1").arg(formatDuration(ns, 4)));
  });
  connect(m_timeline, &TimelineView::rangeCleared, this, [this] { m_kernels->setRange(std::nullopt); });
  connect(m_kernels, &KernelsPanel::rangeCleared, this, [this] { m_timeline->setRange(std::nullopt); });
  connect(m_kernels, &KernelsPanel::kernelsActivated, this, &MainWindow::markKernels);
}

QString MainWindow::traceFileFilter() {
  // The reader tells gzip from plain JSON by its magic bytes, whatever the name.
  return tr("Traces (*.json *.json.gz);;All files (*)");
}

void MainWindow::openFiles(const QStringList& paths) {
  if (m_loader.pending() == 0) m_failures.clear();  // a new batch
  for (const auto& path : paths) {
    if (path.isEmpty()) continue;
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    m_requests[path].push_back(m_nextRequest++);
    m_loader.load(path);
  }
}

bool MainWindow::waitForLoads(int timeoutMs) {
  QElapsedTimer timer;
  timer.start();
  while (m_loader.pending() > 0 && timer.elapsed() < timeoutMs) {
    QEventLoop loop;
    QTimer::singleShot(20, &loop, &QEventLoop::quit);
    connect(&m_loader, &TraceLoader::idle, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return m_loader.pending() == 0;
}

TraceDocumentPtr MainWindow::currentDocument() const {
  return m_current >= 0 && m_current < static_cast<int>(m_docs.size()) ? m_docs[static_cast<std::size_t>(m_current)]
                                                                          : nullptr;
}

void MainWindow::onLoaded(const QString& path, TraceDocumentPtr doc) {
  // Loads finish in any order; keep the documents in the order they were asked for.
  auto& pending = m_requests[path];
  const std::uint64_t request = pending.empty() ? m_nextRequest++ : pending.front();
  if (!pending.empty()) pending.erase(pending.begin());
  const auto at = static_cast<std::size_t>(std::upper_bound(m_docOrder.begin(), m_docOrder.end(), request) - m_docOrder.begin());
  m_docOrder.insert(m_docOrder.begin() + static_cast<std::ptrdiff_t>(at), request);
  m_docs.insert(m_docs.begin() + static_cast<std::ptrdiff_t>(at), doc);
  const QSignalBlocker block(m_traceBox);
  m_traceBox->insertItem(static_cast<int>(at), QStringLiteral("%1 (%2)").arg(doc->title(), QFileInfo(path).fileName()));
  m_traceBox->setCurrentIndex(static_cast<int>(at));
  m_compare->setDocuments(m_docs, m_targetEdit->text());  // resolves every document's target
  setCurrentDocument(static_cast<int>(at));  // the status bar describes it
  emit documentLoaded(path);
}

// The shown trace's summary, and every file of the batch that could not be opened.
QString MainWindow::documentStatus(const TraceDocument& doc) const {
  QString status = tr("%1: %2 events, %3 tracks, %4 launch-to-GPU links")
                       .arg(QFileInfo(doc.sourceName()).fileName())
                       .arg(doc.eventCount())
                       .arg(doc.tracks().size())
                       .arg(doc.flowCount());
  if (!m_failures.isEmpty()) status += tr("; could not open: %1").arg(m_failures.join(QStringLiteral("; ")));
  return status;
}

// Every failure of the batch stays named: on stderr (one line each), in the status bar
// and in one dialog that lists them all (a later failure adds to it, never replaces it).
void MainWindow::onFailed(const QString& path, const QString& message) {
  auto& pending = m_requests[path];
  if (!pending.empty()) pending.erase(pending.begin());
  // The reader's messages start with the file; others get it in front.
  const QString line = message.startsWith(path) ? message : QStringLiteral("%1: %2").arg(path, message);
  m_failures.push_back(line);
  std::fprintf(stderr, "triton-bench-gui: cannot open a trace: %s\n", line.toLocal8Bit().constData());
  QStringList names;
  for (const auto& failure : m_failures) names.push_back(failure.section(QStringLiteral(": "), 0, 0));
  const QString text = m_failures.size() == 1 ? tr("Could not open %1").arg(QFileInfo(path).fileName())
                                              : tr("Could not open %1 traces: %2").arg(m_failures.size())
                                                    .arg(names.join(QStringLiteral(", ")));
  if (!m_errorDialog) {
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open trace"), text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("traceErrorDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);  // the app stays usable; tests find it by name
    m_errorDialog = box;
  }
  m_errorDialog->setText(text);
  m_errorDialog->setInformativeText(m_failures.join(QLatin1Char('\n')));
  m_errorDialog->show();
  m_status->setText(tr("could not open: %1").arg(m_failures.join(QStringLiteral("; "))));
  emit loadFailed(path, message);
}

bool MainWindow::openHistory(const QString& path) {
  try {
    m_history->setModel(std::make_unique<HistoryModel>(path));
  } catch (const HistoryError& error) {
    const QString line = QString::fromUtf8(error.what());
    std::fprintf(stderr, "triton-bench-gui: cannot open a results database: %s\n", line.toLocal8Bit().constData());
    if (!m_historyErrorDialog) {
      auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open results database"), {}, QMessageBox::Ok, this);
      box->setObjectName(QStringLiteral("historyErrorDialog"));
      box->setAttribute(Qt::WA_DeleteOnClose);
      box->setWindowModality(Qt::NonModal);
      m_historyErrorDialog = box;
    }
    m_historyErrorDialog->setText(tr("Could not open %1").arg(QFileInfo(path).fileName()));
    m_historyErrorDialog->setInformativeText(line);
    m_historyErrorDialog->show();
    m_status->setText(tr("could not open: %1").arg(line));
    emit historyFailed(path, line);
    return false;
  }
  m_tabs->setCurrentWidget(m_history);
  m_status->setText(tr("%1: %2").arg(QFileInfo(path).fileName(), m_history->statusText()));
  return true;
}

void MainWindow::setCurrentDocument(int index) {
  if (index < 0 || index >= static_cast<int>(m_docs.size())) return;
  m_current = index;
  if (m_traceBox->currentIndex() != index) {
    const QSignalBlocker block(m_traceBox);
    m_traceBox->setCurrentIndex(index);
  }
  m_hits.clear();
  m_hitsFor.clear();
  m_hitIndex = -1;
  showCurrent();
  m_status->setText(documentStatus(*m_docs[static_cast<std::size_t>(index)]));
}

void MainWindow::showCurrent() {
  const auto doc = currentDocument();
  if (!doc) return;
  doc->setFilter(m_filterBox->isChecked() ? m_searchEdit->text() : QString());
  m_timeline->setSections({Section{doc, 0.0, doc->title()}});
  m_details->showEvent(nullptr, kNoEvent);
  m_kernels->setDocument(doc);
}

// The per-kernel table's row: its kernels and their launch calls outlined; the first
// kernel selected (the details panel shows it) without moving the view.
void MainWindow::markKernels(const QString& name, const std::vector<EventIndex>& kernels) {
  const auto doc = currentDocument();
  if (!doc) return;
  std::vector<EventIndex> marked = kernels;
  for (const auto k : kernels) {
    if (const auto call = doc->flowPartner(k); call != kNoEvent) marked.push_back(call);
  }
  doc->setMarked(marked);
  if (!kernels.empty()) m_timeline->selectEvent({0, kernels.front()});
  m_timeline->viewport()->update();
  m_status->setText(tr("%1: %2 kernels marked, with their launch calls").arg(name).arg(kernels.size()));
}

void MainWindow::setTarget(const QString& target) {
  if (m_targetEdit->text() != target) m_targetEdit->setText(target);
  m_compare->setTarget(target);  // analyses every document and marks the target it resolved
  m_timeline->viewport()->update();
  int matches = 0;
  for (const auto& a : m_compare->metrics().analyses()) {
    if (const auto* r = std::get_if<tb::profiler::analysis_result>(&a.result)) matches += static_cast<int>(r->target_names.size());
  }
  m_status->setText(target.isEmpty() ? tr("target: the most frequent kernel of each trace")
                                     : tr("target '%1': %2 kernel name(s) matched").arg(target).arg(matches));
}

void MainWindow::setSearchText(const QString& text) {
  m_searchEdit->setText(text);
  updateSearch();
}

void MainWindow::updateSearch() {
  const auto doc = currentDocument();
  const QString text = m_searchEdit->text();
  if (!doc || text == m_hitsFor) return;
  m_hitsFor = text;
  m_hits = doc->find(text);
  m_hitIndex = -1;
}

void MainWindow::stepSearch(int direction) {
  updateSearch();
  const auto doc = currentDocument();
  if (!doc || m_hits.empty()) {
    m_status->setText(tr("no event named like '%1'").arg(m_searchEdit->text()));
    return;
  }
  const int n = static_cast<int>(m_hits.size());
  m_hitIndex = m_hitIndex < 0 ? (direction > 0 ? 0 : n - 1) : ((m_hitIndex + direction) % n + n) % n;
  m_timeline->selectEvent({0, m_hits[static_cast<std::size_t>(m_hitIndex)]}, true);
  m_status->setText(tr("match %1 of %2").arg(m_hitIndex + 1).arg(n));
}

void MainWindow::findNext() { stepSearch(1); }
void MainWindow::findPrevious() { stepSearch(-1); }

void MainWindow::setFilterEnabled(bool on) {
  if (m_filterBox->isChecked() != on) {
    const QSignalBlocker block(m_filterBox);
    m_filterBox->setChecked(on);
  }
  const QString text = on ? m_searchEdit->text() : QString();
  for (const auto& doc : m_docs) doc->setFilter(text);
  m_timeline->relayout();
  m_compare->timeline()->relayout();
}

QString MainWindow::statusText() const { return m_status->text(); }

void MainWindow::onSelection(const EventRef& ref, bool fromCompare) {
  if (!ref.valid()) {
    m_details->showEvent(nullptr, kNoEvent);
    return;
  }
  const auto& sections = (fromCompare ? m_compare->timeline() : m_timeline)->layout().sections();
  if (ref.section >= sections.size()) return;
  m_details->showEvent(sections[ref.section].doc.get(), ref.event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const auto& url : event->mimeData()->urls()) {
    if (url.isLocalFile()) paths << url.toLocalFile();
  }
  openFiles(paths);
  event->acceptProposedAction();
}

}  // namespace tb::gui
