// Widgets offscreen: timeline interaction, details, search, filter, compare view, errors.
#include "widgets/mainwindow.hpp"

#include <QtTest>

#include <QChart>
#include <QLineEdit>
#include <QMessageBox>
#include <QScrollBar>
#include <QTabWidget>

using namespace tb::gui;

class TestWidgets : public QObject {
  Q_OBJECT
 private slots:
  void init();
  void cleanup();
  void loadsAndShowsTracks();
  void wheelZoomKeepsCursorTime();
  void dragPansAndKeysWork();
  void shiftDragSelectsRange();
  void clickSelectsAndFillsDetails();
  void searchFindsAndCycles();
  void filterHidesOthers();
  void compareAlignsTraces();
  void compareDefaultTargetOnEmptyTargetBox();
  void corruptFileShowsErrorAndAppKeepsWorking();
  void everyBadFileInAListIsNamedWithItsReason();
  void openDialogOffersGzipTraces();
  void statusDescribesTheShownTrace();

 private:
  QPoint pointOf(const EventRef& ref) const;
  MainWindow* m_window = nullptr;
};

void TestWidgets::init() {
  m_window = new MainWindow;
  m_window->resize(1400, 700);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window));
  m_window->openFiles({TB_GUI_TEST_DATA "/cubin.json"});
  QVERIFY(m_window->waitForLoads(30000));
  QCOMPARE(m_window->documents().size(), std::size_t{1});
  QCoreApplication::processEvents();
}

void TestWidgets::cleanup() {
  delete m_window;
  m_window = nullptr;
}

QPoint TestWidgets::pointOf(const EventRef& ref) const {
  auto* view = m_window->timeline();
  const auto& layout = view->layout();
  const double x = view->mapping().mapTimeToX((layout.alignedStart(ref) + layout.alignedEnd(ref)) / 2);
  const auto row = layout.rowOf(ref);
  const int y = layout.metrics().rulerHeight + layout.rows()[*row].y + layout.rows()[*row].height / 2 -
                view->verticalScrollBar()->value();
  return QPoint(static_cast<int>(x) + layout.metrics().gutterWidth, y);
}

void TestWidgets::loadsAndShowsTracks() {
  const auto& layout = m_window->timeline()->layout();
  QCOMPARE(layout.trackCount(), std::size_t{2});
  QCOMPARE(layout.laneRowCount(), std::size_t{3});
  QCOMPARE(m_window->currentDocument()->eventCount(), std::size_t{97});
  QVERIFY(m_window->statusText().contains(QLatin1String("97 events")));
  // Fitted: the whole trace is in view.
  const auto& m = m_window->timeline()->mapping();
  QVERIFY(m.mapTimeToX(0) >= 0);
  QVERIFY(m.mapTimeToX(m_window->currentDocument()->spanNs()) <= m_window->timeline()->plotWidth());
}

void TestWidgets::wheelZoomKeepsCursorTime() {
  auto* view = m_window->timeline();
  const QPoint pos(view->layout().metrics().gutterWidth + 300, 60);
  const double before = view->mapping().mapXToTime(view->plotX(pos.x()));
  const double scale = view->mapping().nsPerPixel;
  QWheelEvent wheel(QPointF(pos), QPointF(view->viewport()->mapToGlobal(pos)), QPoint(), QPoint(0, 240), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(view->viewport(), &wheel);
  QVERIFY(view->mapping().nsPerPixel < scale);
  QVERIFY(std::abs(view->mapping().mapXToTime(view->plotX(pos.x())) - before) < 1e-6 * std::max(1.0, before));
  QWheelEvent out(QPointF(pos), QPointF(view->viewport()->mapToGlobal(pos)), QPoint(), QPoint(0, -480), Qt::NoButton,
                  Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(view->viewport(), &out);
  QVERIFY(view->mapping().nsPerPixel > scale);
  QVERIFY(std::abs(view->mapping().mapXToTime(view->plotX(pos.x())) - before) < 1e-6 * std::max(1.0, before));
}

void TestWidgets::dragPansAndKeysWork() {
  auto* view = m_window->timeline();
  const TimeMapping start = view->mapping();
  const int x = view->layout().metrics().gutterWidth + 400;
  QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x, 200));
  QTest::mouseMove(view->viewport(), QPoint(x + 50, 200));
  QTest::mouseMove(view->viewport(), QPoint(x + 100, 200));
  QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x + 100, 200));
  QCOMPARE(view->mapping().nsPerPixel, start.nsPerPixel);
  QVERIFY(std::abs(view->mapping().startNs - (start.startNs - 100 * start.nsPerPixel)) < 1e-6 * start.nsPerPixel);
  QVERIFY(!view->selected().valid());  // a drag is not a click

  view->setFocus();
  const double scale = view->mapping().nsPerPixel;
  QTest::keyClick(view, Qt::Key_W);
  QVERIFY(std::abs(view->mapping().nsPerPixel - scale / 1.25) < 1e-9 * scale);
  QTest::keyClick(view, Qt::Key_S);
  QVERIFY(std::abs(view->mapping().nsPerPixel - scale) < 1e-9 * scale);
  const double s0 = view->mapping().startNs;
  QTest::keyClick(view, Qt::Key_D);
  QVERIFY(view->mapping().startNs > s0);
  QTest::keyClick(view, Qt::Key_A);
  QVERIFY(std::abs(view->mapping().startNs - s0) < 1e-6 * scale);
  QTest::keyClick(view, Qt::Key_W);
  QTest::keyClick(view, Qt::Key_W);
  QTest::keyClick(view, Qt::Key_0);
  QCOMPARE(view->mapping(), start);
  // F fits the selected event.
  const EventIndex k = m_window->currentDocument()->find(QStringLiteral("add_kernel")).at(0);
  view->selectEvent({0, k});
  QTest::keyClick(view, Qt::Key_F);
  QVERIFY(std::abs(view->mapping().mapTimeToX(view->layout().alignedStart({0, k})) - 8) < 1e-6);
}

void TestWidgets::shiftDragSelectsRange() {
  auto* view = m_window->timeline();
  QSignalSpy spy(view, &TimelineView::rangeSelected);
  const int x = view->layout().metrics().gutterWidth + 100;
  QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, QPoint(x, 100));
  QTest::mouseMove(view->viewport(), QPoint(x + 120, 100));
  QTest::mouseMove(view->viewport(), QPoint(x + 250, 100));
  QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, QPoint(x + 250, 100));
  QCOMPARE(spy.count(), 1);
  const double expected = 250 * view->mapping().nsPerPixel;
  QVERIFY(std::abs(spy.at(0).at(0).toDouble() - expected) < 1e-6 * expected);
  QVERIFY(m_window->statusText().startsWith(QLatin1String("selected range: ")));
  QVERIFY(view->range().has_value());
}

void TestWidgets::clickSelectsAndFillsDetails() {
  auto* view = m_window->timeline();
  const auto doc = m_window->currentDocument();
  const EventIndex k = doc->find(QStringLiteral("add_kernel")).at(2);
  view->fitRange(view->layout().alignedStart({0, k}) - 20000, view->layout().alignedEnd({0, k}) + 20000);
  QSignalSpy spy(view, &TimelineView::selectionChanged);
  QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, pointOf({0, k}));
  QCOMPARE(spy.count(), 1);
  QCOMPARE(view->selected(), (EventRef{0, k}));
  auto* details = m_window->details();
  QCOMPARE(details->value(QStringLiteral("Name")), QStringLiteral("add_kernel"));
  QCOMPARE(details->value(QStringLiteral("Grid")), QStringLiteral("(4, 1, 1)"));
  QCOMPARE(details->value(QStringLiteral("Block")), QStringLiteral("(128, 1, 1)"));
  QCOMPARE(details->value(QStringLiteral("Registers per thread")), QStringLiteral("32"));
  QCOMPARE(details->value(QStringLiteral("Correlation id")), QString::number(doc->event(k).correlation_id));
  QVERIFY(!details->value(QStringLiteral("Start")).isEmpty());
  QVERIFY(!details->value(QStringLiteral("Duration")).isEmpty());
  QVERIFY(!details->value(QStringLiteral("Shared memory")).isEmpty());
  // Clicking empty space clears it.
  QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(view->viewport()->width() - 5, view->viewport()->height() - 5));
  QVERIFY(!view->selected().valid());
  QCOMPARE(details->rowCount(), 0);
}

void TestWidgets::searchFindsAndCycles() {
  const auto doc = m_window->currentDocument();
  const auto all = doc->find(QStringLiteral("consumer"));
  QCOMPARE(all.size(), std::size_t{5});
  m_window->setSearchText(QStringLiteral("consumer"));
  QCOMPARE(m_window->searchHitCount(), std::size_t{5});
  for (std::size_t k = 0; k < 5; ++k) {
    m_window->findNext();
    QCOMPARE(m_window->timeline()->selected().event, all[k]);
    QCOMPARE(m_window->details()->value(QStringLiteral("Name")), QStringLiteral("consumer_kernel"));
  }
  m_window->findNext();  // wraps
  QCOMPARE(m_window->timeline()->selected().event, all[0]);
  m_window->findPrevious();
  QCOMPARE(m_window->timeline()->selected().event, all[4]);
  QCOMPARE(m_window->statusText(), QStringLiteral("match 5 of 5"));
  // The found event is in view.
  const auto& layout = m_window->timeline()->layout();
  const double x = m_window->timeline()->mapping().mapTimeToX(layout.alignedStart({0, all[4]}));
  QVERIFY(x >= 0 && x <= m_window->timeline()->plotWidth());
}

void TestWidgets::filterHidesOthers() {
  m_window->setSearchText(QStringLiteral("cuModule"));
  m_window->setFilterEnabled(true);
  const auto doc = m_window->currentDocument();
  std::size_t shown = 0;
  for (const auto& t : doc->tracks()) {
    for (const auto& lane : t.lanes) {
      for (EventIndex i : lane) QVERIFY(doc->name(i).startsWith(QLatin1String("cuModule")));
      shown += lane.size();
    }
  }
  QCOMPARE(shown, std::size_t{45});  // 5 iterations x 3 kernels x (load, get function, unload)
  m_window->setFilterEnabled(false);
  shown = 0;
  for (const auto& t : doc->tracks()) {
    for (const auto& lane : t.lanes) shown += lane.size();
  }
  QCOMPARE(shown, std::size_t{97});
}

void TestWidgets::compareAlignsTraces() {
  m_window->openFiles({TB_GUI_TEST_DATA "/cubin-cached.json"});
  QVERIFY(m_window->waitForLoads(30000));
  QCOMPARE(m_window->documents().size(), std::size_t{2});
  m_window->setTarget(QStringLiteral("add_kernel"));
  auto* compare = m_window->compare();
  m_window->tabs()->setCurrentWidget(compare);
  compare->setAlignment(AlignMode::iteration, 2);
  const auto& layout = compare->timeline()->layout();
  QCOMPARE(layout.sections().size(), std::size_t{2});
  QCOMPARE(layout.sections()[0].doc->title(), QStringLiteral("cubin"));   // opening order
  QCOMPARE(layout.sections()[1].doc->title(), QStringLiteral("cubin-cached"));
  for (std::uint32_t s = 0; s < 2; ++s) {
    const auto& doc = *layout.sections()[s].doc;
    std::vector<EventIndex> iterations;
    for (EventIndex i = 0; i < doc.eventCount(); ++i) {
      if (doc.event(i).kind == tb::profiler::event_kind::nvtx_range) iterations.push_back(i);
    }
    QCOMPARE(layout.alignedStart({s, iterations.at(2)}), 0.0);
    QVERIFY(layout.alignedStart({s, iterations.at(1)}) < 0);
  }
  // Aligned at the first target launch: the launch calls coincide.
  compare->setAlignment(AlignMode::targetLaunch, 0);
  for (std::uint32_t s = 0; s < 2; ++s) {
    const auto& doc = *layout.sections()[s].doc;
    const EventIndex target = doc.find(QStringLiteral("add_kernel")).at(0);
    QCOMPARE(layout.alignedStart({s, doc.flowPartner(target)}), 0.0);
  }
  // Metrics: one column per trace; the histogram holds every gap sample.
  QCOMPARE(compare->metrics().columnCount(), 2);
  const auto& h = compare->histogramData();
  QCOMPARE(h.counts.size(), std::size_t{2});
  int total = 0;
  for (int c : h.counts[1]) total += c;
  QCOMPARE(total, 5);  // one gap before each of the 5 target kernels
  QCOMPARE(compare->histogram()->series().size(), 1);
  // An index past the end leaves traces unaligned and says so.
  compare->setAlignment(AlignMode::iteration, 99);
  QVERIFY(compare->statusText().contains(QLatin1String("cubin")));
}

// With the target box empty the table analyses the most frequent kernel; aligning at a
// target launch uses that same kernel (issue 15: it said "not aligned (no such point)").
void TestWidgets::compareDefaultTargetOnEmptyTargetBox() {
  m_window->openFiles({TB_GUI_TEST_DATA "/cubin-cached.json"});
  QVERIFY(m_window->waitForLoads(30000));
  auto* targetEdit = m_window->findChild<QLineEdit*>(QStringLiteral("targetEdit"));
  QVERIFY(targetEdit && targetEdit->text().isEmpty());
  auto* compare = m_window->compare();
  compare->setAlignment(AlignMode::targetLaunch, 1);
  QCOMPARE(compare->statusText(), QString());
  const auto& metrics = compare->metrics();
  const auto& layout = compare->timeline()->layout();
  for (std::uint32_t s = 0; s < 2; ++s) {
    const QString target = metrics.data(metrics.index(metrics.rowOf(QStringLiteral("target")), static_cast<int>(s))).toString();
    QVERIFY(!target.isEmpty());
    const auto& doc = *layout.sections()[s].doc;
    std::vector<EventIndex> kernels;
    for (EventIndex i = 0; i < doc.eventCount(); ++i) {
      if (doc.event(i).kind != tb::profiler::event_kind::kernel) continue;
      QCOMPARE(doc.isTarget(i), doc.name(i) == target);  // the timeline marks the same kernel
      if (doc.name(i) == target) kernels.push_back(i);
    }
    QCOMPARE(layout.alignedStart({s, doc.flowPartner(kernels.at(1))}), 0.0);
  }
}

void TestWidgets::corruptFileShowsErrorAndAppKeepsWorking() {
  QSignalSpy failed(m_window, &MainWindow::loadFailed);
  m_window->openFiles({TB_GUI_TEST_DATA "/truncated.json"});
  QVERIFY(m_window->waitForLoads(30000));
  QCOMPARE(failed.count(), 1);
  const QString message = failed.at(0).at(1).toString();
  QVERIFY2(message.contains(QLatin1String("truncated.json: byte")), qPrintable(message));
  QMessageBox* box = m_window->findChild<QMessageBox*>(QStringLiteral("traceErrorDialog"));
  QVERIFY(box);
  QVERIFY(box->isVisible());
  QVERIFY(!box->isModal());
  QCOMPARE(box->informativeText(), message);
  box->close();
  QTRY_VERIFY(!m_window->findChild<QMessageBox*>(QStringLiteral("traceErrorDialog")));
  QCOMPARE(m_window->documents().size(), std::size_t{1});
  // Still usable: another file opens, the view still responds.
  m_window->openFiles({TB_GUI_TEST_DATA "/nonexistent.json", TB_GUI_TEST_DATA "/cubin-cached.json"});
  QVERIFY(m_window->waitForLoads(30000));
  QCOMPARE(failed.count(), 2);
  QCOMPARE(m_window->documents().size(), std::size_t{2});
  QCOMPARE(m_window->currentDocument()->title(), QStringLiteral("cubin-cached"));
  m_window->setSearchText(QStringLiteral("add_kernel"));
  m_window->findNext();
  QCOMPARE(m_window->details()->value(QStringLiteral("Name")), QStringLiteral("add_kernel"));
}

// Issue 12: two bad files among good ones: both are named with their reasons, in the
// dialog and in the status bar, and a later successful load does not hide them.
void TestWidgets::everyBadFileInAListIsNamedWithItsReason() {
  QSignalSpy failed(m_window, &MainWindow::loadFailed);
  const QString missing = QStringLiteral(TB_GUI_TEST_DATA "/nonexistent.json");
  const QString truncated = QStringLiteral(TB_GUI_TEST_DATA "/truncated.json");
  m_window->openFiles({missing, QStringLiteral(TB_GUI_TEST_DATA "/cubin-cached.json"), truncated});
  QVERIFY(m_window->waitForLoads(30000));
  QCOMPARE(failed.count(), 2);
  QMessageBox* box = m_window->findChild<QMessageBox*>(QStringLiteral("traceErrorDialog"));
  QVERIFY(box);
  QVERIFY(box->isVisible());
  const QString listed = box->informativeText();
  QVERIFY2(listed.contains(missing + QStringLiteral(": cannot open: No such file or directory")), qPrintable(listed));
  QVERIFY2(listed.contains(truncated + QStringLiteral(": byte ")), qPrintable(listed));
  QVERIFY2(box->text().contains(QLatin1String("nonexistent.json")) && box->text().contains(QLatin1String("truncated.json")),
           qPrintable(box->text()));
  const QString status = m_window->statusText();
  QVERIFY2(status.contains(QLatin1String("nonexistent.json")) && status.contains(QLatin1String("truncated.json")),
           qPrintable(status));
  QCOMPARE(m_window->findChildren<QMessageBox*>(QStringLiteral("traceErrorDialog")).size(), 1);
}

// File > Open offers compressed traces too (the reader tells gzip by its magic bytes).
void TestWidgets::openDialogOffersGzipTraces() {
  QVERIFY(MainWindow::traceFileFilter().startsWith(QLatin1String("Traces (*.json *.json.gz)")));
}

// The status bar names the trace shown, not the one that finished loading last (loads
// finish in any order), so an offscreen screenshot of several traces is the same each run.
void TestWidgets::statusDescribesTheShownTrace() {
  m_window->openFiles({TB_GUI_TEST_DATA "/cubin-cached.json"});
  QVERIFY(m_window->waitForLoads(30000));
  const auto& docs = m_window->documents();
  QCOMPARE(docs.size(), std::size_t{2});
  for (int i : {0, 1, 0}) {
    m_window->setCurrentDocument(i);
    const auto& doc = *docs[static_cast<std::size_t>(i)];
    const QString file = QFileInfo(doc.sourceName()).fileName();
    QCOMPARE(m_window->statusText(), QStringLiteral("%1: %2 events, %3 tracks, %4 launch-to-GPU links")
                                         .arg(file).arg(doc.eventCount()).arg(doc.tracks().size()).arg(doc.flowCount()));
  }
  QVERIFY(m_window->statusText().startsWith(QLatin1String("cubin.json: 97 events")));
}

QTEST_MAIN(TestWidgets)
#include "tst_widgets.moc"
