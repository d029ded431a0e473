// A loaded trace plus the indexes the viewer needs: tracks grouped by process in display
// order, events of each track split into lanes (nesting depth for CPU threads, overlap
// for GPU streams; within a lane events are sorted by start and do not overlap, so both
// starts and ends are sorted and a binary search finds the visible range), the launch
// <-> GPU work partner of every correlated event, the target kernel and the filter.
//
// Built once off the UI thread (TraceLoader), then only read by the UI, except for the
// target and the filter, which the UI sets.
#pragma once

#include <tb/profiler/trace.hpp>

#include <QString>
#include <QStringList>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <span>
#include <utility>
#include <vector>

namespace tb::gui {

using EventIndex = std::uint32_t;
inline constexpr EventIndex kNoEvent = tb::profiler::no_index;

/// Events of one lane: sorted by start, pairwise non-overlapping.
using Lane = std::vector<EventIndex>;

struct TrackView {
  std::uint32_t track = 0;    ///< index into trace::tracks()
  std::uint32_t process = 0;  ///< index into trace::processes()
  bool gpu = false;
  /// The trace names the track (else the label is made up: "stream ID", "thread N (tid T)").
  bool named = false;
  /// The track's name, else "stream ID" / "thread N (tid T)", N the thread's 1-based
  /// position in its process (CUPTI's placeholder name "thread <tid>" counts as none).
  QString label;
  std::vector<Lane> lanes;    ///< at least one (possibly empty)
  std::size_t eventCount = 0;
};

struct ProcessGroup {
  std::uint32_t process = 0;
  QString label;
  std::vector<std::uint32_t> trackViews;  ///< indices into TraceDocument::tracks(), display order
};

/// Where an event is drawn.
struct EventLocation {
  std::uint32_t trackView = 0;
  std::uint32_t lane = 0;
};

class TraceDocument {
 public:
  using Progress = std::function<void(int percent, const QString& stage)>;

  /// Indexes `t` (sorting its events by start when they are not).
  static std::shared_ptr<TraceDocument> build(tb::profiler::trace t, QString sourceName, const Progress& progress = {});
  /// Reads a Chrome/Kineto trace and indexes it; throws tb::profiler::trace_error.
  static std::shared_ptr<TraceDocument> load(const std::filesystem::path& path, const Progress& progress = {});

  const tb::profiler::trace& trace() const noexcept { return m_trace; }
  const tb::profiler::event& event(EventIndex i) const noexcept { return m_trace.events()[i]; }
  std::size_t eventCount() const noexcept { return m_trace.events().size(); }
  const QString& sourceName() const noexcept { return m_sourceName; }
  /// Short title: the mode from the metadata, else the file name.
  QString title() const;

  /// Times relative to the first event's start (the document's origin).
  std::int64_t originNs() const noexcept { return m_originNs; }
  double relStart(EventIndex i) const noexcept { return static_cast<double>(event(i).start_ns - m_originNs); }
  double relEnd(EventIndex i) const noexcept { return static_cast<double>(event(i).end_ns - m_originNs); }
  /// Relative end of the last-ending event.
  double spanNs() const noexcept { return m_spanNs; }

  const std::vector<ProcessGroup>& groups() const noexcept { return m_groups; }
  /// All tracks; lanes are filtered when a filter is set.
  const std::vector<TrackView>& tracks() const noexcept { return m_filter.isEmpty() ? m_tracks : m_filteredTracks; }
  const std::vector<TrackView>& unfilteredTracks() const noexcept { return m_tracks; }
  std::optional<EventLocation> locate(EventIndex i) const;

  /// The launch call of GPU work or the (first) GPU work of a launch call (correlation
  /// id), or kNoEvent.
  EventIndex flowPartner(EventIndex i) const noexcept { return m_partner.empty() ? kNoEvent : m_partner[i]; }
  /// Every GPU operation a launch call started, in the trace's order: one for a kernel launch,
  /// each kernel of the graph for a cuGraphLaunch. Empty for anything else.
  std::span<const EventIndex> launchedBy(EventIndex api) const noexcept;
  /// GPU operations linked to their launch call (one flow each).
  std::size_t flowCount() const noexcept { return m_flowCount; }

  /// Target kernel: every kernel named one of `names`, the names the analysis resolved for
  /// `pattern` (the rule is the analysis', see traceanalysis.hpp: setTarget). Returns the
  /// number of names marked.
  int setTargetNames(const QString& pattern, const std::vector<std::string>& names);
  const QString& target() const noexcept { return m_target; }
  bool isTarget(EventIndex i) const noexcept {
    const auto& e = event(i);
    return e.kind == tb::profiler::event_kind::kernel && e.name < m_targetName.size() && m_targetName[e.name];
  }

  /// Marked events (the per-kernel table's clicked row: a kernel's instances and their launch
  /// calls), outlined by the timeline, folds included. Empty: none.
  void setMarked(const std::vector<EventIndex>& events);
  bool hasMarked() const noexcept { return m_markedCount > 0; }
  bool isMarked(EventIndex i) const noexcept { return m_markedCount > 0 && m_marked[i]; }

  /// Events whose name contains `text` (case-insensitive), in start order.
  std::vector<EventIndex> find(const QString& text) const;
  /// Hides every event whose name does not contain `text`; empty clears the filter.
  void setFilter(const QString& text);
  const QString& filter() const noexcept { return m_filter; }

  /// Name/value rows for the details panel.
  std::vector<std::pair<QString, QString>> details(EventIndex i) const;
  /// One-line summary for tooltips.
  QString tooltip(EventIndex i) const;
  QString name(EventIndex i) const;

  std::size_t countOfKind(tb::profiler::event_kind kind) const noexcept {
    return m_kindCounts[static_cast<std::size_t>(kind)];
  }

 private:
  TraceDocument() = default;
  void index(const Progress& progress);
  void linkLaunches();
  std::vector<bool> namesContaining(const QString& text) const;

  tb::profiler::trace m_trace;
  QString m_sourceName;
  std::int64_t m_originNs = 0;
  std::vector<bool> m_marked;
  std::size_t m_markedCount = 0;
  double m_spanNs = 0;
  std::vector<ProcessGroup> m_groups;
  std::vector<TrackView> m_tracks;
  std::vector<TrackView> m_filteredTracks;
  std::vector<std::uint32_t> m_trackViewOf;  ///< trace track -> index into m_tracks
  std::vector<EventIndex> m_partner;
  std::vector<EventIndex> m_launched;          ///< GPU work grouped by launch call (launchedBy)
  std::vector<std::uint32_t> m_launchedBegin;  ///< launch call -> its group's start in m_launched
  std::size_t m_flowCount = 0;
  QString m_target;
  std::vector<bool> m_targetName;  ///< by string id
  QString m_filter;
  std::size_t m_kindCounts[tb::profiler::event_kind_count] = {};
};

using TraceDocumentPtr = std::shared_ptr<TraceDocument>;

}  // namespace tb::gui
