#include "tracedocument.hpp"

#include "timemapping.hpp"

#include <tb/profiler/trace_reader.hpp>

#include <QFileInfo>

#include <algorithm>
#include <numeric>

namespace tb::gui {

namespace prof = tb::profiler;

namespace {

constexpr std::uint32_t kNoLaunched = UINT32_MAX;  // a launch call without GPU work

QString qstr(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

QString kindLabel(prof::event_kind kind) {
  switch (kind) {
    case prof::event_kind::driver_api: return QStringLiteral("driver API");
    case prof::event_kind::runtime_api: return QStringLiteral("runtime API");
    case prof::event_kind::kernel: return QStringLiteral("kernel");
    case prof::event_kind::memcpy: return QStringLiteral("memcpy");
    case prof::event_kind::memset: return QStringLiteral("memset");
    case prof::event_kind::synchronization: return QStringLiteral("synchronization");
    case prof::event_kind::nvtx_range: return QStringLiteral("NVTX range");
    case prof::event_kind::nvtx_marker: return QStringLiteral("NVTX marker");
    case prof::event_kind::overhead: return QStringLiteral("overhead");
    case prof::event_kind::other: return QStringLiteral("other");
  }
  return QStringLiteral("?");
}

QString dim3Text(const prof::dim3i& d) { return QStringLiteral("(%1, %2, %3)").arg(d.x).arg(d.y).arg(d.z); }

// Splits the events of one track (given in start order, parents before children) into
// lanes: an event goes one lane below every still-open event before it, so lanes hold
// non-overlapping events in start order.
void assignLanes(const prof::trace& t, const std::vector<EventIndex>& events, std::vector<Lane>& lanes) {
  std::vector<std::int64_t> openEnds;  // end time of the open event at each depth
  const auto all = t.events();
  for (EventIndex i : events) {
    const auto& e = all[i];
    while (!openEnds.empty() && openEnds.back() <= e.start_ns) openEnds.pop_back();
    const std::size_t depth = openEnds.size();
    if (lanes.size() <= depth) lanes.resize(depth + 1);
    lanes[depth].push_back(i);
    // A zero-length event never encloses anything: keep it off the stack.
    if (e.end_ns > e.start_ns) openEnds.push_back(e.end_ns);
  }
  if (lanes.empty()) lanes.resize(1);
}

// A track's row label. A stream: its name, else "stream ID". A CPU thread: its name, unless
// it has none or only the placeholder CUPTI's converter writes ("thread <tid>", a number
// nobody recognises); then "thread N (tid T)", N its 1-based position among the process's
// threads in display order.
bool hasOwnName(const prof::trace& t, const prof::track_info& track) {
  const auto name = t.str(track.name);
  if (track.kind == prof::track_kind::gpu_stream) return !name.empty();
  return !name.empty() && name != "thread " + std::to_string(track.tid);
}

QString trackLabel(const prof::trace& t, const prof::track_info& track, int threadOrdinal) {
  if (hasOwnName(t, track)) return qstr(t.str(track.name));
  if (track.kind == prof::track_kind::gpu_stream) return QStringLiteral("stream %1").arg(track.tid);
  return QStringLiteral("thread %1 (tid %2)").arg(threadOrdinal).arg(track.tid);
}

}  // namespace

std::shared_ptr<TraceDocument> TraceDocument::build(prof::trace t, QString sourceName, const Progress& progress) {
  std::shared_ptr<TraceDocument> doc(new TraceDocument);
  doc->m_trace = std::move(t);
  doc->m_sourceName = std::move(sourceName);
  doc->index(progress);
  return doc;
}

std::shared_ptr<TraceDocument> TraceDocument::load(const std::filesystem::path& path, const Progress& progress) {
  if (progress) progress(0, QStringLiteral("reading"));
  prof::trace t = prof::read_chrome_trace_file(path);
  return build(std::move(t), QString::fromStdString(path.string()), progress);
}

QString TraceDocument::title() const {
  const auto& md = m_trace.metadata();
  const QString file = QFileInfo(m_sourceName).fileName();
  if (!md.mode.empty()) return qstr(md.mode);
  return file.isEmpty() ? m_sourceName : file;
}

void TraceDocument::index(const Progress& progress) {
  auto report = [&](int percent, const char* stage) {
    if (progress) progress(percent, QString::fromLatin1(stage));
  };
  report(60, "sorting");
  if (!m_trace.is_sorted_by_start()) m_trace.sort_by_start();
  const auto events = m_trace.events();
  const auto tracks = m_trace.tracks();
  const auto processes = m_trace.processes();

  m_originNs = events.empty() ? 0 : events.front().start_ns;
  std::int64_t maxEnd = m_originNs;
  std::fill(std::begin(m_kindCounts), std::end(m_kindCounts), 0);
  std::vector<std::size_t> perTrack(tracks.size(), 0);
  for (const auto& e : events) {
    maxEnd = std::max(maxEnd, e.end_ns);
    ++m_kindCounts[static_cast<std::size_t>(e.kind)];
    ++perTrack[e.track];
  }
  m_spanNs = static_cast<double>(maxEnd - m_originNs);

  report(70, "grouping tracks");
  // Display order: processes by (host first, sort index, pid), tracks by (sort index, tid).
  std::vector<std::uint32_t> processOrder(processes.size());
  std::iota(processOrder.begin(), processOrder.end(), 0U);
  std::stable_sort(processOrder.begin(), processOrder.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& pa = processes[a];
    const auto& pb = processes[b];
    return std::tuple(pa.kind != prof::process_kind::host, pa.sort_index, pa.pid) <
           std::tuple(pb.kind != prof::process_kind::host, pb.sort_index, pb.pid);
  });
  std::vector<std::vector<std::uint32_t>> tracksOf(processes.size());
  for (std::uint32_t ti = 0; ti < tracks.size(); ++ti) tracksOf[tracks[ti].process].push_back(ti);

  m_tracks.clear();
  m_groups.clear();
  m_trackViewOf.assign(tracks.size(), 0);
  for (std::uint32_t p : processOrder) {
    auto& own = tracksOf[p];
    if (own.empty()) continue;
    std::stable_sort(own.begin(), own.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::pair(tracks[a].sort_index, tracks[a].tid) < std::pair(tracks[b].sort_index, tracks[b].tid);
    });
    ProcessGroup group;
    group.process = p;
    const auto pname = m_trace.str(processes[p].name);
    group.label = pname.empty() ? QStringLiteral("process %1").arg(processes[p].pid) : qstr(pname);
    int threads = 0;
    for (std::uint32_t ti : own) {
      TrackView view;
      view.track = ti;
      view.process = p;
      view.gpu = tracks[ti].kind == prof::track_kind::gpu_stream;
      if (!view.gpu) ++threads;
      view.named = hasOwnName(m_trace, tracks[ti]);
      view.label = trackLabel(m_trace, tracks[ti], threads);
      view.eventCount = perTrack[ti];
      m_trackViewOf[ti] = static_cast<std::uint32_t>(m_tracks.size());
      group.trackViews.push_back(static_cast<std::uint32_t>(m_tracks.size()));
      m_tracks.push_back(std::move(view));
    }
    m_groups.push_back(std::move(group));
  }

  report(75, "building lanes");
  {
    std::vector<std::vector<EventIndex>> byTrack(tracks.size());
    for (std::size_t ti = 0; ti < tracks.size(); ++ti) byTrack[ti].reserve(perTrack[ti]);
    for (EventIndex i = 0; i < events.size(); ++i) byTrack[events[i].track].push_back(i);
    for (std::size_t ti = 0; ti < tracks.size(); ++ti) {
      auto& view = m_tracks[m_trackViewOf[ti]];
      assignLanes(m_trace, byTrack[ti], view.lanes);
      std::vector<EventIndex>().swap(byTrack[ti]);
    }
  }

  report(85, "linking launches to GPU work");
  linkLaunches();
  m_targetName.assign(m_trace.strings().size(), false);
  report(100, "done");
}

// Pairs each GPU operation with the launch call of its correlation id (among equal ids
// the earliest call, the outer runtime call). A launch call points at its first GPU
// operation and owns the group of all of them: a graph launch starts every kernel of
// its graph under one correlation id.
void TraceDocument::linkLaunches() {
  struct Corr {
    std::uint64_t id;
    EventIndex event;
  };
  const auto events = m_trace.events();
  std::vector<Corr> api;
  std::vector<Corr> gpu;
  for (EventIndex i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.correlation_id == 0) continue;
    if (prof::is_api_call(e.kind)) api.push_back({e.correlation_id, i});
    else if (prof::is_gpu_work(e.kind)) gpu.push_back({e.correlation_id, i});
  }
  // Stable: among equal ids the earliest (the outer runtime call, the first kernel) comes first.
  auto byId = [](const Corr& x, const Corr& y) { return x.id < y.id; };
  if (!std::is_sorted(api.begin(), api.end(), byId)) std::stable_sort(api.begin(), api.end(), byId);
  if (!std::is_sorted(gpu.begin(), gpu.end(), byId)) std::stable_sort(gpu.begin(), gpu.end(), byId);
  m_partner.assign(events.size(), kNoEvent);
  m_launchedBegin.assign(events.size(), kNoLaunched);
  m_launched.clear();
  m_flowCount = 0;
  std::size_t a = 0;
  for (const Corr& g : gpu) {
    while (a < api.size() && api[a].id < g.id) ++a;
    if (a == api.size()) break;
    if (api[a].id != g.id) continue;
    const EventIndex call = api[a].event;
    m_partner[g.event] = call;
    if (m_partner[call] == kNoEvent) {
      m_partner[call] = g.event;
      m_launchedBegin[call] = static_cast<std::uint32_t>(m_launched.size());
    }
    m_launched.push_back(g.event);  // gpu is grouped by id, so a call's work is contiguous
    ++m_flowCount;
  }
}

std::span<const EventIndex> TraceDocument::launchedBy(EventIndex api) const noexcept {
  if (api >= m_launchedBegin.size() || m_launchedBegin[api] == kNoLaunched) return {};
  const std::size_t begin = m_launchedBegin[api];
  std::size_t end = begin;
  while (end < m_launched.size() && m_partner[m_launched[end]] == api) ++end;
  return {m_launched.data() + begin, end - begin};
}

std::optional<EventLocation> TraceDocument::locate(EventIndex i) const {
  if (i >= eventCount()) return std::nullopt;
  const auto& e = event(i);
  const std::uint32_t tv = m_trackViewOf[e.track];
  const auto& lanes = tracks()[tv].lanes;
  for (std::uint32_t l = 0; l < lanes.size(); ++l) {
    const auto& lane = lanes[l];
    auto it = std::lower_bound(lane.begin(), lane.end(), e.start_ns,
                               [&](EventIndex x, std::int64_t t) { return event(x).start_ns < t; });
    for (; it != lane.end() && event(*it).start_ns == e.start_ns; ++it) {
      if (*it == i) return EventLocation{tv, l};
    }
  }
  return std::nullopt;
}

std::vector<bool> TraceDocument::namesContaining(const QString& text) const {
  const auto& strings = m_trace.strings();
  std::vector<bool> used(strings.size(), false);
  for (const auto& e : m_trace.events()) used[e.name] = true;
  std::vector<bool> match(strings.size(), false);
  for (std::size_t id = 0; id < strings.size(); ++id) {
    if (used[id]) match[id] = qstr(strings.view(static_cast<prof::string_id>(id))).contains(text, Qt::CaseInsensitive);
  }
  return match;
}

int TraceDocument::setTargetNames(const QString& pattern, const std::vector<std::string>& names) {
  m_target = pattern;
  m_targetName.assign(m_trace.strings().size(), false);
  int marked = 0;
  for (const auto& name : names) {
    if (const auto id = m_trace.strings().find(name)) {
      m_targetName[*id] = true;
      ++marked;
    }
  }
  return marked;
}

void TraceDocument::setMarked(const std::vector<EventIndex>& events) {
  m_marked.assign(events.empty() ? 0 : eventCount(), false);
  m_markedCount = 0;
  for (const auto i : events) {
    if (i < m_marked.size() && !m_marked[i]) {
      m_marked[i] = true;
      ++m_markedCount;
    }
  }
}

std::vector<EventIndex> TraceDocument::find(const QString& text) const {
  std::vector<EventIndex> found;
  if (text.isEmpty()) return found;
  const auto match = namesContaining(text);
  const auto events = m_trace.events();
  for (EventIndex i = 0; i < events.size(); ++i) {
    if (match[events[i].name]) found.push_back(i);
  }
  return found;
}

void TraceDocument::setFilter(const QString& text) {
  m_filter = text;
  m_filteredTracks.clear();
  if (text.isEmpty()) return;
  const auto match = namesContaining(text);
  m_filteredTracks = m_tracks;
  for (auto& view : m_filteredTracks) {
    view.eventCount = 0;
    for (auto& lane : view.lanes) {
      std::erase_if(lane, [&](EventIndex i) { return !match[event(i).name]; });
      view.eventCount += lane.size();
    }
  }
}

QString TraceDocument::name(EventIndex i) const { return qstr(m_trace.str(event(i).name)); }

QString TraceDocument::tooltip(EventIndex i) const {
  const auto& e = event(i);
  QString text = QStringLiteral("%1\n%2, %3 at %4")
                     .arg(name(i), kindLabel(e.kind), formatDuration(static_cast<double>(e.duration_ns())),
                          formatDuration(relStart(i)));
  const EventIndex partner = flowPartner(i);
  if (partner != kNoEvent) {
    const std::size_t more = prof::is_api_call(e.kind) ? launchedBy(i).size() - 1 : 0;
    text += prof::is_api_call(e.kind) ? QStringLiteral("\nlaunches %1").arg(name(partner))
                                      : QStringLiteral("\nlaunched by %1").arg(name(partner));
    if (more > 0) text += QStringLiteral(" and %1 more").arg(more);
  }
  return text;
}

std::vector<std::pair<QString, QString>> TraceDocument::details(EventIndex i) const {
  std::vector<std::pair<QString, QString>> rows;
  if (i >= eventCount()) return rows;
  const auto& e = event(i);
  const auto& track = m_trace.tracks()[e.track];
  const auto& view = m_tracks[m_trackViewOf[e.track]];
  rows.emplace_back(QStringLiteral("Name"), name(i));
  rows.emplace_back(QStringLiteral("Kind"), kindLabel(e.kind));
  rows.emplace_back(QStringLiteral("Start"), QStringLiteral("%1 (%2 ns)").arg(formatDuration(relStart(i), 6)).arg(e.start_ns));
  rows.emplace_back(QStringLiteral("Duration"), QStringLiteral("%1 (%2 ns)").arg(formatDuration(static_cast<double>(e.duration_ns()))).arg(e.duration_ns()));
  rows.emplace_back(view.gpu ? QStringLiteral("Stream") : QStringLiteral("Thread"),
                    view.gpu     ? QStringLiteral("%1 (%2)").arg(view.label).arg(track.tid)
                    : view.named ? QStringLiteral("%1 (tid %2)").arg(view.label).arg(track.tid)
                                 : view.label);
  rows.emplace_back(QStringLiteral("Process"), m_groups.empty() ? QString() : [&] {
    for (const auto& g : m_groups) {
      if (g.process == e.process) return g.label;
    }
    return QString();
  }());
  if (const auto* k = m_trace.kernel_of(e)) {
    rows.emplace_back(QStringLiteral("Grid"), dim3Text(k->grid));
    rows.emplace_back(QStringLiteral("Block"), dim3Text(k->block));
    rows.emplace_back(QStringLiteral("Registers per thread"), QString::number(k->registers_per_thread));
    rows.emplace_back(QStringLiteral("Shared memory"),
                      QStringLiteral("%1 B (static %2 B, dynamic %3 B)")
                          .arg(k->static_shared_bytes + k->dynamic_shared_bytes)
                          .arg(k->static_shared_bytes)
                          .arg(k->dynamic_shared_bytes));
    rows.emplace_back(QStringLiteral("Stream id"), QString::number(k->stream_id));
    rows.emplace_back(QStringLiteral("Device"), QString::number(k->device_id));
    rows.emplace_back(QStringLiteral("Context"), QString::number(k->context_id));
    if (k->module_id != 0) rows.emplace_back(QStringLiteral("Module id"), QString::number(k->module_id));
    if (k->graph_id != 0) rows.emplace_back(QStringLiteral("Graph id"), QString::number(k->graph_id));
  }
  if (e.correlation_id != 0) rows.emplace_back(QStringLiteral("Correlation id"), QString::number(e.correlation_id));
  if (prof::is_api_call(e.kind)) {
    if (e.cbid != 0) rows.emplace_back(QStringLiteral("Callback id"), QString::number(e.cbid));
    rows.emplace_back(QStringLiteral("Return value"), QString::number(e.return_value));
  }
  const EventIndex partner = flowPartner(i);
  if (partner != kNoEvent) {
    const double latency = relStart(prof::is_api_call(e.kind) ? partner : i) - relStart(prof::is_api_call(e.kind) ? i : partner);
    rows.emplace_back(prof::is_api_call(e.kind) ? QStringLiteral("Launches") : QStringLiteral("Launched by"),
                      QStringLiteral("%1 (launch to start %2)").arg(name(partner), formatDuration(latency)));
    if (prof::is_api_call(e.kind) && launchedBy(i).size() > 1) {
      rows.emplace_back(QStringLiteral("GPU operations launched"), QString::number(launchedBy(i).size()));
    }
  }
  for (const auto& arg : m_trace.args_of(e)) {
    rows.emplace_back(qstr(m_trace.str(arg.key)), qstr(m_trace.str(arg.value)));
  }
  return rows;
}

}  // namespace tb::gui
