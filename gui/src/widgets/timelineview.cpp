#include "timelineview.hpp"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace tb::gui {

TimelineView::TimelineView(QWidget* parent) : QAbstractScrollArea(parent) {
  qRegisterMetaType<tb::gui::EventRef>("tb::gui::EventRef");
  setFocusPolicy(Qt::StrongFocus);
  viewport()->setMouseTracking(true);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  setMinimumSize(400, 150);
}

void TimelineView::setSections(std::vector<Section> sections) {
  m_layout.setSections(std::move(sections));
  m_selected = {};
  m_hovered = {};
  m_range.reset();
  m_fitPending = true;
  updateScrollRange();
  if (viewport()->width() > m_layout.metrics().gutterWidth) fitAll();
  viewport()->update();
}

void TimelineView::relayout() {
  m_layout.relayout();
  m_hovered = {};
  if (m_selected.valid() && !m_layout.rowOf(m_selected)) m_selected = {};
  updateScrollRange();
  viewport()->update();
}

void TimelineView::setMapping(const TimeMapping& mapping) {
  m_mapping = mapping;
  m_fitPending = false;
  viewport()->update();
  emit viewChanged();
}

double TimelineView::plotWidth() const {
  return std::max(1, viewport()->width() - m_layout.metrics().gutterWidth);
}

void TimelineView::fitAll() {
  const auto [t0, t1] = m_layout.timeBounds();
  fitRange(t0, t1);
}

void TimelineView::fitRange(double t0, double t1) {
  m_mapping.fit(t0, t1, plotWidth(), 8);
  m_fitPending = viewport()->width() <= m_layout.metrics().gutterWidth;
  viewport()->update();
  emit viewChanged();
}

void TimelineView::zoomAround(double x, double factor) {
  m_mapping.zoomAround(x, factor);
  viewport()->update();
  emit viewChanged();
}

void TimelineView::panPixels(double dx) {
  m_mapping.panPixels(dx);
  viewport()->update();
  emit viewChanged();
}

void TimelineView::selectEvent(const EventRef& ref, bool reveal) {
  m_selected = ref;
  if (ref.valid() && reveal) {
    const double t0 = m_layout.alignedStart(ref);
    const double t1 = m_layout.alignedEnd(ref);
    const double x0 = m_mapping.mapTimeToX(t0);
    const double x1 = m_mapping.mapTimeToX(t1);
    if (x1 - x0 > plotWidth() * 0.8 || x1 - x0 < 1) {
      const double pad = std::max(t1 - t0, 1000.0) * 4;
      fitRange(t0 - pad, t1 + pad);
    } else if (x0 < 0 || x1 > plotWidth()) {
      m_mapping.panPixels(plotWidth() / 2 - (x0 + x1) / 2);
      emit viewChanged();
    }
    if (const auto r = m_layout.rowOf(ref)) {
      const auto& row = m_layout.rows()[*r];
      const int visible = viewport()->height() - m_layout.metrics().rulerHeight;
      auto* bar = verticalScrollBar();
      if (row.y < bar->value() || row.y + row.height > bar->value() + visible) bar->setValue(row.y - visible / 2);
    }
  }
  viewport()->update();
  emit selectionChanged(ref);
}

void TimelineView::setRange(std::optional<std::pair<double, double>> range) {
  const bool had = m_range.has_value();
  m_range = range;
  viewport()->update();
  if (range) emit rangeSelected(std::fabs(range->second - range->first));
  if (!range && had) emit rangeCleared();
}

int TimelineView::contentY(int viewportY) const {
  return viewportY - m_layout.metrics().rulerHeight + verticalScrollBar()->value();
}

EventRef TimelineView::eventAt(const QPoint& pos) const {
  if (pos.x() < m_layout.metrics().gutterWidth || pos.y() < m_layout.metrics().rulerHeight) return {};
  return m_layout.hitTest(m_mapping, plotX(pos.x()), contentY(pos.y()));
}

void TimelineView::updateScrollRange() {
  const int visible = std::max(0, viewport()->height() - m_layout.metrics().rulerHeight);
  verticalScrollBar()->setPageStep(std::max(1, visible));
  verticalScrollBar()->setSingleStep(m_layout.metrics().laneHeight);
  verticalScrollBar()->setRange(0, std::max(0, m_layout.contentHeight() - visible));
}

void TimelineView::paintInto(QPainter& p, QSize size, int scrollY) const {
  const int plotH = std::max(0, size.height() - m_layout.metrics().rulerHeight);
  const double width = std::max(1, size.width() - m_layout.metrics().gutterWidth);
  const DrawList list = m_layout.preprocess(m_mapping, width, scrollY, plotH, m_selected);
  PaintState state;
  state.selected = m_selected;
  state.hovered = m_hovered;
  state.range = m_range;
  state.scrollY = scrollY;
  TimelinePainter::paint(p, size, m_layout, m_mapping, list, state);
}

QImage TimelineView::renderImage(QSize size) const {
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter p(&image);
  p.setFont(font());
  paintInto(p, size, verticalScrollBar()->value());
  return image;
}

void TimelineView::paintEvent(QPaintEvent*) {
  QElapsedTimer timer;
  timer.start();
  QPainter p(viewport());
  paintInto(p, viewport()->size(), verticalScrollBar()->value());
  m_lastPaintMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void TimelineView::resizeEvent(QResizeEvent* event) {
  QAbstractScrollArea::resizeEvent(event);
  updateScrollRange();
  if (m_fitPending && viewport()->width() > m_layout.metrics().gutterWidth) fitAll();
}

void TimelineView::scrollContentsBy(int, int) { viewport()->update(); }

void TimelineView::wheelEvent(QWheelEvent* event) {
  if (event->modifiers() & (Qt::AltModifier | Qt::ControlModifier)) {
    QAbstractScrollArea::wheelEvent(event);
    return;
  }
  const double delta = event->angleDelta().y() != 0 ? event->angleDelta().y() : event->angleDelta().x();
  if (delta == 0) return;
  zoomAround(plotX(event->position().x()), std::pow(1.0015, delta));
  event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QAbstractScrollArea::mousePressEvent(event);
  m_pressPos = m_lastPos = event->position().toPoint();
  m_moved = false;
  if (event->modifiers() & Qt::ShiftModifier) {
    m_drag = Drag::range;
    const double t = m_mapping.mapXToTime(plotX(m_pressPos.x()));
    m_range = std::pair(t, t);
  } else {
    m_drag = Drag::pan;
  }
  setFocus();
}

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
  const QPoint pos = event->position().toPoint();
  if (m_drag != Drag::none && (pos - m_pressPos).manhattanLength() > 3) m_moved = true;
  if (m_drag == Drag::pan) {
    const QPoint d = pos - m_lastPos;
    if (d.x() != 0) panPixels(d.x());
    if (d.y() != 0) verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
  } else if (m_drag == Drag::range) {
    m_range->second = m_mapping.mapXToTime(plotX(pos.x()));
    viewport()->update();
  } else {
    const EventRef hit = eventAt(pos);
    if (!(hit == m_hovered)) {
      m_hovered = hit;
      viewport()->update();
      if (hit.valid()) {
        QToolTip::showText(event->globalPosition().toPoint(), m_layout.sections()[hit.section].doc->tooltip(hit.event), viewport());
      } else {
        QToolTip::hideText();
      }
    }
  }
  m_lastPos = pos;
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QAbstractScrollArea::mouseReleaseEvent(event);
  const Drag drag = m_drag;
  m_drag = Drag::none;
  if (drag == Drag::range) {
    if (m_moved) {
      emit rangeSelected(std::fabs(m_range->second - m_range->first));
    } else {
      m_range.reset();
      emit rangeCleared();
    }
    viewport()->update();
    return;
  }
  if (!m_moved) selectEvent(eventAt(event->position().toPoint()));
}

void TimelineView::keyPressEvent(QKeyEvent* event) {
  const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
  const double anchor = viewport()->rect().contains(cursor) && cursor.x() >= m_layout.metrics().gutterWidth
                            ? plotX(cursor.x())
                            : plotWidth() / 2;
  switch (event->key()) {
    case Qt::Key_W: zoomAround(anchor, 1.25); break;
    case Qt::Key_S: zoomAround(anchor, 1 / 1.25); break;
    case Qt::Key_A: panPixels(plotWidth() * 0.1); break;
    case Qt::Key_D: panPixels(-plotWidth() * 0.1); break;
    case Qt::Key_0: fitAll(); break;
    case Qt::Key_F:
      if (m_range && m_range->first != m_range->second) {
        fitRange(std::min(m_range->first, m_range->second), std::max(m_range->first, m_range->second));
      } else if (m_selected.valid()) {
        fitRange(m_layout.alignedStart(m_selected), m_layout.alignedEnd(m_selected));
      }
      break;
    default: QAbstractScrollArea::keyPressEvent(event); return;
  }
  event->accept();
}

}  // namespace tb::gui
