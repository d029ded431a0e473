// Paints a preprocessed draw list: no level-of-detail decisions are made here, the
// TimelineLayout has made them before painting.
#pragma once

#include "../models/timelinelayout.hpp"

#include <QColor>
#include <QPainter>
#include <QSize>

#include <optional>
#include <utility>

namespace tb::gui {

struct PaintState {
  EventRef selected;
  EventRef hovered;
  std::optional<std::pair<double, double>> range;  ///< aligned ns
  int scrollY = 0;
};

class TimelinePainter {
 public:
  static QColor colorOf(tb::profiler::event_kind kind);
  /// Paints ruler, rows, gaps, events, flows and overlays into a `size` area at (0, 0).
  static void paint(QPainter& p, QSize size, const TimelineLayout& layout, const TimeMapping& mapping,
                    const DrawList& list, const PaintState& state);
};

}  // namespace tb::gui
