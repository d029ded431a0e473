// Models without widgets: time mapping, trace document, level of detail, compare models.
#include "models/comparemodels.hpp"
#include "models/synthetictrace.hpp"
#include "models/timelinelayout.hpp"
#include "models/timemapping.hpp"
#include "models/tracedocument.hpp"

#include <tb/profiler/trace_error.hpp>

#include <QtTest>

#include <map>

using namespace tb::gui;
namespace prof = tb::profiler;

class TestModels : public QObject {
  Q_OBJECT
 private slots:
  void zoomKeepsTimeUnderCursor_data();
  void zoomKeepsTimeUnderCursor();
  void panAndFit();
  void rulerUnitsAdapt_data();
  void rulerUnitsAdapt();
  void loadsSampleTrace();
  void loadsKinetoTrace();
  void corruptFileThrowsOneLine();
  void searchAndFilter();
  void detailsOfKernel();
  void levelOfDetailFoldsAndConserves();
  void levelOfDetailZoomedInHasNoFolds();
  void gapsAroundTarget();
  void hitTestFindsEvent();
  void alignmentPoints();
  void metricsMatchAnalysis();
  void histogramCountsEverySample();
  void threadLabelsNameOrOrdinal();
};

void TestModels::zoomKeepsTimeUnderCursor_data() {
  QTest::addColumn<double>("start");
  QTest::addColumn<double>("nsPerPixel");
  QTest::addColumn<double>("x");
  QTest::addColumn<double>("factor");
  QTest::newRow("zoom in at left") << 0.0 << 100.0 << 10.0 << 2.0;
  QTest::newRow("zoom in mid") << 5e6 << 1000.0 << 640.0 << 1.25;
  QTest::newRow("zoom out") << -300.0 << 0.5 << 333.0 << 0.2;
  QTest::newRow("deep zoom") << 1e9 << 1e6 << 1200.0 << 1e6;
}

void TestModels::zoomKeepsTimeUnderCursor() {
  QFETCH(double, start);
  QFETCH(double, nsPerPixel);
  QFETCH(double, x);
  QFETCH(double, factor);
  TimeMapping m{start, nsPerPixel};
  const double before = m.mapXToTime(x);
  m.zoomAround(x, factor);
  QVERIFY(std::abs(m.mapXToTime(x) - before) <= 1e-6 * std::max(1.0, std::abs(before)));
  QCOMPARE(m.nsPerPixel, std::clamp(nsPerPixel / factor, TimeMapping::kMinNsPerPixel, TimeMapping::kMaxNsPerPixel));
}

void TestModels::panAndFit() {
  TimeMapping m{1000, 10};
  m.panPixels(50);  // content moves right: earlier times show
  QCOMPARE(m.startNs, 500.0);
  QCOMPARE(m.mapTimeToX(1500), 100.0);
  m.fit(2000, 12000, 1000);
  QCOMPARE(m.nsPerPixel, 10.0);
  QCOMPARE(m.mapTimeToX(2000), 0.0);
  QCOMPARE(m.mapTimeToX(12000), 1000.0);
}

void TestModels::rulerUnitsAdapt_data() {
  QTest::addColumn<double>("nsPerPixel");
  QTest::addColumn<QString>("unit");
  QTest::newRow("ns") << 0.5 << "ns";
  QTest::newRow("us") << 50.0 << "µs";
  QTest::newRow("ms") << 50e3 << "ms";
  QTest::newRow("s") << 50e6 << "s";
}

void TestModels::rulerUnitsAdapt() {
  QFETCH(double, nsPerPixel);
  QFETCH(QString, unit);
  const TimeMapping m{0, nsPerPixel};
  const auto ticks = rulerTicks(m, 1000, 90);
  QVERIFY(ticks.size() >= 5);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    QVERIFY2(ticks[i].label.endsWith(QLatin1Char(' ') + unit), qPrintable(ticks[i].label));
    if (i > 0) {
      QVERIFY(ticks[i].x - ticks[i - 1].x >= 90 - 1e-9);
      QVERIFY(ticks[i].label != ticks[i - 1].label);
    }
  }
  QCOMPARE(ticks.front().label, QStringLiteral("0 %1").arg(unit));
  QCOMPARE(formatDuration(860), QStringLiteral("860 ns"));
  QCOMPARE(formatDuration(4320), QStringLiteral("4.32 µs"));
  QCOMPARE(formatDuration(18.4e6), QStringLiteral("18.4 ms"));
}

void TestModels::loadsSampleTrace() {
  const auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin-cached.json");
  QCOMPARE(doc->eventCount(), std::size_t{52});
  QCOMPARE(doc->title(), QStringLiteral("cubin-cached"));
  QCOMPARE(doc->groups().size(), std::size_t{2});
  QCOMPARE(doc->groups()[0].label, QStringLiteral("triton-bench"));
  QCOMPARE(doc->groups()[1].label, QStringLiteral("GPU 0 (NVIDIA H200)"));
  QCOMPARE(doc->tracks().size(), std::size_t{2});
  const auto& thread = doc->tracks()[doc->groups()[0].trackViews.at(0)];
  const auto& stream = doc->tracks()[doc->groups()[1].trackViews.at(0)];
  QCOMPARE(thread.label, QStringLiteral("main"));
  QVERIFY(!thread.gpu);
  QCOMPARE(stream.label, QStringLiteral("stream 7"));
  QVERIFY(stream.gpu);
  // main: NVTX iterations at depth 0, API calls nested at depth 1; the stream is serial.
  QCOMPARE(thread.lanes.size(), std::size_t{2});
  QCOMPARE(thread.lanes[0].size(), std::size_t{5});
  QCOMPARE(thread.lanes[1].size(), std::size_t{26});
  QCOMPARE(stream.lanes.size(), std::size_t{1});
  QCOMPARE(stream.lanes[0].size(), std::size_t{21});
  QCOMPARE(doc->countOfKind(prof::event_kind::kernel), std::size_t{15});
  QCOMPARE(doc->countOfKind(prof::event_kind::memset), std::size_t{5});
  QCOMPARE(doc->countOfKind(prof::event_kind::memcpy), std::size_t{1});
  QCOMPARE(doc->countOfKind(prof::event_kind::driver_api), std::size_t{26});
  QCOMPARE(doc->countOfKind(prof::event_kind::nvtx_range), std::size_t{5});
  // Every GPU operation is linked to its launch call and back.
  QCOMPARE(doc->flowCount(), std::size_t{21});
  for (EventIndex i : stream.lanes[0]) {
    const EventIndex api = doc->flowPartner(i);
    QVERIFY(api != kNoEvent);
    QCOMPARE(doc->event(api).correlation_id, doc->event(i).correlation_id);
    QCOMPARE(doc->flowPartner(api), i);
  }
  // Lanes: sorted, non-overlapping.
  for (const auto& view : doc->tracks()) {
    for (const auto& lane : view.lanes) {
      for (std::size_t k = 1; k < lane.size(); ++k) QVERIFY(doc->relStart(lane[k]) >= doc->relEnd(lane[k - 1]));
    }
  }
}

void TestModels::loadsKinetoTrace() {
  const auto doc = TraceDocument::load(TB_PROFILER_TEST_DATA "/kineto_sample.json");
  QVERIFY(doc->eventCount() > 0);
  QVERIFY(doc->countOfKind(prof::event_kind::kernel) > 0);
  bool hasGpu = false;
  bool hasCpu = false;
  for (const auto& t : doc->tracks()) (t.gpu ? hasGpu : hasCpu) = true;
  QVERIFY(hasGpu && hasCpu);
  QVERIFY(doc->flowCount() > 0);
}

void TestModels::corruptFileThrowsOneLine() {
  try {
    TraceDocument::load(TB_GUI_TEST_DATA "/truncated.json");
    QFAIL("no error");
  } catch (const prof::trace_error& e) {
    const QString what = QString::fromUtf8(e.what());
    QVERIFY2(what.contains(QLatin1String("truncated.json: byte")), qPrintable(what));
    QVERIFY(!what.contains(QLatin1Char('\n')));
  }
}

void TestModels::searchAndFilter() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin-cached.json");
  const auto hits = doc->find(QStringLiteral("ADD_kern"));
  QCOMPARE(hits.size(), std::size_t{5});
  for (std::size_t k = 1; k < hits.size(); ++k) QVERIFY(doc->event(hits[k]).start_ns >= doc->event(hits[k - 1]).start_ns);
  QCOMPARE(doc->find(QStringLiteral("cuLaunchKernel")).size(), std::size_t{15});
  QVERIFY(doc->find(QStringLiteral("no such event")).empty());
  doc->setFilter(QStringLiteral("_kernel"));
  std::size_t shown = 0;
  for (const auto& t : doc->tracks()) {
    for (const auto& lane : t.lanes) {
      for (EventIndex i : lane) QVERIFY(doc->name(i).contains(QLatin1String("_kernel")));
      shown += lane.size();
    }
  }
  QCOMPARE(shown, std::size_t{15});
  doc->setFilter({});
  QCOMPARE(doc->tracks()[1].eventCount + doc->tracks()[0].eventCount, std::size_t{52});
}

void TestModels::detailsOfKernel() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin-cached.json");
  const EventIndex k = doc->find(QStringLiteral("producer_kernel")).at(0);
  const auto rows = doc->details(k);
  auto value = [&](const QString& name) {
    for (const auto& [n, v] : rows) {
      if (n == name) return v;
    }
    return QString();
  };
  QCOMPARE(value("Name"), QStringLiteral("producer_kernel"));
  QCOMPARE(value("Grid"), QStringLiteral("(16, 1, 1)"));
  QCOMPARE(value("Block"), QStringLiteral("(128, 1, 1)"));
  QCOMPARE(value("Registers per thread"), QStringLiteral("40"));
  QVERIFY(value("Shared memory").startsWith(QLatin1String("4096 B")));
  QCOMPARE(value("Stream"), QStringLiteral("stream 7 (7)"));
  QCOMPARE(value("Correlation id"), QString::number(doc->event(k).correlation_id));
  QVERIFY(value("Launched by").startsWith(QLatin1String("cuLaunchKernel")));
  QVERIFY(value("Duration").endsWith(QStringLiteral("(%1 ns)").arg(doc->event(k).duration_ns())));
}

namespace {
// Events of `lane` that overlap [t0, t1] (document-relative).
std::size_t eventsOverlapping(const TraceDocument& doc, const Lane& lane, double t0, double t1) {
  std::size_t n = 0;
  for (EventIndex i : lane) n += doc.relEnd(i) >= t0 && doc.relStart(i) <= t1;
  return n;
}
}  // namespace

void TestModels::levelOfDetailFoldsAndConserves() {
  const auto doc = TraceDocument::build(makeSyntheticTrace(200'000, 4), QStringLiteral("synthetic"));
  const TimelineLayout layout({Section{doc, 0, {}}});
  TimeMapping m;
  const double width = 1500;
  m.fit(0, doc->spanNs(), width);
  const DrawList list = layout.preprocess(m, width, 0, 10000);
  // Every lane: the items cover each event exactly once, and there are at most
  // width / 3 px items (plus the ones just outside the view).
  std::map<std::uint32_t, std::pair<std::size_t, std::size_t>> perRow;  // row -> (items, events)
  for (const auto& item : list.items) {
    auto& [items, events] = perRow[item.row];
    ++items;
    events += item.count;
    if (item.count > 1) QVERIFY(item.x1 >= item.x0);
  }
  QVERIFY(list.foldedEvents > 0);
  std::size_t lanes = 0;
  for (const auto& [row, counts] : perRow) {
    const auto& r = layout.rows()[row];
    const auto& lane = doc->tracks()[r.trackView].lanes[r.lane];
    QCOMPARE(counts.second, lane.size());
    QVERIFY2(counts.first <= static_cast<std::size_t>(width / TimelineLayout::kMinVisiblePx) + 4,
             qPrintable(QString::number(counts.first)));
    ++lanes;
  }
  QCOMPARE(lanes, layout.laneRowCount());
  // Items of one row do not overlap and are in time order.
  for (std::size_t k = 1; k < list.items.size(); ++k) {
    if (list.items[k].row == list.items[k - 1].row) QVERIFY(list.items[k].t0 >= list.items[k - 1].t1);
  }
}

void TestModels::levelOfDetailZoomedInHasNoFolds() {
  const auto doc = TraceDocument::build(makeSyntheticTrace(200'000, 4), QStringLiteral("synthetic"));
  const TimelineLayout layout({Section{doc, 0, {}}});
  const double width = 1000;
  const TimeMapping m{doc->spanNs() / 2, 20};  // 20 ns per pixel: a 860 ns kernel is 43 px
  const DrawList list = layout.preprocess(m, width, 0, 10000);
  QCOMPARE(list.foldedEvents, std::size_t{0});
  std::size_t visible = 0;
  for (const auto& item : list.items) visible += item.x1 >= 0 && item.x0 <= width;
  std::size_t expected = 0;
  for (const auto& t : doc->tracks()) {
    for (const auto& lane : t.lanes) expected += eventsOverlapping(*doc, lane, m.mapXToTime(0), m.mapXToTime(width));
  }
  QCOMPARE(visible, expected);
  // Zoomed in this far, every launch call in view has its flow arrow.
  QVERIFY(!list.flows.empty());
}

void TestModels::gapsAroundTarget() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin.json");
  QCOMPARE(setTarget(*doc, QStringLiteral("add_kernel")), 1);
  const TimelineLayout layout({Section{doc, 0, {}}});
  TimeMapping m;
  m.fit(0, doc->spanNs(), 4000);
  const DrawList list = layout.preprocess(m, 4000, 0, 10000);
  int before = 0;
  int after = 0;
  for (const auto& gap : list.gaps) {
    QVERIFY(gap.durationNs > 0);
    before += gap.beforeTarget;
    after += gap.afterTarget;
  }
  QCOMPARE(before, 5);
  QCOMPARE(after, 5);
}

void TestModels::hitTestFindsEvent() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin-cached.json");
  const TimelineLayout layout({Section{doc, 0, {}}});
  const EventIndex k = doc->find(QStringLiteral("consumer_kernel")).at(2);
  const auto row = layout.rowOf({0, k});
  QVERIFY(row.has_value());
  const TimeMapping m{doc->relStart(k) - 1000, 10};
  const double x = m.mapTimeToX((doc->relStart(k) + doc->relEnd(k)) / 2);
  const int y = layout.rows()[*row].y + 5;
  QCOMPARE(layout.hitTest(m, x, y), (EventRef{0, k}));
  QVERIFY(!layout.hitTest(m, x, layout.contentHeight() + 50).valid());
}

void TestModels::alignmentPoints() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin.json");
  std::vector<double> iterations;
  for (EventIndex i = 0; i < doc->eventCount(); ++i) {
    if (doc->event(i).kind == prof::event_kind::nvtx_range) iterations.push_back(doc->relStart(i));
  }
  QCOMPARE(iterations.size(), std::size_t{5});
  QCOMPARE(alignmentPoint(*doc, AlignMode::iteration, 3).value(), iterations[3]);
  QVERIFY(!alignmentPoint(*doc, AlignMode::iteration, 5));
  QCOMPARE(alignmentPoint(*doc, AlignMode::traceStart, 0).value(), 0.0);
  QVERIFY(!alignmentPoint(*doc, AlignMode::targetLaunch, 0));  // no target yet
  setTarget(*doc, QStringLiteral("add_kernel"));
  const EventIndex secondTarget = doc->find(QStringLiteral("add_kernel")).at(1);
  const EventIndex launch = doc->flowPartner(secondTarget);
  QCOMPARE(doc->name(launch), QStringLiteral("cuLaunchKernel"));
  QCOMPARE(alignmentPoint(*doc, AlignMode::targetLaunch, 1).value(), doc->relStart(launch));
}

void TestModels::metricsMatchAnalysis() {
  auto cubin = TraceDocument::load(TB_GUI_TEST_DATA "/cubin.json");
  auto cached = TraceDocument::load(TB_GUI_TEST_DATA "/cubin-cached.json");
  MetricsTableModel model;
  model.setAnalyses({analyzeDocument(*cubin, "add_kernel"), analyzeDocument(*cached, "add_kernel"),
                     analyzeDocument(*cached, "no_such_kernel")});
  QCOMPARE(model.columnCount(), 3);
  QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("cubin"));
  const int row = model.rowOf(QStringLiteral("gap.before_target"));
  QVERIFY(row >= 0);
  prof::analysis_options options;
  options.target = "add_kernel";
  const auto expected = prof::analyze(cached->trace(), options).find("gap.before_target")->stats;
  const QString cell = model.data(model.index(row, 1)).toString();
  // The CLI's numbers; the unit once when the median and both bounds share it.
  const auto number = [](double ns) { return QString::fromStdString(prof::format_duration(ns)).section(QLatin1Char(' '), 0, 0); };
  const QString unit = QString::fromStdString(prof::format_duration(expected.median)).section(QLatin1Char(' '), 1);
  QCOMPARE(QString::fromStdString(prof::format_duration(expected.ci_high)).section(QLatin1Char(' '), 1), unit);
  QCOMPARE(cell, QStringLiteral("%1 %2 [%3 .. %4]")
                     .arg(number(expected.median), unit, number(expected.ci_low), number(expected.ci_high)));
  // The per-call mode's gap before the target is larger: module load + get function.
  const auto cubinGap = prof::analyze(cubin->trace(), options).find("gap.before_target")->stats.median;
  QVERIFY(cubinGap > 3 * expected.median);
  QCOMPARE(model.data(model.index(model.rowOf("kernels"), 0)).toString(), QStringLiteral("15"));
  QVERIFY(model.data(model.index(model.rowOf("target"), 2)).toString().contains(QLatin1String("no_such_kernel")));
}

void TestModels::histogramCountsEverySample() {
  const std::vector<std::vector<double>> samples{{1, 2, 3, 4, 100}, {5, 6, 7}, {}};
  const Histogram h = makeHistogram(samples, 4);
  QCOMPARE(h.edges.size(), std::size_t{5});
  QCOMPARE(h.counts.size(), std::size_t{3});
  for (std::size_t s = 0; s < samples.size(); ++s) {
    int total = 0;
    for (int c : h.counts[s]) total += c;
    QCOMPARE(total, static_cast<int>(samples[s].size()));
  }
  QCOMPARE(h.edges.front(), 1.0);
  // Range: min 1 to p99 = 7 + 0.93 * 93 = 93.49; 4 bins of 23.1: 1..7 in the first, 100 in the last.
  QCOMPARE(h.counts[0][0], 4);
  QCOMPARE(h.counts[0][3], 1);
  QCOMPARE(h.counts[1][0], 3);
}

// A thread's row is labelled with the track's name when the trace has one; CUPTI's
// placeholder ("thread <tid>") and no name give "thread N (tid T)", N counting the
// process's threads in display order from 1 (issue 15).
void TestModels::threadLabelsNameOrOrdinal() {
  prof::trace t;
  const auto host = t.add_process({.pid = 100, .name = t.intern("host (pid 100)"), .kind = prof::process_kind::host});
  const auto other = t.add_process({.pid = 200, .name = t.intern("worker"), .kind = prof::process_kind::host});
  const auto gpu = t.add_process({.pid = 1 << 30, .name = t.intern("GPU 0"), .kind = prof::process_kind::device, .device_id = 0});
  const auto addTrack = [&](std::uint32_t process, std::int64_t tid, std::string_view name, prof::track_kind kind) {
    const auto track = t.add_track({.process = process, .tid = tid, .name = t.intern(name), .kind = kind});
    prof::event e;
    e.start_ns = 1000 + tid % 1000;
    e.end_ns = e.start_ns + 10;
    e.name = t.intern("cuLaunchKernel");
    e.track = track;
    e.kind = prof::event_kind::driver_api;
    t.add_event(e);
  };
  using enum prof::track_kind;
  addTrack(host, 42, "", cpu_thread);
  addTrack(host, 1763415936, "python3", cpu_thread);
  addTrack(host, 1763415999, "thread 1763415999", cpu_thread);  // what CUPTI's converter writes
  addTrack(other, 7, "", cpu_thread);
  addTrack(gpu, 13, "stream 13", gpu_stream);
  const auto doc = TraceDocument::build(std::move(t), QStringLiteral("threads.json"));
  std::map<std::int64_t, QString> labels;
  for (const auto& view : doc->tracks()) labels[doc->trace().tracks()[view.track].tid] = view.label;
  QCOMPARE(labels[42], QStringLiteral("thread 1 (tid 42)"));
  QCOMPARE(labels[1763415936], QStringLiteral("python3"));
  QCOMPARE(labels[1763415999], QStringLiteral("thread 3 (tid 1763415999)"));
  QCOMPARE(labels[7], QStringLiteral("thread 1 (tid 7)"));
  QCOMPARE(labels[13], QStringLiteral("stream 13"));
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
