// tb_bench_gui: how fast the viewer opens and redraws big traces, on this machine.
//
//   tb_bench_gui [--events N] [--big N] [--repeats R] [--size WxH]
//
// 1. open: a synthetic trace of N events (N/2 kernels on 4 streams + N/2 cuLaunchKernel
//    calls on one thread + NVTX iterations) is written to a temporary Chrome JSON file
//    with the profiler's writer, then opened as the viewer opens it (read + index),
//    median of R runs; each run also reads it with the reader before issue 18 item 3
//    (profiler/bench/baseline), for the ratio in one run.
// 2. redraw: frames rendered offscreen into a QImage (level-of-detail preprocessing +
//    painting, exactly what TimelineView::paintEvent does) for: fit all, a zoom-in
//    sequence around varying cursor positions down to single kernels, a pan sequence
//    at a mid zoom and a pan sequence zoomed in; median / p95 / max per sequence.
// 3. big: the same redraws on a trace of --big events built in memory (a file would be
//    about 3.2 GB), plus the time to index it.
#include "models/synthetictrace.hpp"
#include "models/timelinelayout.hpp"
#include "widgets/timelinepainter.hpp"

#include "baseline_reader.hpp"

#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace tb::gui;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Stats {
  double median = 0, p95 = 0, max = 0;
  std::size_t n = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.n = v.size();
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p95 = v[std::min(v.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(v.size())))];
  s.max = v.back();
  return s;
}

double frame(const TimelineLayout& layout, const TimeMapping& m, QImage& image, std::size_t* items = nullptr) {
  const auto t0 = Clock::now();
  const int gutter = layout.metrics().gutterWidth;
  const double width = image.width() - gutter;
  const DrawList list = layout.preprocess(m, width, 0, image.height() - layout.metrics().rulerHeight);
  QPainter p(&image);
  TimelinePainter::paint(p, image.size(), layout, m, list, {});
  p.end();
  if (items) *items = list.items.size();
  return msSince(t0);
}

void redraws(const char* label, const TraceDocumentPtr& doc, QImage& image) {
  const TimelineLayout layout({Section{doc, 0, {}}});
  const double width = image.width() - layout.metrics().gutterWidth;
  TimeMapping fit;
  fit.fit(0, doc->spanNs(), width, 8);
  std::vector<double> fitAll;
  std::size_t items = 0;
  frame(layout, fit, image);  // warm-up
  for (int r = 0; r < 15; ++r) fitAll.push_back(frame(layout, fit, image, &items));
  std::vector<double> zoom;
  TimeMapping m = fit;
  int steps = 0;
  for (; m.nsPerPixel > 5 && steps < 200; ++steps) {  // down to 5 ns/px: kernels are 100s of px
    m.zoomAround(width * (0.2 + 0.6 * ((steps * 37) % 100) / 100.0), 1.25);
    zoom.push_back(frame(layout, m, image));
  }
  std::vector<double> panMid;
  TimeMapping mid = fit;
  mid.zoomAround(width / 2, 50);  // 1/50 of the trace in view
  for (int i = 0; i < 60; ++i) {
    mid.panPixels(i % 20 < 10 ? -width * 0.1 : width * 0.1);
    panMid.push_back(frame(layout, mid, image));
  }
  std::vector<double> panDeep;
  TimeMapping deep{doc->spanNs() / 2, 50};  // 50 ns/px: every event drawn with its name
  for (int i = 0; i < 60; ++i) {
    deep.panPixels(-width * 0.1);
    panDeep.push_back(frame(layout, deep, image));
  }
  auto print = [&](const char* what, const Stats& s) {
    std::printf("  %-4s %-36s frames %3zu  median %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", label, what, s.n, s.median,
                s.p95, s.max);
  };
  print("fit all", stats(fitAll));
  std::printf("           (fit all: %zu draw items for %zu events)\n", items, doc->eventCount());
  print("zoom in x1.25 steps to 5 ns/px", stats(zoom));
  print("pan 10% at 1/50 of the trace", stats(panMid));
  print("pan 10% at 50 ns/px (names drawn)", stats(panDeep));
  std::vector<double> all;
  for (const auto* v : {&fitAll, &zoom, &panMid, &panDeep}) all.insert(all.end(), v->begin(), v->end());
  const Stats s = stats(all);
  std::printf("  %-8s all %zu frames: median %.2f ms, max %.2f ms\n", label, s.n, s.median, s.max);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t events = 1'000'000;
  std::size_t big = 10'000'000;
  int repeats = 3;
  int w = 1920, h = 1080;
  QApplication app(argc, argv);
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--events") events = std::stoull(argv[i + 1]);
    else if (a == "--big") big = std::stoull(argv[i + 1]);
    else if (a == "--repeats") repeats = std::stoi(argv[i + 1]);
    else if (a == "--size") std::sscanf(argv[i + 1], "%dx%d", &w, &h);
  }
  QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
  std::printf("tb_bench_gui: frames %dx%d, Qt %s, %u hardware threads\n", w, h, qVersion(),
              std::thread::hardware_concurrency());

  {
    const auto path = std::filesystem::temp_directory_path() / "tb_bench_gui_trace.json";
    tb::profiler::write_chrome_trace_file(makeSyntheticTrace(events / 2), path);
    const auto bytes = std::filesystem::file_size(path);
    std::vector<double> open, read;
    TraceDocumentPtr doc;
    // Each run also reads the file with the reader before issue 18 item 3
    // (profiler/bench/baseline): interleaved, so that a change of load hits both alike.
    std::vector<double> baselineRead;
    std::size_t baselineEvents = 0;
    for (int r = 0; r < repeats; ++r) {
      doc.reset();
      auto t0 = Clock::now();
      auto t = tb::profiler::read_chrome_trace_file(path);
      read.push_back(msSince(t0));
      doc = TraceDocument::build(std::move(t), QString::fromStdString(path.string()));
      open.push_back(msSince(t0));
      t0 = Clock::now();
      baselineEvents = tb_bench_baseline::read_file(path);
      baselineRead.push_back(msSince(t0));
    }
    std::printf("open     %zu events (%.0f MB file): median %.0f ms (read %.0f ms + index %.0f ms), %d runs\n",
                doc->eventCount(), static_cast<double>(bytes) / 1e6, stats(open).median, stats(read).median,
                stats(open).median - stats(read).median, repeats);
    if (baselineEvents != doc->eventCount()) {
      std::printf("baseline reader: %zu events, not %zu\n", baselineEvents, doc->eventCount());
    }
    std::printf("         baseline reader (before #18): read median %.0f ms, %.1fx today's\n", stats(baselineRead).median,
                stats(baselineRead).median / stats(read).median);
    std::filesystem::remove(path);
    redraws("1M", doc, image);
  }
  if (big > 0) {
    auto t0 = Clock::now();
    auto t = makeSyntheticTrace(big / 2);
    const double makeMs = msSince(t0);
    t0 = Clock::now();
    auto doc = TraceDocument::build(std::move(t), QStringLiteral("in-memory"));
    const double indexMs = msSince(t0);
    std::printf("big      %zu events built in memory in %.0f ms; indexed in %.0f ms\n", doc->eventCount(), makeMs, indexMs);
    redraws("10M", doc, image);
  }
  return 0;
}
