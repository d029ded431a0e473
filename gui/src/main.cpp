// triton-bench-gui [TRACE.json ...] [--history RESULTS.sqlite]: the timeline viewer, and
// the history of a results database (`triton-bench --record`).
//
// Offscreen use (screenshots for the docs; QT_QPA_PLATFORM=offscreen):
//   --screenshot OUT.png   load, apply the options below, grab the window, exit
//   --compare              show the compare tab
//   --target NAME          target kernel
//   --align MODE[:K]       compare alignment: start | iteration:K | launch:K
//   --fit-iterations K:N   show N NVTX iteration ranges starting at the K-th (0-based)
//   --select NAME          select the first event whose name contains NAME
//   --size WxH             window size
//   --scenario NAME, --metric ID, --branch NAME   what the History tab shows (with --history)
#include "models/comparemodels.hpp"
#include "widgets/mainwindow.hpp"

#include <tb/profiler/analysis.hpp>

#include <tb/support/build_info.hpp>

#include <QApplication>

#include <cstdio>
#include <cstring>
#include <QCommandLineParser>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace {

std::optional<std::pair<double, double>> iterationSpan(const tb::gui::TraceDocument& doc, int first, int count) {
  const auto events = doc.trace().events();
  int seen = 0;
  double t0 = 0;
  for (tb::gui::EventIndex i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.kind != tb::profiler::event_kind::nvtx_range || !tb::profiler::is_iteration_range_name(doc.trace().str(e.name))) {
      continue;
    }
    if (seen == first) t0 = doc.relStart(i);
    if (seen == first + count - 1) return std::pair(t0, doc.relEnd(i));
    ++seen;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // Before QApplication, which needs a display: --version works on any terminal.
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("%s\n", tb::support::version_line("triton-bench-gui").c_str());
      return 0;
    }
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("triton-bench-gui"));
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Timeline viewer for triton-bench and PyTorch (Kineto) traces"));
  parser.addHelpOption();
  parser.addPositionalArgument(QStringLiteral("traces"), QStringLiteral("Chrome trace JSON files"), QStringLiteral("[TRACE.json ...]"));
  QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Grab the window to OUT.png and exit"), QStringLiteral("OUT.png"));
  QCommandLineOption compare(QStringLiteral("compare"), QStringLiteral("Show the compare tab"));
  QCommandLineOption target(QStringLiteral("target"), QStringLiteral("Target kernel name"), QStringLiteral("NAME"));
  QCommandLineOption align(QStringLiteral("align"), QStringLiteral("Compare alignment: start | iteration:K | launch:K"), QStringLiteral("MODE"));
  QCommandLineOption fit(QStringLiteral("fit-iterations"), QStringLiteral("Show N iterations from the K-th"), QStringLiteral("K:N"));
  QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Select the first event named like NAME"), QStringLiteral("NAME"));
  QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size"), QStringLiteral("WxH"), QStringLiteral("1600x900"));
  QCommandLineOption history(QStringLiteral("history"), QStringLiteral("Open a results database in the History tab"),
                             QStringLiteral("DB"));
  QCommandLineOption scenario(QStringLiteral("scenario"), QStringLiteral("History: scenario"), QStringLiteral("NAME"));
  QCommandLineOption metric(QStringLiteral("metric"), QStringLiteral("History: metric id"), QStringLiteral("ID"));
  QCommandLineOption branch(QStringLiteral("branch"), QStringLiteral("History: branch (default: all)"),
                            QStringLiteral("NAME"));
  parser.addOptions({screenshot, compare, target, align, fit, select, size, history, scenario, metric, branch});
  parser.process(app);

  tb::gui::MainWindow window;
  const QStringList wh = parser.value(size).split(QLatin1Char('x'));
  if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
  if (parser.isSet(target)) window.setTarget(parser.value(target));
  window.show();
  window.openFiles(parser.positionalArguments());
  bool historyOpened = false;
  if (parser.isSet(history)) {
    historyOpened = window.openHistory(parser.value(history));  // a failure is named on stderr
    if (historyOpened) {
      const QString error = window.history()->select(parser.value(scenario), parser.value(metric), parser.value(branch));
      if (!error.isEmpty()) {
        std::fprintf(stderr, "triton-bench-gui: %s: %s\n", qPrintable(parser.value(history)), qPrintable(error));
        if (parser.isSet(screenshot)) return 1;
      }
    } else if (parser.isSet(screenshot)) {
      return 1;
    }
  }
  if (!parser.isSet(screenshot)) return QApplication::exec();

  // Screenshot mode: everything synchronously, then grab.
  if (!window.waitForLoads()) {
    std::fprintf(stderr, "triton-bench-gui: loading timed out\n");
    return 1;
  }
  if (historyOpened && parser.positionalArguments().isEmpty()) {
    // Only the History tab: nothing else to wait for.
  } else if (window.documents().empty()) {
    if (window.loadFailures().isEmpty())
      std::fprintf(stderr, "triton-bench-gui: no trace could be opened: no TRACE.json given\n");
    else  // each failure was named on its own line as it happened
      std::fprintf(stderr, "triton-bench-gui: no trace could be opened (%lld failed, named above)\n",
                   static_cast<long long>(window.loadFailures().size()));
    return 1;
  }
  if (!window.documents().empty()) window.setCurrentDocument(0);
  if (parser.isSet(align) && !window.documents().empty()) {
    const QStringList parts = parser.value(align).split(QLatin1Char(':'));
    const int k = parts.size() > 1 ? parts[1].toInt() : 0;
    const auto mode = parts[0] == QLatin1String("iteration") ? tb::gui::AlignMode::iteration
                      : parts[0] == QLatin1String("launch")  ? tb::gui::AlignMode::targetLaunch
                                                             : tb::gui::AlignMode::traceStart;
    window.compare()->setAlignment(mode, k);
  }
  QApplication::processEvents();
  if (parser.isSet(fit) && !window.documents().empty()) {
    const QStringList kn = parser.value(fit).split(QLatin1Char(':'));
    const int k = kn.value(0).toInt();
    const int n = std::max(1, kn.value(1, QStringLiteral("1")).toInt());
    if (const auto span = iterationSpan(*window.currentDocument(), k, n)) {
      window.timeline()->fitRange(span->first, span->second);
      // Compare view: the aligned k-th iteration of the first trace and the same width.
      auto* ct = window.compare()->timeline();
      const double width = span->second - span->first;
      ct->fitRange(-0.02 * width, 0.98 * width);
    }
  }
  if (parser.isSet(select) && !window.documents().empty()) {
    window.setSearchText(parser.value(select));
    window.findNext();
    if (parser.isSet(fit)) {
      // Keep the fitted range; findNext may have zoomed to the event.
      const QStringList kn = parser.value(fit).split(QLatin1Char(':'));
      if (const auto span = iterationSpan(*window.currentDocument(), kn.value(0).toInt(), std::max(1, kn.value(1).toInt()))) {
        window.timeline()->fitRange(span->first, span->second);
      }
    }
  }
  if (parser.isSet(compare)) window.tabs()->setCurrentWidget(window.compare());
  if (historyOpened) window.tabs()->setCurrentWidget(window.history());
  QApplication::processEvents();
  const QString out = parser.value(screenshot);
  if (!window.grab().save(out)) {
    std::fprintf(stderr, "triton-bench-gui: cannot write %s\n", qPrintable(out));
    return 1;
  }
  std::printf("wrote %s\n", qPrintable(out));
  return 0;
}
