// Converts CUPTI activity records into the trace model. This is the seam between CUPTI
// and everything else: the tracer feeds it the records CUPTI hands over, CPU tests feed
// it records built from the same CUPTI structs. It reads records through the struct
// versions of the CUPTI headers it is compiled against (CUpti_ActivityKernel10 for
// CUDA 13.0); the tracer refuses to run when libcupti's version differs.
#pragma once

#include <tb/profiler/trace.hpp>

#include <cupti_activity.h>
#include <cupti_callbacks.h>

#include <cstdint>
#include <span>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tb::profiler::cupti {

/// Chrome-trace pid of device d: beyond Linux's pid_max so it never collides with a host pid.
inline constexpr std::int64_t device_pid_base = std::int64_t{1} << 30;

/// Name of an API call from its CUPTI domain and callback id.
using api_name_resolver = std::function<std::string(CUpti_CallbackDomain, CUpti_CallbackId)>;

class record_converter {
 public:
  explicit record_converter(api_name_resolver names);

  /// Converts one record (dispatching on record.kind). Kinds that are not modelled are
  /// counted in ignored_records().
  void add(const CUpti_Activity& record);
  /// Walks `valid_bytes` of a completed CUPTI buffer with `next` (cuptiActivityGetNextRecord
  /// in the tracer) and adds every record.
  using next_record_fn = CUptiResult (*)(uint8_t*, size_t, CUpti_Activity**);
  void add_buffer(uint8_t* buffer, size_t valid_bytes, next_record_fn next);

  trace_metadata& metadata() noexcept { return m_trace.metadata(); }
  std::uint64_t ignored_records() const noexcept { return m_ignored; }
  std::uint64_t converted_records() const noexcept { return m_converted; }

  /// Finishes the trace (unmatched NVTX starts are dropped and counted in the metadata
  /// value "unclosed_nvtx_ranges"; events are sorted by start) and starts a new one.
  trace take();

 private:
  std::uint32_t host_track(std::uint32_t pid, std::uint32_t tid);
  std::uint32_t device_process(std::uint32_t device);
  std::uint32_t stream_track(std::uint32_t device, std::uint32_t stream);
  std::uint32_t named_track(std::uint32_t process, std::int64_t tid, std::string_view name);
  string_id api_name(CUpti_CallbackDomain domain, CUpti_CallbackId cbid);

  void emit(const event& e, std::span<const event_arg> args = {});
  void add_api(const CUpti_ActivityAPI& r, event_kind kind);
  void add_kernel(const CUpti_ActivityKernel10& r);
  void add_memcpy(const CUpti_ActivityMemcpy6& r);
  void add_memset(const CUpti_ActivityMemset4& r);
  void add_marker(const CUpti_ActivityMarker2& r);
  void add_sync(const CUpti_ActivitySynchronization2& r);
  void add_overhead(const CUpti_ActivityOverhead3& r);
  void add_device(const CUpti_ActivityDevice5& r);
  void add_name(const CUpti_ActivityName& r);

  api_name_resolver m_names;
  trace m_trace;
  std::unordered_map<std::uint64_t, std::uint32_t> m_host_tracks;    // pid << 32 | tid
  std::unordered_map<std::uint32_t, std::uint32_t> m_host_processes; // pid
  std::unordered_map<std::uint32_t, std::uint32_t> m_device_processes;
  std::unordered_map<std::uint64_t, std::uint32_t> m_stream_tracks;  // device << 32 | stream
  std::unordered_map<std::uint64_t, string_id> m_api_names;          // domain << 32 | cbid
  struct open_marker {
    std::int64_t start_ns;
    string_id name;
    std::uint32_t track;
    string_id domain;
  };
  std::unordered_map<std::uint32_t, open_marker> m_open_markers;
  // Synchronization records carry no thread: placed on the thread of the API call with
  // the same correlation id when the trace is taken.
  std::vector<std::pair<event, std::uint32_t>> m_pending_sync;  // event, context id
  std::uint64_t m_ignored = 0;
  std::uint64_t m_converted = 0;
};

}  // namespace tb::profiler::cupti
