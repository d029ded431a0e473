// Renders the timeline and the History view offscreen to PNGs and checks what is on them.
#include "historyfixture.hpp"
#include "models/traceanalysis.hpp"
#include "widgets/historyview.hpp"
#include "widgets/timelinepainter.hpp"
#include "widgets/timelineview.hpp"

#include <QtTest>

#include <QFile>
#include <QImage>
#include <QScrollBar>

#include <cstdlib>
#include <set>

using namespace tb::gui;

class TestRender : public QObject {
  Q_OBJECT
 private slots:
  void rendersTracksToPng();
  void rendersHistoryToPng();
};

void TestRender::rendersTracksToPng() {
  auto doc = TraceDocument::load(TB_GUI_TEST_DATA "/cubin.json");
  setTarget(*doc, QStringLiteral("add_kernel"));
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

namespace {

// Pixels within `tolerance` per channel of `c`.
int pixelsLike(const QImage& image, QColor c, int tolerance) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const QColor p = image.pixelColor(x, y);
      count += std::abs(p.red() - c.red()) <= tolerance && std::abs(p.green() - c.green()) <= tolerance &&
               std::abs(p.blue() - c.blue()) <= tolerance;
    }
  }
  return count;
}

}  // namespace

// The demo database (tests/gui/historyfixture.hpp: 24 runs, four modes, two steps known
// by construction and marked through the detector hook); the PNG is
// build*/tests/gui/history.png, the database beside it.
void TestRender::rendersHistoryToPng() {
  const QString db = TB_GUI_TEST_OUT "/history.sqlite";
  QFile::remove(db);
  tb::gui::test::writeDemoHistory(db);
  auto model = std::make_unique<HistoryModel>(db);
  model->setChangePointDetector(tb::gui::test::demoChangePoints);
  HistoryView view;
  view.resize(1100, 650);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setModel(std::move(model));
  QCOMPARE(view.select(QStringLiteral("sandwich"), QStringLiteral("host.time_per_launch")), QString());
  QCOMPARE(view.statusText(), QStringLiteral("24 runs, 4 modes; 2 change points marked"));
  view.showPointAt(1, QPointF(14, 5.4));  // cubin-cached, the first run after its step
  QCoreApplication::processEvents();
  const QString out = TB_GUI_TEST_OUT "/history.png";
  QVERIFY(view.grab().save(out));
  const QImage png = QImage(out).convertToFormat(QImage::Format_RGB32);
  QCOMPARE(png.size(), view.size() * view.devicePixelRatio());

  std::set<QRgb> colours;
  for (int y = 0; y < png.height(); y += 2) {
    for (int x = 0; x < png.width(); x += 2) colours.insert(png.pixel(x, y) & 0xffffff);
  }
  QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
  // Every mode's line (and the markers) in its colour, and the translucent bands.
  for (const char* mode : {"ptx-cached", "cubin-cached", "library", "graph"}) {
    const QColor c = HistoryView::colorOf(QLatin1String(mode));
    QVERIFY2(pixelsLike(png, c, 8) > 30, mode);
  }
  for (const char* mode : {"cubin-cached", "graph"}) {
    QColor band = HistoryView::colorOf(QLatin1String(mode));
    const double a = 60.0 / 255;  // over the white plot area
    band.setRgb(static_cast<int>(255 * (1 - a) + band.red() * a), static_cast<int>(255 * (1 - a) + band.green() * a),
                static_cast<int>(255 * (1 - a) + band.blue() * a));
    QVERIFY2(pixelsLike(png, band, 3) > 100, mode);
  }
}

QTEST_MAIN(TestRender)
#include "tst_render.moc"
