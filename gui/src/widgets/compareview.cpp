#include "compareview.hpp"

#include "metricstable.hpp"
#include "timelinepainter.hpp"

#include <algorithm>

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QValueAxis>
#include <QVBoxLayout>

namespace tb::gui {

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("compareView"));
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Align at")));
  m_modeBox = new QComboBox;
  m_modeBox->setObjectName(QStringLiteral("alignMode"));
  m_modeBox->addItem(tr("trace start"), static_cast<int>(AlignMode::traceStart));
  m_modeBox->addItem(tr("NVTX iteration #"), static_cast<int>(AlignMode::iteration));
  m_modeBox->addItem(tr("target launch #"), static_cast<int>(AlignMode::targetLaunch));
  m_modeBox->setCurrentIndex(1);
  controls->addWidget(m_modeBox);
  m_kBox = new QSpinBox;
  m_kBox->setObjectName(QStringLiteral("alignIndex"));
  m_kBox->setRange(0, 1'000'000'000);
  m_kBox->setToolTip(tr("0-based index of the iteration or target launch"));
  controls->addWidget(m_kBox);
  m_status = new QLabel;
  controls->addWidget(m_status, 1);

  m_timeline = new TimelineView;
  m_timeline->setObjectName(QStringLiteral("compareTimeline"));
  m_table = new MetricsTable;
  m_table->setMetrics(&m_metrics);
  m_chart = new QChart;
  m_chart->setTitle(tr("Gap before the target kernel"));
  m_chart->legend()->setAlignment(Qt::AlignBottom);
  m_chartView = new QChartView(m_chart);
  m_chartView->setObjectName(QStringLiteral("gapHistogram"));
  m_chartView->setMinimumHeight(220);

  m_rightSplit = new QSplitter(Qt::Vertical);
  m_rightSplit->addWidget(m_table);
  m_rightSplit->addWidget(m_chartView);
  m_split = new QSplitter(Qt::Horizontal);
  m_split->addWidget(m_timeline);
  m_split->addWidget(m_rightSplit);
  m_split->setStretchFactor(0, 3);
  m_split->setStretchFactor(1, 2);
  for (auto* split : {m_split, m_rightSplit}) {
    connect(split, &QSplitter::splitterMoved, this, [this] { m_userSplit = true; });
  }
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(controls);
  layout->addWidget(m_split, 1);

  connect(m_modeBox, &QComboBox::currentIndexChanged, this,
          [this] { setAlignment(static_cast<AlignMode>(m_modeBox->currentData().toInt()), m_kBox->value()); });
  connect(m_kBox, &QSpinBox::valueChanged, this,
          [this](int k) { setAlignment(static_cast<AlignMode>(m_modeBox->currentData().toInt()), k); });
  connect(m_timeline, &TimelineView::selectionChanged, this, &CompareView::selectionChanged);
}

void CompareView::setDocuments(std::vector<TraceDocumentPtr> docs, const QString& target) {
  m_docs = std::move(docs);
  m_target = target;
  updateAnalysis();  // resolves the target the alignment uses
  rebuild();
}

void CompareView::setTarget(const QString& target) {
  m_target = target;
  updateAnalysis();
  rebuild();
}

void CompareView::setAlignment(AlignMode mode, int k) {
  m_mode = mode;
  m_k = k;
  const QSignalBlocker b1(m_modeBox);
  const QSignalBlocker b2(m_kBox);
  m_modeBox->setCurrentIndex(m_modeBox->findData(static_cast<int>(mode)));
  m_kBox->setValue(k);
  rebuild();
}

void CompareView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitSplit();
}

void CompareView::fitSplit() {
  const int width = m_split->width() - m_split->handleWidth();
  const int height = m_rightSplit->height() - m_rightSplit->handleWidth();
  if (m_userSplit || width <= 0 || height <= 0) return;
  const int tableWidth = std::clamp(m_table->fullWidth(), width * 2 / 5, width * 3 / 5);
  m_split->setSizes({width - tableWidth, tableWidth});
  const int tableHeight = std::clamp(m_table->fullHeight(), height * 3 / 10, height * 7 / 10);
  m_rightSplit->setSizes({tableHeight, height - tableHeight});
}

QString CompareView::statusText() const { return m_status->text(); }

void CompareView::rebuild() {
  std::vector<Section> sections;
  QStringList missing;
  for (const auto& doc : m_docs) {
    const auto point = alignmentPoint(*doc, m_mode, m_k);
    if (!point) missing << doc->title();
    sections.push_back({doc, point.value_or(0.0), doc->title()});
  }
  m_status->setText(missing.isEmpty() ? QString()
                                      : tr("not aligned (no such point): %1").arg(missing.join(QStringLiteral(", "))));
  // Keep the time range when only the alignment changed.
  const bool keepView = m_timeline->layout().sections().size() == sections.size() && !sections.empty();
  const TimeMapping mapping = m_timeline->mapping();
  m_timeline->setSections(std::move(sections));
  if (keepView) m_timeline->setMapping(mapping);
}

void CompareView::updateAnalysis() {
  std::vector<TraceAnalysis> analyses;
  std::vector<std::vector<double>> gaps;
  for (const auto& doc : m_docs) {
    analyses.push_back(analyzeDocument(*doc, m_target));
    markTarget(*doc, analyses.back());  // the table's target is the timeline's and the alignment's
    const auto* r = std::get_if<tb::profiler::analysis_result>(&analyses.back().result);
    const auto* m = r ? r->find("gap.before_target") : nullptr;
    gaps.push_back(m ? m->samples : std::vector<double>{});
  }
  m_metrics.setAnalyses(std::move(analyses));
  fitSplit();

  m_chart->removeAllSeries();
  for (auto* axis : m_chart->axes()) {
    m_chart->removeAxis(axis);
    delete axis;
  }
  constexpr int kBins = 12;
  m_histogram = makeHistogram(gaps, kBins);
  auto* series = new QBarSeries;
  int maxCount = 1;
  for (std::size_t s = 0; s < m_docs.size(); ++s) {
    auto* set = new QBarSet(m_docs[s]->title());
    for (int c : m_histogram.counts[s]) {
      *set << c;
      maxCount = std::max(maxCount, c);
    }
    series->append(set);
  }
  m_chart->addSeries(series);
  QStringList categories;
  for (int b = 0; b < kBins; ++b) {
    categories << formatDuration(m_histogram.edges[static_cast<std::size_t>(b)], 2);
  }
  auto* x = new QBarCategoryAxis;
  x->append(categories);
  x->setTitleText(tr("gap before target (bin start; last bin holds the rest)"));
  x->setLabelsAngle(-90);
  QFont small = x->labelsFont();
  small.setPointSizeF(7);
  x->setLabelsFont(small);
  auto* y = new QValueAxis;
  y->setRange(0, maxCount);
  y->setLabelFormat(QStringLiteral("%d"));
  y->setTitleText(tr("launches"));
  m_chart->addAxis(x, Qt::AlignBottom);
  m_chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(y);
}

}  // namespace tb::gui
