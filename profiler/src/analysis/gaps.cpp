// gap.before_target and gap.after_target: per stream, the idle time between a target kernel
// and the kernels just before and after it on the same stream; overall, every stream's
// samples in stream order.
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

void measure_stream(const analysis_context& c, const std::vector<std::uint32_t>& list, stream_gaps& sg) {
  for (std::size_t j = 0; j < list.size(); ++j) {
    const event& k = c.at(list[j]);
    if (!c.is_target(k.name)) continue;
    ++sg.target_kernels;
    if (j > 0) sg.gap_before.samples.push_back(static_cast<double>(k.start_ns - c.at(list[j - 1]).end_ns));
    if (j + 1 < list.size()) sg.gap_after.samples.push_back(static_cast<double>(c.at(list[j + 1]).start_ns - k.end_ns));
  }
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
  r.metrics.push_back(std::move(before));
  r.metrics.push_back(std::move(after));
}

}  // namespace tb::profiler::detail
