// analyze(): the context (analysis/context.hpp), then each metric family in the order its
// metrics are listed, then every summary. Definitions: docs/profiler.md, "Metrics".
#include <tb/profiler/analysis.hpp>

#include "analysis/context.hpp"
#include "analysis/statistics_scratch.hpp"

namespace tb::profiler {

namespace detail {

metric make_metric(std::string_view id, metric_unit unit, std::vector<double> samples) {
  metric m;
  m.name = std::string(id);
  m.unit = unit;
  m.samples = std::move(samples);
  return m;
}

namespace {

// Per stream gaps: with one stream they are the overall gaps, summarised once.
void summarize_streams(analysis_result& r, const summary_options& options, summary_scratch& scratch) {
  if (r.streams.size() == 1) {
    r.streams[0].gap_before.stats = r.find("gap.before_target")->stats;
    r.streams[0].gap_after.stats = r.find("gap.after_target")->stats;
    return;
  }
  for (auto& sg : r.streams) {
    sg.gap_before.stats = summarize(sg.gap_before.samples, options, scratch);
    sg.gap_after.stats = summarize(sg.gap_after.samples, options, scratch);
  }
}

void summarize_all(analysis_result& r, const summary_options& options) {
  summary_scratch scratch;
  for (auto& m : r.metrics) m.stats = summarize(m.samples, options, scratch);
  summarize_streams(r, options, scratch);
}

}  // namespace

}  // namespace detail

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
  const detail::analysis_context c = detail::make_context(t, options, r);
  r.metrics.reserve(13);
  detail::kernel_times(c, r);
  detail::gaps(c, r);
  detail::gaps_per_launch(c, r);
  detail::launch_api(c, r);
  detail::dispatch(c, r);
  detail::module_loads(c, options.statistics, r);
  detail::iteration_times(c, r);
  detail::gpu_busy(c, r);
  detail::summarize_all(r, options.statistics);
  return r;
}

}  // namespace tb::profiler
