// Vertical layout of the timeline (sections -> process headers -> track lanes) and the
// level-of-detail preprocessing that turns the visible part of every lane into a compact
// draw list before anything is painted (the pattern of tracy's Preprocess/Draw split):
// a binary search finds the first visible event of a lane, and runs of events narrower
// than kMinVisiblePx are folded into one entry carrying their count.
#pragma once

#include "timemapping.hpp"
#include "tracedocument.hpp"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace tb::gui {

/// One trace on the timeline, drawn with its times shifted so that `alignNs` (relative
/// to the document's origin) is at time 0.
struct Section {
  TraceDocumentPtr doc;
  double alignNs = 0;
  QString title;  ///< drawn as a header row when the layout has several sections
};

struct LayoutMetrics {
  int rulerHeight = 26;
  int sectionHeaderHeight = 20;
  int processHeaderHeight = 18;
  int laneHeight = 18;
  int gutterWidth = 190;  ///< track labels
};

enum class RowKind : std::uint8_t { section, process, lane };

struct Row {
  RowKind kind = RowKind::lane;
  int y = 0;  ///< top, in content coordinates (0 = just below the ruler)
  int height = 0;
  std::uint32_t section = 0;
  std::uint32_t trackView = 0;  ///< lanes: index into the document's tracks()
  std::uint32_t lane = 0;
  bool firstLaneOfTrack = false;
  QString label;
};

/// An event or a fold of events in the draw list.
struct DrawItem {
  float x0 = 0, x1 = 0;        ///< plotting-area pixels
  double t0 = 0, t1 = 0;       ///< section-aligned ns (for gap durations)
  std::uint32_t row = 0;
  EventIndex event = kNoEvent; ///< the event, or the first event of a fold
  std::uint32_t count = 1;     ///< > 1: a fold
  tb::profiler::event_kind kind = tb::profiler::event_kind::other;
  bool target = false;
  bool marked = false;         ///< the event, or any event of the fold, is marked
};

/// Idle time between consecutive items of a GPU stream's first lane, wide enough to see.
struct GapItem {
  float x0 = 0, x1 = 0;
  std::uint32_t row = 0;
  double durationNs = 0;
  bool beforeTarget = false;
  bool afterTarget = false;
};

struct FlowItem {
  float x0 = 0, x1 = 0;
  std::uint32_t row0 = 0, row1 = 0;  ///< launch row, GPU row
  bool selected = false;
};

struct DrawList {
  std::vector<DrawItem> items;
  std::vector<GapItem> gaps;
  std::vector<FlowItem> flows;
  std::size_t foldedEvents = 0;  ///< events hidden inside folds
};

struct EventRef {
  std::uint32_t section = 0;
  EventIndex event = kNoEvent;
  bool valid() const noexcept { return event != kNoEvent; }
  bool operator==(const EventRef&) const = default;
};

class TimelineLayout {
 public:
  static constexpr double kMinVisiblePx = 3;      ///< narrower events are folded
  static constexpr double kMinGapPx = 3;          ///< narrower gaps are not shaded
  static constexpr std::size_t kMaxAllFlows = 400;  ///< draw every flow when this few launches show

  TimelineLayout() = default;
  explicit TimelineLayout(std::vector<Section> sections, LayoutMetrics metrics = {}) { setSections(std::move(sections), metrics); }

  void setSections(std::vector<Section> sections, LayoutMetrics metrics = {});
  /// Rebuilds the rows (after a document's filter changed).
  void relayout();
  const std::vector<Section>& sections() const noexcept { return m_sections; }
  const std::vector<Row>& rows() const noexcept { return m_rows; }
  const LayoutMetrics& metrics() const noexcept { return m_metrics; }
  int contentHeight() const noexcept { return m_contentHeight; }
  std::size_t laneRowCount() const noexcept;
  std::size_t trackCount() const noexcept;

  /// [min, max] of the sections' aligned times.
  std::pair<double, double> timeBounds() const;
  double alignedStart(const EventRef& ref) const;
  double alignedEnd(const EventRef& ref) const;
  std::optional<std::uint32_t> rowOf(const EventRef& ref) const;
  /// Row at content y, if any.
  std::optional<std::uint32_t> rowAt(int contentY) const;

  /// Builds the draw list for the plotting area [0, widthPx) and content rows
  /// intersecting [scrollY, scrollY + heightPx).
  DrawList preprocess(const TimeMapping& mapping, double widthPx, int scrollY, int heightPx,
                      const EventRef& selected = {}) const;
  /// The event under (x, content y), within kMinVisiblePx / 2 of it.
  EventRef hitTest(const TimeMapping& mapping, double x, int contentY) const;

 private:
  void preprocessLane(const Row& row, std::uint32_t rowIndex, const TimeMapping& mapping, double widthPx,
                      DrawList& out) const;

  std::vector<Section> m_sections;
  LayoutMetrics m_metrics;
  std::vector<Row> m_rows;
  int m_contentHeight = 0;
  std::vector<std::vector<std::vector<std::uint32_t>>> m_laneRow;  ///< [section][trackView][lane] -> row
};

}  // namespace tb::gui
