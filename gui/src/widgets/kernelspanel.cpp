#include "kernelspanel.hpp"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace tb::gui {

KernelsPanel::KernelsPanel(QWidget* parent) : QWidget(parent) {
  m_summary = new QLabel;
  m_summary->setObjectName(QStringLiteral("rangeSummary"));
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_byStream = new QCheckBox(tr("By stream"));
  m_byStream->setObjectName(QStringLiteral("byStreamBox"));
  m_byStream->setToolTip(tr("One row per kernel name and GPU stream"));
  m_whole = new QPushButton(tr("Whole trace"));
  m_whole->setObjectName(QStringLiteral("wholeTraceButton"));
  m_whole->setToolTip(tr("Clear the selected range (shift-drag on the timeline selects one)"));
  auto* top = new QHBoxLayout;
  top->setContentsMargins(4, 2, 4, 2);
  top->addWidget(m_summary, 1);
  top->addWidget(m_byStream);
  top->addWidget(m_whole);

  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(&m_model);
  m_proxy->setSortRole(KernelStatsModel::sortRole);
  m_table = new QTableView;
  m_table->setObjectName(QStringLiteral("kernelTable"));
  m_table->setModel(m_proxy);
  m_table->setSortingEnabled(true);
  m_table->sortByColumn(KernelStatsModel::totalColumn, Qt::DescendingOrder);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setTextElideMode(Qt::ElideMiddle);
  m_table->setWordWrap(false);
  m_table->verticalHeader()->setVisible(false);
  m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
  m_table->horizontalHeader()->setStretchLastSection(false);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addLayout(top);
  layout->addWidget(m_table, 1);

  connect(m_byStream, &QCheckBox::toggled, this, [this] { recompute(); });
  connect(m_whole, &QPushButton::clicked, this, [this] {
    setRange(std::nullopt);
    emit rangeCleared();
  });
  connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& index) { activateRow(index.row()); });
}

void KernelsPanel::setDocument(TraceDocumentPtr doc) {
  m_doc = std::move(doc);
  m_range.reset();
  recompute();
}

void KernelsPanel::setRange(std::optional<std::pair<double, double>> range) {
  if (range && range->first == range->second) range.reset();
  if (range == m_range) return;  // the timeline echoes a range the panel itself cleared
  m_range = range;
  recompute();
}

void KernelsPanel::setByStream(bool on) { m_byStream->setChecked(on); }

void KernelsPanel::recompute() {
  m_model.compute(m_doc, m_range, m_byStream->isChecked());
  m_summary->setText(m_doc ? m_model.summaryText() : tr("no trace"));
  m_whole->setEnabled(m_range.has_value());
  // Numbers as wide as they need; the name takes what is left (elided in the middle).
  auto* header = m_table->horizontalHeader();
  for (int c = 0; c < m_model.columnCount(); ++c) {
    header->setSectionResizeMode(c, c == KernelStatsModel::nameColumn ? QHeaderView::Stretch : QHeaderView::ResizeToContents);
  }
}

bool KernelsPanel::activateRow(int row) {
  const QModelIndex index = m_proxy->index(row, 0);
  if (!index.isValid()) return false;
  m_table->selectRow(row);
  const int source = m_proxy->mapToSource(index).row();
  emit kernelsActivated(index.data().toString(), m_model.kernelsOf(source));
  return true;
}

int KernelsPanel::rowNamed(const QString& name) const {
  for (int row = 0; row < m_proxy->rowCount(); ++row) {
    if (m_proxy->index(row, KernelStatsModel::nameColumn).data().toString() == name) return row;
  }
  return -1;
}

QString KernelsPanel::summaryText() const { return m_summary->text(); }

}  // namespace tb::gui
