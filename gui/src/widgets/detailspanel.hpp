// The details of the selected event: name, start, duration, launch configuration,
// correlation id, arguments (rows from TraceDocument::details).
#pragma once

#include "../models/tracedocument.hpp"

#include <QTableWidget>

namespace tb::gui {

class DetailsPanel : public QTableWidget {
  Q_OBJECT
 public:
  explicit DetailsPanel(QWidget* parent = nullptr);
  /// Shows `event` of `doc`; a null doc or kNoEvent clears the panel.
  void showEvent(const TraceDocument* doc, EventIndex event);
  /// The value shown for `name` ("Grid", "Duration"...), empty when absent.
  QString value(const QString& name) const;
};

}  // namespace tb::gui
