// gap.before_target and gap.after_target: per stream, the idle time between a target kernel
// and the kernels just before and after it on the same stream; overall, every stream's
// samples in stream order. gap.per_launch: the mean gap before each GPU work item of an
// iteration's worth of them, the traced twin of triton-bench's untraced gap.
//
// Kernels may overlap on one stream (programmatic dependent launch lets a kernel start
// before the one before it ends): a gap is then negative, the measured overlap, and is
// kept as it is (never clamped or dropped). overlap.before_target / overlap.after_target
// say so explicitly: one sample per overlapped target kernel, how long it overlapped its
// neighbour (-gap, > 0); stream_gaps counts them.
#include "analysis/context.hpp"

namespace tb::profiler::detail {

namespace {

stream_gaps stream_of(const trace& t, std::size_t track, std::size_t kernels) {
  stream_gaps sg;
  sg.track = static_cast<std::uint32_t>(track);
  const auto& ti = t.tracks()[track];
  sg.process_name = std::string(t.str(t.processes()[ti.process].name));
  sg.track_name = std::string(t.str(ti.name));
  sg.stream_id = ti.tid;
  sg.gap_before = make_metric("gap.before_target", metric_unit::nanoseconds);
  sg.gap_after = make_metric("gap.after_target", metric_unit::nanoseconds);
  sg.gap_before.samples.reserve(kernels);
  sg.gap_after.samples.reserve(kernels);
  return sg;
}

// The overlaps among `gaps`: -gap for every negative gap, in order.
metric overlaps_of(const std::vector<double>& gaps, const char* name) {
  metric m = make_metric(name, metric_unit::nanoseconds);
  for (double g : gaps)
    if (g < 0) m.samples.push_back(-g);
  return m;
}

void measure_stream(const analysis_context& c, const std::vector<std::uint32_t>& list, stream_gaps& sg) {
  for (std::size_t j = 0; j < list.size(); ++j) {
    const event& k = c.at(list[j]);
    if (!c.is_target(k.name)) continue;
    ++sg.target_kernels;
    if (j > 0) sg.gap_before.samples.push_back(static_cast<double>(k.start_ns - c.at(list[j - 1]).end_ns));
    if (j + 1 < list.size()) sg.gap_after.samples.push_back(static_cast<double>(c.at(list[j + 1]).start_ns - k.end_ns));
  }
  for (double g : sg.gap_before.samples) sg.overlapped_before += g < 0 ? 1 : 0;
  for (double g : sg.gap_after.samples) sg.overlapped_after += g < 0 ? 1 : 0;
}

void append(std::vector<double>& to, const std::vector<double>& from) { to.insert(to.end(), from.begin(), from.end()); }

}  // namespace

void gaps(const analysis_context& c, analysis_result& r) {
  for (std::size_t track = 0; track < c.kernels_by_track.size(); ++track) {
    const auto& list = c.kernels_by_track[track];
    if (list.empty()) continue;
    stream_gaps sg = stream_of(*c.source, track, list.size());
    measure_stream(c, list, sg);
    if (sg.target_kernels > 0) r.streams.push_back(std::move(sg));
  }
  metric before = make_metric("gap.before_target", metric_unit::nanoseconds);
  metric after = make_metric("gap.after_target", metric_unit::nanoseconds);
  before.samples.reserve(r.target_kernels);
  after.samples.reserve(r.target_kernels);
  for (const auto& sg : r.streams) {
    append(before.samples, sg.gap_before.samples);
    append(after.samples, sg.gap_after.samples);
  }
  metric overlap_before = overlaps_of(before.samples, "overlap.before_target");
  metric overlap_after = overlaps_of(after.samples, "overlap.after_target");
  r.metrics.push_back(std::move(before));
  r.metrics.push_back(std::move(after));
  r.metrics.push_back(std::move(overlap_before));
  r.metrics.push_back(std::move(overlap_after));
}

// The GPU work items (kernels, copies, sets; every stream, by start) cut into groups of
// items / iterations, which must be a whole number; per group but the first (its first
// item has nothing before it), the mean of each item's start less the end of the item
// before it. Negative: the items overlapped.
void gaps_per_launch(const analysis_context& c, analysis_result& r) {
  metric m = make_metric("gap.per_launch", metric_unit::nanoseconds);
  const std::size_t items = c.gpu_work.size();
  if (r.iterations >= 2 && items >= r.iterations && items % r.iterations == 0) {
    const std::size_t per = items / r.iterations;
    m.samples.reserve(r.iterations - 1);
    for (std::size_t first = per; first < items; first += per) {
      double sum = 0;
      for (std::size_t i = first; i < first + per; ++i)
        sum += static_cast<double>(c.gpu_work[i].start - c.gpu_work[i - 1].end);
      m.samples.push_back(sum / static_cast<double>(per));
    }
  }
  r.metrics.push_back(std::move(m));
}

}  // namespace tb::profiler::detail
