#include "detailspanel.hpp"

#include <QHeaderView>

namespace tb::gui {

DetailsPanel::DetailsPanel(QWidget* parent) : QTableWidget(0, 2, parent) {
  setObjectName(QStringLiteral("detailsPanel"));
  setHorizontalHeaderLabels({tr("Field"), tr("Value")});
  horizontalHeader()->setStretchLastSection(true);
  horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  verticalHeader()->hide();
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setWordWrap(false);
}

void DetailsPanel::showEvent(const TraceDocument* doc, EventIndex event) {
  setRowCount(0);
  if (!doc || event == kNoEvent) return;
  const auto rows = doc->details(event);
  setRowCount(static_cast<int>(rows.size()));
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    setItem(r, 0, new QTableWidgetItem(rows[static_cast<std::size_t>(r)].first));
    auto* value = new QTableWidgetItem(rows[static_cast<std::size_t>(r)].second);
    value->setToolTip(rows[static_cast<std::size_t>(r)].second);
    setItem(r, 1, value);
  }
}

QString DetailsPanel::value(const QString& name) const {
  for (int r = 0; r < rowCount(); ++r) {
    if (item(r, 0) && item(r, 0)->text() == name) return item(r, 1) ? item(r, 1)->text() : QString();
  }
  return {};
}

}  // namespace tb::gui
