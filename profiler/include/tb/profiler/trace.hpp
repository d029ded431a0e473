// The trace model: a plain value holding what a profiling run recorded.
//
// Storage is dense so that a viewer can hold ten million events: events are fixed-size
// structs in one vector, strings are interned once and referred to by 32-bit ids, kernel
// launch details live in a side table that only kernel events point into, and the free
// key/value arguments of all events share one vector. No CUDA or CUPTI type appears here.
//
// All timestamps are int64 nanoseconds on one clock (CUPTI's, which puts CPU and GPU
// activity on the host clock); only differences between them are meaningful.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tb::profiler {

/// What an event is. The order is part of the API (stored as a byte).
enum class event_kind : std::uint8_t {
  driver_api,       ///< CUDA driver API call on a CPU thread
  runtime_api,      ///< CUDA runtime API call on a CPU thread
  kernel,           ///< kernel execution on a GPU stream
  memcpy,           ///< memory copy on a GPU stream
  memset,           ///< memory set on a GPU stream
  synchronization,  ///< stream/event/context synchronization
  nvtx_range,       ///< NVTX push/pop or start/end range on a CPU thread
  nvtx_marker,      ///< NVTX instantaneous marker (start_ns == end_ns)
  overhead,         ///< profiler or driver overhead
  other,            ///< anything else (e.g. a PyTorch cpu_op)
};
inline constexpr std::size_t event_kind_count = 10;

/// Stable lower-case name of a kind ("driver_api", "kernel", ...).
std::string_view to_string(event_kind kind) noexcept;
/// Inverse of to_string; nullopt for an unknown name.
std::optional<event_kind> parse_event_kind(std::string_view name) noexcept;
/// True for kernel, memcpy and memset: work that occupies a GPU.
constexpr bool is_gpu_work(event_kind kind) noexcept {
  return kind == event_kind::kernel || kind == event_kind::memcpy || kind == event_kind::memset;
}
/// True for driver and runtime API calls.
constexpr bool is_api_call(event_kind kind) noexcept {
  return kind == event_kind::driver_api || kind == event_kind::runtime_api;
}

using string_id = std::uint32_t;
/// The id of the empty string; every string table has it.
inline constexpr string_id empty_string = 0;
/// Marks "no entry" in 32-bit index fields.
inline constexpr std::uint32_t no_index = 0xffffffffU;

/// Interns strings: equal strings get equal ids, ids are dense from 0 (the empty string).
/// References returned by view() stay valid until the table is destroyed or assigned to.
class string_table {
 public:
  string_table();
  string_table(const string_table& other);
  string_table(string_table&& other) noexcept;
  string_table& operator=(const string_table& other);
  string_table& operator=(string_table&& other) noexcept;
  ~string_table() = default;

  string_id intern(std::string_view text);
  std::optional<string_id> find(std::string_view text) const;
  std::string_view view(string_id id) const noexcept { return m_strings[id]; }
  std::size_t size() const noexcept { return m_strings.size(); }

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  void rebuild_index();

  std::deque<std::string> m_strings;  // deque: elements never move, so the index may view them
  std::unordered_map<std::string_view, string_id, hash, std::equal_to<>> m_index;
};

enum class process_kind : std::uint8_t { host, device };
enum class track_kind : std::uint8_t { cpu_thread, gpu_stream };

/// A process row of the timeline: the host process, or one per GPU device.
struct process_info {
  std::int64_t pid = 0;          ///< the Chrome trace pid (devices: see docs/trace-format.md)
  string_id name = empty_string;
  process_kind kind = process_kind::host;
  std::int32_t device_id = -1;   ///< CUDA device ordinal for devices, -1 for the host
  std::int32_t sort_index = 0;
  bool operator==(const process_info&) const = default;
};

/// A track: a CPU thread of a host process, or a stream of a device.
struct track_info {
  std::uint32_t process = 0;     ///< index into trace::processes()
  std::int64_t tid = 0;          ///< thread id, or stream id for GPU streams
  string_id name = empty_string;
  track_kind kind = track_kind::cpu_thread;
  std::int32_t sort_index = 0;
  bool operator==(const track_info&) const = default;
};

struct dim3i {
  std::int32_t x = 0, y = 0, z = 0;
  bool operator==(const dim3i&) const = default;
};

/// Launch configuration of one kernel execution.
struct kernel_info {
  dim3i grid;
  dim3i block;
  std::uint32_t registers_per_thread = 0;
  std::uint32_t static_shared_bytes = 0;
  std::uint32_t dynamic_shared_bytes = 0;
  std::uint64_t stream_id = 0;
  std::uint64_t module_id = 0;   ///< module or library id, 0 when unknown
  std::uint32_t graph_id = 0;    ///< 0 when not launched from a graph
  std::int32_t device_id = -1;
  std::uint32_t context_id = 0;
  bool operator==(const kernel_info&) const = default;
};

/// A free key/value argument of an event (both interned).
struct event_arg {
  string_id key = empty_string;
  string_id value = empty_string;
  bool operator==(const event_arg&) const = default;
};

/// One event: 56 bytes.
struct event {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;             ///< == start_ns for markers
  std::uint64_t correlation_id = 0;    ///< 0: none; links an API call to the GPU work it launched
  string_id name = empty_string;
  std::uint32_t track = 0;             ///< index into trace::tracks()
  std::uint32_t kernel = no_index;     ///< index into trace::kernels(), or no_index
  std::uint32_t args_begin = 0;        ///< first entry in trace::args()
  std::int32_t return_value = 0;       ///< API calls: CUresult / cudaError_t
  std::uint32_t cbid = 0;              ///< API calls: CUPTI callback id, 0 when unknown
  std::uint32_t process = 0;           ///< index into trace::processes() (== the track's)
  std::uint16_t args_count = 0;
  event_kind kind = event_kind::other;

  std::int64_t duration_ns() const noexcept { return end_ns - start_ns; }
};

/// What the run was: where, with what, and how complete.
struct trace_metadata {
  std::string gpu_name;
  std::string driver_version;
  std::string cuda_version;
  std::string cupti_version;
  std::string mode;        ///< how the kernels were launched (bench mode)
  std::string scenario;    ///< which scenario produced the trace
  std::uint64_t dropped_records = 0;  ///< CUPTI records lost (buffers full)
  std::vector<std::pair<std::string, std::string>> values;  ///< free key/values, in order
  bool operator==(const trace_metadata&) const = default;
};

/// A whole trace, as a value (copyable, movable, comparable).
class trace {
 public:
  trace_metadata& metadata() noexcept { return m_metadata; }
  const trace_metadata& metadata() const noexcept { return m_metadata; }
  string_table& strings() noexcept { return m_strings; }
  const string_table& strings() const noexcept { return m_strings; }

  string_id intern(std::string_view text) { return m_strings.intern(text); }
  std::string_view str(string_id id) const noexcept { return m_strings.view(id); }

  std::uint32_t add_process(const process_info& process);
  /// Adds a track; `track.process` must name an existing process.
  std::uint32_t add_track(const track_info& track);
  std::uint32_t add_kernel_info(const kernel_info& info);
  /// Appends an event; its `process` is set from its track, and `args` are copied into the
  /// shared argument table (args_begin/args_count are overwritten). Returns the event's index.
  std::uint32_t add_event(event e, std::span<const event_arg> args = {});

  std::span<const process_info> processes() const noexcept { return m_processes; }
  std::span<const track_info> tracks() const noexcept { return m_tracks; }
  std::span<const kernel_info> kernels() const noexcept { return m_kernels; }
  std::span<const event> events() const noexcept { return m_events; }
  std::span<const event_arg> args() const noexcept { return m_args; }
  std::span<const event_arg> args_of(const event& e) const noexcept {
    return std::span<const event_arg>(m_args).subspan(e.args_begin, e.args_count);
  }
  const kernel_info* kernel_of(const event& e) const noexcept {
    return e.kernel == no_index ? nullptr : &m_kernels[e.kernel];
  }
  /// Mutable access for in-place edits (e.g. shifting times); keep the indices valid.
  std::span<event> mutable_events() noexcept { return m_events; }
  process_info& process(std::uint32_t index) { return m_processes.at(index); }
  track_info& track(std::uint32_t index) { return m_tracks.at(index); }

  std::optional<std::uint32_t> find_process(std::int64_t pid) const noexcept;
  std::optional<std::uint32_t> find_track(std::uint32_t process, std::int64_t tid) const noexcept;

  /// Stable sort of the events by start time (then longer first, so parents precede children).
  void sort_by_start();
  bool is_sorted_by_start() const noexcept;
  void reserve(std::size_t events, std::size_t args = 0);

  /// Semantic equality: strings compared by content, kernel info by value, the arguments
  /// of each event in order; the string table's ids and internal indices may differ.
  friend bool operator==(const trace& a, const trace& b);

 private:
  trace_metadata m_metadata;
  string_table m_strings;
  std::vector<process_info> m_processes;
  std::vector<track_info> m_tracks;
  std::vector<kernel_info> m_kernels;
  std::vector<event> m_events;
  std::vector<event_arg> m_args;
};

}  // namespace tb::profiler
