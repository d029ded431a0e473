#include "record_converter.hpp"
#include "trace_labels.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace tb::profiler::cupti {

namespace {

std::int64_t ns(std::uint64_t t) noexcept { return static_cast<std::int64_t>(t); }

std::string demangle(const char* name) {
  if (name == nullptr) return "<unnamed kernel>";
  if (std::strncmp(name, "_Z", 2) != 0) return name;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

std::string_view memcpy_name(std::uint8_t kind) noexcept {
  switch (kind) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD: return "Memcpy HtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH: return "Memcpy DtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOA: return "Memcpy HtoA";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOH: return "Memcpy AtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOA: return "Memcpy AtoA";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOD: return "Memcpy AtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOA: return "Memcpy DtoA";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD: return "Memcpy DtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH: return "Memcpy HtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP: return "Memcpy PtoP";
    default: return "Memcpy";
  }
}

std::string_view sync_name(CUpti_ActivitySynchronizationType type) noexcept {
  switch (type) {
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE: return "cudaEventSynchronize";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT: return "cudaStreamWaitEvent";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE: return "cudaStreamSynchronize";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE: return "cudaContextSynchronize";
    default: return "synchronization";
  }
}

std::string_view overhead_name(CUpti_ActivityOverheadKind kind) noexcept {
  switch (kind) {
    case CUPTI_ACTIVITY_OVERHEAD_DRIVER_COMPILER: return "driver compiler";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH: return "CUPTI buffer flush";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION: return "CUPTI instrumentation";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_RESOURCE: return "CUPTI resource";
    case CUPTI_ACTIVITY_OVERHEAD_RUNTIME_TRIGGERED_MODULE_LOADING: return "runtime-triggered module loading";
    case CUPTI_ACTIVITY_OVERHEAD_LAZY_FUNCTION_LOADING: return "lazy function loading";
    case CUPTI_ACTIVITY_OVERHEAD_COMMAND_BUFFER_FULL: return "command buffer full";
    case CUPTI_ACTIVITY_OVERHEAD_ACTIVITY_BUFFER_REQUEST: return "activity buffer request";
    case CUPTI_ACTIVITY_OVERHEAD_UVM_ACTIVITY_INIT: return "UVM activity init";
    default: return "overhead";
  }
}

}  // namespace

record_converter::record_converter(api_name_resolver names) : m_names(std::move(names)) {}

void record_converter::add_buffer(uint8_t* buffer, size_t valid_bytes, next_record_fn next) {
  CUpti_Activity* record = nullptr;
  while (next(buffer, valid_bytes, &record) == CUPTI_SUCCESS) add(*record);
}

void record_converter::add(const CUpti_Activity& record) {
  ++m_converted;
  switch (record.kind) {
    case CUPTI_ACTIVITY_KIND_DRIVER:
      add_api(reinterpret_cast<const CUpti_ActivityAPI&>(record), event_kind::driver_api);
      break;
    case CUPTI_ACTIVITY_KIND_RUNTIME:
      add_api(reinterpret_cast<const CUpti_ActivityAPI&>(record), event_kind::runtime_api);
      break;
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
    case CUPTI_ACTIVITY_KIND_KERNEL:
      add_kernel(reinterpret_cast<const CUpti_ActivityKernel10&>(record));
      break;
    case CUPTI_ACTIVITY_KIND_MEMCPY: add_memcpy(reinterpret_cast<const CUpti_ActivityMemcpy6&>(record)); break;
    case CUPTI_ACTIVITY_KIND_MEMSET: add_memset(reinterpret_cast<const CUpti_ActivityMemset4&>(record)); break;
    case CUPTI_ACTIVITY_KIND_MARKER: add_marker(reinterpret_cast<const CUpti_ActivityMarker2&>(record)); break;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
      add_sync(reinterpret_cast<const CUpti_ActivitySynchronization2&>(record));
      break;
    case CUPTI_ACTIVITY_KIND_OVERHEAD: add_overhead(reinterpret_cast<const CUpti_ActivityOverhead3&>(record)); break;
    case CUPTI_ACTIVITY_KIND_DEVICE: add_device(reinterpret_cast<const CUpti_ActivityDevice5&>(record)); break;
    case CUPTI_ACTIVITY_KIND_NAME: add_name(reinterpret_cast<const CUpti_ActivityName&>(record)); break;
    case CUPTI_ACTIVITY_KIND_MARKER_DATA:  // color/category payloads: not modelled
    default:
      --m_converted;
      ++m_ignored;
      break;
  }
}

std::uint32_t record_converter::host_track(std::uint32_t pid, std::uint32_t tid) {
  const std::uint64_t key = (std::uint64_t{pid} << 32) | tid;
  if (auto it = m_host_tracks.find(key); it != m_host_tracks.end()) return it->second;
  std::uint32_t process;
  if (auto it = m_host_processes.find(pid); it != m_host_processes.end()) {
    process = it->second;
  } else {
    process_info p;
    p.pid = pid;
    p.name = m_trace.intern("host (pid " + std::to_string(pid) + ")");
    p.kind = process_kind::host;
    p.sort_index = 0;
    process = m_trace.add_process(p);
    m_host_processes.emplace(pid, process);
  }
  track_info t;
  t.process = process;
  t.tid = tid;
  t.name = m_trace.intern(default_thread_label(tid));
  t.kind = track_kind::cpu_thread;
  const auto index = m_trace.add_track(t);
  m_host_tracks.emplace(key, index);
  return index;
}

std::uint32_t record_converter::device_process(std::uint32_t device) {
  if (auto it = m_device_processes.find(device); it != m_device_processes.end()) return it->second;
  process_info p;
  p.pid = device_pid_base + device;
  p.name = m_trace.intern("GPU " + std::to_string(device));
  p.kind = process_kind::device;
  p.device_id = static_cast<std::int32_t>(device);
  p.sort_index = 1 + static_cast<std::int32_t>(device);
  const auto index = m_trace.add_process(p);
  m_device_processes.emplace(device, index);
  return index;
}

std::uint32_t record_converter::stream_track(std::uint32_t device, std::uint32_t stream) {
  const std::uint64_t key = (std::uint64_t{device} << 32) | stream;
  if (auto it = m_stream_tracks.find(key); it != m_stream_tracks.end()) return it->second;
  track_info t;
  t.process = device_process(device);
  t.tid = stream;
  t.name = m_trace.intern("stream " + std::to_string(stream));
  t.kind = track_kind::gpu_stream;
  t.sort_index = static_cast<std::int32_t>(stream & 0x7fffffff);
  const auto index = m_trace.add_track(t);
  m_stream_tracks.emplace(key, index);
  return index;
}

std::uint32_t record_converter::named_track(std::uint32_t process, std::int64_t tid, std::string_view name) {
  if (auto found = m_trace.find_track(process, tid)) return *found;
  track_info t;
  t.process = process;
  t.tid = tid;
  t.name = m_trace.intern(name);
  t.kind = m_trace.processes()[process].kind == process_kind::device ? track_kind::gpu_stream : track_kind::cpu_thread;
  t.sort_index = static_cast<std::int32_t>(tid & 0x7fffffff);
  return m_trace.add_track(t);
}

string_id record_converter::api_name(CUpti_CallbackDomain domain, CUpti_CallbackId cbid) {
  const std::uint64_t key = (static_cast<std::uint64_t>(domain) << 32) | cbid;
  if (auto it = m_api_names.find(key); it != m_api_names.end()) return it->second;
  std::string name = m_names ? m_names(domain, cbid) : std::string();
  if (name.empty()) name = "cbid " + std::to_string(cbid);
  const auto id = m_trace.intern(name);
  m_api_names.emplace(key, id);
  return id;
}

// CUPTI leaves the end of an incomplete record before its start (0, say): such a record
// is no interval, and a trace must hold none (readers reject a negative duration). It
// is counted in ignored_records() instead.
void record_converter::emit(const event& e, std::span<const event_arg> args) {
  if (e.end_ns < e.start_ns) {
    ++m_ignored;
    return;
  }
  m_trace.add_event(e, args);
}

void record_converter::add_api(const CUpti_ActivityAPI& r, event_kind kind) {
  event e;
  e.kind = kind;
  e.start_ns = ns(r.start);
  e.end_ns = ns(r.end);
  e.correlation_id = r.correlationId;
  e.cbid = r.cbid;
  e.return_value = static_cast<std::int32_t>(r.returnValue);
  e.name = api_name(kind == event_kind::driver_api ? CUPTI_CB_DOMAIN_DRIVER_API : CUPTI_CB_DOMAIN_RUNTIME_API, r.cbid);
  e.track = host_track(r.processId, r.threadId);
  emit(e);
}

void record_converter::add_kernel(const CUpti_ActivityKernel10& r) {
  kernel_info k;
  k.grid = {r.gridX, r.gridY, r.gridZ};
  k.block = {r.blockX, r.blockY, r.blockZ};
  k.registers_per_thread = r.registersPerThread;
  k.static_shared_bytes = static_cast<std::uint32_t>(r.staticSharedMemory);
  k.dynamic_shared_bytes = static_cast<std::uint32_t>(r.dynamicSharedMemory);
  k.stream_id = r.streamId;
  k.graph_id = r.graphId;
  k.device_id = static_cast<std::int32_t>(r.deviceId);
  k.context_id = r.contextId;
  event e;
  e.kind = event_kind::kernel;
  e.start_ns = ns(r.start);
  e.end_ns = ns(r.end);
  e.correlation_id = r.correlationId;
  e.name = m_trace.intern(demangle(r.name));
  e.track = stream_track(r.deviceId, r.streamId);
  e.kernel = m_trace.add_kernel_info(k);
  emit(e);
}

void record_converter::add_memcpy(const CUpti_ActivityMemcpy6& r) {
  event e;
  e.kind = event_kind::memcpy;
  e.start_ns = ns(r.start);
  e.end_ns = ns(r.end);
  e.correlation_id = r.correlationId;
  e.name = m_trace.intern(memcpy_name(r.copyKind));
  e.track = stream_track(r.deviceId, r.streamId);
  const event_arg args[] = {{m_trace.intern("bytes"), m_trace.intern(std::to_string(r.bytes))}};
  emit(e, args);
}

void record_converter::add_memset(const CUpti_ActivityMemset4& r) {
  event e;
  e.kind = event_kind::memset;
  e.start_ns = ns(r.start);
  e.end_ns = ns(r.end);
  e.correlation_id = r.correlationId;
  e.name = m_trace.intern("Memset");
  e.track = stream_track(r.deviceId, r.streamId);
  const event_arg args[] = {{m_trace.intern("bytes"), m_trace.intern(std::to_string(r.bytes))},
                            {m_trace.intern("value"), m_trace.intern(std::to_string(r.value))}};
  emit(e, args);
}

void record_converter::add_marker(const CUpti_ActivityMarker2& r) {
  std::uint32_t track;
  if (r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || r.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
    track = host_track(r.objectId.pt.processId, r.objectId.pt.threadId);
  } else {
    track = named_track(device_process(r.objectId.dcs.deviceId), 0, "NVTX");
  }
  const auto flags = static_cast<unsigned>(r.flags);
  if (flags & CUPTI_ACTIVITY_FLAG_MARKER_END) {
    auto it = m_open_markers.find(r.id);
    if (it == m_open_markers.end()) {
      ++m_ignored;  // an end whose start was recorded before tracing began
      return;
    }
    const open_marker m = it->second;
    m_open_markers.erase(it);
    event e;
    e.kind = event_kind::nvtx_range;
    e.start_ns = m.start_ns;
    e.end_ns = ns(r.timestamp);
    e.name = m.name;
    e.track = m.track;
    if (m.domain != empty_string) {
      const event_arg args[] = {{m_trace.intern("domain"), m.domain}};
      emit(e, args);
    } else {
      emit(e);
    }
    return;
  }
  const string_id name = m_trace.intern(r.name ? r.name : "");
  const string_id domain = r.domain ? m_trace.intern(r.domain) : empty_string;
  if (flags & CUPTI_ACTIVITY_FLAG_MARKER_START) {
    m_open_markers[r.id] = open_marker{ns(r.timestamp), name, track, domain};
    return;
  }
  event e;
  e.kind = event_kind::nvtx_marker;
  e.start_ns = e.end_ns = ns(r.timestamp);
  e.name = name;
  e.track = track;
  if (domain != empty_string) {
    const event_arg args[] = {{m_trace.intern("domain"), domain}};
    emit(e, args);
  } else {
    emit(e);
  }
}

void record_converter::add_sync(const CUpti_ActivitySynchronization2& r) {
  event e;
  e.kind = event_kind::synchronization;
  e.start_ns = ns(r.start);
  e.end_ns = ns(r.end);
  e.correlation_id = r.correlationId;
  e.name = m_trace.intern(sync_name(r.type));
  m_pending_sync.emplace_back(e, r.contextId);
}

void record_converter::add_overhead(const CUpti_ActivityOverhead3& r) {
  event e;
  e.kind = event_kind::overhead;
  e.start_ns = ns(r.start);
  e.end_ns = ns(r.end);
  e.correlation_id = r.correlationId;
  e.name = m_trace.intern(overhead_name(r.overheadKind));
  if (r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || r.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
    e.track = host_track(r.objectId.pt.processId, r.objectId.pt.threadId);
  } else {
    e.track = named_track(device_process(r.objectId.dcs.deviceId), -1, "profiler overhead");
  }
  emit(e);
}

void record_converter::add_device(const CUpti_ActivityDevice5& r) {
  const auto process = device_process(r.id);
  const std::string name = r.name ? r.name : "";
  if (!name.empty()) {
    m_trace.process(process).name = m_trace.intern("GPU " + std::to_string(r.id) + ": " + name);
    auto& md = m_trace.metadata();
    if (md.gpu_name.empty()) md.gpu_name = name;
  }
}

void record_converter::add_name(const CUpti_ActivityName& r) {
  if (r.objectKind != CUPTI_ACTIVITY_OBJECT_THREAD || r.name == nullptr) {
    ++m_ignored;
    return;
  }
  const auto track = host_track(r.objectId.pt.processId, r.objectId.pt.threadId);
  m_trace.track(track).name = m_trace.intern(r.name);
}

trace record_converter::take() {
  // Place synchronization records on the thread of their API call.
  if (!m_pending_sync.empty()) {
    std::unordered_map<std::uint64_t, std::uint32_t> api_track;
    for (const auto& e : m_trace.events()) {
      if (is_api_call(e.kind) && e.correlation_id != 0) api_track.emplace(e.correlation_id, e.track);
    }
    for (auto& [e, context] : m_pending_sync) {
      if (auto it = api_track.find(e.correlation_id); it != api_track.end()) {
        e.track = it->second;
      } else {
        const auto host = m_trace.processes().empty() || m_host_processes.empty()
                              ? host_track(0, 0)
                              : host_track(static_cast<std::uint32_t>(m_trace.processes()[m_host_processes.begin()->second].pid), 0);
        (void)context;
        e.track = host;
      }
      emit(e);
    }
    m_pending_sync.clear();
  }
  if (!m_open_markers.empty()) {
    m_trace.metadata().values.emplace_back("unclosed_nvtx_ranges", std::to_string(m_open_markers.size()));
    m_open_markers.clear();
  }
  m_trace.sort_by_start();
  trace out = std::move(m_trace);
  m_trace = trace{};
  m_host_tracks.clear();
  m_host_processes.clear();
  m_device_processes.clear();
  m_stream_tracks.clear();
  m_api_names.clear();
  return out;
}

}  // namespace tb::profiler::cupti
