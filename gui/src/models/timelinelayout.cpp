#include "timelinelayout.hpp"

#include <algorithm>
#include <limits>

namespace tb::gui {

namespace prof = tb::profiler;

void TimelineLayout::setSections(std::vector<Section> sections, LayoutMetrics metrics) {
  m_sections = std::move(sections);
  m_metrics = metrics;
  relayout();
}

void TimelineLayout::relayout() {
  m_rows.clear();
  m_laneRow.assign(m_sections.size(), {});
  int y = 0;
  auto add = [&](Row row) {
    row.y = y;
    y += row.height;
    m_rows.push_back(std::move(row));
    return static_cast<std::uint32_t>(m_rows.size() - 1);
  };
  for (std::uint32_t s = 0; s < m_sections.size(); ++s) {
    const auto& section = m_sections[s];
    if (!section.doc) continue;
    if (m_sections.size() > 1) {
      Row header;
      header.kind = RowKind::section;
      header.height = m_metrics.sectionHeaderHeight;
      header.section = s;
      header.label = section.title.isEmpty() ? section.doc->title() : section.title;
      add(std::move(header));
    }
    const auto& tracks = section.doc->tracks();
    m_laneRow[s].resize(tracks.size());
    for (const auto& group : section.doc->groups()) {
      Row header;
      header.kind = RowKind::process;
      header.height = m_metrics.processHeaderHeight;
      header.section = s;
      header.label = group.label;
      add(std::move(header));
      for (std::uint32_t tv : group.trackViews) {
        const auto& view = tracks[tv];
        for (std::uint32_t l = 0; l < view.lanes.size(); ++l) {
          Row row;
          row.kind = RowKind::lane;
          row.height = m_metrics.laneHeight;
          row.section = s;
          row.trackView = tv;
          row.lane = l;
          row.firstLaneOfTrack = l == 0;
          if (l == 0) row.label = view.label;
          m_laneRow[s][tv].push_back(add(std::move(row)));
        }
      }
    }
  }
  m_contentHeight = y;
}

std::size_t TimelineLayout::laneRowCount() const noexcept {
  return static_cast<std::size_t>(std::count_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return r.kind == RowKind::lane; }));
}

std::size_t TimelineLayout::trackCount() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return r.kind == RowKind::lane && r.firstLaneOfTrack; }));
}

std::pair<double, double> TimelineLayout::timeBounds() const {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const auto& s : m_sections) {
    if (!s.doc || s.doc->eventCount() == 0) continue;
    lo = std::min(lo, -s.alignNs);
    hi = std::max(hi, s.doc->spanNs() - s.alignNs);
  }
  if (lo > hi) return {0.0, 1.0};
  return {lo, hi};
}

double TimelineLayout::alignedStart(const EventRef& ref) const {
  const auto& s = m_sections.at(ref.section);
  return s.doc->relStart(ref.event) - s.alignNs;
}

double TimelineLayout::alignedEnd(const EventRef& ref) const {
  const auto& s = m_sections.at(ref.section);
  return s.doc->relEnd(ref.event) - s.alignNs;
}

std::optional<std::uint32_t> TimelineLayout::rowOf(const EventRef& ref) const {
  if (ref.section >= m_sections.size() || !m_sections[ref.section].doc) return std::nullopt;
  const auto loc = m_sections[ref.section].doc->locate(ref.event);
  if (!loc) return std::nullopt;
  const auto& byTrack = m_laneRow[ref.section];
  if (loc->trackView >= byTrack.size() || loc->lane >= byTrack[loc->trackView].size()) return std::nullopt;
  return byTrack[loc->trackView][loc->lane];
}

std::optional<std::uint32_t> TimelineLayout::rowAt(int contentY) const {
  auto it = std::upper_bound(m_rows.begin(), m_rows.end(), contentY, [](int y, const Row& r) { return y < r.y; });
  if (it == m_rows.begin()) return std::nullopt;
  --it;
  if (contentY >= it->y + it->height) return std::nullopt;
  return static_cast<std::uint32_t>(it - m_rows.begin());
}

void TimelineLayout::preprocessLane(const Row& row, std::uint32_t rowIndex, const TimeMapping& mapping, double widthPx,
                                    DrawList& out) const {
  const auto& section = m_sections[row.section];
  const TraceDocument& doc = *section.doc;
  const auto& view = doc.tracks()[row.trackView];
  const Lane& lane = view.lanes[row.lane];
  if (lane.empty()) return;
  const double align = section.alignNs;
  const double tStart = mapping.mapXToTime(0) + align;  // document-relative
  const double tEnd = mapping.mapXToTime(widthPx) + align;
  const double minNs = kMinVisiblePx * mapping.nsPerPixel;
  const auto relEndLess = [&](EventIndex i, double t) { return doc.relEnd(i) < t; };

  const std::size_t n = lane.size();
  std::size_t i = static_cast<std::size_t>(std::lower_bound(lane.begin(), lane.end(), tStart, relEndLess) - lane.begin());
  if (i > 0) --i;  // one before the view: the gap into the view needs it
  const std::size_t firstItem = out.items.size();
  auto anyMarked = [&](std::size_t from, std::size_t to) {
    if (!doc.hasMarked()) return false;
    for (std::size_t k = from; k < to; ++k) {
      if (doc.isMarked(lane[k])) return true;
    }
    return false;
  };
  auto push = [&](EventIndex first, double t0, double t1, std::uint32_t count, bool marked) {
    DrawItem item;
    item.t0 = t0 - align;
    item.t1 = t1 - align;
    item.x0 = static_cast<float>(mapping.mapTimeToX(item.t0));
    item.x1 = static_cast<float>(mapping.mapTimeToX(item.t1));
    item.row = rowIndex;
    item.event = first;
    item.count = count;
    item.kind = doc.event(first).kind;
    item.target = count == 1 && doc.isTarget(first);
    item.marked = marked;
    if (count > 1) out.foldedEvents += count;
    out.items.push_back(item);
  };
  while (i < n) {
    const EventIndex e = lane[i];
    const double s = doc.relStart(e);
    const double en = doc.relEnd(e);
    if (s > tEnd) {
      push(e, s, en, 1, doc.isMarked(e));  // one after the view, for the gap out of it
      break;
    }
    if (en - s >= minNs) {
      push(e, s, en, 1, doc.isMarked(e));
      ++i;
      continue;
    }
    // Fold: swallow following events while they and the gaps before them stay narrow.
    double foldEnd = en;
    std::size_t j = i + 1;
    std::uint32_t count = 1;
    while (j < n && foldEnd <= tEnd) {
      const auto k = static_cast<std::size_t>(
          std::lower_bound(lane.begin() + static_cast<std::ptrdiff_t>(j), lane.end(), foldEnd + minNs, relEndLess) -
          lane.begin());
      if (k > j) {
        count += static_cast<std::uint32_t>(k - j);
        foldEnd = std::max(foldEnd, doc.relEnd(lane[k - 1]));
        j = k;
        if (j == n) break;
      }
      const EventIndex next = lane[j];
      const double ns = doc.relStart(next);
      const double ne = doc.relEnd(next);
      if (ns - foldEnd >= minNs || ne - ns >= minNs) break;
      foldEnd = ne;
      ++count;
      ++j;
    }
    push(e, s, foldEnd, count, anyMarked(i, j));
    i = j;
  }

  if (view.gpu && row.lane == 0) {
    for (std::size_t k = firstItem + 1; k < out.items.size(); ++k) {
      const DrawItem& prev = out.items[k - 1];
      const DrawItem& next = out.items[k];
      if (next.x0 - prev.x1 < kMinGapPx) continue;
      GapItem gap;
      gap.x0 = prev.x1;
      gap.x1 = next.x0;
      gap.row = rowIndex;
      gap.durationNs = next.t0 - prev.t1;
      gap.beforeTarget = next.target;
      gap.afterTarget = prev.target;
      out.gaps.push_back(gap);
    }
  }
}

DrawList TimelineLayout::preprocess(const TimeMapping& mapping, double widthPx, int scrollY, int heightPx,
                                    const EventRef& selected) const {
  DrawList out;
  const auto first = rowAt(std::max(0, scrollY));
  std::uint32_t r = first ? *first : 0;
  for (; r < m_rows.size(); ++r) {
    const Row& row = m_rows[r];
    if (row.y >= scrollY + heightPx) break;
    if (row.y + row.height <= scrollY || row.kind != RowKind::lane) continue;
    preprocessLane(row, r, mapping, widthPx, out);
  }

  auto addFlow = [&](std::uint32_t section, EventIndex api, EventIndex gpu, bool isSelected) {
    const auto rowApi = rowOf({section, api});
    const auto rowGpu = rowOf({section, gpu});
    if (!rowApi || !rowGpu) return;
    FlowItem flow;
    flow.x0 = static_cast<float>(mapping.mapTimeToX(alignedStart({section, api})));
    flow.x1 = static_cast<float>(mapping.mapTimeToX(alignedStart({section, gpu})));
    flow.row0 = *rowApi;
    flow.row1 = *rowGpu;
    flow.selected = isSelected;
    out.flows.push_back(flow);
  };
  std::vector<const DrawItem*> launches;
  for (const auto& item : out.items) {
    if (item.count != 1 || !prof::is_api_call(item.kind)) continue;
    if (m_sections[m_rows[item.row].section].doc->flowPartner(item.event) == kNoEvent) continue;
    if (item.x1 < 0 || item.x0 > widthPx) continue;
    launches.push_back(&item);
    if (launches.size() > kMaxAllFlows) break;
  }
  // One flow per GPU operation a call launched (each kernel of a graph launch); the
  // selected event's flows are drawn last, on top.
  auto isSelectedFlow = [&](std::uint32_t s, EventIndex api, EventIndex gpu) {
    return selected.section == s && (selected.event == api || selected.event == gpu);
  };
  if (launches.size() <= kMaxAllFlows) {
    for (const DrawItem* item : launches) {
      const std::uint32_t s = m_rows[item->row].section;
      for (const EventIndex gpu : m_sections[s].doc->launchedBy(item->event)) {
        if (!isSelectedFlow(s, item->event, gpu)) addFlow(s, item->event, gpu, false);
      }
    }
  }
  if (selected.valid() && selected.section < m_sections.size()) {
    const auto& doc = *m_sections[selected.section].doc;
    if (prof::is_api_call(doc.event(selected.event).kind)) {
      for (const EventIndex gpu : doc.launchedBy(selected.event)) addFlow(selected.section, selected.event, gpu, true);
    } else if (const EventIndex api = doc.flowPartner(selected.event); api != kNoEvent) {
      addFlow(selected.section, api, selected.event, true);
    }
  }
  return out;
}

EventRef TimelineLayout::hitTest(const TimeMapping& mapping, double x, int contentY) const {
  const auto r = rowAt(contentY);
  if (!r || m_rows[*r].kind != RowKind::lane) return {};
  const Row& row = m_rows[*r];
  const auto& section = m_sections[row.section];
  const TraceDocument& doc = *section.doc;
  const Lane& lane = doc.tracks()[row.trackView].lanes[row.lane];
  const double t = mapping.mapXToTime(x) + section.alignNs;
  const double tol = kMinVisiblePx / 2 * mapping.nsPerPixel;
  auto it = std::lower_bound(lane.begin(), lane.end(), t - tol, [&](EventIndex i, double v) { return doc.relEnd(i) < v; });
  EventRef best;
  double bestDistance = std::numeric_limits<double>::infinity();
  for (int scanned = 0; it != lane.end() && doc.relStart(*it) <= t + tol && scanned < 64; ++it, ++scanned) {
    const double s = doc.relStart(*it);
    const double e = doc.relEnd(*it);
    const double distance = t < s ? s - t : t > e ? t - e : 0;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = {row.section, *it};
    }
    if (distance == 0) break;
  }
  return best;
}

}  // namespace tb::gui
