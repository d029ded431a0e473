#include <tb/profiler/trace.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string>

namespace tb::profiler {

namespace {
constexpr std::array<std::string_view, event_kind_count> kind_names{
    "driver_api", "runtime_api", "kernel",     "memcpy",   "memset",
    "synchronization", "nvtx_range", "nvtx_marker", "overhead", "other"};
}  // namespace

std::string_view to_string(event_kind kind) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  return i < kind_names.size() ? kind_names[i] : std::string_view("other");
}

std::optional<event_kind> parse_event_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return static_cast<event_kind>(i);
  }
  return std::nullopt;
}

// ---- string_table -------------------------------------------------------------------

string_table::string_table() {
  m_strings.emplace_back();
  rebuild_index();
}

string_table::string_table(const string_table& other) : m_strings(other.m_strings) { rebuild_index(); }

string_table::string_table(string_table&& other) noexcept
    : m_strings(std::move(other.m_strings)), m_index(std::move(other.m_index)) {
  // Deque elements do not move when the deque is moved, so the index stays valid.
  other.m_strings.clear();
  other.m_index.clear();
  other.m_strings.emplace_back();
  other.m_index.emplace(std::string_view(other.m_strings.front()), empty_string);
}

string_table& string_table::operator=(const string_table& other) {
  if (this != &other) {
    m_strings = other.m_strings;
    rebuild_index();
  }
  return *this;
}

string_table& string_table::operator=(string_table&& other) noexcept {
  if (this != &other) {
    m_strings = std::move(other.m_strings);
    m_index = std::move(other.m_index);
    other.m_strings.clear();
    other.m_index.clear();
    other.m_strings.emplace_back();
    other.m_index.emplace(std::string_view(other.m_strings.front()), empty_string);
  }
  return *this;
}

void string_table::rebuild_index() {
  m_index.clear();
  m_index.reserve(m_strings.size());
  for (std::size_t i = 0; i < m_strings.size(); ++i) {
    m_index.emplace(std::string_view(m_strings[i]), static_cast<string_id>(i));
  }
}

string_id string_table::intern(std::string_view text) {
  if (auto it = m_index.find(text); it != m_index.end()) return it->second;
  if (m_strings.size() >= std::numeric_limits<string_id>::max()) {
    throw std::length_error("string table is full (2^32 - 1 distinct strings)");
  }
  const auto id = static_cast<string_id>(m_strings.size());
  m_strings.emplace_back(text);
  m_index.emplace(std::string_view(m_strings.back()), id);
  return id;
}

std::optional<string_id> string_table::find(std::string_view text) const {
  if (auto it = m_index.find(text); it != m_index.end()) return it->second;
  return std::nullopt;
}

// ---- trace --------------------------------------------------------------------------

std::uint32_t trace::add_process(const process_info& process) {
  m_processes.push_back(process);
  return static_cast<std::uint32_t>(m_processes.size() - 1);
}

std::uint32_t trace::add_track(const track_info& track) {
  if (track.process >= m_processes.size()) {
    throw std::out_of_range("track refers to process " + std::to_string(track.process) + " of " +
                            std::to_string(m_processes.size()));
  }
  m_tracks.push_back(track);
  return static_cast<std::uint32_t>(m_tracks.size() - 1);
}

std::uint32_t trace::add_kernel_info(const kernel_info& info) {
  m_kernels.push_back(info);
  return static_cast<std::uint32_t>(m_kernels.size() - 1);
}

std::uint32_t trace::add_event(event e, std::span<const event_arg> args) {
  if (e.track >= m_tracks.size()) {
    throw std::out_of_range("event refers to track " + std::to_string(e.track) + " of " +
                            std::to_string(m_tracks.size()));
  }
  if (args.size() > std::numeric_limits<std::uint16_t>::max()) {
    throw std::length_error("an event has more than 65535 arguments");
  }
  e.process = m_tracks[e.track].process;
  e.args_begin = static_cast<std::uint32_t>(m_args.size());
  e.args_count = static_cast<std::uint16_t>(args.size());
  m_args.insert(m_args.end(), args.begin(), args.end());
  m_events.push_back(e);
  return static_cast<std::uint32_t>(m_events.size() - 1);
}

std::optional<std::uint32_t> trace::find_process(std::int64_t pid) const noexcept {
  for (std::size_t i = 0; i < m_processes.size(); ++i) {
    if (m_processes[i].pid == pid) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> trace::find_track(std::uint32_t process, std::int64_t tid) const noexcept {
  for (std::size_t i = 0; i < m_tracks.size(); ++i) {
    if (m_tracks[i].process == process && m_tracks[i].tid == tid) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

namespace {
bool starts_before(const event& a, const event& b) noexcept {
  if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
  return a.end_ns > b.end_ns;
}
}  // namespace

void trace::sort_by_start() {
  if (is_sorted_by_start()) return;
  std::stable_sort(m_events.begin(), m_events.end(), starts_before);
}

bool trace::is_sorted_by_start() const noexcept {
  return std::is_sorted(m_events.begin(), m_events.end(), starts_before);
}

void trace::reserve(std::size_t events, std::size_t args) {
  m_events.reserve(events);
  m_args.reserve(args);
}

bool operator==(const trace& a, const trace& b) {
  if (a.m_metadata != b.m_metadata) return false;
  if (a.m_processes.size() != b.m_processes.size() || a.m_tracks.size() != b.m_tracks.size() ||
      a.m_events.size() != b.m_events.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.m_processes.size(); ++i) {
    const auto& p = a.m_processes[i];
    const auto& q = b.m_processes[i];
    if (p.pid != q.pid || p.kind != q.kind || p.device_id != q.device_id || p.sort_index != q.sort_index ||
        a.str(p.name) != b.str(q.name)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.m_tracks.size(); ++i) {
    const auto& s = a.m_tracks[i];
    const auto& t = b.m_tracks[i];
    if (s.process != t.process || s.tid != t.tid || s.kind != t.kind || s.sort_index != t.sort_index ||
        a.str(s.name) != b.str(t.name)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.m_events.size(); ++i) {
    const auto& e = a.m_events[i];
    const auto& f = b.m_events[i];
    if (e.start_ns != f.start_ns || e.end_ns != f.end_ns || e.correlation_id != f.correlation_id ||
        e.track != f.track || e.process != f.process || e.return_value != f.return_value || e.cbid != f.cbid ||
        e.kind != f.kind || e.args_count != f.args_count || a.str(e.name) != b.str(f.name)) {
      return false;
    }
    const auto* ke = a.kernel_of(e);
    const auto* kf = b.kernel_of(f);
    if ((ke == nullptr) != (kf == nullptr) || (ke != nullptr && !(*ke == *kf))) return false;
    const auto ae = a.args_of(e);
    const auto af = b.args_of(f);
    for (std::size_t j = 0; j < ae.size(); ++j) {
      if (a.str(ae[j].key) != b.str(af[j].key) || a.str(ae[j].value) != b.str(af[j].value)) return false;
    }
  }
  return true;
}

}  // namespace tb::profiler
