// Launch-to-GPU flows in the document and the timeline: a kernel launch has one, a graph
// launch one per kernel of its graph (the recorded sandwich graph: three).
#include "models/timelinelayout.hpp"
#include "models/timemapping.hpp"
#include "models/tracedocument.hpp"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace tb::gui;
namespace prof = tb::profiler;

class TestFlows : public QObject {
  Q_OBJECT
 private slots:
  void graphLaunchLinksEveryKernel_data();
  void graphLaunchLinksEveryKernel();
  void gpuWrittenGraphTraceNamesItsGpuAndOsThread();
  void kernelLaunchLinksOne();
  void timelineDrawsAFlowPerKernelOfAGraphLaunch();
};

namespace {

std::vector<EventIndex> callsNamed(const TraceDocument& doc, const QString& name) {
  std::vector<EventIndex> out;
  for (EventIndex i = 0; i < doc.eventCount(); ++i)
    if (prof::is_api_call(doc.event(i).kind) && doc.name(i) == name) out.push_back(i);
  return out;
}

int selectedFlows(const DrawList& list) {
  return static_cast<int>(std::count_if(list.flows.begin(), list.flows.end(), [](const FlowItem& f) { return f.selected; }));
}

}  // namespace

// The committed recording (bench/recorded, written before the chrome writer linked every
// kernel: the viewer links them itself) and a graph trace as this project writes it now,
// from the H200 run of 2026-12-03 (bench/run_gpu_checks.sh; gzipped as it came back).
void TestFlows::graphLaunchLinksEveryKernel_data() {
  QTest::addColumn<QString>("path");
  QTest::newRow("recorded") << QStringLiteral(TB_RECORDED_DIR "/sandwich.graph.json");
  QTest::newRow("h200 gz") << QStringLiteral(TB_GUI_TEST_DATA "/h200-sandwich.graph.json.gz");
}

void TestFlows::graphLaunchLinksEveryKernel() {
  QFETCH(QString, path);
  const auto doc = TraceDocument::load(path.toStdString());
  const auto launches = callsNamed(*doc, QStringLiteral("cuGraphLaunch"));
  QVERIFY(launches.size() > 10);
  std::size_t linked = 0;
  for (const EventIndex api : launches) {
    const auto kernels = doc->launchedBy(api);
    if (kernels.empty()) continue;  // a replay whose kernels fell outside the traced window
    QCOMPARE(kernels.size(), std::size_t{3});
    QCOMPARE(doc->name(kernels[0]), QStringLiteral("producer_kernel"));
    QCOMPARE(doc->name(kernels[1]), QStringLiteral("target_kernel"));
    QCOMPARE(doc->name(kernels[2]), QStringLiteral("consumer_kernel"));
    for (const EventIndex k : kernels) QCOMPARE(doc->flowPartner(k), api);
    QCOMPARE(doc->flowPartner(api), kernels[0]);
    QVERIFY(doc->tooltip(api).contains(QStringLiteral("launches producer_kernel and 2 more")));
    linked += kernels.size();
  }
  QVERIFY(linked >= 3 * (launches.size() - 1));
  QCOMPARE(doc->flowCount(), linked);
  QVERIFY(doc->launchedBy(doc->launchedBy(launches.front())[0]).empty());  // a kernel launches nothing
}

// What the trace of a GPU run carries since issue 15 (item 6): the GPU's name, driver and
// CUDA version, the host thread's OS id (the process id for the main thread) and name.
void TestFlows::gpuWrittenGraphTraceNamesItsGpuAndOsThread() {
  const auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/h200-sandwich.graph.json.gz");
  const auto& meta = doc->trace().metadata();
  QCOMPARE(QString::fromStdString(meta.gpu_name), QStringLiteral("NVIDIA H200"));
  QCOMPARE(QString::fromStdString(meta.driver_version), QStringLiteral("580.159.04"));
  QCOMPARE(QString::fromStdString(meta.cuda_version), QStringLiteral("13.0"));
  QStringList labels;
  for (const auto& view : doc->tracks()) labels << view.label;
  QVERIFY2(labels.contains(QStringLiteral("triton-bench (tid 1174)")), qPrintable(labels.join(QStringLiteral(", "))));
  QCOMPARE(callsNamed(*doc, QStringLiteral("cuGraphLaunch")).size(), std::size_t{600});
  QCOMPARE(doc->flowCount(), std::size_t{1800});  // 3 kernels per graph launch, each linked
}

void TestFlows::kernelLaunchLinksOne() {
  const auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin-cached.json");
  const auto launches = callsNamed(*doc, QStringLiteral("cuLaunchKernel"));
  QVERIFY(!launches.empty());
  for (const EventIndex api : launches) {
    QCOMPARE(doc->launchedBy(api).size(), std::size_t{1});
    QCOMPARE(doc->launchedBy(api)[0], doc->flowPartner(api));
  }
}

void TestFlows::timelineDrawsAFlowPerKernelOfAGraphLaunch() {
  const auto doc = TraceDocument::load(TB_RECORDED_DIR "/sandwich.graph.json");
  const auto launches = callsNamed(*doc, QStringLiteral("cuGraphLaunch"));
  const auto api = *std::find_if(launches.begin(), launches.end(), [&](EventIndex i) { return !doc->launchedBy(i).empty(); });
  const auto kernels = doc->launchedBy(api);
  const TimelineLayout layout({Section{doc, 0, {}}});
  // Zoomed to this one launch: its call and its three kernels are on screen.
  TimeMapping m;
  m.fit(doc->relStart(api) - 100, doc->relEnd(kernels.back()) + 100, 4000);
  const int height = layout.contentHeight() + 10;
  const DrawList none = layout.preprocess(m, 4000, 0, height);
  int fromThisCall = 0;
  const double x0 = m.mapTimeToX(doc->relStart(api));
  for (const auto& f : none.flows) fromThisCall += std::abs(f.x0 - x0) < 0.5;
  QCOMPARE(fromThisCall, 3);
  QCOMPARE(selectedFlows(layout.preprocess(m, 4000, 0, height, EventRef{0, api})), 3);
  QCOMPARE(selectedFlows(layout.preprocess(m, 4000, 0, height, EventRef{0, kernels[1]})), 1);
  // Selected or not, each flow is drawn once.
  QCOMPARE(layout.preprocess(m, 4000, 0, height, EventRef{0, api}).flows.size(), none.flows.size());
}

QTEST_GUILESS_MAIN(TestFlows)
#include "tst_flows.moc"
