#include <tb/profiler/trace_reader.hpp>

#include "io/chrome_format.hpp"
#include "io/gzip.hpp"
#include "io/json_cursor.hpp"
#include "io/utf8.hpp"

#include <cstdio>
#include <cstring>
#include <cerrno>

#include <sys/mman.h>
#include <sys/stat.h>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tb::profiler {

std::optional<std::int64_t> parse_us_as_ns(std::string_view text) noexcept {
  // Fast path, the form writers use: [-]D+[.F{0,3}] with D a JSON integer part of at most
  // 15 digits: exact in int64 without rounding. Anything else takes the general path.
  {
    std::size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) i = 1;
    const std::size_t int_begin = i;
    std::uint64_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') value = value * 10 + static_cast<std::uint64_t>(text[i++] - '0');
    const std::size_t int_digits = i - int_begin;
    if (int_digits >= 1 && int_digits <= 15 && !(int_digits > 1 && text[int_begin] == '0')) {
      std::size_t frac_digits = 0;
      bool ok = true;
      if (i < text.size()) {
        ok = text[i] == '.';
        for (++i; ok && i < text.size() && frac_digits <= 3; ++i, ++frac_digits) {
          if (text[i] < '0' || text[i] > '9') ok = false;
          else value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
        }
        ok = ok && frac_digits >= 1 && frac_digits <= 3;
      }
      if (ok) {
        for (std::size_t k = frac_digits; k < 3; ++k) value *= 10;
        const auto v = static_cast<std::int64_t>(value);
        return negative ? -v : v;
      }
    }
  }
  if (!detail::is_json_number(text)) return std::nullopt;
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) i = 1;
  // Collect the significant digits and where the decimal point sits among them.
  char digits[64];
  std::size_t ndigits = 0;
  std::int64_t point = 0;  // digits before the decimal point
  bool truncated_nonzero = false;
  auto push = [&](char c, bool before_point) {
    if (ndigits == 0 && c == '0') {  // leading zero: shifts the point instead
      if (!before_point) --point;
      return;
    }
    if (ndigits < sizeof digits) {
      digits[ndigits++] = c;
    } else if (c != '0') {
      truncated_nonzero = true;
    }
    if (before_point) ++point;
  };
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) push(text[i], true);
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) push(text[i], false);
  }
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (text[i] == '+' || text[i] == '-') exp_negative = text[i++] == '-';
    for (; i < text.size(); ++i) {
      if (exponent < 100000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  if (ndigits == 0) return std::int64_t{0};
  // Point position in nanoseconds: microseconds * 10^3.
  const std::int64_t p = point + exponent + 3;
  if (p > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (std::int64_t k = 0; k < p; ++k) {
    const char c = k < static_cast<std::int64_t>(ndigits) ? digits[k] : '0';
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  // Round half away from zero on the first dropped digit.
  if (p >= 0 && p < static_cast<std::int64_t>(ndigits) && digits[p] >= '5') ++value;
  (void)truncated_nonzero;  // digits beyond 64 significant ones cannot change the rounding
  if (value >= static_cast<std::uint64_t>(detail::max_abs_ns)) return std::nullopt;
  const auto v = static_cast<std::int64_t>(value);
  return negative ? -v : v;
}

namespace {

using detail::json_cursor;
using detail::json_type;

std::optional<std::uint64_t> parse_json_uint64(std::string_view token) noexcept {
  if (token.empty() || token[0] == '-') {
    if (token == "-0") return std::uint64_t{0};
    return std::nullopt;
  }
  std::uint64_t v = 0;
  if (token.size() <= 19) {  // cannot overflow
    for (char c : token) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  }
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// One member of an event's "args", kept until the event is complete. Key and text view
// the input unless they held escapes; then they live in the arg's own storage.
struct raw_arg {
  std::string_view key_view, text_view;
  std::string key_storage, text_storage;
  bool key_owned = false, text_owned = false;
  json_type type = json_type::null;
  std::size_t offset = 0;

  std::string_view key() const noexcept { return key_owned ? std::string_view(key_storage) : key_view; }
  std::string_view text() const noexcept { return text_owned ? std::string_view(text_storage) : text_view; }
};

// An id that is a number or a string in the file ("pid": 3 or "pid": "Spans").
struct raw_id {
  bool present = false;
  bool is_string = false;
  std::int64_t number = 0;
  std::string text;
  std::size_t offset = 0;
};

struct pending_begin {
  event e;
  std::size_t index;       // in "traceEvents"
  std::size_t args_begin;  // into reader::m_pending_args
  std::size_t args_count;
};

class reader {
 public:
  reader(std::string_view text, std::string_view source) : m_cur(text, source), m_source(source) {
    // Traces hold 150-500 bytes per event: reserve for the densest so that the event table
    // is not copied while it grows (untouched capacity costs no memory).
    m_trace.reserve(text.size() / 128, text.size() / 512);
  }

  trace run() {
    const char c = m_cur.peek();
    if (c == '[') {
      read_events();
    } else if (c == '{') {
      read_top_object();
    } else {
      m_cur.fail_here("expected '{' or '[' at the start of a trace");
    }
    if (!m_cur.at_end()) m_cur.fail_here("expected the end of the file after the trace");
    finish();
    return std::move(m_trace);
  }

 private:
  // ---- top level -------------------------------------------------------------------
  void read_top_object() {
    const std::size_t object_at = (m_cur.peek(), m_cur.offset());
    m_cur.begin_object("the trace");
    bool first = true, has_events = false, has_schema = false, has_modes = false;
    std::string_view key;
    while (m_cur.next_member(key, m_key_scratch, first)) {
      has_schema = has_schema || key == "schema";
      has_modes = has_modes || key == "modes";
      if (key == "traceEvents") {
        read_events();
        has_events = true;
      } else if (key == "otherData") {
        read_other_data();
      } else if (key == "baseTimeNanoseconds") {
        read_base_time();
      } else if (key == "deviceProperties") {
        read_device_properties();
      } else if (key == "cuda_runtime_version") {
        m_trace.metadata().cuda_version = std::string(scalar_text("\"cuda_runtime_version\""));
      } else if (key == "cuda_driver_version") {
        m_trace.metadata().values.emplace_back("cuda_driver_version",
                                               std::string(scalar_text("\"cuda_driver_version\"")));
      } else {
        m_cur.skip_value("");
      }
    }
    if (has_events) return;
    if (has_schema && has_modes) {
      m_cur.fail(object_at, "expected a trace, found triton-bench results (--json output): analyze reads the "
                            "traces of --trace DIR");
    }
    m_cur.fail(object_at, "expected a \"traceEvents\" array in the top-level object (a Chrome trace)");
  }

  // A scalar as text: decoded string content, or the raw number/bool/null text.
  std::string_view scalar_text(std::string_view context) {
    if (m_cur.next_type(context) == json_type::string) return m_cur.read_string(m_value_scratch, context);
    return m_cur.skip_value(context);
  }

  void read_base_time() {
    const std::size_t at = m_cur.offset();
    m_cur.peek();
    const std::size_t value_at = m_cur.offset();
    const auto v = m_cur.read_int64("\"baseTimeNanoseconds\"");
    if (v >= detail::max_abs_ns || v <= -detail::max_abs_ns) {
      m_cur.fail(value_at, "expected \"baseTimeNanoseconds\" within +-2^62");
    }
    (void)at;
    m_base = v;
    m_base_offset = value_at;
  }

  void read_device_properties() {
    if (m_cur.next_type("\"deviceProperties\"") != json_type::array) {
      m_cur.skip_value("");
      return;
    }
    m_cur.begin_array("");
    bool first = true;
    while (m_cur.next_element(first)) {
      if (m_cur.next_type("\"deviceProperties\"") != json_type::object) {
        m_cur.skip_value("");
        continue;
      }
      m_cur.begin_object("");
      bool first_member = true;
      std::string_view key;
      while (m_cur.next_member(key, m_key_scratch, first_member)) {
        if (key == "name" && m_cur.next_type("") == json_type::string) {
          const auto name = m_cur.read_string(m_value_scratch, "");
          if (m_trace.metadata().gpu_name.empty()) m_trace.metadata().gpu_name = std::string(name);
        } else {
          m_cur.skip_value("");
        }
      }
    }
  }

  void read_other_data() {
    m_cur.begin_object("\"otherData\"");
    bool first = true;
    std::string_view key_view;
    auto& md = m_trace.metadata();
    while (m_cur.next_member(key_view, m_key_scratch, first)) {
      const std::string key(key_view);
      std::string* field = nullptr;
      if (key == "gpuName") field = &md.gpu_name;
      else if (key == "driverVersion") field = &md.driver_version;
      else if (key == "cudaVersion") field = &md.cuda_version;
      else if (key == "cuptiVersion") field = &md.cupti_version;
      else if (key == "mode") field = &md.mode;
      else if (key == "scenario") field = &md.scenario;
      if (field) {
        *field = std::string(scalar_text("\"otherData\""));
      } else if (key == "baseTimeNanoseconds") {
        read_base_time();
      } else if (key == "droppedRecords") {
        m_cur.peek();
        const std::size_t at = m_cur.offset();
        const auto v = parse_json_uint64(m_cur.read_number("\"droppedRecords\""));
        if (!v) m_cur.fail(at, "expected a non-negative integer for \"droppedRecords\"");
        md.dropped_records = *v;
      } else if (key == "traceFormat" || key == "traceFormatVersion") {
        m_cur.skip_value("");
      } else if (key == "values" && m_cur.next_type("") == json_type::object) {
        m_cur.begin_object("");
        bool first_value = true;
        std::string_view k;
        while (m_cur.next_member(k, m_key_scratch, first_value)) {
          std::string name(k);
          md.values.emplace_back(std::move(name), std::string(scalar_text("\"otherData.values\"")));
        }
      } else {
        md.values.emplace_back(key, std::string(scalar_text("\"otherData\"")));
      }
    }
  }

  // ---- events ------------------------------------------------------------------------
  void read_events() {
    m_cur.begin_array("\"traceEvents\"");
    bool first = true;
    while (m_cur.next_element(first)) {
      read_event();
      ++m_event_index;
    }
  }

  void read_id(raw_id& id, std::string_view context) {
    m_cur.peek();
    id.present = true;
    id.offset = m_cur.offset();
    const auto type = m_cur.next_type(context);
    if (type == json_type::string) {
      id.is_string = true;
      id.text = std::string(m_cur.read_string(m_value_scratch, context));
    } else if (type == json_type::number) {
      id.is_string = false;
      const auto token = m_cur.read_number(context);
      const auto v = detail::parse_json_int64(token);
      if (!v) m_cur.fail(id.offset, std::string("expected an integer or a string for ") + std::string(context));
      id.number = *v;
    } else {
      m_cur.fail(id.offset, std::string("expected an integer or a string for ") + std::string(context));
    }
  }

  std::int64_t read_time(std::string_view context, std::size_t& at) {
    m_cur.peek();
    at = m_cur.offset();
    if (m_cur.next_type(context) != json_type::number) {
      m_cur.fail(at, std::string("expected a number of microseconds for ") + std::string(context));
    }
    const auto token = m_cur.read_number(context);
    const auto v = parse_us_as_ns(token);
    if (!v) m_cur.fail(at, std::string("expected ") + std::string(context) + " within +-2^62 ns");
    return *v;
  }

  void read_event() {
    const std::size_t event_at = (m_cur.peek(), m_cur.offset());
    m_cur.begin_object("an event of \"traceEvents\"");
    std::string_view ph, name, cat, scope;
    m_pid = raw_id{};
    m_tid = raw_id{};
    bool has_ts = false, has_dur = false;
    std::int64_t ts = 0, dur = 0;
    std::size_t ts_at = 0, dur_at = 0;
    m_nargs = 0;
    bool first = true;
    std::string_view key;
    while (m_cur.next_member(key, m_key_scratch, first)) {
      if (key.size() == 2 && key == "ph") {
        ph = m_cur.read_string(m_ph_scratch, "\"ph\"");
      } else if (key == "name") {
        if (m_cur.next_type("\"name\"") == json_type::string) {
          name = m_cur.read_string(m_name_scratch, "\"name\"");
        } else {
          m_name_scratch = std::string(m_cur.skip_value(""));
          name = m_name_scratch;
        }
      } else if (key == "cat") {
        cat = m_cur.read_string(m_cat_scratch, "\"cat\"");
      } else if (key == "s" && m_cur.next_type("\"s\"") == json_type::string) {
        scope = m_cur.read_string(m_scope_scratch, "\"s\"");
      } else if (key == "pid") {
        read_id(m_pid, "\"pid\"");
      } else if (key == "tid") {
        read_id(m_tid, "\"tid\"");
      } else if (key == "ts") {
        ts = read_time("\"ts\"", ts_at);
        has_ts = true;
      } else if (key == "dur") {
        dur = read_time("\"dur\"", dur_at);
        has_dur = true;
      } else if (key == "args") {
        read_args();
      } else {
        m_cur.skip_value("");
      }
    }
    if (ph.empty()) m_cur.fail(event_at, "expected a \"ph\" member in this event");
    const char phase = ph.size() == 1 ? ph[0] : '\0';
    switch (phase) {
      case 'M': handle_metadata_event(name, event_at); return;
      case 'X':
      case 'B':
      case 'E':
      case 'i':
      case 'I': break;
      default: return;  // flows, counters, async and object events are not part of the model
    }
    if (!has_ts) m_cur.fail(event_at, "expected a \"ts\" member in this event");
    const bool global_instant = (phase == 'i' || phase == 'I') && scope == "g";
    if (!m_pid.present && global_instant) m_pid = raw_id{true, true, 0, std::string(), event_at};
    if (!m_pid.present) m_cur.fail(event_at, "expected a \"pid\" member in this event");
    note_time(ts, ts_at);

    event e;
    e.track = track_for(event_at);
    e.start_ns = ts;
    if (has_dur && dur < 0 && (phase == 'X' || phase == 'i' || phase == 'I')) {
      m_cur.fail(dur_at, "expected a \"dur\" >= 0 in traceEvents[" + std::to_string(m_event_index) + "]");
    }
    if (phase == 'X') {
      if (has_dur) {
        const std::int64_t end = ts + dur;  // both bounded by 2^62: no overflow
        if (end >= detail::max_abs_ns || end <= -detail::max_abs_ns) {
          m_cur.fail(dur_at, "expected \"ts\" + \"dur\" within +-2^62 ns");
        }
        note_time(end, dur_at);
        e.end_ns = end;
      } else {
        e.end_ns = ts;
      }
    } else if (phase == 'i' || phase == 'I') {
      e.end_ns = has_dur ? ts + dur : ts;
      if (e.end_ns >= detail::max_abs_ns || e.end_ns <= -detail::max_abs_ns) {
        m_cur.fail(dur_at, "expected \"ts\" + \"dur\" within +-2^62 ns");
      }
      if (has_dur) note_time(e.end_ns, dur_at);
    } else {
      e.end_ns = ts;
    }

    if (phase == 'E') {
      handle_end(e.track, ts, event_at);
      return;
    }

    std::optional<event_kind> kind = cat.empty() ? std::optional<event_kind>(event_kind::other)
                                                 : detail::kind_of_category(cat);
    // Unknown categories, and Kineto's range-profiler kernels, keep their category as an arg.
    const bool keep_cat = !kind.has_value() || cat == "cuda_profiler_range";
    e.kind = kind.value_or(event_kind::other);
    if (phase == 'i' || phase == 'I') e.kind = event_kind::nvtx_marker;
    else if (e.kind == event_kind::nvtx_marker) e.kind = event_kind::nvtx_range;
    e.name = m_trace.intern(name);

    m_event_args.clear();
    if (keep_cat) m_event_args.push_back({m_trace.intern("cat"), m_trace.intern(cat)});
    if (global_instant) m_event_args.push_back({m_trace.intern("scope"), m_trace.intern("global")});
    kernel_info k;
    bool has_kernel = false;
    for (std::size_t i = 0; i < m_nargs; ++i) {
      const auto& a = m_args[i];
      if (a.type == json_type::number && interpret_common(e, a)) continue;
      if (e.kind == event_kind::kernel && interpret_kernel(k, a)) {
        has_kernel = true;
        continue;
      }
      m_event_args.push_back({m_trace.intern(a.key()), m_trace.intern(a.text())});
    }
    if (has_kernel) e.kernel = m_trace.add_kernel_info(k);

    if (phase == 'B') {
      pending_begin p{e, m_event_index, m_pending_args.size(), m_event_args.size()};
      m_pending_args.insert(m_pending_args.end(), m_event_args.begin(), m_event_args.end());
      if (m_open.size() <= e.track) m_open.resize(e.track + 1);
      m_open[e.track].push_back(p);
      return;
    }
    if (m_trace.events().size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
      m_cur.fail(event_at, "expected fewer than 2^32 - 1 events");
    }
    m_trace.add_event(e, m_event_args);
    note_gpu_work(e);
  }

  void handle_end(std::uint32_t track, std::int64_t ts, std::size_t event_at) {
    if (track >= m_open.size() || m_open[track].empty()) {
      m_cur.fail(event_at, "expected a matching \"B\" event before this \"E\" event (traceEvents[" +
                               std::to_string(m_event_index) + "])");
    }
    auto p = m_open[track].back();
    if (ts < p.e.start_ns) {
      m_cur.fail(event_at, "expected the \"ts\" of this \"E\" event (traceEvents[" + std::to_string(m_event_index) +
                               "]) not before that of its \"B\" event (traceEvents[" + std::to_string(p.index) + "])");
    }
    m_open[track].pop_back();
    p.e.end_ns = ts;
    const std::span<const event_arg> args(m_pending_args.data() + p.args_begin, p.args_count);
    m_trace.add_event(p.e, args);
    note_gpu_work(p.e);
    if (m_open[track].empty()) {
      bool any_open = false;
      for (const auto& o : m_open) any_open = any_open || !o.empty();
      if (!any_open) m_pending_args.clear();
    }
  }

  void note_gpu_work(const event& e) {
    if (!is_gpu_work(e.kind)) return;
    m_track_has_gpu_work[e.track] = true;
    if (const auto* k = m_trace.kernel_of(e); k && m_device_hint[e.process] < 0) {
      m_device_hint[e.process] = k->device_id;
    }
  }

  bool interpret_common(event& e, const raw_arg& a) {
    const auto key = a.key();
    if (key == "correlation") {
      const auto v = parse_json_uint64(a.text());
      if (!v) m_cur.fail(a.offset, "expected a non-negative 64-bit integer for \"correlation\"");
      e.correlation_id = *v;
      return true;
    }
    if (key == "cbid") {
      const auto v = parse_json_uint64(a.text());
      if (!v || *v > std::numeric_limits<std::uint32_t>::max()) {
        m_cur.fail(a.offset, "expected a 32-bit unsigned integer for \"cbid\"");
      }
      e.cbid = static_cast<std::uint32_t>(*v);
      return true;
    }
    if (key == "return value") {
      const auto v = detail::parse_json_int64(a.text());
      if (!v || *v < std::numeric_limits<std::int32_t>::min() || *v > std::numeric_limits<std::int32_t>::max()) {
        m_cur.fail(a.offset, "expected a 32-bit integer for \"return value\"");
      }
      e.return_value = static_cast<std::int32_t>(*v);
      return true;
    }
    return false;
  }

  template <class Int>
  Int arg_int(const raw_arg& a) {
    if (a.type != json_type::number) m_cur.fail(a.offset, "expected an integer for \"" + std::string(a.key()) + "\"");
    if constexpr (std::is_signed_v<Int>) {
      const auto v = detail::parse_json_int64(a.text());
      if (!v || *v < std::numeric_limits<Int>::min() || *v > std::numeric_limits<Int>::max()) {
        m_cur.fail(a.offset, "expected an integer in range for \"" + std::string(a.key()) + "\"");
      }
      return static_cast<Int>(*v);
    } else {
      const auto v = parse_json_uint64(a.text());
      if (!v || *v > std::numeric_limits<Int>::max()) {
        m_cur.fail(a.offset, "expected a non-negative integer in range for \"" + std::string(a.key()) + "\"");
      }
      return static_cast<Int>(*v);
    }
  }

  dim3i arg_dim(const raw_arg& a) {
    if (a.type != json_type::array) {
      m_cur.fail(a.offset, "expected an array of 3 integers for \"" + std::string(a.key()) + "\"");
    }
    json_cursor c(a.text(), m_source);
    std::int32_t v[3] = {0, 0, 0};
    int n = 0;
    try {
      c.begin_array("");
      bool first = true;
      while (c.next_element(first)) {
        if (n == 3 || c.next_type("") != json_type::number) throw 0;
        const auto x = detail::parse_json_int64(c.read_number(""));
        if (!x || *x < std::numeric_limits<std::int32_t>::min() || *x > std::numeric_limits<std::int32_t>::max()) {
          throw 0;
        }
        v[n++] = static_cast<std::int32_t>(*x);
      }
    } catch (...) {
      n = -1;
    }
    if (n != 3) m_cur.fail(a.offset, "expected an array of 3 integers for \"" + std::string(a.key()) + "\"");
    return {v[0], v[1], v[2]};
  }

  bool interpret_kernel(kernel_info& k, const raw_arg& a) {
    const std::string_view key = a.key();
    if (key == "grid") k.grid = arg_dim(a);
    else if (key == "block") k.block = arg_dim(a);
    else if (key == "registers per thread") k.registers_per_thread = arg_int<std::uint32_t>(a);
    else if (key == "shared memory") {
      // Kineto's total; split by the explicit fields when they are present.
      if (!m_seen_static_shared) k.static_shared_bytes = arg_int<std::uint32_t>(a);
      else (void)arg_int<std::uint64_t>(a);
    } else if (key == "static shared memory") {
      k.static_shared_bytes = arg_int<std::uint32_t>(a);
      m_seen_static_shared = true;
    } else if (key == "dynamic shared memory") k.dynamic_shared_bytes = arg_int<std::uint32_t>(a);
    else if (key == "stream") k.stream_id = arg_int<std::uint64_t>(a);
    else if (key == "device") k.device_id = arg_int<std::int32_t>(a);
    else if (key == "context") k.context_id = arg_int<std::uint32_t>(a);
    else if (key == "module id") k.module_id = arg_int<std::uint64_t>(a);
    else if (key == "graph id") k.graph_id = arg_int<std::uint32_t>(a);
    else return false;
    return true;
  }

  void read_args() {
    m_cur.begin_object("\"args\"");
    m_seen_static_shared = false;
    bool first = true;
    std::string_view key;
    while (m_cur.next_member(key, m_key_scratch, first)) {
      if (m_nargs == m_args.size()) m_args.emplace_back();
      auto& a = m_args[m_nargs++];
      a.key_owned = key.data() == m_key_scratch.data();  // it had escapes: copy it
      if (a.key_owned) a.key_storage.assign(key);
      else a.key_view = key;
      m_cur.peek();
      a.offset = m_cur.offset();
      a.type = m_cur.next_type("\"args\"");
      if (a.type == json_type::string) {
        const auto v = m_cur.read_string(a.text_storage, "\"args\"");
        a.text_owned = v.data() == a.text_storage.data();
        a.text_view = v;
      } else if (a.type == json_type::number) {  // what skip_value does for a number, directly
        a.text_owned = false;
        a.text_view = m_cur.read_number("\"args\"");
      } else {
        a.text_owned = false;
        a.text_view = m_cur.skip_value("\"args\"");
      }
    }
    // "static shared memory" may follow "shared memory": decide before interpreting.
    m_seen_static_shared = false;
    for (std::size_t i = 0; i < m_nargs; ++i) {
      if (m_args[i].key() == "static shared memory") m_seen_static_shared = true;
    }
  }

  const raw_arg* find_arg(std::string_view key) const {
    for (std::size_t i = 0; i < m_nargs; ++i) {
      if (m_args[i].key() == key) return &m_args[i];
    }
    return nullptr;
  }

  void handle_metadata_event(std::string_view name, std::size_t event_at) {
    const bool process_event = name == "process_name" || name == "process_sort_index" || name == "process_labels";
    const bool thread_event = name == "thread_name" || name == "thread_sort_index";
    if (!process_event && !thread_event) return;
    if (!m_pid.present) m_cur.fail(event_at, "expected a \"pid\" member in this metadata event");
    const auto process = process_for();
    if (name == "process_name") {
      if (const auto* a = find_arg("name")) m_trace.process(process).name = m_trace.intern(a->text());
      if (const auto* a = find_arg("tb_kind"); a && a->type == json_type::string) {
        m_trace.process(process).kind = a->text() == "device" ? process_kind::device : process_kind::host;
        m_process_kind_known[process] = true;
      }
      if (const auto* a = find_arg("tb_device")) m_trace.process(process).device_id = arg_int<std::int32_t>(*a);
    } else if (name == "process_labels") {
      if (const auto* a = find_arg("labels"); a && a->type == json_type::string) {
        m_process_label[process] = m_trace.intern(a->text());
      }
    } else if (name == "process_sort_index") {
      if (const auto* a = find_arg("sort_index")) m_trace.process(process).sort_index = arg_int<std::int32_t>(*a);
    } else {
      const auto track = track_for(event_at);
      if (name == "thread_name") {
        if (const auto* a = find_arg("name")) m_trace.track(track).name = m_trace.intern(a->text());
        if (const auto* a = find_arg("tb_kind"); a && a->type == json_type::string) {
          m_trace.track(track).kind = a->text() == "stream" ? track_kind::gpu_stream : track_kind::cpu_thread;
          m_track_kind_known[track] = true;
        }
      } else if (const auto* a = find_arg("sort_index")) {
        m_trace.track(track).sort_index = arg_int<std::int32_t>(*a);
      }
    }
  }

  // ---- processes and tracks ----------------------------------------------------------
  std::int64_t numeric_id(const raw_id& id, std::unordered_map<std::string, std::int64_t>& names) {
    if (!id.is_string) return id.number;
    auto [it, inserted] = names.emplace(id.text, 0);
    if (inserted) it->second = -(std::int64_t{1} << 40) - static_cast<std::int64_t>(names.size());
    return it->second;
  }

  std::uint32_t process_for() {
    const std::int64_t pid = numeric_id(m_pid, m_string_pids);
    if (m_last_process && m_last_pid == pid) return *m_last_process;
    std::uint32_t index;
    if (auto it = m_processes.find(pid); it != m_processes.end()) {
      index = it->second;
    } else {
      process_info p;
      p.pid = pid;
      if (m_pid.is_string) p.name = m_trace.intern(m_pid.text.empty() ? global_name : std::string_view(m_pid.text));
      index = m_trace.add_process(p);
      m_processes.emplace(pid, index);
      m_process_kind_known.push_back(false);
      m_device_hint.push_back(-1);
      m_process_label.push_back(empty_string);
    }
    m_last_pid = pid;
    m_last_process = index;
    return index;
  }

  std::uint32_t track_for(std::size_t /*event_at*/) {
    const auto process = process_for();
    std::int64_t tid = 0;
    if (m_tid.present) {
      if (m_tid.is_string) {
        auto [it, inserted] = m_string_tids.emplace(std::to_string(process) + '\x1f' + m_tid.text, 0);
        if (inserted) it->second = -(std::int64_t{1} << 40) - static_cast<std::int64_t>(m_string_tids.size());
        tid = it->second;
      } else {
        tid = m_tid.number;
      }
    }
    if (m_last_track && m_last_track_process == process && m_last_tid == tid) return *m_last_track;
    const auto key = std::make_pair(process, tid);
    std::uint32_t index;
    if (auto it = m_tracks.find(key); it != m_tracks.end()) {
      index = it->second;
    } else {
      track_info t;
      t.process = process;
      t.tid = tid;
      if (m_tid.present && m_tid.is_string) {
        t.name = m_trace.intern(m_tid.text.empty() ? global_name : std::string_view(m_tid.text));
      }
      index = m_trace.add_track(t);
      m_tracks.emplace(key, index);
      m_track_kind_known.push_back(false);
      m_track_has_gpu_work.push_back(false);
    }
    m_last_track_process = process;
    m_last_tid = tid;
    m_last_track = index;
    return index;
  }

  void note_time(std::int64_t t, std::size_t at) {
    if (m_base) {
      const std::int64_t abs = *m_base + t;
      if (abs >= detail::max_abs_ns || abs <= -detail::max_abs_ns) {
        m_cur.fail(at, "expected a time that stays within +-2^62 ns after adding baseTimeNanoseconds");
      }
    }
    if (t < m_min_rel) m_min_rel = t;
    if (t > m_max_rel) m_max_rel = t;
  }

  void finish() {
    if (m_base && *m_base != 0) {
      if (m_max_rel >= m_min_rel) {
        const std::int64_t lo = *m_base + m_min_rel, hi = *m_base + m_max_rel;
        if (lo <= -detail::max_abs_ns || hi >= detail::max_abs_ns) {
          m_cur.fail(m_base_offset, "expected a baseTimeNanoseconds that keeps all times within +-2^62 ns");
        }
      }
      // Events are stored with times relative to the base until the base is known.
      for (auto& e : m_trace.mutable_events()) {
        e.start_ns += *m_base;
        e.end_ns += *m_base;
      }
    }
    // Kinds not stated in the file are inferred: GPU work makes a device and a stream.
    const auto tracks = m_trace.tracks();
    std::vector<bool> process_has_gpu_work(m_trace.processes().size(), false);
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      if (m_track_has_gpu_work[i]) process_has_gpu_work[tracks[i].process] = true;
      if (!m_track_kind_known[i] && m_track_has_gpu_work[i]) {
        m_trace.track(static_cast<std::uint32_t>(i)).kind = track_kind::gpu_stream;
      }
    }
    for (std::size_t i = 0; i < process_has_gpu_work.size(); ++i) {
      if (m_process_kind_known[i] || !process_has_gpu_work[i]) continue;
      auto& p = m_trace.process(static_cast<std::uint32_t>(i));
      p.kind = process_kind::device;
      if (m_device_hint[i] >= 0) p.device_id = m_device_hint[i];
      else if (p.pid >= 0 && p.pid < 4096) p.device_id = static_cast<std::int32_t>(p.pid);
    }
    for (std::size_t i = 0; i < m_process_label.size(); ++i) {
      if (m_process_label[i] != empty_string) apply_label(static_cast<std::uint32_t>(i));
    }
  }

  // Kineto's process_labels: "GPU N" names a device process (and gives its ordinal when
  // nothing else did); other labels ("CPU") follow the process name in parentheses.
  void apply_label(std::uint32_t index) {
    auto& p = m_trace.process(index);
    const std::string label(m_trace.str(m_process_label[index]));
    const auto device = gpu_label_ordinal(label);
    if (device && !m_process_kind_known[index]) {
      p.kind = process_kind::device;
      if (p.device_id < 0) p.device_id = *device;
    }
    if (p.kind == process_kind::device || p.name == empty_string) {
      p.name = m_trace.intern(label);
    } else {
      p.name = m_trace.intern(std::string(m_trace.str(p.name)) + " (" + label + ")");
    }
  }

  static std::optional<std::int32_t> gpu_label_ordinal(std::string_view label) {
    if (label.size() < 5 || label.size() > 9 || label.substr(0, 4) != "GPU ") return std::nullopt;
    std::int32_t n = 0;
    for (const char c : label.substr(4)) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }

  json_cursor m_cur;
  std::string_view m_source;
  trace m_trace;
  std::optional<std::int64_t> m_base;
  std::size_t m_base_offset = 0;
  std::int64_t m_min_rel = std::numeric_limits<std::int64_t>::max();
  std::int64_t m_max_rel = std::numeric_limits<std::int64_t>::min();

  static constexpr std::string_view global_name = "global";  // the process and track of pid/tid ""
  std::string m_key_scratch, m_value_scratch, m_ph_scratch, m_name_scratch, m_cat_scratch, m_scope_scratch;
  raw_id m_pid, m_tid;
  std::vector<raw_arg> m_args;
  std::size_t m_nargs = 0;
  bool m_seen_static_shared = false;
  std::vector<event_arg> m_event_args;

  struct pair_hash {
    std::size_t operator()(const std::pair<std::uint32_t, std::int64_t>& p) const noexcept {
      return std::hash<std::int64_t>{}(p.second) * 31 + p.first;
    }
  };
  std::unordered_map<std::int64_t, std::uint32_t> m_processes;
  std::unordered_map<std::pair<std::uint32_t, std::int64_t>, std::uint32_t, pair_hash> m_tracks;
  std::unordered_map<std::string, std::int64_t> m_string_pids, m_string_tids;
  std::vector<bool> m_process_kind_known, m_track_kind_known, m_track_has_gpu_work;
  std::vector<std::int32_t> m_device_hint;
  std::vector<string_id> m_process_label;  // Kineto's process_labels, per process
  std::optional<std::uint32_t> m_last_process, m_last_track;
  std::int64_t m_last_pid = 0, m_last_tid = 0;
  std::uint32_t m_last_track_process = 0;

  std::size_t m_event_index = 0;  // of the event being read, in "traceEvents"
  std::vector<std::vector<pending_begin>> m_open;
  std::vector<event_arg> m_pending_args;
};

}  // namespace

namespace {

trace parse_text(std::string_view text, std::string_view source_name) {
  if (const auto bad = detail::first_invalid_utf8(text)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[*bad])));
    throw trace_error(std::string(source_name), *bad, std::string("expected UTF-8 text, found the byte ") + byte);
  }
  reader r(text, source_name);
  return r.run();
}

// Parses inflated text; an error's offset is into that text, and the message says so.
trace parse_inflated(std::string_view text, std::string_view source_name) {
  try {
    return parse_text(text, source_name);
  } catch (const trace_error& e) {
    if (!e.offset()) throw;
    throw trace_error(e.file(), e.offset(), e.message() + " (byte offset in the uncompressed text)");
  }
}

}  // namespace

trace parse_chrome_trace(std::string_view text, std::string_view source_name) {
  if (detail::has_gzip_magic(text)) return parse_inflated(detail::gunzip(text, source_name), source_name);
  return parse_text(text, source_name);
}

trace read_chrome_trace_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw trace_error(name, std::nullopt, "is a folder; expected a trace file (Chrome Trace Event JSON)");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!f) throw trace_error(name, std::nullopt, std::string("cannot open: ") + std::strerror(errno));
  std::size_t read_bytes = 0;
  auto read = [&](char* buffer, std::size_t size) {
    const std::size_t n = std::fread(buffer, 1, size, f.get());
    if (n == 0 && std::ferror(f.get())) throw trace_error(name, read_bytes, "cannot read the file");
    read_bytes += n;
    return n;
  };
  char head[2];
  const std::size_t head_size = read(head, sizeof head);
  std::string text(head, head_size);
  if (detail::has_gzip_magic(text)) {
    text.clear();
    bool head_given = false;  // the magic bytes go to the inflater first
    detail::gunzip([&](char* buffer, std::size_t size) {
      if (head_given) return read(buffer, size);
      head_given = true;
      std::memcpy(buffer, head, head_size);
      return head_size;
    }, name, text);
    return parse_inflated(text, name);
  }
  // A regular file is mapped rather than copied (one pass less over the text, no second
  // buffer); anything else (a pipe, an empty or a /proc file) is read in chunks below.
  struct stat st{};
  if (::fstat(::fileno(f.get()), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, ::fileno(f.get()), 0);
    if (map != MAP_FAILED) {
      struct unmap {
        void* p;
        std::size_t n;
        ~unmap() { ::munmap(p, n); }
      } const mapping{map, size};
      ::madvise(map, size, MADV_SEQUENTIAL);
      return parse_text(std::string_view(static_cast<const char*>(map), size), name);
    }
  }
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(f.get());
    if (size > 0) text.reserve(static_cast<std::size_t>(size));
    std::fseek(f.get(), static_cast<long>(head_size), SEEK_SET);
  }
  char chunk[1 << 16];
  while (const std::size_t n = read(chunk, sizeof chunk)) text.append(chunk, n);
  return parse_text(text, name);
}

}  // namespace tb::profiler
