#include "timelinepainter.hpp"

#include <QFontMetrics>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace tb::gui {

namespace prof = tb::profiler;

QColor TimelinePainter::colorOf(prof::event_kind kind) {
  switch (kind) {
    case prof::event_kind::driver_api: return QColor(0x4e, 0x79, 0xa7);
    case prof::event_kind::runtime_api: return QColor(0x76, 0xb7, 0xb2);
    case prof::event_kind::kernel: return QColor(0x59, 0xa1, 0x4f);
    case prof::event_kind::memcpy: return QColor(0xf2, 0x8e, 0x2b);
    case prof::event_kind::memset: return QColor(0xb0, 0x7a, 0xa1);
    case prof::event_kind::synchronization: return QColor(0xe1, 0x57, 0x59);
    case prof::event_kind::nvtx_range: return QColor(0xbc, 0xb8, 0xd8);
    case prof::event_kind::nvtx_marker: return QColor(0x8c, 0x6d, 0x31);
    case prof::event_kind::overhead: return QColor(0x9c, 0x75, 0x5f);
    case prof::event_kind::other: return QColor(0xba, 0xb0, 0xac);
  }
  return Qt::gray;
}

void TimelinePainter::paint(QPainter& p, QSize size, const TimelineLayout& layout, const TimeMapping& mapping,
                            const DrawList& list, const PaintState& state) {
  const auto& m = layout.metrics();
  const int width = size.width();
  const int height = size.height();
  const int gutter = m.gutterWidth;
  const int top = m.rulerHeight;
  const double plotWidth = std::max(0, width - gutter);
  const auto& rows = layout.rows();
  auto rowTop = [&](std::uint32_t r) { return top + rows[r].y - state.scrollY; };
  // Rows are laid out top to bottom: those on screen are one contiguous run.
  std::uint32_t firstRow = 0;
  while (firstRow < rows.size() && rowTop(firstRow) + rows[firstRow].height <= top) ++firstRow;
  std::uint32_t endRow = firstRow;
  while (endRow < rows.size() && rowTop(endRow) < height) ++endRow;

  p.fillRect(QRect(0, 0, width, height), QColor(0xfb, 0xfb, 0xfb));
  const QFont baseFont = p.font();
  QFont small = baseFont;
  small.setPointSizeF(std::max(6.5, baseFont.pointSizeF() * 0.85));
  QFont bold = baseFont;
  bold.setBold(true);
  const QFontMetrics smallMetrics(small);

  // Row backgrounds.
  p.save();
  p.setClipRect(QRect(0, top, width, height - top));
  bool shade = false;
  for (std::uint32_t r = firstRow; r < endRow; ++r) {
    const int y = rowTop(r);
    const Row& row = rows[r];
    if (row.kind == RowKind::section) {
      p.fillRect(QRect(0, y, width, row.height), QColor(0x33, 0x3d, 0x4f));
    } else if (row.kind == RowKind::process) {
      p.fillRect(QRect(0, y, width, row.height), QColor(0xdd, 0xe3, 0xea));
    } else {
      if (row.firstLaneOfTrack) shade = !shade;
      p.fillRect(QRect(gutter, y, width - gutter, row.height), shade ? QColor(0xf3, 0xf4, 0xf6) : QColor(0xff, 0xff, 0xff));
    }
  }
  p.restore();

  const auto ticks = rulerTicks(mapping, plotWidth);
  // Grid lines under the events.
  p.setPen(QColor(0xe4, 0xe6, 0xea));
  for (const auto& tick : ticks) {
    const int x = gutter + static_cast<int>(std::lround(tick.x));
    p.drawLine(x, top, x, height);
  }

  p.save();
  p.setClipRect(QRect(gutter, top, width - gutter, height - top));
  p.setFont(small);
  // Gaps on GPU streams.
  for (const auto& gap : list.gaps) {
    const int y = rowTop(gap.row);
    const double x0 = std::max(-1.0, static_cast<double>(gap.x0));
    const double x1 = std::min(plotWidth + 1, static_cast<double>(gap.x1));
    if (x1 <= x0) continue;
    const bool emphasized = gap.beforeTarget || gap.afterTarget;
    const QRectF rect(gutter + x0, y + 1, x1 - x0, rows[gap.row].height - 2);
    p.fillRect(rect, emphasized ? QColor(255, 140, 0, 110) : QColor(220, 70, 70, 45));
    const QString label = formatDuration(gap.durationNs);
    const int textWidth = smallMetrics.horizontalAdvance(label);
    if (textWidth + 6 <= rect.width()) {
      p.setPen(emphasized ? QColor(0x8a, 0x3b, 0x00) : QColor(0x9a, 0x30, 0x30));
      p.drawText(rect, Qt::AlignCenter, label);
    }
  }
  // Events and folds.
  for (const auto& item : list.items) {
    const int y = rowTop(item.row);
    const int h = rows[item.row].height;
    double x0 = item.x0;
    double x1 = item.x1;
    if (x1 < -2 || x0 > plotWidth + 2) continue;
    x0 = std::max(x0, -2.0);
    x1 = std::min(x1, plotWidth + 2);
    if (x1 - x0 < 1) x1 = x0 + 1;
    const QRectF rect(gutter + x0, y + 2, x1 - x0, h - 4);
    QColor color = colorOf(item.kind);
    if (item.count > 1) {
      p.fillRect(rect, color.lighter(125));
      p.fillRect(rect, QBrush(color.darker(130), Qt::Dense6Pattern));
      if (rect.width() > 60) {
        p.setPen(QColor(0x20, 0x20, 0x20));
        p.drawText(rect.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   smallMetrics.elidedText(QStringLiteral("%1 events").arg(item.count), Qt::ElideRight,
                                           static_cast<int>(rect.width()) - 6));
      }
      continue;
    }
    p.fillRect(rect, color);
    if (item.target) {
      p.setPen(QPen(QColor(0x1b, 0x3d, 0x14), 2));
      p.drawRect(rect.adjusted(1, 1, -1, -1));
    } else if (rect.width() > 5) {
      p.setPen(color.darker(140));
      p.drawRect(rect.adjusted(0, 0, -1, -1));
    }
    if (rect.width() > 36) {
      const auto& doc = *layout.sections()[rows[item.row].section].doc;
      const QString text = smallMetrics.elidedText(doc.name(item.event), Qt::ElideRight, static_cast<int>(rect.width()) - 6);
      if (!text.isEmpty() && text != QStringLiteral("…")) {
        p.setPen(item.kind == prof::event_kind::nvtx_range || item.kind == prof::event_kind::other ? Qt::black : Qt::white);
        p.drawText(rect.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
      }
    }
  }
  // Marked events (the per-kernel table's row): an orange outline, folds too.
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(QColor(0xf0, 0x80, 0x00), 2));
  for (const auto& item : list.items) {
    if (!item.marked || item.x1 < -2 || item.x0 > plotWidth + 2) continue;
    const double x0 = std::max<double>(item.x0, -2.0);
    const double x1 = std::max(x0 + 2, std::min<double>(item.x1, plotWidth + 2));
    p.drawRect(QRectF(gutter + x0, rowTop(item.row) + 1, x1 - x0, rows[item.row].height - 2));
  }
  // Selection and hover outlines.
  auto outline = [&](const EventRef& ref, const QPen& pen) {
    if (!ref.valid()) return;
    const auto r = layout.rowOf(ref);
    if (!r) return;
    const double x0 = mapping.mapTimeToX(layout.alignedStart(ref));
    const double x1 = std::max(x0 + 2, mapping.mapTimeToX(layout.alignedEnd(ref)));
    if (x1 < -10 || x0 > plotWidth + 10) return;
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(gutter + std::max(x0, -5.0), rowTop(*r) + 1, std::min(x1, plotWidth + 5) - std::max(x0, -5.0),
                      rows[*r].height - 2));
  };
  outline(state.hovered, QPen(QColor(0, 0, 0, 120), 1));
  outline(state.selected, QPen(QColor(0x10, 0x50, 0xd0), 2));
  // Flow arrows: launch call -> GPU work.
  p.setRenderHint(QPainter::Antialiasing, true);
  for (const auto& flow : list.flows) {
    const QPointF a(gutter + flow.x0, rowTop(flow.row0) + rows[flow.row0].height - 3);
    const QPointF b(gutter + flow.x1, rowTop(flow.row1) + 3);
    QPainterPath path(a);
    const double dy = (b.y() - a.y()) / 2;
    path.cubicTo(a + QPointF(0, dy), b - QPointF(0, dy), b);
    const QColor c = flow.selected ? QColor(0x10, 0x50, 0xd0) : QColor(0x55, 0x55, 0x55, 150);
    p.setPen(QPen(c, flow.selected ? 2.0 : 1.0));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    const double dir = b.y() >= a.y() ? -1 : 1;
    QPolygonF head;
    head << b << b + QPointF(-4, 7 * dir) << b + QPointF(4, 7 * dir);
    p.setBrush(c);
    p.drawPolygon(head);
  }
  p.setRenderHint(QPainter::Antialiasing, false);
  // Range selection.
  if (state.range) {
    const double x0 = mapping.mapTimeToX(std::min(state.range->first, state.range->second));
    const double x1 = mapping.mapTimeToX(std::max(state.range->first, state.range->second));
    const QRectF rect(gutter + x0, top, x1 - x0, height - top);
    p.fillRect(rect, QColor(0x30, 0x70, 0xe0, 40));
    p.setPen(QColor(0x30, 0x70, 0xe0));
    p.drawLine(rect.topLeft(), rect.bottomLeft());
    p.drawLine(rect.topRight(), rect.bottomRight());
  }
  p.restore();

  // Gutter and headers.
  p.save();
  p.setClipRect(QRect(0, top, width, height - top));
  for (std::uint32_t r = firstRow; r < endRow; ++r) {
    const int y = rowTop(r);
    const Row& row = rows[r];
    if (row.kind == RowKind::section) {
      p.setFont(bold);
      p.setPen(Qt::white);
      p.drawText(QRect(6, y, width - 12, row.height), Qt::AlignVCenter | Qt::AlignLeft, row.label);
    } else if (row.kind == RowKind::process) {
      p.setFont(bold);
      p.setPen(QColor(0x20, 0x2a, 0x38));
      p.drawText(QRect(6, y, width - 12, row.height), Qt::AlignVCenter | Qt::AlignLeft, row.label);
    } else {
      p.fillRect(QRect(0, y, gutter, row.height), QColor(0xee, 0xf0, 0xf3));
      if (row.firstLaneOfTrack) {
        p.setFont(baseFont);
        p.setPen(QColor(0x30, 0x30, 0x30));
        p.drawText(QRect(16, y, gutter - 20, row.height), Qt::AlignVCenter | Qt::AlignLeft,
                   QFontMetrics(baseFont).elidedText(row.label, Qt::ElideRight, gutter - 20));
      }
    }
  }
  p.setPen(QColor(0xc0, 0xc4, 0xca));
  p.drawLine(gutter - 1, top, gutter - 1, height);
  p.restore();

  // Ruler.
  p.fillRect(QRect(0, 0, width, top), QColor(0xe9, 0xec, 0xf0));
  p.setPen(QColor(0xa0, 0xa4, 0xaa));
  p.drawLine(0, top - 1, width, top - 1);
  p.setFont(small);
  for (const auto& tick : ticks) {
    const int x = gutter + static_cast<int>(std::lround(tick.x));
    p.setPen(QColor(0x50, 0x50, 0x50));
    p.drawLine(x, top - 7, x, top - 1);
    p.drawText(QRect(x + 3, 0, 120, top - 4), Qt::AlignBottom | Qt::AlignLeft, tick.label);
  }
  if (state.range) {
    const double d = std::fabs(state.range->second - state.range->first);
    p.setFont(bold);
    p.setPen(QColor(0x10, 0x40, 0xa0));
    p.drawText(QRect(4, 0, gutter - 8, top), Qt::AlignVCenter | Qt::AlignLeft, QStringLiteral("Δ %1").arg(formatDuration(d)));
  } else {
    p.setPen(QColor(0x60, 0x60, 0x60));
    p.drawText(QRect(4, 0, gutter - 8, top), Qt::AlignVCenter | Qt::AlignLeft,
               QStringLiteral("%1 / px").arg(formatDuration(mapping.nsPerPixel)));
  }
  p.setFont(baseFont);
}

}  // namespace tb::gui
