#include "timemapping.hpp"

#include <cmath>
#include <cstring>

namespace tb::gui {

QString formatDuration(double ns, int significant) {
  if (!std::isfinite(ns)) return QStringLiteral("-");
  const double a = std::fabs(ns);
  const char* unit = "ns";
  double v = ns;
  if (a >= 1e9) {
    unit = "s";
    v = ns / 1e9;
  } else if (a >= 1e6) {
    unit = "ms";
    v = ns / 1e6;
  } else if (a >= 1e3) {
    unit = "µs";
    v = ns / 1e3;
  }
  if (std::strcmp(unit, "ns") == 0 && a >= 1) return QStringLiteral("%1 ns").arg(std::llround(ns));
  const double av = std::fabs(v);
  const int intDigits = av >= 100 ? 3 : av >= 10 ? 2 : 1;
  const int decimals = std::max(0, significant - intDigits);
  return QStringLiteral("%1 %2").arg(v, 0, 'f', decimals).arg(QString::fromUtf8(unit));
}

double rulerStep(double nsPerPixel, double minSpacingPx) {
  const double minStep = std::max(nsPerPixel * minSpacingPx, 1e-3);
  double base = std::pow(10.0, std::floor(std::log10(minStep)));
  for (;;) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (base * m >= minStep * (1 - 1e-9)) return base * m;
    }
    base *= 10;
  }
}

std::vector<RulerTick> rulerTicks(const TimeMapping& mapping, double widthPx, double minSpacingPx) {
  std::vector<RulerTick> ticks;
  if (widthPx <= 0 || mapping.nsPerPixel <= 0) return ticks;
  const double step = rulerStep(mapping.nsPerPixel, minSpacingPx);
  double scale = 1;
  QString unit = QStringLiteral("ns");
  if (step >= 1e9) {
    scale = 1e9;
    unit = QStringLiteral("s");
  } else if (step >= 1e6) {
    scale = 1e6;
    unit = QStringLiteral("ms");
  } else if (step >= 1e3) {
    scale = 1e3;
    unit = QStringLiteral("µs");
  }
  // Decimals so that consecutive labels differ: step/scale is 1, 2 or 5 x 10^k.
  const double scaledStep = step / scale;
  const int decimals = scaledStep >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(scaledStep) - 1e-9));
  const double t0 = mapping.mapXToTime(0);
  const double t1 = mapping.mapXToTime(widthPx);
  const double first = std::ceil(t0 / step);
  const double last = std::floor(t1 / step);
  for (double k = first; k <= last && ticks.size() < 10000; k += 1) {
    RulerTick tick;
    tick.ns = k * step;
    tick.x = mapping.mapTimeToX(tick.ns);
    double shown = tick.ns / scale;
    if (std::fabs(shown) < scaledStep * 1e-6) shown = 0;  // no "-0"
    tick.label = QStringLiteral("%1 %2").arg(shown, 0, 'f', decimals).arg(unit);
    ticks.push_back(std::move(tick));
  }
  return ticks;
}

}  // namespace tb::gui
