#include "comparemodels.hpp"

#include "timemapping.hpp"

#include <algorithm>
#include <cmath>

namespace tb::gui {

namespace prof = tb::profiler;

std::optional<double> alignmentPoint(const TraceDocument& doc, AlignMode mode, int k) {
  if (k < 0) return std::nullopt;
  if (mode == AlignMode::traceStart) return 0.0;
  const auto events = doc.trace().events();
  int seen = 0;
  for (EventIndex i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (mode == AlignMode::iteration) {
      if (e.kind != prof::event_kind::nvtx_range || !prof::is_iteration_range_name(doc.trace().str(e.name))) continue;
      if (seen++ == k) return doc.relStart(i);
    } else {
      if (!doc.isTarget(i)) continue;
      if (seen++ == k) {
        const EventIndex launch = doc.flowPartner(i);
        return doc.relStart(launch != kNoEvent ? launch : i);
      }
    }
  }
  return std::nullopt;
}

void MetricsTableModel::setAnalyses(std::vector<TraceAnalysis> analyses) {
  beginResetModel();
  m_analyses = std::move(analyses);
  m_rows = {{"target", "target kernel"}, {"events", "events"},         {"kernels", "kernels"},
            {"launches", "launch calls"}, {"iterations", "iterations"}};
  for (const auto& a : m_analyses) {
    if (const auto* r = std::get_if<prof::analysis_result>(&a.result)) {
      for (const auto& m : r->metrics) {
        const QString id = QString::fromStdString(m.name);
        m_rows.push_back({id, id});
      }
      break;
    }
  }
  m_rows.push_back({"module.calls", "module calls (total)"});
  m_rows.push_back({"module.total", "module time (total)"});
  m_rows.push_back({"gpu.busy", "GPU busy"});
  endResetModel();
}

int MetricsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int MetricsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_analyses.size());
}

int MetricsTableModel::rowOf(const QString& name) const {
  for (std::size_t r = 0; r < m_rows.size(); ++r) {
    if (m_rows[r].id == name) return static_cast<int>(r);
  }
  return -1;
}

namespace {

QString formatValue(double v, prof::metric_unit unit) {
  if (!std::isfinite(v)) return QStringLiteral("-");
  switch (unit) {
    case prof::metric_unit::nanoseconds: return QString::fromStdString(prof::format_duration(v));
    case prof::metric_unit::count:
      return v == std::floor(v) ? QString::number(v, 'f', 0) : QString::number(v, 'f', 2);
    case prof::metric_unit::percent: return QStringLiteral("%1 %").arg(v, 0, 'f', 1);
  }
  return QStringLiteral("-");
}

// "median [low .. high]", the unit written once when the three share it
// ("4.320 us [4.301 .. 4.350]"), so that a column stays narrow.
QString intervalText(const prof::summary& s, prof::metric_unit unit) {
  const QString median = formatValue(s.median, unit);
  QString low = formatValue(s.ci_low, unit);
  QString high = formatValue(s.ci_high, unit);
  const auto unitOf = [](const QString& v) { return v.section(QLatin1Char(' '), 1); };
  const QString u = unitOf(median);
  if (!u.isEmpty() && unitOf(low) == u && unitOf(high) == u) {
    low = low.section(QLatin1Char(' '), 0, 0);
    high = high.section(QLatin1Char(' '), 0, 0);
  }
  return QStringLiteral("%1 [%2 .. %3]").arg(median, low, high);
}

}  // namespace

QString MetricsTableModel::cell(const TraceAnalysis& a, const RowSpec& row, bool tooltip) const {
  const auto* r = std::get_if<prof::analysis_result>(&a.result);
  if (!r) return row.id == "target" ? std::get<QString>(a.result) : QString();
  if (row.id == "target") {
    QStringList names;
    for (const auto& n : r->target_names) names << QString::fromStdString(n);
    return names.join(QStringLiteral(", "));
  }
  if (row.id == "events") return QString::number(r->events);
  if (row.id == "kernels") return QString::number(r->kernels);
  if (row.id == "launches") return QString::number(r->launches);
  if (row.id == "iterations") return QString::number(r->iterations);
  if (row.id == "module.calls") return QString::number(r->module_calls);
  if (row.id == "module.total") return QString::fromStdString(prof::format_duration(static_cast<double>(r->module_total_ns)));
  if (row.id == "gpu.busy") return formatValue(r->gpu_busy_percent, prof::metric_unit::percent);
  const auto* m = r->find(row.id.toStdString());
  if (!m || m->stats.n == 0) return QStringLiteral("-");
  const auto& s = m->stats;
  if (tooltip) {
    return QStringLiteral("n = %1\nmedian %2 [95% CI %3 .. %4]\np5 %5, p95 %6, MAD %7")
        .arg(s.n)
        .arg(formatValue(s.median, m->unit), formatValue(s.ci_low, m->unit), formatValue(s.ci_high, m->unit),
             formatValue(s.p5, m->unit), formatValue(s.p95, m->unit), formatValue(s.mad, m->unit));
  }
  return intervalText(s, m->unit);
}

QVariant MetricsTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const auto& a = m_analyses[static_cast<std::size_t>(index.column())];
  const auto& row = m_rows[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole) return cell(a, row, false);
  if (role == Qt::ToolTipRole) return cell(a, row, true);
  if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if ((role != Qt::DisplayRole && role != Qt::ToolTipRole) || section < 0) return {};
  if (orientation == Qt::Horizontal) {
    if (section >= columnCount()) return {};
    const auto& a = m_analyses[static_cast<std::size_t>(section)];
    return role == Qt::DisplayRole ? a.title : QStringLiteral("%1\n%2").arg(a.title, a.source);
  }
  return section < rowCount() ? QVariant(m_rows[static_cast<std::size_t>(section)].label) : QVariant();
}

Histogram makeHistogram(const std::vector<std::vector<double>>& samples, int bins) {
  Histogram h;
  bins = std::max(1, bins);
  std::vector<double> all;
  for (const auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  h.counts.assign(samples.size(), std::vector<int>(static_cast<std::size_t>(bins), 0));
  if (all.empty()) {
    for (int b = 0; b <= bins; ++b) h.edges.push_back(b);
    return h;
  }
  std::sort(all.begin(), all.end());
  const double lo = all.front();
  double hi = prof::quantile_sorted(all, 0.99);
  if (hi <= lo) hi = all.back() > lo ? all.back() : lo + 1;
  const double width = (hi - lo) / bins;
  for (int b = 0; b <= bins; ++b) h.edges.push_back(lo + width * b);
  for (std::size_t s = 0; s < samples.size(); ++s) {
    for (double v : samples[s]) {
      const int b = std::clamp(static_cast<int>((v - lo) / width), 0, bins - 1);
      ++h.counts[s][static_cast<std::size_t>(b)];
    }
  }
  return h;
}

}  // namespace tb::gui
