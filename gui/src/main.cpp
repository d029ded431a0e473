// triton-bench-gui [TRACE.json ...] [--history RESULTS.sqlite]: the timeline viewer, and
// the history of a results database (`triton-bench --record`).
//
// Offscreen use (screenshots for the docs; QT_QPA_PLATFORM=offscreen):
//   --screenshot OUT.png   load, apply the options below, grab the window, exit
//   --compare              show the compare tab
//   --target NAME          target kernel
//   --align MODE[:K]       compare alignment: start | iteration:K | launch:K
//   --fit-iterations K:N   show N NVTX iteration ranges starting at the K-th (0-based)
//   --select NAME          select the first event named NAME, else containing it, in the
//                          fitted range (else anywhere)
//   --range-iterations K:N select N iterations from the K-th as the range of the per-kernel
//                          table and range statistics (as a shift-drag over them would)
//   --mark-kernel NAME     click the per-kernel table's row NAME (marks its launches)
//   --size WxH             window size
//   --scenario NAME, --metric ID, --branch NAME   what the History tab shows (with --history)
//
// The command line is parsed before the QApplication exists, so --help and --version print
// and exit on a machine with no display.
#include "models/comparemodels.hpp"
#include "widgets/mainwindow.hpp"

#include <tb/profiler/analysis.hpp>

#include <tb/support/atomic_file.hpp>
#include <tb/support/build_info.hpp>

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QTabWidget>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <optional>

namespace {

QString text(const char* s) { return QString::fromUtf8(s); }

constexpr int kUsageError = 2;  // as triton-aot and triton-bench

/// The window as PNG at `out`, whole or not at all (a temporary file beside it, renamed).
bool saveScreenshot(QWidget& window, const QString& out) {
  QByteArray png;
  QBuffer buffer(&png);
  if (!buffer.open(QIODevice::WriteOnly) || !window.grab().save(&buffer, "PNG")) {
    std::fprintf(stderr, "triton-bench-gui: %s: cannot encode the window as PNG\n", qPrintable(out));
    return false;
  }
  try {
    tb::support::write_file_atomically(std::filesystem::path(out.toStdString()), std::string_view(png.constData(), png.size()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "triton-bench-gui: %s\n", e.what());
    return false;
  }
  return true;
}

struct Options {
  QCommandLineOption help{{text("h"), text("help")}, text("Show this help and exit")};
  QCommandLineOption version{text("version"), text("Show the version and exit")};
  QCommandLineOption screenshot{text("screenshot"), text("Grab the window to OUT.png and exit"), text("OUT.png")};
  QCommandLineOption compare{text("compare"), text("Show the compare tab")};
  QCommandLineOption target{text("target"), text("Target kernel name (default: the most frequent kernel)"), text("NAME")};
  QCommandLineOption align{text("align"), text("Compare alignment: start | iteration:K | launch:K"), text("MODE")};
  QCommandLineOption fit{text("fit-iterations"), text("Show N iterations from the K-th"), text("K:N")};
  QCommandLineOption select{text("select"), text("Select the first event named NAME (else containing it) in the fitted range"), text("NAME")};
  QCommandLineOption rangeIterations{text("range-iterations"), text("Select N iterations from the K-th as the per-kernel table's range"), text("K:N")};
  QCommandLineOption markKernel{text("mark-kernel"), text("Click the per-kernel table's row NAME (marks its launches)"), text("NAME")};
  QCommandLineOption size{text("size"), text("Window size"), text("WxH"), text("1600x900")};
  QCommandLineOption history{text("history"), text("Open a results database in the History tab"), text("DB")};
  QCommandLineOption scenario{text("scenario"), text("History: scenario"), text("NAME")};
  QCommandLineOption metric{text("metric"), text("History: metric id"), text("ID")};
  QCommandLineOption branch{text("branch"), text("History: branch (default: all)"), text("NAME")};

  explicit Options(QCommandLineParser& parser) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);  // -platform is one option
    parser.setApplicationDescription(text("Timeline viewer for triton-bench and PyTorch (Kineto) traces"));
    parser.addPositionalArgument(text("traces"), text("Chrome trace JSON files (.json or .json.gz)"), text("[TRACE.json ...]"));
    parser.addOptions({help, version, screenshot, compare, target, align, fit, select, rangeIterations, markKernel, size, history,
                       scenario, metric, branch});
  }
};

QStringList argumentsOf(int argc, char** argv) {
  QStringList args;
  for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
  return args;
}

/// Options QApplication takes out of the command line itself (-platform offscreen, ...).
bool isQtOption(const QString& name) {
  static const QStringList qt{text("platform"), text("platformpluginpath"), text("platformtheme"), text("plugin"),
                              text("display"),  text("geometry"),           text("style"),         text("stylesheet"),
                              text("reverse"),  text("session"),            text("widgetcount"),   text("qwindowgeometry"),
                              text("qwindowicon"), text("qwindowtitle"),    text("title"),         text("name")};
  return qt.contains(name);
}

/// --help / --version, and a command line that is wrong whatever Qt takes out of it:
/// printed without a QApplication (no display needed). nullopt: go on.
std::optional<int> printHelpOrVersion(QCommandLineParser& parser, const Options& o, int argc, char** argv) {
  const bool parsed = parser.parse(argumentsOf(argc, argv));
  const QStringList unknown = parser.unknownOptionNames();
  if (!parsed && std::none_of(unknown.begin(), unknown.end(), isQtOption)) {
    std::fprintf(stderr, "triton-bench-gui: %s\n", qPrintable(parser.errorText()));
    return kUsageError;
  }
  if (parser.isSet(o.version)) {
    std::printf("%s\n", tb::support::version_line("triton-bench-gui").c_str());
    return 0;
  }
  if (!parser.isSet(o.help)) return std::nullopt;
  QString help = parser.helpText();
  help.replace(text("<executable_name>"), text("triton-bench-gui"));
  help += text("\nExit status: 0 ok; 1 a trace, results database or screenshot could not be opened or written\n"
               "(each named on its own line); 2 bad option.\n");
  std::fputs(help.toLocal8Bit().constData(), stdout);
  return 0;
}

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

/// The span of an iterations option's K:N (--fit-iterations, --range-iterations).
std::optional<std::pair<double, double>> iterationsSpan(const QCommandLineParser& parser, const QCommandLineOption& option,
                                                        const tb::gui::TraceDocument& doc) {
  if (!parser.isSet(option)) return std::nullopt;
  const QStringList kn = parser.value(option).split(QLatin1Char(':'));
  return iterationSpan(doc, kn.value(0).toInt(), std::max(1, kn.value(1, text("1")).toInt()));
}

/// --range-iterations and --mark-kernel: the per-kernel table's range and clicked row.
void applyKernelTable(tb::gui::MainWindow& window, const QCommandLineParser& parser, const Options& o) {
  if (const auto span = iterationsSpan(parser, o.rangeIterations, *window.currentDocument())) window.timeline()->setRange(span);
  if (!parser.isSet(o.markKernel)) return;
  const QString name = parser.value(o.markKernel);
  if (!window.kernels()->activateRow(window.kernels()->rowNamed(name))) {
    std::fprintf(stderr, "triton-bench-gui: --mark-kernel %s: no such kernel in the per-kernel table\n", qPrintable(name));
  }
}

/// --select NAME: the first event starting at `from` or later (the fitted range) named NAME,
/// else whose name contains it; then the same from the start; kNoEvent if none.
tb::gui::EventIndex eventToSelect(const tb::gui::TraceDocument& doc, const QString& name, double from) {
  const auto hits = doc.find(name);
  for (double start : {from, 0.0}) {
    for (bool exact : {true, false}) {
      for (const auto i : hits) {
        if (doc.relStart(i) >= start && (!exact || doc.name(i) == name)) return i;
      }
    }
  }
  return tb::gui::kNoEvent;
}

/// Opens the results database of --history and selects what to show; nullopt: go on.
std::optional<int> openHistory(tb::gui::MainWindow& window, const QCommandLineParser& parser, const Options& o) {
  const bool screenshot = parser.isSet(o.screenshot);
  if (!window.openHistory(parser.value(o.history))) {  // the failure is named on stderr
    return screenshot ? std::optional(1) : std::nullopt;
  }
  const QString error = window.history()->select(parser.value(o.scenario), parser.value(o.metric), parser.value(o.branch));
  if (error.isEmpty()) return std::nullopt;
  std::fprintf(stderr, "triton-bench-gui: %s: %s\n", qPrintable(parser.value(o.history)), qPrintable(error));
  return screenshot ? std::optional(1) : std::nullopt;
}

void applyAlignment(tb::gui::MainWindow& window, const QCommandLineParser& parser, const Options& o) {
  const QStringList parts = parser.value(o.align).split(QLatin1Char(':'));
  const int k = parts.size() > 1 ? parts[1].toInt() : 0;
  const auto mode = parts[0] == QLatin1String("iteration") ? tb::gui::AlignMode::iteration
                    : parts[0] == QLatin1String("launch")  ? tb::gui::AlignMode::targetLaunch
                                                           : tb::gui::AlignMode::traceStart;
  window.compare()->setAlignment(mode, k);
}

void applyView(tb::gui::MainWindow& window, const QCommandLineParser& parser, const Options& o) {
  window.setCurrentDocument(0);
  if (parser.isSet(o.align)) applyAlignment(window, parser, o);
  QApplication::processEvents();
  if (const auto span = iterationsSpan(parser, o.fit, *window.currentDocument())) {
    window.timeline()->fitRange(span->first, span->second);
    // Compare view: the aligned k-th iteration of the first trace and the same width.
    const double width = span->second - span->first;
    window.compare()->timeline()->fitRange(-0.02 * width, 0.98 * width);
  }
  if (parser.isSet(o.select)) {
    const auto span = iterationsSpan(parser, o.fit, *window.currentDocument());
    window.setSearchText(parser.value(o.select));
    const auto event = eventToSelect(*window.currentDocument(), parser.value(o.select), span ? span->first : 0.0);
    window.timeline()->selectEvent({0, event}, !span);  // keeps the fitted range
  }
  applyKernelTable(window, parser, o);
}

/// Screenshot mode: everything synchronously, then grab.
int takeScreenshot(tb::gui::MainWindow& window, const QCommandLineParser& parser, const Options& o, bool historyOnly) {
  if (!window.waitForLoads()) {
    std::fprintf(stderr, "triton-bench-gui: loading timed out\n");
    return 1;
  }
  if (window.documents().empty() && !historyOnly) {
    if (window.loadFailures().isEmpty())
      std::fprintf(stderr, "triton-bench-gui: no trace could be opened: no TRACE.json given\n");
    else  // each failure was named on its own line as it happened
      std::fprintf(stderr, "triton-bench-gui: no trace could be opened (%lld failed, named above)\n",
                   static_cast<long long>(window.loadFailures().size()));
    return 1;
  }
  // The tab first, so that the views are fitted at the size they are grabbed at.
  if (parser.isSet(o.compare)) window.tabs()->setCurrentWidget(window.compare());
  if (parser.isSet(o.history)) window.tabs()->setCurrentWidget(window.history());
  QApplication::processEvents();
  if (!window.documents().empty()) applyView(window, parser, o);
  QApplication::processEvents();
  const QString out = parser.value(o.screenshot);
  if (!saveScreenshot(window, out)) return 1;
  std::printf("wrote %s\n", qPrintable(out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication::setApplicationName(text("triton-bench-gui"));
  QCommandLineParser parser;
  const Options o(parser);
  if (const auto status = printHelpOrVersion(parser, o, argc, argv)) return *status;

  QApplication app(argc, argv);  // needs a display (or QT_QPA_PLATFORM=offscreen)
  parser.process(app);           // what Qt's own options leave: a message, exit 1
  tb::gui::MainWindow window;
  const QStringList wh = parser.value(o.size).split(QLatin1Char('x'));
  if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
  if (parser.isSet(o.target)) window.setTarget(parser.value(o.target));
  window.show();
  window.openFiles(parser.positionalArguments());
  if (parser.isSet(o.history)) {
    if (const auto status = openHistory(window, parser, o)) return *status;
  }
  if (!parser.isSet(o.screenshot)) return QApplication::exec();
  const bool historyOnly = parser.isSet(o.history) && parser.positionalArguments().isEmpty();
  return takeScreenshot(window, parser, o, historyOnly);
}
