// The History model (a results database read with Qt SQL) and view, offscreen.
#include "historyfixture.hpp"
#include "models/historymodel.hpp"
#include "widgets/historyview.hpp"
#include "widgets/mainwindow.hpp"

#include <QtTest>

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMessageBox>
#include <QScatterSeries>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QValueAxis>

using namespace tb::gui;

namespace {

std::vector<double> medians(const ModeHistory& m) {
  std::vector<double> out;
  for (const auto& p : m.points) out.push_back(p.median);
  return out;
}
std::vector<int> xs(const ModeHistory& m) {
  std::vector<int> out;
  for (const auto& p : m.points) out.push_back(p.x);
  return out;
}
const ModeHistory& modeNamed(const HistorySelection& s, const char* name) {
  for (const auto& m : s.modes)
    if (m.mode == QLatin1String(name)) return m;
  throw std::runtime_error(std::string("no mode ") + name);
}
QString errorOf(const QString& path) {
  try {
    HistoryModel model(path);
  } catch (const HistoryError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}
// Marks index 3 of every series, plus indices the model must drop (0, out of range, twice).
struct KnownDetector {
  std::shared_ptr<std::vector<std::vector<double>>> calls = std::make_shared<std::vector<std::vector<double>>>();
  std::vector<ChangePoint> operator()(const std::vector<double>& values) const {
    calls->push_back(values);
    return {{99, 1.0}, {3, 0.25}, {0, 0.5}, {3, 0.75}, {-1, 0.1}};
  }
};
template <typename Series>
std::vector<Series*> seriesOf(QChart* chart, QAbstractSeries::SeriesType type) {
  std::vector<Series*> out;
  for (auto* s : chart->series())
    if (s->type() == type) out.push_back(static_cast<Series*>(s));
  return out;
}

}  // namespace

class TestHistory : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase();
  void listsScenariosMetricsBranches();
  void seriesValuesAndBandsExact();
  void branchFilterRenumbersRuns();
  void changePointsFromInjectedDetector();
  void builtInDetectorMarksTheStep();
  void scalesAndFormats();
  void describesAPoint();
  void refusesForeignDatabase();
  void refusesOtherSchemaVersions();
  void refusesNonSqliteAndMissingFiles();
  void readsWithoutWriting();
  void viewBuildsLineBandAndMarkersPerMode();
  void viewClickShowsCommit();
  void viewFollowsComboBoxes();
  void mainWindowOpensAndRefuses();

 private:
  std::unique_ptr<HistoryModel> openFixture(KnownDetector* detector = nullptr) const;
  QTemporaryDir m_dir;
  QString m_db;
};

void TestHistory::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_db = m_dir.filePath(QStringLiteral("results.sqlite"));
  tb::gui::test::writeHistoryFixture(m_db);
}

std::unique_ptr<HistoryModel> TestHistory::openFixture(KnownDetector* detector) const {
  auto model = std::make_unique<HistoryModel>(m_db);
  model->setChangePointDetector(detector ? ChangePointDetector(*detector) : ChangePointDetector());
  return model;
}

void TestHistory::listsScenariosMetricsBranches() {
  const auto model = openFixture();
  QCOMPARE(model->scenarios(), QStringList({"other", "sandwich"}));
  const auto metrics = model->metrics(QStringLiteral("sandwich"));
  QCOMPARE(metrics.size(), std::size_t{2});
  QCOMPARE(metrics[0].id, QStringLiteral("gpu.busy_per_iteration"));
  QCOMPARE(metrics[0].unit, QStringLiteral("percent"));
  QCOMPARE(metrics[1].id, QStringLiteral("host.time_per_launch"));
  QCOMPARE(metrics[1].unit, QStringLiteral("ns"));
  QCOMPARE(model->metrics(QStringLiteral("other")).size(), std::size_t{1});
  QCOMPARE(model->branches(QStringLiteral("sandwich")), QStringList({"feature", "main"}));
  QCOMPARE(model->branches(QStringLiteral("other")), QStringList({"main"}));
}

void TestHistory::seriesValuesAndBandsExact() {
  const auto model = openFixture();
  const auto s = model->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"));
  QCOMPARE(s.unit, QStringLiteral("ns"));
  QCOMPARE(s.runs, (std::vector<qint64>{1, 2, 3, 4, 5, 6}));
  QStringList order;
  for (const auto& m : s.modes) order << m.mode;
  QCOMPARE(order, QStringList({"jit", "cubin", "cubin-cached", "cubin-cached#2"}));

  const auto& cached = modeNamed(s, "cubin-cached");
  QCOMPARE(medians(cached), (std::vector<double>{4300, 4310, 4290, 5400, 5410, 5390}));
  QCOMPARE(xs(cached), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  QCOMPARE(cached.points[3].ciLow, 5380.0);
  QCOMPARE(cached.points[3].ciHigh, 5420.0);
  QCOMPARE(cached.points[3].runId, qint64{4});
  QCOMPARE(cached.points[3].commit, tb::gui::test::commitOf(4));
  QCOMPARE(cached.points[3].branch, QStringLiteral("main"));
  QCOMPARE(cached.points[4].branch, QStringLiteral("feature"));
  QCOMPARE(cached.points[3].created, QStringLiteral("2026-12-04T09:00:00Z"));
  QCOMPARE(cached.points[3].gpu, QStringLiteral("NVIDIA H200"));
  QCOMPARE(cached.points[3].n, qint64{200});
  QCOMPARE(cached.points[3].checkStatus, QStringLiteral("passed"));

  // Run 2 has NULL statistics (n = 0): left out, the other runs keep their x.
  const auto& cubin = modeNamed(s, "cubin");
  QCOMPARE(medians(cubin), (std::vector<double>{60000, 61000, 60500, 60200, 60800}));
  QCOMPARE(xs(cubin), (std::vector<int>{0, 2, 3, 4, 5}));
  QCOMPARE(cubin.points[0].ciLow, 59500.0);
  QCOMPARE(cubin.points[0].ciHigh, 60500.0);
  // Run 6 has no interval (n = 1): the band closes on the median.
  QCOMPARE(cubin.points[4].ciLow, 60800.0);
  QCOMPARE(cubin.points[4].ciHigh, 60800.0);

  const auto& repeat = modeNamed(s, "cubin-cached#2");
  QCOMPARE(medians(repeat), (std::vector<double>{4295}));
  QCOMPARE(xs(repeat), (std::vector<int>{2}));
  QCOMPARE(repeat.points[0].ciLow, 4270.0);
  QCOMPARE(repeat.points[0].ciHigh, 4320.0);
  QCOMPARE(repeat.points[0].checkStatus, QString());  // no modes row

  const auto busy = model->select(QStringLiteral("sandwich"), QStringLiteral("gpu.busy_per_iteration"));
  QCOMPARE(busy.unit, QStringLiteral("percent"));
  QCOMPARE(busy.modes.size(), std::size_t{1});
  QCOMPARE(medians(busy.modes[0]), (std::vector<double>{41, 42, 43, 44, 45, 46}));

  const auto none = model->select(QStringLiteral("sandwich"), QStringLiteral("no.such_metric"));
  QVERIFY(none.runs.empty());
  QVERIFY(none.modes.empty());
}

void TestHistory::branchFilterRenumbersRuns() {
  const auto model = openFixture();
  const auto s = model->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"), QStringLiteral("main"));
  QCOMPARE(s.branch, QStringLiteral("main"));
  QCOMPARE(s.runs, (std::vector<qint64>{1, 2, 3, 4, 6}));
  const auto& cached = modeNamed(s, "cubin-cached");
  QCOMPARE(medians(cached), (std::vector<double>{4300, 4310, 4290, 5400, 5390}));
  QCOMPARE(xs(cached), (std::vector<int>{0, 1, 2, 3, 4}));
  const auto f = model->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"), QStringLiteral("feature"));
  QCOMPARE(f.runs, (std::vector<qint64>{5}));
  QCOMPARE(medians(modeNamed(f, "cubin-cached")), (std::vector<double>{5410}));
}

void TestHistory::changePointsFromInjectedDetector() {
  KnownDetector detector;
  const auto model = openFixture(&detector);
  QVERIFY(model->hasChangePointDetector());
  const auto s = model->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"));
  // Called once per mode with at least 2 values, with that mode's medians (oldest first).
  QCOMPARE(detector.calls->size(), std::size_t{3});
  QCOMPARE((*detector.calls)[0], (std::vector<double>{21000, 21100, 20900, 21050, 21020, 20980}));
  QCOMPARE((*detector.calls)[1], (std::vector<double>{60000, 61000, 60500, 60200, 60800}));
  QCOMPARE((*detector.calls)[2], (std::vector<double>{4300, 4310, 4290, 5400, 5410, 5390}));
  // Out-of-range and index 0 dropped, one per index (the first said).
  const auto& cached = modeNamed(s, "cubin-cached");
  QCOMPARE(cached.changePoints, (std::vector<ChangePoint>{{3, 0.25}}));
  QCOMPARE(cached.points[3].x, 3);
  // cubin's index 3 is run 5: x = 4 (run 2 has no value).
  const auto& cubin = modeNamed(s, "cubin");
  QCOMPARE(cubin.changePoints, (std::vector<ChangePoint>{{3, 0.25}}));
  QCOMPARE(cubin.points[3].x, 4);
  QCOMPARE(cubin.points[3].runId, qint64{5});
  QVERIFY(modeNamed(s, "cubin-cached#2").changePoints.empty());

  // No detector: nothing marked.
  const auto plain = openFixture();
  QVERIFY(!plain->hasChangePointDetector());
  for (const auto& m : plain->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch")).modes)
    QVERIFY(m.changePoints.empty());
}

// The build's own detector (tb_change_points, as `triton-bench history` uses it): the
// fixture's cubin-cached steps from 4.3 us to 5.4 us at its fourth run; jit's 1 % wobble
// is not a step.
void TestHistory::builtInDetectorMarksTheStep() {
  auto model = std::make_unique<HistoryModel>(m_db);
  QVERIFY(model->hasChangePointDetector());
  const auto s = model->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"));
  const auto& cached = modeNamed(s, "cubin-cached");
  QCOMPARE(cached.changePoints.size(), std::size_t{1});
  QCOMPARE(cached.changePoints[0].index, 3);
  QVERIFY(std::abs(cached.changePoints[0].relativeChange - (5400.0 / 4300.0 - 1)) < 0.01);
  QVERIFY(modeNamed(s, "jit").changePoints.empty());
}

void TestHistory::scalesAndFormats() {
  QCOMPARE(scaleFor(QStringLiteral("ns"), 999).label, QStringLiteral("ns"));
  QCOMPARE(scaleFor(QStringLiteral("ns"), 1000).divisor, 1e3);
  QCOMPARE(scaleFor(QStringLiteral("ns"), 1000).label, QStringLiteral("µs"));
  QCOMPARE(scaleFor(QStringLiteral("ns"), 2.5e6).label, QStringLiteral("ms"));
  QCOMPARE(scaleFor(QStringLiteral("ns"), 3e9).divisor, 1e9);
  QCOMPARE(scaleFor(QStringLiteral("percent"), 80).label, QStringLiteral("%"));
  QCOMPARE(scaleFor(QStringLiteral("percent"), 80).divisor, 1.0);
  QCOMPARE(scaleFor(QStringLiteral("count"), 5e6).label, QStringLiteral("count"));
  QCOMPARE(formatValue(5400, QStringLiteral("ns")), QStringLiteral("5.40 µs"));
  QCOMPARE(formatValue(850, QStringLiteral("ns")), QStringLiteral("850 ns"));
  QCOMPARE(formatValue(43.24, QStringLiteral("percent")), QStringLiteral("43.2 %"));
  QCOMPARE(formatValue(12345, QStringLiteral("count")), QStringLiteral("12345 count"));
  QCOMPARE(formatValue(2.5, QStringLiteral("count")), QStringLiteral("2.5 count"));
  QCOMPARE(formatValue(7, QString()), QStringLiteral("7"));
  QVERIFY(modeOrder(QStringLiteral("jit")) < modeOrder(QStringLiteral("ptx")));
  QVERIFY(modeOrder(QStringLiteral("cubin-cached")) < modeOrder(QStringLiteral("cubin-cached#2")));
  QVERIFY(modeOrder(QStringLiteral("cubin-cached#2")) < modeOrder(QStringLiteral("library")));
  QVERIFY(modeOrder(QStringLiteral("graph")) < modeOrder(QStringLiteral("mystery")));
}

void TestHistory::describesAPoint() {
  KnownDetector detector;
  const auto model = openFixture(&detector);
  const auto s = model->select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"));
  const auto& cached = modeNamed(s, "cubin-cached");
  QCOMPARE(describePoint(s, cached, 3),
           QStringLiteral("cubin-cached host.time_per_launch: 5.40 µs [95 % CI 5.38 µs .. 5.42 µs], n = 200\n"
                          "run 4, 2026-12-04T09:00:00Z\n"
                          "commit %1 on main\n"
                          "GPU NVIDIA H200, host gpu-host\n"
                          "mode ok, check passed\n"
                          "change point: +25.0 % from the level before")
               .arg(tb::gui::test::commitOf(4)));
  const auto& repeat = modeNamed(s, "cubin-cached#2");
  QCOMPARE(describePoint(s, repeat, 0),
           QStringLiteral("cubin-cached#2 host.time_per_launch: 4.29 µs [95 % CI 4.27 µs .. 4.32 µs], n = 200\n"
                          "run 3, 2026-12-03T09:00:00Z\n"
                          "commit %1 on main\n"
                          "GPU NVIDIA H200, host gpu-host")
               .arg(tb::gui::test::commitOf(3)));
  QCOMPARE(describePoint(s, repeat, 1), QString());
}

void TestHistory::refusesForeignDatabase() {
  const QString path = m_dir.filePath(QStringLiteral("foreign.sqlite"));
  tb::gui::test::writeDatabase(path, QStringLiteral("CREATE TABLE runs(id INTEGER); INSERT INTO runs VALUES (1);"));
  QCOMPARE(errorOf(path), path + QStringLiteral(": not a triton-bench results database (no tb_schema table)"));
}

void TestHistory::refusesOtherSchemaVersions() {
  using tb::gui::test::kSchemaV2;
  const QString newer = m_dir.filePath(QStringLiteral("v3.sqlite"));
  tb::gui::test::writeDatabase(newer, QLatin1String(kSchemaV2) + QStringLiteral("INSERT INTO tb_schema VALUES (3);"));
  QCOMPARE(errorOf(newer), newer + QStringLiteral(": schema version 3 is newer than this viewer reads (2)"));
  const QString older = m_dir.filePath(QStringLiteral("v1.sqlite"));
  tb::gui::test::writeDatabase(older, QLatin1String(kSchemaV2) + QStringLiteral("INSERT INTO tb_schema VALUES (1);"));
  QCOMPARE(errorOf(older), older + QStringLiteral(": schema version 1 is older than this viewer reads (2)"));
  const QString empty = m_dir.filePath(QStringLiteral("norow.sqlite"));
  tb::gui::test::writeDatabase(empty, QLatin1String(kSchemaV2));
  QCOMPARE(errorOf(empty), empty + QStringLiteral(": tb_schema has 0 rows (expected one: the schema version)"));
  const QString noMetrics = m_dir.filePath(QStringLiteral("nometrics.sqlite"));
  tb::gui::test::writeDatabase(noMetrics, QStringLiteral("CREATE TABLE tb_schema(version INTEGER NOT NULL); "
                                                         "INSERT INTO tb_schema VALUES (2); CREATE TABLE runs(id INTEGER); "
                                                         "CREATE TABLE modes(run_id INTEGER);"));
  QCOMPARE(errorOf(noMetrics),
           noMetrics + QStringLiteral(": not a triton-bench results database (schema version 2 but no metrics table)"));
}

void TestHistory::refusesNonSqliteAndMissingFiles() {
  const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
  QFile f(text);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(QByteArray("this is not a database, just text long enough to have a header of 100 bytes ......"
                     "..............................................................................\n"));
  f.close();
  QCOMPARE(errorOf(text),
           text + QStringLiteral(": not a triton-bench results database (cannot read it as SQLite: file is not a database)"));
  const QString missing = m_dir.filePath(QStringLiteral("missing.sqlite"));
  QCOMPARE(errorOf(missing), missing + QStringLiteral(": cannot open: No such file or directory"));
  QVERIFY(!QFile::exists(missing));  // read-only: nothing created
  QCOMPARE(errorOf(m_dir.path()), m_dir.path() + QStringLiteral(": cannot open: is a directory"));
}

void TestHistory::readsWithoutWriting() {
  QFile db(m_db);
  QVERIFY(db.open(QIODevice::ReadOnly));
  const QByteArray before = db.readAll();
  db.close();
  {
    // Two models on one file at once: each has its own connection.
    HistoryModel a(m_db);
    HistoryModel b(m_db);
    QCOMPARE(a.scenarios(), b.scenarios());
    QCOMPARE(a.select(QStringLiteral("other"), QStringLiteral("host.time_per_launch")).modes.size(), std::size_t{1});
  }
  QVERIFY(db.open(QIODevice::ReadOnly));
  QCOMPARE(db.readAll(), before);
  const QStringList beside = QDir(m_dir.path()).entryList({QStringLiteral("results.sqlite*")}, QDir::Files);
  QCOMPARE(beside, QStringList({"results.sqlite"}));  // no journal, no WAL
}

void TestHistory::viewBuildsLineBandAndMarkersPerMode() {
  KnownDetector detector;
  HistoryView view;
  view.resize(1000, 600);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setModel(openFixture(&detector));
  QCOMPARE(view.select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch")), QString());
  QCOMPARE(view.selection().modes.size(), std::size_t{4});
  QChart* chart = view.chart();
  const auto lines = seriesOf<QLineSeries>(chart, QAbstractSeries::SeriesTypeLine);
  const auto bands = seriesOf<QAreaSeries>(chart, QAbstractSeries::SeriesTypeArea);
  const auto marks = seriesOf<QScatterSeries>(chart, QAbstractSeries::SeriesTypeScatter);
  QCOMPARE(lines.size(), std::size_t{4});  // one per mode
  QCOMPARE(bands.size(), std::size_t{4});  // one per mode
  QCOMPARE(marks.size(), std::size_t{3});  // modes with a change point (not cubin-cached#2: one value)
  QCOMPARE(chart->series().size(), 11);
  // Drawn in µs (the largest value is 61.5 µs).
  QCOMPARE(lines[2]->name(), QStringLiteral("cubin-cached"));
  QCOMPARE(lines[2]->points(), (QList<QPointF>{{0, 4.3}, {1, 4.31}, {2, 4.29}, {3, 5.4}, {4, 5.41}, {5, 5.39}}));
  QCOMPARE(lines[1]->points(), (QList<QPointF>{{0, 60}, {2, 61}, {3, 60.5}, {4, 60.2}, {5, 60.8}}));
  QCOMPARE(bands[2]->upperSeries()->points().at(3), QPointF(3, 5.42));
  QCOMPARE(bands[2]->lowerSeries()->points().at(3), QPointF(3, 5.38));
  QCOMPARE(bands[1]->upperSeries()->points().at(4), QPointF(5, 60.8));
  QCOMPARE(marks[1]->name(), QStringLiteral("cubin change points"));
  QCOMPARE(marks[1]->points(), (QList<QPointF>{{4, 60.2}}));
  QCOMPARE(marks[2]->points(), (QList<QPointF>{{3, 5.4}}));
  // One colour per mode: line, band (translucent) and markers.
  const QColor cached = HistoryView::colorOf(QStringLiteral("cubin-cached"));
  QCOMPARE(lines[2]->pen().color(), cached);
  QCOMPARE(bands[2]->brush().color().rgb(), cached.rgb());
  QVERIFY(bands[2]->brush().color().alpha() < 128);
  QCOMPARE(marks[2]->color(), cached);
  // The legend names the modes only.
  QCoreApplication::processEvents();
  QStringList legend;
  for (auto* m : chart->legend()->markers())
    if (m->isVisible()) legend << m->label();
  QCOMPARE(legend, QStringList({"jit", "cubin", "cubin-cached", "cubin-cached#2"}));
  // Axes: runs by id, the metric in µs.
  auto* x = qobject_cast<QCategoryAxis*>(chart->axes(Qt::Horizontal).value(0));
  QVERIFY(x);
  QCOMPARE(x->categoriesLabels(), QStringList({"#1", "#2", "#3", "#4", "#5", "#6"}));
  auto* y = qobject_cast<QValueAxis*>(chart->axes(Qt::Vertical).value(0));
  QVERIFY(y);
  QCOMPARE(y->titleText(), QStringLiteral("host.time_per_launch (µs)"));
  QCOMPARE(view.statusText(), QStringLiteral("6 runs, 4 modes; 3 change points marked"));
}

void TestHistory::viewClickShowsCommit() {
  KnownDetector detector;
  HistoryView view;
  view.setModel(openFixture(&detector));
  view.select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch"));
  // What the line's clicked(QPointF) calls, at a point near run 4 of cubin-cached (mode 2).
  const QString text = view.showPointAt(2, QPointF(3.2, 5.4));
  QVERIFY2(text.contains(QStringLiteral("commit %1 on main").arg(tb::gui::test::commitOf(4))), qPrintable(text));
  QVERIFY(text.startsWith(QStringLiteral("cubin-cached host.time_per_launch: 5.40 µs")));
  QCOMPARE(view.detailsText(), text);
  // cubin has no value at run 2: a click there shows the nearest run it has (run 1, x 0
  // wins the tie with run 3 by coming first).
  QVERIFY(view.showPointAt(1, QPointF(1, 60)).contains(QStringLiteral("run 1, ")));
  QVERIFY(view.showPointAt(1, QPointF(1.6, 60)).contains(QStringLiteral("run 3, ")));
  QCOMPARE(view.showPointAt(9, QPointF(1, 1)), QString());
}

void TestHistory::viewFollowsComboBoxes() {
  HistoryView view;
  QVERIFY(view.detailsText().startsWith(QStringLiteral("No results database open")));
  view.setModel(openFixture());
  QCOMPARE(view.detailsText(), QStringLiteral("Click a point to see its run."));
  auto* metric = view.findChild<QComboBox*>(QStringLiteral("historyMetric"));
  auto* branch = view.findChild<QComboBox*>(QStringLiteral("historyBranch"));
  auto* scenario = view.findChild<QComboBox*>(QStringLiteral("historyScenario"));
  QVERIFY(metric && branch && scenario);
  QCOMPARE(scenario->currentText(), QStringLiteral("other"));  // the first, by name
  scenario->setCurrentIndex(scenario->findText(QStringLiteral("sandwich")));
  QCOMPARE(metric->count(), 2);
  metric->setCurrentIndex(metric->findData(QStringLiteral("gpu.busy_per_iteration")));
  QCOMPARE(view.selection().metric, QStringLiteral("gpu.busy_per_iteration"));
  auto* y = qobject_cast<QValueAxis*>(view.chart()->axes(Qt::Vertical).value(0));
  QVERIFY(y);
  QCOMPARE(y->titleText(), QStringLiteral("gpu.busy_per_iteration (%)"));
  QCOMPARE(branch->itemText(0), QStringLiteral("all branches"));
  branch->setCurrentIndex(branch->findData(QStringLiteral("feature")));
  QCOMPARE(view.selection().runs, (std::vector<qint64>{5}));
  QCOMPARE(view.statusText(), QStringLiteral("1 run, 1 mode; no change points marked: no change-point detector"));
  QCOMPARE(view.select(QStringLiteral("nope"), {}),
           QStringLiteral("scenario 'nope' is not in the database (it has: other, sandwich)"));
  QCOMPARE(view.select({}, QStringLiteral("kernel.duration")),
           QStringLiteral("metric 'kernel.duration' is not in the database (it has: gpu.busy_per_iteration, "
                          "host.time_per_launch)"));
}

void TestHistory::mainWindowOpensAndRefuses() {
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QSignalSpy failed(&window, &MainWindow::historyFailed);
  const QString foreign = m_dir.filePath(QStringLiteral("foreign2.sqlite"));
  tb::gui::test::writeDatabase(foreign, QStringLiteral("CREATE TABLE t(x INTEGER);"));
  QVERIFY(!window.openHistory(foreign));
  QCOMPARE(failed.size(), 1);
  const QString why = foreign + QStringLiteral(": not a triton-bench results database (no tb_schema table)");
  QCOMPARE(failed[0][1].toString(), why);
  QVERIFY(window.historyErrorDialog());
  QCOMPARE(window.historyErrorDialog()->objectName(), QStringLiteral("historyErrorDialog"));
  QCOMPARE(window.historyErrorDialog()->informativeText(), why);
  QVERIFY(window.historyErrorDialog()->isVisible());
  QCOMPARE(window.statusText(), QStringLiteral("could not open: ") + why);

  QVERIFY(window.openHistory(m_db));
  QCOMPARE(window.tabs()->currentWidget(), window.history());
  QCOMPARE(window.tabs()->tabText(window.tabs()->currentIndex()), QStringLiteral("History"));
  QCOMPARE(window.history()->selection().scenario, QStringLiteral("other"));
  QVERIFY(window.statusText().startsWith(QStringLiteral("results.sqlite: 1 run, 1 mode")));
}

QTEST_MAIN(TestHistory)
#include "tst_history.moc"
