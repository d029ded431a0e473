// The analyses of analysis.hpp. One pass classifies the events by interned name (the
// per-name tests run once per distinct string, not once per event), then each metric
// works on compact index lists. Definitions: docs/profiler.md, "Metrics".
#include <tb/profiler/analysis.hpp>

#include "analysis/statistics_scratch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace tb::profiler {

namespace {

constexpr std::string_view launch_api_names[] = {
    "cuLaunchKernel",           "cuLaunchKernelEx",  "cuLaunchKernel_ptsz", "cuLaunchKernelEx_ptsz",
    "cuLaunchCooperativeKernel", "cuGraphLaunch",    "cudaLaunchKernel",    "cudaGraphLaunch"};

enum name_flags : std::uint8_t {
  flag_launch = 1,
  flag_module = 2,
  flag_iteration = 4,
  flag_dispatch = 8,
  flag_target = 16,
};

// Map from non-zero 64-bit keys (correlation ids) to 32-bit values. CUPTI hands out
// correlation ids densely and in launch order, so when the keys span a small range a
// direct table is used (sequential access); otherwise open addressing.
class correlation_map {
 public:
  correlation_map(std::size_t expected, std::uint64_t min_key, std::uint64_t max_key) {
    if (expected > 0 && max_key >= min_key && max_key - min_key < 4 * static_cast<std::uint64_t>(expected) + 1024) {
      m_dense = true;
      m_base = min_key;
      m_values.assign(static_cast<std::size_t>(max_key - min_key + 1), no_index);
      return;
    }
    std::size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    m_keys.assign(capacity, 0);
    m_values.assign(capacity, no_index);
    m_mask = capacity - 1;
  }
  // Returns the slot's value reference, inserting `fresh` when the key is new.
  std::uint32_t& get_or_insert(std::uint64_t key, std::uint32_t fresh, bool& inserted) {
    if (m_dense) {
      auto& v = m_values[static_cast<std::size_t>(key - m_base)];
      inserted = v == no_index;
      if (inserted) v = fresh;
      return v;
    }
    std::size_t i = slot(key);
    while (m_keys[i] != 0 && m_keys[i] != key) i = (i + 1) & m_mask;
    inserted = m_keys[i] == 0;
    if (inserted) {
      m_keys[i] = key;
      m_values[i] = fresh;
    }
    return m_values[i];
  }
  std::uint32_t find(std::uint64_t key) const noexcept {
    if (m_dense) {
      return key >= m_base && key - m_base < m_values.size() ? m_values[static_cast<std::size_t>(key - m_base)] : no_index;
    }
    std::size_t i = slot(key);
    while (m_keys[i] != 0) {
      if (m_keys[i] == key) return m_values[i];
      i = (i + 1) & m_mask;
    }
    return no_index;
  }

 private:
  std::size_t slot(std::uint64_t key) const noexcept {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & m_mask;
  }
  bool m_dense = false;
  std::uint64_t m_base = 0;
  std::vector<std::uint64_t> m_keys;
  std::vector<std::uint32_t> m_values;
  std::size_t m_mask = 0;
};

struct interval {
  std::int64_t start;
  std::int64_t end;
};

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

metric make_metric(std::string name, metric_unit unit) {
  metric m;
  m.name = std::move(name);
  m.unit = unit;
  return m;
}

// Sorts an index list by the events' start times unless it already is.
void sort_by_start(std::vector<std::uint32_t>& list, std::span<const event> events) {
  auto before = [&](std::uint32_t a, std::uint32_t b) { return events[a].start_ns < events[b].start_ns; };
  if (!std::is_sorted(list.begin(), list.end(), before)) std::stable_sort(list.begin(), list.end(), before);
}

// Iteration lookup: iterations sorted by start; returns the index of the last iteration
// starting at or before t that contains t ([start, end)), or no_index.
class iteration_index {
 public:
  explicit iteration_index(std::vector<interval> ranges) : m_ranges(std::move(ranges)) {}
  std::uint32_t of(std::int64_t t) const noexcept {
    auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), t,
                               [](std::int64_t v, const interval& r) { return v < r.start; });
    if (it == m_ranges.begin()) return no_index;
    --it;
    if (t >= it->end) return no_index;
    return static_cast<std::uint32_t>(it - m_ranges.begin());
  }
  // The same lookup for non-decreasing times: a cursor that only moves forward, so a
  // sweep over sorted calls costs O(1) per call instead of a binary search.
  class cursor {
   public:
    explicit cursor(const iteration_index& index) noexcept : m_ranges(index.m_ranges) {}
    std::uint32_t of(std::int64_t t) noexcept {
      while (m_next < m_ranges.size() && m_ranges[m_next].start <= t) ++m_next;
      if (m_next == 0) return no_index;
      const std::size_t i = m_next - 1;
      return t < m_ranges[i].end ? static_cast<std::uint32_t>(i) : no_index;
    }

   private:
    const std::vector<interval>& m_ranges;
    std::size_t m_next = 0;  // first range starting after the last time asked
  };
  bool empty() const noexcept { return m_ranges.empty(); }
  std::size_t size() const noexcept { return m_ranges.size(); }
  const std::vector<interval>& ranges() const noexcept { return m_ranges; }

 private:
  std::vector<interval> m_ranges;
};

// Length of the part of the sorted, disjoint `merged` intervals inside [lo, hi).
std::int64_t covered(const std::vector<interval>& merged, std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return 0;
  auto it = std::upper_bound(merged.begin(), merged.end(), lo,
                             [](std::int64_t v, const interval& r) { return v < r.end; });
  std::int64_t total = 0;
  for (; it != merged.end() && it->start < hi; ++it) {
    total += std::min(it->end, hi) - std::max(it->start, lo);
  }
  return total;
}

}  // namespace

std::string_view to_string(metric_unit unit) noexcept {
  switch (unit) {
    case metric_unit::nanoseconds: return "ns";
    case metric_unit::count: return "count";
    case metric_unit::percent: return "percent";
  }
  return "ns";
}

bool is_launch_api_name(std::string_view name) noexcept {
  for (auto n : launch_api_names) {
    if (n == name) return true;
  }
  return false;
}

bool is_module_api_name(std::string_view name) noexcept {
  return starts_with(name, "cuModuleLoad") || starts_with(name, "cuLibraryLoad") ||
         name == "cuModuleGetFunction" || name == "cuLibraryGetKernel" || name == "cuModuleUnload";
}

bool is_iteration_range_name(std::string_view name) noexcept { return starts_with(name, "iter"); }

const metric* analysis_result::find(std::string_view name) const noexcept {
  for (const auto& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

analysis_result analyze(const trace& t, const analysis_options& options) {
  analysis_result r;
  r.target_pattern = options.target;
  r.metadata = t.metadata();
  detail::summary_scratch scratch;
  const auto events = t.events();
  const auto& strings = t.strings();
  const std::size_t nstrings = strings.size();
  r.events = events.size();

  // ---- classify names once ------------------------------------------------------------
  std::vector<std::uint8_t> flags(nstrings, 0);
  for (std::size_t id = 0; id < nstrings; ++id) {
    const auto s = strings.view(static_cast<string_id>(id));
    std::uint8_t f = 0;
    if (is_launch_api_name(s)) f |= flag_launch;
    if (is_module_api_name(s)) f |= flag_module;
    if (is_iteration_range_name(s)) f |= flag_iteration;
    if (starts_with(s, "dispatch")) f |= flag_dispatch;
    flags[id] = f;
  }

  auto resolve_target = [&](const std::vector<std::uint32_t>& kernel_count) {
    // The target: exact name, else substring, else (no pattern) the most frequent kernel.
    if (!options.target.empty()) {
      if (auto exact = strings.find(options.target); exact && kernel_count[*exact] > 0) {
        flags[*exact] |= flag_target;
        r.target_exact = true;
      } else {
        for (std::size_t id = 0; id < nstrings; ++id) {
          if (kernel_count[id] > 0 && strings.view(static_cast<string_id>(id)).find(options.target) != std::string_view::npos) {
            flags[id] |= flag_target;
          }
        }
      }
    } else {
      std::size_t best = 0;
      for (std::size_t id = 0; id < nstrings; ++id) {
        if (kernel_count[id] > kernel_count[best]) best = id;
      }
      if (kernel_count[best] > 0) flags[best] |= flag_target;
    }
    for (std::size_t id = 0; id < nstrings; ++id) {
      if (flags[id] & flag_target) {
        r.target_names.emplace_back(strings.view(static_cast<string_id>(id)));
        r.target_kernels += kernel_count[id];
      }
    }
    if (!options.target.empty() && r.target_names.empty()) {
      std::string known;
      std::size_t listed = 0;
      for (std::size_t id = 0; id < nstrings && listed < 5; ++id) {
        if (kernel_count[id] == 0) continue;
        known += listed++ ? ", " : "";
        known += strings.view(static_cast<string_id>(id));
      }
      throw analysis_error("no kernel name equals or contains \"" + options.target + "\"" +
                           (known.empty() ? std::string(" (the trace has no kernels)") : " (kernels: " + known + ")"));
    }
  };

  // ---- count first, so that every list below is allocated once ----------------------
  const std::size_t ntracks = t.tracks().size();
  std::vector<std::uint32_t> kernels_on_track(ntracks, 0), launches_on_track(ntracks, 0);
  std::size_t n_gpu_work = 0, n_module = 0, n_iteration = 0, n_dispatch = 0;
  std::uint64_t min_correlation = std::numeric_limits<std::uint64_t>::max(), max_correlation = 0;
  std::vector<std::uint32_t> kernel_count(nstrings, 0);
  for (const event& e : events) {
    switch (e.kind) {
      case event_kind::kernel:
        ++kernel_count[e.name];
        ++kernels_on_track[e.track];
        ++n_gpu_work;
        if (e.correlation_id != 0) {
          min_correlation = std::min(min_correlation, e.correlation_id);
          max_correlation = std::max(max_correlation, e.correlation_id);
        }
        break;
      case event_kind::memcpy:
      case event_kind::memset: ++n_gpu_work; break;
      case event_kind::driver_api:
      case event_kind::runtime_api:
        if (flags[e.name] & flag_launch) ++launches_on_track[e.track];
        if (flags[e.name] & flag_module) ++n_module;
        break;
      case event_kind::nvtx_range:
        if (flags[e.name] & flag_iteration) ++n_iteration;
        if (flags[e.name] & flag_dispatch) ++n_dispatch;
        break;
      default: break;
    }
  }

  for (auto c : kernel_count) r.kernels += c;
  resolve_target(kernel_count);

  // ---- one pass: collect what every metric needs -------------------------------------
  metric kernel_duration = make_metric("kernel.duration", metric_unit::nanoseconds);
  metric gap_before = make_metric("gap.before_target", metric_unit::nanoseconds);
  metric gap_after = make_metric("gap.after_target", metric_unit::nanoseconds);
  metric api_duration = make_metric("launch.api_duration", metric_unit::nanoseconds);
  metric latency = make_metric("launch.latency", metric_unit::nanoseconds);
  metric dispatch = make_metric("launch.dispatch_overhead", metric_unit::nanoseconds);
  metric dispatch_range = make_metric("launch.dispatch_range_to_launch", metric_unit::nanoseconds);
  metric module_duration = make_metric("module.call_duration", metric_unit::nanoseconds);
  metric module_per_iter = make_metric("module.calls_per_iteration", metric_unit::count);
  metric module_time_per_iter = make_metric("module.time_per_iteration", metric_unit::nanoseconds);
  metric iteration_duration = make_metric("iteration.duration", metric_unit::nanoseconds);
  metric busy_per_iter = make_metric("gpu.busy_per_iteration", metric_unit::percent);
  kernel_duration.samples.reserve(r.target_kernels);
  std::vector<std::vector<std::uint32_t>> kernels_by_track(ntracks);
  std::vector<std::vector<std::uint32_t>> launches_by_track(ntracks);
  std::size_t n_launches = 0;
  for (std::size_t i = 0; i < ntracks; ++i) {
    kernels_by_track[i].reserve(kernels_on_track[i]);
    launches_by_track[i].reserve(launches_on_track[i]);
    n_launches += launches_on_track[i];
  }
  std::vector<std::uint32_t> launch_calls, module_calls, dispatch_ranges;
  std::vector<interval> iteration_ranges, gpu_work;
  launch_calls.reserve(n_launches);
  module_calls.reserve(n_module);
  dispatch_ranges.reserve(n_dispatch);
  iteration_ranges.reserve(n_iteration);
  gpu_work.reserve(n_gpu_work);
  std::int64_t first_start = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_end = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const event& e = events[i];
    first_start = std::min(first_start, e.start_ns);
    last_end = std::max(last_end, e.end_ns);
    const auto index = static_cast<std::uint32_t>(i);
    switch (e.kind) {
      case event_kind::kernel:
        kernels_by_track[e.track].push_back(index);
        if (flags[e.name] & flag_target) kernel_duration.samples.push_back(static_cast<double>(e.duration_ns()));
        gpu_work.push_back({e.start_ns, e.end_ns});
        break;
      case event_kind::memcpy:
      case event_kind::memset: gpu_work.push_back({e.start_ns, e.end_ns}); break;
      case event_kind::driver_api:
      case event_kind::runtime_api:
        if (flags[e.name] & flag_launch) launch_calls.push_back(index);
        if (flags[e.name] & flag_module) module_calls.push_back(index);
        break;
      case event_kind::nvtx_range:
        if (flags[e.name] & flag_iteration) iteration_ranges.push_back({e.start_ns, e.end_ns});
        if (flags[e.name] & flag_dispatch) dispatch_ranges.push_back(index);
        break;
      default: break;
    }
  }
  const bool any_target = !r.target_names.empty();
  auto is_target_kernel = [&](const event& e) { return e.kind == event_kind::kernel && (flags[e.name] & flag_target); };

  std::sort(iteration_ranges.begin(), iteration_ranges.end(),
            [](const interval& a, const interval& b) { return a.start < b.start; });
  r.iterations = iteration_ranges.size();
  const iteration_index iterations(iteration_ranges);


  // ---- kernels: durations and gaps per stream ----------------------------------------
  correlation_map kernel_of_correlation(r.kernels, min_correlation, max_correlation);
  for (std::size_t track = 0; track < kernels_by_track.size(); ++track) {
    auto& list = kernels_by_track[track];
    if (list.empty()) continue;
    sort_by_start(list, events);
    stream_gaps sg;
    sg.track = static_cast<std::uint32_t>(track);
    const auto& ti = t.tracks()[track];
    sg.process_name = std::string(t.str(t.processes()[ti.process].name));
    sg.track_name = std::string(t.str(ti.name));
    sg.stream_id = ti.tid;
    sg.gap_before = make_metric("gap.before_target", metric_unit::nanoseconds);
    sg.gap_after = make_metric("gap.after_target", metric_unit::nanoseconds);
    sg.gap_before.samples.reserve(list.size());
    sg.gap_after.samples.reserve(list.size());
    for (std::size_t j = 0; j < list.size(); ++j) {
      const event& k = events[list[j]];
      if (k.correlation_id != 0) {
        bool inserted = false;
        auto& slot = kernel_of_correlation.get_or_insert(k.correlation_id, list[j], inserted);
        if (!inserted && k.start_ns < events[slot].start_ns) slot = list[j];  // graphs: first kernel
      }
      if (!is_target_kernel(k)) continue;
      ++sg.target_kernels;
      if (j > 0) sg.gap_before.samples.push_back(static_cast<double>(k.start_ns - events[list[j - 1]].end_ns));
      if (j + 1 < list.size()) sg.gap_after.samples.push_back(static_cast<double>(events[list[j + 1]].start_ns - k.end_ns));
    }
    if (sg.target_kernels > 0) r.streams.push_back(std::move(sg));
  }
  gap_before.samples.reserve(r.target_kernels);
  gap_after.samples.reserve(r.target_kernels);
  for (auto& sg : r.streams) {
    gap_before.samples.insert(gap_before.samples.end(), sg.gap_before.samples.begin(), sg.gap_before.samples.end());
    gap_after.samples.insert(gap_after.samples.end(), sg.gap_after.samples.begin(), sg.gap_after.samples.end());
    if (r.streams.size() > 1) {  // with one stream they equal the overall summaries, set below
      sg.gap_before.stats = detail::summarize(sg.gap_before.samples, options.statistics, scratch);
      sg.gap_after.stats = detail::summarize(sg.gap_after.samples, options.statistics, scratch);
    }
  }

  // ---- launches ------------------------------------------------------------------------
  // A driver launch nested in a runtime launch shares its correlation id: keep the runtime one.
  {
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0;
    std::size_t n = 0;
    for (auto i : launch_calls) {
      const auto& e = events[i];
      if (e.kind == event_kind::runtime_api && e.correlation_id != 0) {
        lo = std::min(lo, e.correlation_id);
        hi = std::max(hi, e.correlation_id);
        ++n;
      }
    }
    if (n > 0) {
    correlation_map runtime_launch(n, lo, hi);
    for (auto i : launch_calls) {
      const auto& e = events[i];
      if (e.kind == event_kind::runtime_api && e.correlation_id != 0) {
        bool inserted = false;
        runtime_launch.get_or_insert(e.correlation_id, i, inserted);
      }
    }
    std::erase_if(launch_calls, [&](std::uint32_t i) {
      const auto& e = events[i];
      return e.kind == event_kind::driver_api && e.correlation_id != 0 &&
             runtime_launch.find(e.correlation_id) != no_index;
    });
    }
  }
  r.launches = launch_calls.size();
  for (auto i : launch_calls) launches_by_track[events[i].track].push_back(i);
  api_duration.samples.reserve(r.launches);
  latency.samples.reserve(r.launches);
  dispatch.samples.reserve(r.launches);
  std::vector<std::vector<std::uint32_t>> dispatch_by_track(t.tracks().size());
  for (auto i : dispatch_ranges) dispatch_by_track[events[i].track].push_back(i);

  std::vector<std::uint32_t> open_ranges;
  for (std::size_t track = 0; track < launches_by_track.size(); ++track) {
    auto& list = launches_by_track[track];
    if (list.empty()) continue;
    sort_by_start(list, events);
    auto& ranges = dispatch_by_track[track];
    sort_by_start(ranges, events);
    std::size_t next_range = 0;
    open_ranges.clear();
    iteration_index::cursor prev_iteration(iterations), call_iteration(iterations);  // list is sorted by start
    for (std::size_t j = 0; j < list.size(); ++j) {
      const event& call = events[list[j]];
      // Sweep the dispatch ranges: open every range starting at or before this call, drop
      // the ones that ended before it; the innermost open one encloses the call.
      while (next_range < ranges.size() && events[ranges[next_range]].start_ns <= call.start_ns) {
        while (!open_ranges.empty() && events[open_ranges.back()].end_ns < events[ranges[next_range]].start_ns) {
          open_ranges.pop_back();
        }
        open_ranges.push_back(ranges[next_range++]);
      }
      while (!open_ranges.empty() && events[open_ranges.back()].end_ns < call.start_ns) open_ranges.pop_back();

      const std::uint32_t k = call.correlation_id ? kernel_of_correlation.find(call.correlation_id) : no_index;
      const bool counts = any_target ? (k != no_index && (flags[events[k].name] & flag_target)) : true;
      if (!counts) continue;
      api_duration.samples.push_back(static_cast<double>(call.duration_ns()));
      if (k != no_index) latency.samples.push_back(static_cast<double>(events[k].start_ns - call.start_ns));
      if (j > 0) {
        const event& prev = events[list[j - 1]];
        bool same_iteration = iterations.empty();
        if (!same_iteration) {
          const std::uint32_t prev_it = prev_iteration.of(prev.start_ns);
          same_iteration = prev_it != no_index && prev_it == call_iteration.of(call.start_ns);
        }
        if (same_iteration) dispatch.samples.push_back(static_cast<double>(call.start_ns - prev.end_ns));
      }
      if (!open_ranges.empty()) {
        dispatch_range.samples.push_back(static_cast<double>(call.start_ns - events[open_ranges.back()].start_ns));
      }
    }
  }

  // ---- module loading --------------------------------------------------------------------
  {
    std::map<std::string_view, std::vector<double>> by_name;
    std::vector<double> calls_per_iteration(iterations.size(), 0.0), time_per_iteration(iterations.size(), 0.0);
    for (auto i : module_calls) {
      const auto& e = events[i];
      const auto d = e.duration_ns();
      module_duration.samples.push_back(static_cast<double>(d));
      by_name[t.str(e.name)].push_back(static_cast<double>(d));
      r.module_total_ns += d;
      if (const auto it = iterations.of(e.start_ns); it != no_index) {
        calls_per_iteration[it] += 1;
        time_per_iteration[it] += static_cast<double>(d);
      }
    }
    r.module_calls = module_calls.size();
    module_per_iter.samples = std::move(calls_per_iteration);
    module_time_per_iter.samples = std::move(time_per_iteration);
    for (auto& [name, durations] : by_name) {
      module_api_stats s;
      s.name = std::string(name);
      s.calls = durations.size();
      for (double d : durations) s.total_ns += static_cast<std::int64_t>(d);
      s.duration = detail::summarize(durations, options.statistics, scratch);
      r.module_apis.push_back(std::move(s));
    }
  }

  // ---- iterations and GPU busy time -----------------------------------------------------
  for (const auto& it : iterations.ranges()) iteration_duration.samples.push_back(static_cast<double>(it.end - it.start));
  {
    auto by_start = [](const interval& a, const interval& b) { return a.start < b.start; };
    if (!std::is_sorted(gpu_work.begin(), gpu_work.end(), by_start)) std::sort(gpu_work.begin(), gpu_work.end(), by_start);
    std::vector<interval> merged;
    for (const auto& w : gpu_work) {
      if (w.end <= w.start) continue;
      if (!merged.empty() && w.start <= merged.back().end) {
        merged.back().end = std::max(merged.back().end, w.end);
      } else {
        merged.push_back(w);
      }
    }
    std::int64_t lo = first_start, hi = last_end;
    if (!iterations.empty()) {
      r.span_is_iterations = true;
      lo = iterations.ranges().front().start;
      hi = std::numeric_limits<std::int64_t>::min();
      for (const auto& it : iterations.ranges()) hi = std::max(hi, it.end);
    }
    if (events.empty() || hi <= lo) {
      r.span_ns = 0;
      r.gpu_busy_percent = std::numeric_limits<double>::quiet_NaN();
    } else {
      r.span_ns = hi - lo;
      r.gpu_busy_ns = covered(merged, lo, hi);
      r.gpu_busy_percent = 100.0 * static_cast<double>(r.gpu_busy_ns) / static_cast<double>(r.span_ns);
    }
    for (const auto& it : iterations.ranges()) {
      if (it.end <= it.start) continue;
      busy_per_iter.samples.push_back(100.0 * static_cast<double>(covered(merged, it.start, it.end)) /
                                      static_cast<double>(it.end - it.start));
    }
  }

  // (Not an initializer list: that would copy every sample vector.)
  r.metrics.reserve(12);
  for (metric* m : {&kernel_duration, &gap_before, &gap_after, &api_duration, &latency, &dispatch, &dispatch_range,
                    &module_duration, &module_per_iter, &module_time_per_iter, &iteration_duration, &busy_per_iter}) {
    r.metrics.push_back(std::move(*m));
  }
  for (auto& m : r.metrics) m.stats = detail::summarize(m.samples, options.statistics, scratch);
  if (r.streams.size() == 1) {
    r.streams[0].gap_before.stats = r.metrics[1].stats;
    r.streams[0].gap_after.stats = r.metrics[2].stats;
  }
  return r;
}

}  // namespace tb::profiler
