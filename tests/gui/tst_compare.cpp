// The compare view with many traces (issue 15): the metrics table stays readable with six
// traces and a long templated kernel name.
#include "models/synthetictrace.hpp"
#include "widgets/compareview.hpp"

#include <QtTest>

#include <QHeaderView>
#include <QScrollBar>
#include <QStyle>
#include <QTableView>

using namespace tb::gui;
namespace prof = tb::profiler;

namespace {

const QString kLongName = QStringLiteral(
    "void add_kernel<cutlass::gemm::GemmShape<128, 128, 32>, cutlass::epilogue::thread::LinearCombination<float, "
    "4, float, float>, cute::Layout<cute::tuple<cute::C<64>, cute::C<8>>>>(Params)");

/// A sandwich-like trace of `mode`; with `longName` its add_kernel is renamed to kLongName.
TraceDocumentPtr scenarioDocument(const std::string& mode, bool longName) {
  ScenarioTraceOptions options;
  options.mode = mode;
  auto t = makeScenarioTrace(options);
  if (longName) {
    const auto from = t.strings().find("add_kernel");
    const auto to = t.intern(kLongName.toStdString());
    for (auto& e : t.mutable_events()) {
      if (from && e.name == *from) e.name = to;
    }
  }
  return TraceDocument::build(std::move(t), QString::fromStdString(mode + ".json"));
}

}  // namespace

class TestCompare : public QObject {
  Q_OBJECT
 private slots:
  void tableWithSixTracesIsReadable();
};

void TestCompare::tableWithSixTracesIsReadable() {
  const std::vector<std::string> modes{"ptx", "cubin", "ptx-cached", "cubin-cached", "library", "jit"};
  std::vector<TraceDocumentPtr> docs;
  for (const auto& mode : modes) docs.push_back(scenarioDocument(mode, mode == "cubin-cached"));
  CompareView view;
  view.resize(1400, 800);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setDocuments(docs, QStringLiteral("add_kernel"));
  QCoreApplication::processEvents();
  auto* table = view.findChild<QTableView*>(QStringLiteral("metricsTable"));
  QVERIFY(table);
  const auto* model = table->model();

  // One column per trace, titled by the trace, the file in the header's tooltip.
  QCOMPARE(model->columnCount(), 6);
  QCOMPARE(model->headerData(3, Qt::Horizontal).toString(), QStringLiteral("cubin-cached"));
  QVERIFY(model->headerData(3, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QLatin1String("cubin-cached.json")));

  // The long name is elided in the middle (its column is far narrower than the name); the
  // tooltip holds the full name.
  const QModelIndex name = model->index(view.metrics().rowOf(QStringLiteral("target")), 3);
  QCOMPARE(name.data().toString(), kLongName);
  QCOMPARE(name.data(Qt::ToolTipRole).toString(), kLongName);
  QCOMPARE(table->textElideMode(), Qt::ElideMiddle);
  QVERIFY2(table->columnWidth(3) < table->fontMetrics().horizontalAdvance(kLongName) / 2,
           qPrintable(QStringLiteral("column width %1").arg(table->columnWidth(3))));
  // Values are never elided: every column holds its widest value with the delegate's text
  // margins and the grid line.
  const int margins = 2 * (table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table) + 1) + 1;
  for (int c = 0; c < 6; ++c) {
    for (int r = 0; r < model->rowCount(); ++r) {
      if (r == name.row()) continue;
      const QString text = model->index(r, c).data().toString();
      QVERIFY2(table->columnWidth(c) >= table->fontMetrics().horizontalAdvance(text) + margins, qPrintable(text));
    }
  }

  // The first column (metric names) stays in place while the table scrolls sideways.
  const int gapRow = view.metrics().rowOf(QStringLiteral("gap.before_target"));
  QCOMPARE(model->headerData(gapRow, Qt::Vertical).toString(), QStringLiteral("gap.before_target"));
  QVERIFY(table->verticalHeader()->isVisible());
  const int headerX = table->verticalHeader()->x();
  QVERIFY(table->horizontalScrollBar()->maximum() > 0);
  table->horizontalScrollBar()->setValue(table->horizontalScrollBar()->maximum());
  QCoreApplication::processEvents();
  QVERIFY(table->columnAt(0) > 0);  // the leftmost visible trace column is no longer the first
  QCOMPARE(table->verticalHeader()->x(), headerX);
  QVERIFY(table->verticalHeader()->isVisible());
}

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
