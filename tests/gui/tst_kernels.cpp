// The timeline tab's per-kernel table and range statistics (issue 15, item 4) on the
// recorded sandwich run: the numbers are per_kernel_stats' and compute_range_stats' for the
// same window; the table sorts by value; a selected range restricts it; a click marks the
// row's kernels (and only those in the range) with their launch calls.
#include "models/kernelstatsmodel.hpp"
#include "models/timelinelayout.hpp"
#include "widgets/mainwindow.hpp"

#include <tb/profiler/analysis.hpp>

#include <QtTest>

#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <cmath>

using namespace tb::gui;
namespace prof = tb::profiler;

class TestKernels : public QObject {
  Q_OBJECT
 private slots:
  void wholeTraceRowsAreTheCliNumbers();
  void rangeRestrictsRowsAndStatistics();
  void byStreamRowsNameTheStream();
  void tableSortsByValue();
  void rangeFromTheTimelineAndClickMarksItsLaunches();
  void wholeTraceButtonClearsTheRange();
};

namespace {

const char* const kTrace = TB_RECORDED_DIR "/sandwich.cubin-cached.json";

// Document-relative [start, end) of iterations first..first+count-1 (NVTX "iteration").
std::pair<double, double> iterations(const TraceDocument& doc, int first, int count) {
  std::vector<std::pair<double, double>> found;
  for (EventIndex i = 0; i < doc.eventCount(); ++i) {
    if (doc.event(i).kind == prof::event_kind::nvtx_range && doc.name(i) == QLatin1String("iteration"))
      found.emplace_back(doc.relStart(i), doc.relEnd(i));
  }
  std::sort(found.begin(), found.end());
  return {found.at(static_cast<std::size_t>(first)).first, found.at(static_cast<std::size_t>(first + count - 1)).second};
}

std::int64_t traceTime(const TraceDocument& doc, double rel) { return doc.originNs() + std::llround(rel); }

}  // namespace

void TestKernels::wholeTraceRowsAreTheCliNumbers() {
  const auto doc = TraceDocument::load(kTrace);
  KernelStatsModel model;
  model.compute(doc, std::nullopt, false);
  const auto expected = prof::per_kernel_stats(doc->trace());
  QCOMPARE(model.rowCount(), 3);
  QCOMPARE(model.rows().size(), expected.size());
  for (int r = 0; r < model.rowCount(); ++r) {
    const auto& e = expected[static_cast<std::size_t>(r)];
    QCOMPARE(model.index(r, KernelStatsModel::nameColumn).data().toString(), QString::fromStdString(e.name));
    QCOMPARE(model.index(r, KernelStatsModel::instancesColumn).data().toString(), QStringLiteral("100"));
    QCOMPARE(model.index(r, KernelStatsModel::totalColumn).data().toString(),
             QString::fromStdString(prof::format_duration(static_cast<double>(e.total_ns))));
    QCOMPARE(model.index(r, KernelStatsModel::totalColumn).data(KernelStatsModel::sortRole).toLongLong(), e.total_ns);
    QCOMPARE(model.index(r, KernelStatsModel::medianColumn).data().toString(),
             QString::fromStdString(prof::format_duration(e.duration.median)));
    QCOMPARE(model.index(r, KernelStatsModel::launchLatencyColumn).data().toString(),
             QString::fromStdString(prof::format_duration(e.launch_latency.median)));
    QVERIFY(model.index(r, KernelStatsModel::nameColumn).data(Qt::ToolTipRole).toString().contains(QLatin1String("launch latency: ")));
  }
  QCOMPARE(model.columnCount(), static_cast<int>(KernelStatsModel::streamColumn));  // no stream column
  const auto& range = model.rangeStats();
  QCOMPARE(range.kernels, 300u);
  QVERIFY(model.summaryText().startsWith(QLatin1String("whole trace ")));
  QVERIFY2(model.summaryText().contains(QLatin1String(": 300 kernels (3 names), GPU busy ")), qPrintable(model.summaryText()));
}

void TestKernels::rangeRestrictsRowsAndStatistics() {
  const auto doc = TraceDocument::load(kTrace);
  const auto span = iterations(*doc, 10, 5);
  KernelStatsModel model;
  model.compute(doc, std::pair(span.second, span.first), false);  // either order
  QVERIFY(model.hasRange());
  prof::kernel_stats_options options;
  options.begin_ns = traceTime(*doc, span.first);
  options.end_ns = traceTime(*doc, span.second);
  options.statistics.bootstrap_max_samples = 0;
  const auto expected = prof::per_kernel_stats(doc->trace(), options);
  QCOMPARE(model.rows().size(), std::size_t{3});
  for (std::size_t r = 0; r < expected.size(); ++r) {
    QCOMPARE(model.rows()[r].name, expected[r].name);
    QCOMPARE(model.rows()[r].count, std::uint64_t{5});  // one of each kernel per iteration
    QCOMPARE(model.rows()[r].total_ns, expected[r].total_ns);
    QCOMPARE(model.rows()[r].gap_before.median, expected[r].gap_before.median);
  }
  const auto stats = prof::compute_range_stats(doc->trace(), *options.begin_ns, *options.end_ns);
  QCOMPARE(model.rangeStats().kernels, std::uint64_t{15});
  QCOMPARE(model.rangeStats().busy_ns, stats.busy_ns);
  QCOMPARE(model.rangeStats().gaps_ns, stats.gaps_ns);
  QVERIFY(stats.gaps >= 14u);  // at least one gap between consecutive kernels of a stream
  QVERIFY(stats.busy_percent > 0 && stats.busy_percent < 100);
  const QString summary = model.summaryText();
  QVERIFY2(summary.startsWith(QLatin1String("range ")) && summary.contains(QLatin1String(": 15 kernels (3 names)")) &&
               summary.contains(QStringLiteral("GPU busy %1 %").arg(stats.busy_percent, 0, 'f', 1)) &&
               summary.contains(QStringLiteral("in %1").arg(stats.gaps)),
           qPrintable(summary));
}

void TestKernels::byStreamRowsNameTheStream() {
  const auto doc = TraceDocument::load(kTrace);
  KernelStatsModel model;
  model.compute(doc, std::nullopt, true);
  QCOMPARE(model.columnCount(), static_cast<int>(KernelStatsModel::allColumns));
  QVERIFY(model.rowCount() >= 3);
  for (int r = 0; r < model.rowCount(); ++r) QVERIFY(!model.index(r, KernelStatsModel::streamColumn).data().toString().isEmpty());
}

void TestKernels::tableSortsByValue() {
  KernelsPanel panel;
  panel.setDocument(TraceDocument::load(kTrace));
  auto* view = panel.table();
  const auto column = [&](int c, int role) {
    QList<QVariant> values;
    for (int r = 0; r < view->model()->rowCount(); ++r) values << view->model()->index(r, c).data(role);
    return values;
  };
  // Default: total time, longest first.
  const auto totals = column(KernelStatsModel::totalColumn, KernelStatsModel::sortRole);
  for (int r = 1; r < totals.size(); ++r) QVERIFY(totals[r - 1].toLongLong() >= totals[r].toLongLong());
  // By median duration, shortest first: values, not text ("980 ns" sorts before "1.2 us").
  view->sortByColumn(KernelStatsModel::medianColumn, Qt::AscendingOrder);
  const auto medians = column(KernelStatsModel::medianColumn, KernelStatsModel::sortRole);
  for (int r = 1; r < medians.size(); ++r) QVERIFY(medians[r - 1].toDouble() <= medians[r].toDouble());
  view->sortByColumn(KernelStatsModel::nameColumn, Qt::AscendingOrder);
  QCOMPARE(column(KernelStatsModel::nameColumn, Qt::DisplayRole).first().toString(), QStringLiteral("consumer_kernel"));
}

void TestKernels::rangeFromTheTimelineAndClickMarksItsLaunches() {
  MainWindow window;
  window.resize(1400, 800);
  window.show();
  window.openFiles({QString::fromLatin1(kTrace)});
  QVERIFY(window.waitForLoads(30000));
  const auto doc = window.currentDocument();
  const auto span = iterations(*doc, 20, 3);
  window.timeline()->setRange(span);
  auto* panel = window.kernels();
  QVERIFY(panel->model().hasRange());
  QVERIFY2(panel->summaryText().contains(QLatin1String(": 9 kernels (3 names)")), qPrintable(panel->summaryText()));

  const int row = panel->rowNamed(QStringLiteral("target_kernel"));
  QVERIFY(row >= 0);
  QVERIFY(panel->activateRow(row));
  std::vector<EventIndex> inRange, outside;
  for (EventIndex i = 0; i < doc->eventCount(); ++i) {
    if (doc->event(i).kind != prof::event_kind::kernel || doc->name(i) != QLatin1String("target_kernel")) continue;
    (doc->relStart(i) >= span.first && doc->relStart(i) < span.second ? inRange : outside).push_back(i);
  }
  QCOMPARE(inRange.size(), std::size_t{3});
  for (const auto k : inRange) {
    QVERIFY(doc->isMarked(k));
    QVERIFY(doc->flowPartner(k) != kNoEvent && doc->isMarked(doc->flowPartner(k)));  // its launch call
  }
  for (const auto k : outside) QVERIFY(!doc->isMarked(k));
  QCOMPARE(window.details()->value(QStringLiteral("Name")), QStringLiteral("target_kernel"));
  QCOMPARE(window.statusText(), QStringLiteral("target_kernel: 3 kernels marked, with their launch calls"));

  // The timeline outlines them: a fitted view of the range draws exactly three marked kernels.
  window.timeline()->fitRange(span.first, span.second);
  const TimelineLayout layout({Section{doc, 0.0, doc->title()}});
  TimeMapping mapping;
  mapping.fit(span.first, span.second, 1000);
  const DrawList list = layout.preprocess(mapping, 1000, 0, layout.contentHeight());
  int markedKernels = 0;
  for (const auto& item : list.items) {
    if (item.marked && item.kind == prof::event_kind::kernel) markedKernels += static_cast<int>(item.count);
  }
  QCOMPARE(markedKernels, 3);

  // Zoomed out to the whole trace the kernels fold: a fold holding a marked kernel is marked.
  panel->setRange(std::nullopt);
  QVERIFY(panel->activateRow(panel->rowNamed(QStringLiteral("target_kernel"))));
  mapping.fit(0, doc->spanNs(), 300);
  const DrawList folded = layout.preprocess(mapping, 300, 0, layout.contentHeight());
  int markedFolds = 0;
  for (const auto& item : folded.items) {
    if (item.count > 1 && item.marked) ++markedFolds;
    if (item.count == 1 && item.kind == prof::event_kind::kernel) QCOMPARE(item.marked, doc->isMarked(item.event));
  }
  QVERIFY(markedFolds > 0);
}

void TestKernels::wholeTraceButtonClearsTheRange() {
  MainWindow window;
  window.show();
  window.openFiles({QString::fromLatin1(kTrace)});
  QVERIFY(window.waitForLoads(30000));
  window.timeline()->setRange(iterations(*window.currentDocument(), 0, 2));
  QVERIFY(window.kernels()->model().hasRange());
  auto* button = window.kernels()->findChild<QPushButton*>(QStringLiteral("wholeTraceButton"));
  QVERIFY(button && button->isEnabled());
  button->click();
  QVERIFY(!window.kernels()->model().hasRange());
  QVERIFY(!window.timeline()->range().has_value());
  QCOMPARE(window.kernels()->model().rangeStats().kernels, std::uint64_t{300});
}

QTEST_MAIN(TestKernels)
#include "tst_kernels.moc"
