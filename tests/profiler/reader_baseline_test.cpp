// The reader against the reader as it was before issue 18 item 3 (frozen in
// profiler/bench/baseline): every trace under tests/profiler/data, tests/gui/data,
// tests/profiler/corpus and bench/recorded gives the same trace, field by field, or the same
// located error; and so do truncations and single-byte changes of those files.
#include <tb/profiler/trace_reader.hpp>

#include "baseline_reader.hpp"
#include "trace_dump.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace tb::profiler;

// The trace's dump, or "error: " and the message.
template <class F>
std::string outcome(F&& read) {
  try {
    return read();
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
}

std::vector<fs::path> trace_files() {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/profiler/data", "tests/gui/data", "tests/profiler/corpus", "bench/recorded"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(TB_SOURCE_DIR) / dir)) {
      const auto name = entry.path().filename().string();
      if (entry.is_regular_file() && (name.ends_with(".json") || name.ends_with(".json.gz"))) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reports the first line where two outcomes differ (the dumps are long).
void expect_same(const std::string& old_outcome, const std::string& new_outcome, const std::string& what) {
  if (old_outcome == new_outcome) return;
  std::istringstream a(old_outcome), b(new_outcome);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    if (la != lb || more_a != more_b) {
      ADD_FAILURE() << what << ": line " << line << " differs\n  old: " << la << "\n  new: " << lb;
      return;
    }
  }
  ADD_FAILURE() << what << ": outcomes differ";
}

TEST(ReaderBaseline, FindsTheTraces) {
  const auto files = trace_files();
  EXPECT_GE(files.size(), 20U);
}

TEST(ReaderBaseline, SameTraceForEveryFile) {
  std::size_t with_events = 0;  // not only empty traces compared by accident
  for (const auto& path : trace_files()) {
    const auto old_outcome = outcome([&] { return tb_bench_baseline::dump_file(path); });
    const auto new_outcome = outcome([&] { return tb::profiler::testing::dump_trace(read_chrome_trace_file(path)); });
    expect_same(old_outcome, new_outcome, path.string());
    if (old_outcome.find("\nevent ") != std::string::npos) ++with_events;
  }
  EXPECT_GE(with_events, 15U);
}

TEST(ReaderBaseline, SameTraceForTextInMemory) {
  for (const auto& path : trace_files()) {
    const auto text = read_bytes(path);
    const auto name = path.filename().string();
    expect_same(outcome([&] { return tb_bench_baseline::dump_text(text, name); }),
                outcome([&] { return tb::profiler::testing::dump_trace(parse_chrome_trace(text, name)); }), path.string());
  }
}

// Truncations and single-byte changes: the same trace or the same located error.
TEST(ReaderBaseline, SameOutcomeForDamagedFiles) {
  const std::string replacements = "\"\\{}[],:0-.e9 xn\x01\xc3";
  std::size_t cases = 0;
  for (const auto& path : trace_files()) {
    const auto text = read_bytes(path);
    if (text.size() > 300'000 || path.string().ends_with(".gz")) continue;
    const std::size_t step = std::max<std::size_t>(1, text.size() / 150);
    for (std::size_t at = 0; at < text.size(); at += step) {
      const auto cut = text.substr(0, at);
      expect_same(outcome([&] { return tb_bench_baseline::dump_text(cut, "cut"); }),
                  outcome([&] { return tb::profiler::testing::dump_trace(parse_chrome_trace(cut, "cut")); }),
                  path.string() + " cut at " + std::to_string(at));
      auto changed = text;
      changed[at] = replacements[(at / step) % replacements.size()];
      expect_same(outcome([&] { return tb_bench_baseline::dump_text(changed, "changed"); }),
                  outcome([&] { return tb::profiler::testing::dump_trace(parse_chrome_trace(changed, "changed")); }),
                  path.string() + " byte " + std::to_string(at) + " changed");
      cases += 2;
    }
  }
  EXPECT_GT(cases, 1000U);
}

}  // namespace
