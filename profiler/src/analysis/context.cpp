// make_context: one counting pass (every list is allocated once), one collecting pass
// (which also maps correlation ids to kernels), then the lists sorted by start and each
// launch call linked to its kernel.
#include "analysis/context.hpp"

#include "analysis/correlation_map.hpp"
#include "analysis/launch_calls.hpp"

#include <algorithm>
#include <limits>

namespace tb::profiler::detail {

namespace {

bool is_iteration(std::string_view name, const std::string& pattern) noexcept {
  return pattern.empty() ? is_iteration_range_name(name) : matches_range_name(name, pattern);
}

std::vector<std::uint8_t> classify_names(const string_table& strings, const std::string& iteration_range) {
  std::vector<std::uint8_t> flags(strings.size(), 0);
  for (std::size_t id = 0; id < flags.size(); ++id) {
    const auto s = strings.view(static_cast<string_id>(id));
    std::uint8_t f = 0;
    if (is_launch_api_name(s)) f |= flag_launch;
    if (is_module_api_name(s)) f |= flag_module;
    if (is_iteration(s, iteration_range)) f |= flag_iteration;
    if (is_dispatch_range_name(s)) f |= flag_dispatch;
    flags[id] = f;
  }
  return flags;
}

struct counts {
  std::vector<std::uint32_t> kernel_count;  // per string id
  std::vector<std::uint32_t> kernels_on_track, launches_on_track;
  std::size_t gpu_work = 0, module = 0, iteration = 0, dispatch = 0;
  std::uint64_t min_correlation = std::numeric_limits<std::uint64_t>::max(), max_correlation = 0;
};

void count_kernel(const event& e, counts& n) {
  ++n.kernel_count[e.name];
  ++n.kernels_on_track[e.track];
  ++n.gpu_work;
  if (e.correlation_id != 0) {
    n.min_correlation = std::min(n.min_correlation, e.correlation_id);
    n.max_correlation = std::max(n.max_correlation, e.correlation_id);
  }
}

// An iteration range: an NVTX range (Kineto's user_annotation), or an event of another
// kind on a CPU thread (Kineto's cpu_op "ProfilerStep#N"; not its gpu_user_annotation copy).
bool is_iteration_event(const trace& t, const event& e, std::uint8_t f) noexcept {
  if (!(f & flag_iteration)) return false;
  if (e.kind == event_kind::nvtx_range) return true;
  return e.kind == event_kind::other && t.tracks()[e.track].kind == track_kind::cpu_thread;
}

counts count_events(const trace& t, const std::vector<std::uint8_t>& flags) {
  counts n;
  n.kernel_count.assign(flags.size(), 0);
  n.kernels_on_track.assign(t.tracks().size(), 0);
  n.launches_on_track.assign(t.tracks().size(), 0);
  for (const event& e : t.events()) {
    switch (e.kind) {
      case event_kind::kernel: count_kernel(e, n); break;
      case event_kind::memcpy:
      case event_kind::memset: ++n.gpu_work; break;
      case event_kind::driver_api:
      case event_kind::runtime_api:
        if (flags[e.name] & flag_launch) ++n.launches_on_track[e.track];
        if (flags[e.name] & flag_module) ++n.module;
        break;
      case event_kind::nvtx_range:
        if (flags[e.name] & flag_dispatch) ++n.dispatch;
        break;
      default: break;
    }
    if (is_iteration_event(t, e, flags[e.name])) ++n.iteration;
  }
  return n;
}

struct collected {
  std::vector<std::uint32_t> launch_calls;  // trace order
  std::vector<interval> iterations;         // trace order
  correlation_map kernel_of_correlation;    // id -> earliest kernel (graph launches start several)
};

void reserve_lists(const counts& n, const analysis_result& r, analysis_context& c, collected& out) {
  out.kernel_of_correlation = correlation_map(r.kernels, n.min_correlation, n.max_correlation);
  c.target_kernels.reserve(r.target_kernels);
  c.kernels_by_track.resize(n.kernels_on_track.size());
  std::size_t launches = 0;
  for (std::size_t i = 0; i < n.kernels_on_track.size(); ++i) {
    c.kernels_by_track[i].reserve(n.kernels_on_track[i]);
    launches += n.launches_on_track[i];
  }
  out.launch_calls.reserve(launches);
  c.module_calls.reserve(n.module);
  c.dispatch_ranges.reserve(n.dispatch);
  out.iterations.reserve(n.iteration);
  c.gpu_work.reserve(n.gpu_work);
}

// Maps a kernel's correlation id to the earliest kernel with it (a graph launch starts
// several); at equal starts the lower track, then the earlier event, as if the kernels were
// visited stream by stream in start order.
void link_kernel(std::span<const event> events, std::uint32_t k, correlation_map& kernel_of) {
  const event& e = events[k];
  if (e.correlation_id == 0) return;
  bool inserted = false;
  auto& slot = kernel_of.get_or_insert(e.correlation_id, k, inserted);
  const event& old = events[slot];
  if (!inserted && (e.start_ns < old.start_ns || (e.start_ns == old.start_ns && e.track < old.track))) slot = k;
}

void collect_events(analysis_context& c, collected& out) {
  c.first_start = std::numeric_limits<std::int64_t>::max();
  c.last_end = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const event& e = c.events[i];
    c.first_start = std::min(c.first_start, e.start_ns);
    c.last_end = std::max(c.last_end, e.end_ns);
    const auto index = static_cast<std::uint32_t>(i);
    const std::uint8_t f = c.flags[e.name];
    switch (e.kind) {
      case event_kind::kernel:
        c.kernels_by_track[e.track].push_back(index);
        link_kernel(c.events, index, out.kernel_of_correlation);
        if (f & flag_target) c.target_kernels.push_back({e.start_ns, e.end_ns});
        c.gpu_work.push_back({e.start_ns, e.end_ns});
        break;
      case event_kind::memcpy:
      case event_kind::memset: c.gpu_work.push_back({e.start_ns, e.end_ns}); break;
      case event_kind::driver_api:
      case event_kind::runtime_api:
        if (f & flag_launch) out.launch_calls.push_back(index);
        if (f & flag_module) c.module_calls.push_back(index);
        break;
      case event_kind::nvtx_range:
        if (f & flag_dispatch) c.dispatch_ranges.push_back(index);
        break;
      default: break;
    }
    if (is_iteration_event(*c.source, e, f)) out.iterations.push_back({e.start_ns, e.end_ns});
  }
}

// A driver launch nested in a runtime launch shares its correlation id: keep the runtime one.
void drop_nested_driver_launches(std::vector<std::uint32_t>& calls, std::span<const event> events) {
  std::vector<std::uint32_t> with_id;
  for (const std::uint32_t i : calls)
    if (events[i].correlation_id != 0) with_id.push_back(i);
  const correlation_map chosen = launch_call_by_correlation(events, with_id);
  std::erase_if(calls, [&](std::uint32_t i) {
    const auto& e = events[i];
    return e.kind == event_kind::driver_api && e.correlation_id != 0 &&
           events[chosen.find(e.correlation_id)].kind == event_kind::runtime_api;
  });
}

launch_call link_launch(const analysis_context& c, const event& call, const correlation_map& kernel_of) {
  launch_call l;
  l.start = call.start_ns;
  l.end = call.end_ns;
  const std::uint32_t k = call.correlation_id != 0 ? kernel_of.find(call.correlation_id) : no_index;
  l.has_kernel = k != no_index;
  if (l.has_kernel) l.kernel_start = c.events[k].start_ns;
  l.counted = c.any_target ? l.has_kernel && c.is_target(c.events[k].name) : true;
  return l;
}

// The launch calls per thread, each with its kernel, sorted by start (stably: as the
// trace lists them at equal starts).
void group_launches(const counts& n, const collected& lists, analysis_context& c) {
  c.launches_by_track.resize(n.launches_on_track.size());
  for (std::size_t i = 0; i < n.launches_on_track.size(); ++i)
    c.launches_by_track[i].reserve(n.launches_on_track[i]);
  for (auto i : lists.launch_calls) {
    const event& call = c.events[i];
    c.launches_by_track[call.track].push_back(link_launch(c, call, lists.kernel_of_correlation));
  }
  auto before = [](const launch_call& a, const launch_call& b) { return a.start < b.start; };
  for (auto& list : c.launches_by_track) {
    if (!std::is_sorted(list.begin(), list.end(), before)) std::stable_sort(list.begin(), list.end(), before);
  }
}

}  // namespace

analysis_context make_context(const trace& t, const analysis_options& options, analysis_result& r) {
  analysis_context c;
  c.source = &t;
  c.events = t.events();
  c.flags = classify_names(t.strings(), options.iteration_range);
  r.events = c.events.size();
  const counts n = count_events(t, c.flags);
  for (auto k : n.kernel_count) r.kernels += k;
  resolve_target(t, options.target, n.kernel_count, c.flags, r);
  c.any_target = !r.target_names.empty();

  collected lists;
  reserve_lists(n, r, c, lists);
  collect_events(c, lists);
  auto by_start = [](const interval& a, const interval& b) { return a.start < b.start; };
  std::sort(lists.iterations.begin(), lists.iterations.end(), [](const interval& a, const interval& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  // Kineto may record a step twice (user_annotation and cpu_op): count it once.
  lists.iterations.erase(std::unique(lists.iterations.begin(), lists.iterations.end(),
                                     [](const interval& a, const interval& b) { return a.start == b.start && a.end == b.end; }),
                         lists.iterations.end());
  r.iterations = lists.iterations.size();
  c.iterations = iteration_index(std::move(lists.iterations));
  for (auto& list : c.kernels_by_track) sort_by_start(list, c.events);
  if (!std::is_sorted(c.gpu_work.begin(), c.gpu_work.end(), by_start))
    std::sort(c.gpu_work.begin(), c.gpu_work.end(), by_start);

  drop_nested_driver_launches(lists.launch_calls, c.events);
  r.launches = lists.launch_calls.size();
  group_launches(n, lists, c);
  return c;
}

}  // namespace tb::profiler::detail
