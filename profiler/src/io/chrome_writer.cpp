#include <tb/profiler/trace_writer.hpp>

#include <tb/support/atomic_file.hpp>

#include "io/chrome_format.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <limits>
#include <ostream>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

namespace tb::profiler {

namespace {

// Accumulates output in a string and hands it to the stream in large pieces.
class json_out {
 public:
  explicit json_out(std::ostream& out) : m_out(out) { m_buffer.reserve(flush_at + 4096); }

  void raw(std::string_view s) {
    m_buffer.append(s);
    maybe_flush();
  }
  void ch(char c) { m_buffer.push_back(c); }
  template <class Int>
  void integer(Int v) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    m_buffer.append(tmp, r.ptr);
  }
  void us(std::int64_t ns) {
    std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
    if (ns < 0) {
      m_buffer.push_back('-');
      magnitude = ~magnitude + 1;
    }
    integer(magnitude / 1000);
    const auto frac = static_cast<unsigned>(magnitude % 1000);
    const char digits[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + (frac / 10) % 10),
                            static_cast<char>('0' + frac % 10)};
    m_buffer.append(digits, 4);
  }
  void string(std::string_view s) {
    m_buffer.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      m_buffer.append(s.substr(run, i - run));
      run = i + 1;
      switch (c) {
        case '"': m_buffer.append("\\\""); break;
        case '\\': m_buffer.append("\\\\"); break;
        case '\n': m_buffer.append("\\n"); break;
        case '\r': m_buffer.append("\\r"); break;
        case '\t': m_buffer.append("\\t"); break;
        case '\b': m_buffer.append("\\b"); break;
        case '\f': m_buffer.append("\\f"); break;
        default: {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
          m_buffer.append(esc);
        }
      }
    }
    m_buffer.append(s.substr(run));
    m_buffer.push_back('"');
  }
  void key(std::string_view k) {
    string(k);
    m_buffer.push_back(':');
  }
  void maybe_flush() {
    if (m_buffer.size() >= flush_at) flush();
  }
  void flush() {
    m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_buffer.clear();
  }

 private:
  static constexpr std::size_t flush_at = 1 << 20;
  std::ostream& m_out;
  std::string m_buffer;
};

void check_range(std::int64_t ns, std::size_t index, const std::string& name) {
  if (ns >= detail::max_abs_ns || ns <= -detail::max_abs_ns) {
    throw trace_error(name, std::nullopt,
                      "event " + std::to_string(index) + ": timestamp " + std::to_string(ns) +
                          " ns is outside the supported range of +-2^62 ns");
  }
}

void write_metadata_event(json_out& o, std::string_view name, std::int64_t pid, std::int64_t tid) {
  o.raw("{\"ph\":\"M\",\"name\":");
  o.string(name);
  o.raw(",\"pid\":");
  o.integer(pid);
  o.raw(",\"tid\":");
  o.integer(tid);
  o.raw(",\"args\":{");
}

void write_dim(json_out& o, std::string_view key, const dim3i& d) {
  o.key(key);
  o.ch('[');
  o.integer(d.x);
  o.ch(',');
  o.integer(d.y);
  o.ch(',');
  o.integer(d.z);
  o.ch(']');
}

}  // namespace

std::string format_ns_as_us(std::int64_t ns) {
  std::string s;
  std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    s.push_back('-');
    magnitude = ~magnitude + 1;  // two's complement negation, exact for INT64_MIN too
  }
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, magnitude / 1000);
  s.append(tmp, r.ptr);
  const auto frac = static_cast<unsigned>(magnitude % 1000);
  s.push_back('.');
  s.push_back(static_cast<char>('0' + frac / 100));
  s.push_back(static_cast<char>('0' + (frac / 10) % 10));
  s.push_back(static_cast<char>('0' + frac % 10));
  return s;
}

void write_chrome_trace(const trace& t, std::ostream& out, const write_options& options,
                        const std::string& name_for_errors) {
  const auto events = t.events();
  std::int64_t base = 0;
  if (!events.empty()) {
    base = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = 0; i < events.size(); ++i) {
      check_range(events[i].start_ns, i, name_for_errors);
      check_range(events[i].end_ns, i, name_for_errors);
      base = std::min(base, events[i].start_ns);
    }
  }

  json_out o(out);
  const auto& md = t.metadata();
  o.raw("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"traceFormat\":");
  o.string(detail::format_name);
  o.raw(",\"traceFormatVersion\":");
  o.integer(detail::format_version);
  o.raw(",\"baseTimeNanoseconds\":");
  o.integer(base);
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"gpuName", &md.gpu_name},   {"driverVersion", &md.driver_version}, {"cudaVersion", &md.cuda_version},
      {"cuptiVersion", &md.cupti_version}, {"mode", &md.mode},            {"scenario", &md.scenario}};
  for (const auto& [key, value] : fields) {
    o.ch(',');
    o.key(key);
    o.string(*value);
  }
  o.raw(",\"droppedRecords\":");
  o.integer(md.dropped_records);
  o.raw(",\"values\":{");
  for (std::size_t i = 0; i < md.values.size(); ++i) {
    if (i) o.ch(',');
    o.key(md.values[i].first);
    o.string(md.values[i].second);
  }
  o.raw("}},\n\"traceEvents\":[\n");

  bool first = true;
  auto separator = [&] {
    if (!first) o.raw(",\n");
    first = false;
  };

  for (const auto& p : t.processes()) {
    separator();
    write_metadata_event(o, "process_name", p.pid, 0);
    o.key("name");
    o.string(t.str(p.name));
    o.raw(",\"tb_kind\":");
    o.string(p.kind == process_kind::device ? "device" : "host");
    o.raw(",\"tb_device\":");
    o.integer(p.device_id);
    o.raw("}}");
    separator();
    write_metadata_event(o, "process_sort_index", p.pid, 0);
    o.raw("\"sort_index\":");
    o.integer(p.sort_index);
    o.raw("}}");
  }
  const auto processes = t.processes();
  for (const auto& tr : t.tracks()) {
    const auto pid = processes[tr.process].pid;
    separator();
    write_metadata_event(o, "thread_name", pid, tr.tid);
    o.key("name");
    o.string(t.str(tr.name));
    o.raw(",\"tb_kind\":");
    o.string(tr.kind == track_kind::gpu_stream ? "stream" : "thread");
    o.raw("}}");
    separator();
    write_metadata_event(o, "thread_sort_index", pid, tr.tid);
    o.raw("\"sort_index\":");
    o.integer(tr.sort_index);
    o.raw("}}");
  }

  const auto tracks = t.tracks();
  for (const auto& e : events) {
    separator();
    const bool marker = e.kind == event_kind::nvtx_marker;
    o.raw(marker ? "{\"ph\":\"i\",\"s\":\"t\",\"cat\":" : "{\"ph\":\"X\",\"cat\":");
    o.string(detail::category_of(e.kind));
    o.raw(",\"name\":");
    o.string(t.str(e.name));
    o.raw(",\"pid\":");
    o.integer(processes[e.process].pid);
    o.raw(",\"tid\":");
    o.integer(tracks[e.track].tid);
    o.raw(",\"ts\":");
    o.us(e.start_ns - base);
    if (!marker || e.end_ns != e.start_ns) {
      o.raw(",\"dur\":");
      o.us(e.end_ns - e.start_ns);
    }
    const auto* k = t.kernel_of(e);
    const auto args = t.args_of(e);
    if (e.correlation_id != 0 || e.cbid != 0 || e.return_value != 0 || k || !args.empty()) {
      o.raw(",\"args\":{");
      bool first_arg = true;
      auto comma = [&] {
        if (!first_arg) o.ch(',');
        first_arg = false;
      };
      if (e.correlation_id != 0) {
        comma();
        o.raw("\"correlation\":");
        o.integer(e.correlation_id);
      }
      if (e.cbid != 0) {
        comma();
        o.raw("\"cbid\":");
        o.integer(e.cbid);
      }
      if (e.return_value != 0) {
        comma();
        o.raw("\"return value\":");
        o.integer(e.return_value);
      }
      if (k) {
        comma();
        write_dim(o, "grid", k->grid);
        o.ch(',');
        write_dim(o, "block", k->block);
        o.raw(",\"registers per thread\":");
        o.integer(k->registers_per_thread);
        o.raw(",\"shared memory\":");
        o.integer(static_cast<std::uint64_t>(k->static_shared_bytes) + k->dynamic_shared_bytes);
        o.raw(",\"static shared memory\":");
        o.integer(k->static_shared_bytes);
        o.raw(",\"dynamic shared memory\":");
        o.integer(k->dynamic_shared_bytes);
        o.raw(",\"stream\":");
        o.integer(k->stream_id);
        o.raw(",\"device\":");
        o.integer(k->device_id);
        o.raw(",\"context\":");
        o.integer(k->context_id);
        o.raw(",\"module id\":");
        o.integer(k->module_id);
        o.raw(",\"graph id\":");
        o.integer(k->graph_id);
      }
      for (const auto& a : args) {
        comma();
        o.key(t.str(a.key));
        o.string(t.str(a.value));
      }
      o.ch('}');
    }
    o.ch('}');
    o.maybe_flush();
  }

  if (options.flows) {
    // The launching call of each correlation id: the runtime call when both a runtime
    // and a driver call carry the id (the driver call is nested inside it).
    std::unordered_map<std::uint64_t, std::uint32_t> launcher;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      if (e.correlation_id == 0 || !is_api_call(e.kind)) continue;
      auto [it, inserted] = launcher.emplace(e.correlation_id, static_cast<std::uint32_t>(i));
      if (!inserted && e.kind == event_kind::runtime_api && events[it->second].kind == event_kind::driver_api) {
        it->second = static_cast<std::uint32_t>(i);
      }
    }
    // One arrow per GPU work item: a graph launch's one call starts an arrow to every
    // kernel of the graph. An arrow's id is its correlation id for the first item and a
    // number above every correlation id for the others (Chrome pairs one "s" with one "f").
    std::uint64_t next_id = 0;
    for (const auto& e : events) next_id = std::max(next_id, e.correlation_id);
    std::unordered_set<std::uint64_t> linked;
    for (const auto& e : events) {
      if (e.correlation_id == 0 || !is_gpu_work(e.kind)) continue;
      auto it = launcher.find(e.correlation_id);
      if (it == launcher.end()) continue;
      const auto& api = events[it->second];
      const std::uint64_t id = linked.insert(e.correlation_id).second ? e.correlation_id : ++next_id;
      separator();
      o.raw("{\"ph\":\"s\",\"cat\":\"ac2g\",\"name\":\"ac2g\",\"id\":");
      o.integer(id);
      o.raw(",\"pid\":");
      o.integer(processes[api.process].pid);
      o.raw(",\"tid\":");
      o.integer(tracks[api.track].tid);
      o.raw(",\"ts\":");
      o.us(api.start_ns - base);
      o.raw("},\n{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"ac2g\",\"name\":\"ac2g\",\"id\":");
      o.integer(id);
      o.raw(",\"pid\":");
      o.integer(processes[e.process].pid);
      o.raw(",\"tid\":");
      o.integer(tracks[e.track].tid);
      o.raw(",\"ts\":");
      o.us(e.start_ns - base);
      o.ch('}');
      o.maybe_flush();
    }
  }
  o.raw("\n]}\n");
  o.flush();
  if (!out) throw trace_error(name_for_errors, std::nullopt, "cannot write the trace (stream failed)");
}

std::string to_chrome_trace_json(const trace& t, const write_options& options) {
  std::ostringstream s;
  write_chrome_trace(t, s, options);
  return std::move(s).str();
}

// Whole or not at all: the text is built in memory, then written beside the file and
// renamed over it (tb::support::write_file_atomically), so no reader sees half a trace.
void write_chrome_trace_file(const trace& t, const std::filesystem::path& path, const write_options& options) {
  std::ostringstream s;
  write_chrome_trace(t, s, options, path.string());
  try {
    tb::support::write_file_atomically(path, std::move(s).str());
  } catch (const std::runtime_error& e) {
    const std::string what = e.what(), prefix = path.string() + ": ";
    throw trace_error(path.string(), std::nullopt, what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what);
  }
}

}  // namespace tb::profiler
