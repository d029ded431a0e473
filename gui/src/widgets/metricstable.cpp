#include "metricstable.hpp"

#include "../models/comparemodels.hpp"

#include <QHeaderView>
#include <QScrollBar>

#include <algorithm>

namespace tb::gui {

MetricsTable::MetricsTable(QWidget* parent) : QTableView(parent) {
  setObjectName(QStringLiteral("metricsTable"));
  setWordWrap(false);
  setTextElideMode(Qt::ElideMiddle);
  horizontalHeader()->setTextElideMode(Qt::ElideMiddle);
  horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  verticalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
}

void MetricsTable::setMetrics(MetricsTableModel* model) {
  m_metrics = model;
  setModel(model);
  connect(model, &QAbstractItemModel::modelReset, this, &MetricsTable::fitColumns);
  fitColumns();
}

// The widest cell of `column` that is a value (every row but the target's names), plus the
// grid line the cell's text does not get.
int MetricsTable::valueWidth(int column) const {
  const int textRow = m_metrics->rowOf(QStringLiteral("target"));
  int width = 0;
  for (int row = 0; row < m_metrics->rowCount(); ++row) {
    if (row != textRow) width = std::max(width, sizeHintForIndex(m_metrics->index(row, column)).width());
  }
  return width + (showGrid() ? 1 : 0);
}

int MetricsTable::fullWidth() const {
  int width = 2 * frameWidth() + verticalHeader()->sizeHint().width() + verticalScrollBar()->sizeHint().width();
  for (int column = 0; m_metrics && column < m_metrics->columnCount(); ++column) width += columnWidth(column);
  return width;
}

int MetricsTable::fullHeight() const {
  int height = 2 * frameWidth() + horizontalHeader()->sizeHint().height() + horizontalScrollBar()->sizeHint().height();
  for (int row = 0; m_metrics && row < m_metrics->rowCount(); ++row) {
    height += std::max(verticalHeader()->sectionSizeHint(row), sizeHintForRow(row));
  }
  return height;
}

void MetricsTable::fitColumns() {
  if (!m_metrics) return;
  const int minimum = fontMetrics().horizontalAdvance(QLatin1Char('x')) * 12;
  for (int column = 0; column < m_metrics->columnCount(); ++column) {
    setColumnWidth(column, std::max(minimum, valueWidth(column)));
  }
}

}  // namespace tb::gui
