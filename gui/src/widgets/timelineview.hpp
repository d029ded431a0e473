// The timeline widget: ruler, tracks, events, gaps and flows of one or several traces
// (sections) on one time scale. Interaction: wheel zooms around the cursor, drag pans,
// shift-drag selects a range, click selects an event; W/S zoom, A/D pan, F fits the
// selection, 0 fits everything.
#pragma once

#include "../models/timelinelayout.hpp"
#include "timelinepainter.hpp"

#include <QAbstractScrollArea>
#include <QImage>
#include <QPoint>

#include <optional>

namespace tb::gui {

class TimelineView : public QAbstractScrollArea {
  Q_OBJECT
 public:
  explicit TimelineView(QWidget* parent = nullptr);

  void setSections(std::vector<Section> sections);
  /// Rebuilds rows after a document's lanes changed (filter); keeps the time range.
  void relayout();
  const TimelineLayout& layout() const noexcept { return m_layout; }
  const TimeMapping& mapping() const noexcept { return m_mapping; }
  void setMapping(const TimeMapping& mapping);
  double plotWidth() const;
  /// Plotting-area x of a viewport x.
  double plotX(double viewportX) const { return viewportX - m_layout.metrics().gutterWidth; }

  void fitAll();
  void fitRange(double t0, double t1);
  void zoomAround(double plotXPos, double factor);
  void panPixels(double dx);

  EventRef selected() const noexcept { return m_selected; }
  /// Selects `ref` (invalid: clears); `reveal` scrolls and pans to show it.
  void selectEvent(const EventRef& ref, bool reveal = false);
  std::optional<std::pair<double, double>> range() const noexcept { return m_range; }
  void setRange(std::optional<std::pair<double, double>> range);
  EventRef eventAt(const QPoint& viewportPos) const;

  /// Renders what the viewport shows, at `size`, into an image (offscreen).
  QImage renderImage(QSize size) const;
  double lastPaintMs() const noexcept { return m_lastPaintMs; }

 signals:
  void selectionChanged(const tb::gui::EventRef& ref);
  /// A range was selected (shift-drag); duration in ns.
  void rangeSelected(double durationNs);
  /// The range was cleared (a shift-click without a drag, or setRange(nullopt)).
  void rangeCleared();
  void viewChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void scrollContentsBy(int dx, int dy) override;

 private:
  void updateScrollRange();
  void paintInto(QPainter& p, QSize size, int scrollY) const;
  int contentY(int viewportY) const;

  TimelineLayout m_layout;
  TimeMapping m_mapping;
  bool m_fitPending = true;
  EventRef m_selected;
  EventRef m_hovered;
  std::optional<std::pair<double, double>> m_range;
  enum class Drag { none, pan, range } m_drag = Drag::none;
  QPoint m_pressPos;
  QPoint m_lastPos;
  bool m_moved = false;
  double m_lastPaintMs = 0;
};

}  // namespace tb::gui

Q_DECLARE_METATYPE(tb::gui::EventRef)
