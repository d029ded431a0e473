#include "trace_labels.hpp"

#include <algorithm>
#include <fstream>
#include <limits>

namespace tb::profiler::cupti {

std::string default_thread_label(std::int64_t tid) { return "thread " + std::to_string(tid); }

std::size_t label_threads(trace& t, std::int64_t pid, const thread_name_lookup& name_of) {
  const auto process = t.find_process(pid);
  if (!process) return 0;
  std::size_t renamed = 0;
  for (std::uint32_t i = 0; i < t.tracks().size(); ++i) {
    const track_info& track = t.tracks()[i];
    if (track.process != *process || track.kind != track_kind::cpu_thread) continue;
    if (t.str(track.name) != default_thread_label(track.tid)) continue;
    const auto name = name_of(track.tid);
    if (!name || name->empty()) continue;
    const std::string label = *name + " (tid " + std::to_string(track.tid) + ")";
    t.track(i).name = t.intern(label);
    ++renamed;
  }
  return renamed;
}

namespace {

// The device whose name the trace's gpu_name takes: the lowest one that ran GPU work,
// else the lowest device process.
std::optional<std::int32_t> main_device(const trace& t) {
  std::int32_t lowest_busy = std::numeric_limits<std::int32_t>::max(), lowest = lowest_busy;
  for (const auto& e : t.events()) {
    const auto& p = t.processes()[e.process];
    if (is_gpu_work(e.kind) && p.kind == process_kind::device) lowest_busy = std::min(lowest_busy, p.device_id);
  }
  for (const auto& p : t.processes())
    if (p.kind == process_kind::device && p.device_id >= 0) lowest = std::min(lowest, p.device_id);
  const std::int32_t d = lowest_busy != std::numeric_limits<std::int32_t>::max() ? lowest_busy : lowest;
  if (d == std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  return d;
}

}  // namespace

std::size_t label_devices(trace& t, const device_name_lookup& name_of) {
  std::size_t renamed = 0;
  for (std::uint32_t i = 0; i < t.processes().size(); ++i) {
    const process_info& p = t.processes()[i];
    if (p.kind != process_kind::device || p.device_id < 0) continue;
    const std::string plain = "GPU " + std::to_string(p.device_id);
    if (t.str(p.name) != plain) continue;
    const auto name = name_of(p.device_id);
    if (!name || name->empty()) continue;
    t.process(i).name = t.intern(plain + ": " + *name);
    ++renamed;
  }
  if (t.metadata().gpu_name.empty())
    if (const auto d = main_device(t))
      if (const auto name = name_of(*d)) t.metadata().gpu_name = *name;
  return renamed;
}

std::optional<std::string> os_thread_name(std::int64_t tid) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  if (!std::getline(f, name)) return std::nullopt;
  return name;
}

}  // namespace tb::profiler::cupti
