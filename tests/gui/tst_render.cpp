// Renders the timeline offscreen to a PNG and checks what is on it.
#include "widgets/timelinepainter.hpp"
#include "widgets/timelineview.hpp"

#include <QtTest>

#include <QImage>
#include <QScrollBar>
#include <set>

using namespace tb::gui;

class TestRender : public QObject {
  Q_OBJECT
 private slots:
  void rendersTracksToPng();
};

void TestRender::rendersTracksToPng() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin.json");
  doc->setTarget(QStringLiteral("add_kernel"));
  TimelineView view;
  view.resize(1200, 300);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setSections({Section{doc, 0, {}}});
  view.fitAll();
  const QImage image = view.renderImage(view.viewport()->size());
  const QString out = TB_GUI_TEST_OUT "/timeline.png";
  QVERIFY(image.save(out));
  QImage png(out);
  QCOMPARE(png.size(), view.viewport()->size());

  // Not blank: many colours, and the kinds' colours are there.
  std::set<QRgb> colours;
  for (int y = 0; y < png.height(); y += 2) {
    for (int x = 0; x < png.width(); x += 2) colours.insert(png.pixel(x, y) & 0xffffff);
  }
  QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
  auto has = [&](tb::profiler::event_kind kind) {
    const QRgb c = TimelinePainter::colorOf(kind).rgb() & 0xffffff;
    for (int y = 0; y < png.height(); ++y) {
      for (int x = 0; x < png.width(); ++x) {
        if ((png.pixel(x, y) & 0xffffff) == c) return true;
      }
    }
    return false;
  };
  QVERIFY(has(tb::profiler::event_kind::driver_api));
  QVERIFY(has(tb::profiler::event_kind::kernel));
  QVERIFY(has(tb::profiler::event_kind::nvtx_range));

  // Track rows: the gutter's lane colour covers exactly 3 lanes (main: NVTX + API
  // depth; stream 7), in 2 runs split by the process headers.
  const auto& m = view.layout().metrics();
  const QRgb gutter = QColor(0xee, 0xf0, 0xf3).rgb() & 0xffffff;
  int lanePixels = 0;
  int runs = 0;
  bool inRun = false;
  for (int y = m.rulerHeight; y < png.height(); ++y) {
    const bool lane = (png.pixel(2, y) & 0xffffff) == gutter;
    lanePixels += lane;
    if (lane && !inRun) ++runs;
    inRun = lane;
  }
  QCOMPARE(lanePixels, 3 * m.laneHeight);
  QCOMPARE(runs, 2);
  // The plot's right margin (no events) alternates shading per track: 2 tracks.
  const QRgb shaded = QColor(0xf3, 0xf4, 0xf6).rgb() & 0xffffff;
  const QRgb white = QColor(0xff, 0xff, 0xff).rgb() & 0xffffff;
  int shadedRows = 0;
  int whiteRows = 0;
  for (int y = m.rulerHeight; y < png.height(); ++y) {
    const QRgb c = png.pixel(png.width() - 3, y) & 0xffffff;
    shadedRows += c == shaded;
    whiteRows += c == white;
  }
  QCOMPARE(shadedRows, 2 * m.laneHeight);
  QCOMPARE(whiteRows, 1 * m.laneHeight);
}

QTEST_MAIN(TestRender)
#include "tst_render.moc"
