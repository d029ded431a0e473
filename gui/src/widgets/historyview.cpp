#include "historyview.hpp"

#include <tb/bench/mode.hpp>

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace tb::gui {

namespace {

// Per mode in the order of `--mode all` (Okabe-Ito colours, told apart by most eyes).
constexpr std::array<QRgb, 7> kModeColors = {
    0xe69f00,  // jit
    0x56b4e9,  // ptx
    0x009e73,  // cubin
    0xcc79a7,  // ptx-cached
    0x0072b2,  // cubin-cached
    0xd55e00,  // library
    0x6a3d9a,  // graph
};

void hideFromLegend(QChart* chart, QAbstractSeries* series) {
  for (auto* marker : chart->legend()->markers(series)) marker->setVisible(false);
}

}  // namespace

QColor HistoryView::colorOf(const QString& mode) {
  const auto parsed = tb::bench::parse_mode_label(mode.toStdString());
  if (!parsed) return QColor(0x77, 0x77, 0x77);
  const QColor base(kModeColors[static_cast<std::size_t>(parsed->kind)]);
  return parsed->instance == 1 ? base : base.darker(100 + 35 * (parsed->instance - 1));
}

HistoryView::HistoryView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("historyView"));
  auto* controls = new QHBoxLayout;
  auto addBox = [&](const QString& label, const char* name) {
    controls->addWidget(new QLabel(label));
    auto* box = new QComboBox;
    box->setObjectName(QLatin1String(name));
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    controls->addWidget(box);
    return box;
  };
  m_scenarioBox = addBox(tr("Scenario"), "historyScenario");
  m_metricBox = addBox(tr("Metric"), "historyMetric");
  m_branchBox = addBox(tr("Branch"), "historyBranch");
  m_status = new QLabel;
  m_status->setObjectName(QStringLiteral("historyStatus"));
  controls->addWidget(m_status, 1);

  m_chart = new QChart;
  m_chart->legend()->setAlignment(Qt::AlignBottom);
  m_chartView = new QChartView(m_chart);
  m_chartView->setObjectName(QStringLiteral("historyChart"));
  m_chartView->setRenderHint(QPainter::Antialiasing);
  m_details = new QLabel;
  m_details->setObjectName(QStringLiteral("historyDetails"));
  m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_details->setWordWrap(true);
  m_details->setMinimumHeight(m_details->fontMetrics().lineSpacing() * 6);
  m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(controls);
  layout->addWidget(m_chartView, 1);
  layout->addWidget(m_details);

  connect(m_scenarioBox, &QComboBox::currentIndexChanged, this, [this] {
    fillMetricsAndBranches();
    rebuild();
  });
  connect(m_metricBox, &QComboBox::currentIndexChanged, this, &HistoryView::rebuild);
  connect(m_branchBox, &QComboBox::currentIndexChanged, this, &HistoryView::rebuild);
  rebuild();
}

HistoryView::~HistoryView() {
  // The chart's series capture `this`; drop them before the model goes.
  m_chart->removeAllSeries();
}

void HistoryView::setModel(std::unique_ptr<HistoryModel> model) {
  m_model = std::move(model);
  fillScenarios();
  rebuild();
}

QString HistoryView::select(const QString& scenario, const QString& metric, const QString& branch) {
  QStringList errors;
  auto choose = [&](QComboBox* box, const QString& what, const QString& name, bool byData) {
    if (name.isEmpty()) return;
    const int i = byData ? box->findData(name) : box->findText(name);
    if (i >= 0) {
      box->setCurrentIndex(i);
      return;
    }
    QStringList known;
    for (int k = 0; k < box->count(); ++k) {
      const QString item = byData ? box->itemData(k).toString() : box->itemText(k);
      if (!item.isEmpty()) known << item;
    }
    errors << tr("%1 '%2' is not in the database (it has: %3)").arg(what, name, known.join(QStringLiteral(", ")));
  };
  choose(m_scenarioBox, tr("scenario"), scenario, false);
  choose(m_metricBox, tr("metric"), metric, true);
  choose(m_branchBox, tr("branch"), branch, true);
  return errors.join(QStringLiteral("; "));
}

QString HistoryView::statusText() const { return m_status->text(); }
QString HistoryView::detailsText() const { return m_details->text(); }

void HistoryView::fillScenarios() {
  const QSignalBlocker block(m_scenarioBox);
  m_scenarioBox->clear();
  if (m_model) m_scenarioBox->addItems(m_model->scenarios());
  fillMetricsAndBranches();
}

void HistoryView::fillMetricsAndBranches() {
  const QSignalBlocker b1(m_metricBox);
  const QSignalBlocker b2(m_branchBox);
  const QString metric = m_metricBox->currentData().toString();
  m_metricBox->clear();
  m_branchBox->clear();
  if (!m_model || m_scenarioBox->currentIndex() < 0) return;
  const QString scenario = m_scenarioBox->currentText();
  for (const auto& m : m_model->metrics(scenario)) {
    m_metricBox->addItem(m.unit.isEmpty() ? m.id : QStringLiteral("%1 (%2)").arg(m.id, m.unit), m.id);
  }
  // Keep the metric when the new scenario has it too.
  m_metricBox->setCurrentIndex(std::max(0, m_metricBox->findData(metric)));
  m_branchBox->addItem(tr("all branches"), QString());
  for (const auto& b : m_model->branches(scenario)) m_branchBox->addItem(b, b);
}

void HistoryView::rebuild() {
  m_chart->removeAllSeries();
  for (auto* axis : m_chart->axes()) {
    m_chart->removeAxis(axis);
    delete axis;
  }
  m_selection = {};
  m_details->setText(tr("Click a point to see its run."));
  if (!m_model) m_details->setText(tr("No results database open: File > Open results database..., or --history DB."));
  if (!m_model || m_metricBox->currentIndex() < 0) {
    m_chart->setTitle({});
    m_status->setText(m_model ? tr("no runs in %1").arg(m_model->path()) : QString());
    return;
  }
  try {
    m_selection = m_model->select(m_scenarioBox->currentText(), m_metricBox->currentData().toString(),
                                  m_branchBox->currentData().toString());
  } catch (const HistoryError& error) {
    m_status->setText(QString::fromUtf8(error.what()));
    return;
  }
  double largest = 0;
  std::size_t marks = 0;
  for (const auto& mode : m_selection.modes) {
    for (const auto& p : mode.points) largest = std::max({largest, std::fabs(p.ciHigh), std::fabs(p.median)});
    marks += mode.changePoints.size();
  }
  const ValueScale scale = scaleFor(m_selection.unit, largest);
  for (int i = 0; i < static_cast<int>(m_selection.modes.size()); ++i) addMode(i, scale.divisor);
  addAxes(scale.divisor, scale.label);
  m_chart->setTitle(QStringLiteral("%1: %2").arg(m_selection.scenario, m_selection.metric));
  auto count = [](std::size_t n, const char* one, const char* many) {
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
  };
  const QString changes = m_model->hasChangePointDetector()
                              ? count(marks, "change point marked", "change points marked")
                              : tr("no change points marked: no change-point detector");
  m_status->setText(QStringLiteral("%1, %2; %3")
                        .arg(count(m_selection.runs.size(), "run", "runs"), count(m_selection.modes.size(), "mode", "modes"), changes));
}

// Band (behind), line with its points, and the change points of one mode.
void HistoryView::addMode(int modeIndex, double divisor) {
  const auto& mode = m_selection.modes[static_cast<std::size_t>(modeIndex)];
  const QColor color = colorOf(mode.mode);
  auto* upper = new QLineSeries;
  auto* lower = new QLineSeries;
  auto* line = new QLineSeries;
  for (const auto& p : mode.points) {
    upper->append(p.x, p.ciHigh / divisor);
    lower->append(p.x, p.ciLow / divisor);
    line->append(p.x, p.median / divisor);
  }
  auto* band = new QAreaSeries(upper, lower);
  upper->setParent(band);  // QAreaSeries does not own its edges
  lower->setParent(band);
  band->setName(tr("%1 95 % CI").arg(mode.mode));
  QColor fill = color;
  fill.setAlpha(60);
  band->setBrush(fill);
  band->setPen(Qt::NoPen);
  m_chart->addSeries(band);
  hideFromLegend(m_chart, band);

  line->setName(mode.mode);
  QPen pen(color, 2);
  line->setPen(pen);
  line->setPointsVisible(true);
  m_chart->addSeries(line);

  auto onClick = [this, modeIndex](const QPointF& value) { showPointAt(modeIndex, value); };
  auto onHover = [this, modeIndex](const QPointF& value, bool entered) {
    const int i = entered ? nearestPoint(modeIndex, value.x()) : -1;
    if (i < 0) return QToolTip::hideText();
    const auto& m = m_selection.modes[static_cast<std::size_t>(modeIndex)];
    QToolTip::showText(QCursor::pos(), describePoint(m_selection, m, static_cast<std::size_t>(i)));
  };
  connect(line, &QXYSeries::clicked, this, onClick);
  connect(band, &QAreaSeries::clicked, this, onClick);
  connect(line, &QXYSeries::hovered, this, onHover);

  if (mode.changePoints.empty()) return;
  auto* marks = new QScatterSeries;
  marks->setName(tr("%1 change points").arg(mode.mode));
  marks->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
  marks->setMarkerSize(15);
  marks->setColor(color);
  marks->setBorderColor(QColor(0x20, 0x20, 0x20));
  for (const auto& c : mode.changePoints) {
    const auto& p = mode.points[static_cast<std::size_t>(c.index)];
    marks->append(p.x, p.median / divisor);
  }
  m_chart->addSeries(marks);
  hideFromLegend(m_chart, marks);
  connect(marks, &QXYSeries::clicked, this, onClick);
  connect(marks, &QXYSeries::hovered, this, onHover);
}

// x: the runs in order, labelled by run id (at most about 12 labels); y: the metric.
void HistoryView::addAxes(double divisor, const QString& unitLabel) {
  auto* x = new QCategoryAxis;
  x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  const int runs = static_cast<int>(m_selection.runs.size());
  const int step = std::max(1, (runs + 11) / 12);
  for (int i = 0; i < runs; i += step) {
    x->append(QStringLiteral("#%1").arg(m_selection.runs[static_cast<std::size_t>(i)]), i);
  }
  x->setRange(-0.5, std::max(0, runs - 1) + 0.5);
  x->setTitleText(tr("run (oldest to newest, by run id)"));
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const auto& mode : m_selection.modes) {
    for (const auto& p : mode.points) {
      lo = std::min(lo, p.ciLow / divisor);
      hi = std::max(hi, p.ciHigh / divisor);
    }
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1.0, std::fabs(hi) * 0.05);
  auto* y = new QValueAxis;
  y->setRange(lo - pad, hi + pad);
  y->applyNiceNumbers();
  y->setTitleText(unitLabel.isEmpty() ? m_selection.metric : QStringLiteral("%1 (%2)").arg(m_selection.metric, unitLabel));
  m_chart->addAxis(x, Qt::AlignBottom);
  m_chart->addAxis(y, Qt::AlignLeft);
  for (auto* series : m_chart->series()) {
    series->attachAxis(x);
    series->attachAxis(y);
  }
}

int HistoryView::nearestPoint(int modeIndex, double x) const {
  if (modeIndex < 0 || modeIndex >= static_cast<int>(m_selection.modes.size())) return -1;
  const auto& points = m_selection.modes[static_cast<std::size_t>(modeIndex)].points;
  int best = -1;
  double bestDistance = std::numeric_limits<double>::infinity();
  for (int i = 0; i < static_cast<int>(points.size()); ++i) {
    const double d = std::fabs(points[static_cast<std::size_t>(i)].x - x);
    if (d < bestDistance) best = i, bestDistance = d;
  }
  return best;
}

QString HistoryView::showPointAt(int modeIndex, const QPointF& value) {
  const int i = nearestPoint(modeIndex, value.x());
  if (i < 0) return {};
  const QString text =
      describePoint(m_selection, m_selection.modes[static_cast<std::size_t>(modeIndex)], static_cast<std::size_t>(i));
  m_details->setText(text);
  return text;
}

}  // namespace tb::gui
