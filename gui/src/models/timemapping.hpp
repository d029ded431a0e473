// The time <-> pixel mapping of the timeline, and the time ruler's ticks: plain math,
// no widgets (the pattern of hotspot's TimeLineData).
//
// Times here are double nanoseconds relative to a section's origin (the trace's first
// event, or an alignment point); absolute CUPTI timestamps (~1.7e18 ns) never reach a
// double, so the mapping keeps sub-nanosecond precision.
#pragma once

#include <QString>

#include <algorithm>
#include <vector>

namespace tb::gui {

struct TimeMapping {
  static constexpr double kMinNsPerPixel = 0.01;  ///< deepest zoom: 100 px per ns
  static constexpr double kMaxNsPerPixel = 1e12;

  double startNs = 0;     ///< time at x = 0 of the plotting area
  double nsPerPixel = 1;  ///< > 0

  double mapTimeToX(double ns) const noexcept { return (ns - startNs) / nsPerPixel; }
  double mapXToTime(double x) const noexcept { return startNs + x * nsPerPixel; }

  /// Zooms by `factor` (> 1 zooms in) keeping the time under pixel `x` at `x`.
  void zoomAround(double x, double factor) noexcept {
    const double t = mapXToTime(x);
    nsPerPixel = std::clamp(nsPerPixel / factor, kMinNsPerPixel, kMaxNsPerPixel);
    startNs = t - x * nsPerPixel;
  }
  /// Moves the content by `dx` pixels (positive: content moves right, earlier times show).
  void panPixels(double dx) noexcept { startNs -= dx * nsPerPixel; }
  /// Shows [t0, t1] across `widthPx` pixels, with `marginPx` free on both sides.
  void fit(double t0, double t1, double widthPx, double marginPx = 0) noexcept {
    const double usable = std::max(1.0, widthPx - 2 * marginPx);
    nsPerPixel = std::clamp(std::max(t1 - t0, 1.0) / usable, kMinNsPerPixel, kMaxNsPerPixel);
    startNs = t0 - marginPx * nsPerPixel;
  }
  bool operator==(const TimeMapping&) const = default;
};

/// A duration with a unit adapted to its size ("850 ns", "4.32 µs", "1.25 ms", "2.5 s").
QString formatDuration(double ns, int significant = 3);

struct RulerTick {
  double x = 0;
  double ns = 0;
  QString label;
};

/// Ticks 1/2/5 x 10^k ns apart, at least `minSpacingPx` pixels apart, covering
/// [0, widthPx]; labels use one unit chosen from the step (ns, µs, ms, s) with as
/// many decimals as the step needs.
std::vector<RulerTick> rulerTicks(const TimeMapping& mapping, double widthPx, double minSpacingPx = 90);

/// The tick step rulerTicks uses (ns).
double rulerStep(double nsPerPixel, double minSpacingPx);

}  // namespace tb::gui
