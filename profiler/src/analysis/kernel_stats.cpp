// per_kernel_stats: one pass collects the GPU work per stream and the launch calls by
// correlation id; each stream's work is then walked in start order, and every kernel in the
// window adds its samples to its row (name, or name and stream).
#include <tb/profiler/kernel_stats.hpp>

#include "analysis/correlation_map.hpp"
#include "analysis/intervals.hpp"
#include "analysis/launch_calls.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace tb::profiler {

namespace {

using detail::correlation_map;

struct row_samples {
  string_id name = empty_string;
  std::uint32_t track = no_index;
  std::int64_t total_ns = 0;
  std::vector<double> duration, launch_api, launch_latency, gap_before;
};

struct collected {
  std::vector<std::vector<std::uint32_t>> gpu_work_by_track;  // kernels, memcpys, memsets
  correlation_map launch_of;                                  // correlation id -> API call
};

// The API call per correlation id (launch_calls.hpp: a runtime call wins over the driver
// call nested in it).
correlation_map map_launch_calls(std::span<const event> events) {
  std::vector<std::uint32_t> calls;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (is_api_call(events[i].kind) && events[i].correlation_id != 0) calls.push_back(static_cast<std::uint32_t>(i));
  return detail::launch_call_by_correlation(events, calls);
}

collected collect(const trace& t) {
  collected c;
  const auto events = t.events();
  c.gpu_work_by_track.resize(t.tracks().size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (is_gpu_work(events[i].kind)) c.gpu_work_by_track[events[i].track].push_back(static_cast<std::uint32_t>(i));
  }
  for (auto& list : c.gpu_work_by_track) detail::sort_by_start(list, events);
  c.launch_of = map_launch_calls(events);
  return c;
}

bool in_window(const kernel_stats_options& o, std::int64_t start) noexcept {
  return (!o.begin_ns || start >= *o.begin_ns) && (!o.end_ns || start < *o.end_ns);
}

// Adds one kernel's samples; `previous` is the GPU work before it on its stream, if any.
void add_kernel(std::span<const event> events, const event& k, const event* previous, const collected& c,
                row_samples& row) {
  row.total_ns += k.duration_ns();
  row.duration.push_back(static_cast<double>(k.duration_ns()));
  if (previous) row.gap_before.push_back(static_cast<double>(k.start_ns - previous->end_ns));
  const std::uint32_t call = k.correlation_id != 0 ? c.launch_of.find(k.correlation_id) : no_index;
  if (call == no_index) return;
  const event& api = events[call];
  row.launch_api.push_back(static_cast<double>(api.duration_ns()));
  row.launch_latency.push_back(static_cast<double>(k.start_ns - api.start_ns));
}

std::vector<row_samples> group_kernels(const trace& t, const kernel_stats_options& o, const collected& c) {
  const auto events = t.events();
  std::vector<row_samples> rows;
  std::unordered_map<std::uint64_t, std::uint32_t> row_of;  // (name << 32 | track) -> index into rows
  for (std::uint32_t track = 0; track < c.gpu_work_by_track.size(); ++track) {
    const event* previous = nullptr;
    for (const std::uint32_t i : c.gpu_work_by_track[track]) {
      const event& e = events[i];
      if (e.kind == event_kind::kernel && in_window(o, e.start_ns)) {
        const std::uint32_t key_track = o.by_stream ? track : no_index;
        const auto [it, inserted] =
            row_of.emplace((std::uint64_t{e.name} << 32) | key_track, static_cast<std::uint32_t>(rows.size()));
        if (inserted) rows.push_back(row_samples{e.name, key_track, 0, {}, {}, {}, {}});
        add_kernel(events, e, previous, c, rows[it->second]);
      }
      previous = &e;
    }
  }
  return rows;
}

double sample_stddev(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  double mean = 0;
  for (const double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double squares = 0;
  for (const double v : x) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(x.size() - 1));
}

std::string stream_label(const trace& t, std::uint32_t track) {
  const auto& tr = t.tracks()[track];
  const std::string track_name =
      tr.name != empty_string ? std::string(t.str(tr.name)) : "stream " + std::to_string(tr.tid);
  const auto process = t.str(t.processes()[tr.process].name);
  return process.empty() ? track_name : std::string(process) + " / " + track_name;
}

kernel_stats_row make_row(const trace& t, const row_samples& s, const summary_options& statistics) {
  kernel_stats_row r;
  r.name = std::string(t.str(s.name));
  r.track = s.track;
  if (s.track != no_index) {
    r.stream_id = t.tracks()[s.track].tid;
    r.stream = stream_label(t, s.track);
  }
  r.count = s.duration.size();
  r.total_ns = s.total_ns;
  r.duration_stddev_ns = sample_stddev(s.duration);
  r.duration = summarize(s.duration, statistics);
  r.launch_api = summarize(s.launch_api, statistics);
  r.launch_latency = summarize(s.launch_latency, statistics);
  r.gap_before = summarize(s.gap_before, statistics);
  return r;
}

}  // namespace

std::vector<kernel_stats_row> per_kernel_stats(const trace& t, const kernel_stats_options& options) {
  const collected c = collect(t);
  const std::vector<row_samples> samples = group_kernels(t, options, c);
  std::vector<kernel_stats_row> rows;
  rows.reserve(samples.size());
  std::int64_t total = 0;
  for (const auto& s : samples) {
    rows.push_back(make_row(t, s, options.statistics));
    total += s.total_ns;
  }
  for (auto& r : rows) {
    r.time_percent = total > 0 ? 100.0 * static_cast<double>(r.total_ns) / static_cast<double>(total) : 0.0;
  }
  std::sort(rows.begin(), rows.end(), [](const kernel_stats_row& a, const kernel_stats_row& b) {
    if (a.total_ns != b.total_ns) return a.total_ns > b.total_ns;
    if (a.name != b.name) return a.name < b.name;
    return a.track < b.track;
  });
  return rows;
}

}  // namespace tb::profiler
