// The reporters (bench/src/report) on real results: bench/recorded/results.json, the H100
// run that is shown without a GPU, and tests/bench/data/results.json (invented, with a
// failed mode and a cold start). The table is today's to the byte; the CSV reads back to
// the model's medians; the Markdown has the rows a pull-request comment needs; the JSON
// reads back through results_from_json.
#include "cold_start_fixture.hpp"
#include "report/colour.hpp"
#include "report/console.hpp"
#include "report/csv_reporter.hpp"
#include "report/deliver.hpp"
#include "report/markdown_reporter.hpp"
#include "report/reporter.hpp"
#include "report/table_reporter.hpp"
#include "method.hpp"
#include "results_json.hpp"
#include "tracer_cost.hpp"

#include <tb/bench/exit_code.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace {

using namespace tb::bench;
using namespace tb::bench::report;
using nlohmann::json;

const std::string recorded_file = std::string(TB_SOURCE_DIR) + "/bench/recorded/results.json";
const std::string synthetic_file = std::string(TB_BENCH_DATA) + "/results.json";

results read_results(const std::string& file) {
  std::ifstream in(file);
  return results_from_json(json::parse(in));
}

std::string read_text(const std::string& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string print(std::string_view format, const results& r, const provenance& from, bool colour = false) {
  std::ostringstream out;
  make_reporter(format)->report(destination{out, colour}, r, from);
  return out.str();
}

std::string strip_ansi(const std::string& s) { return std::regex_replace(s, std::regex("\x1b\\[[0-9;]*m"), ""); }

// RFC 4180: fields separated by commas, quoted fields may hold commas, line breaks and
// doubled quotes; records end with a line break.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') row.push_back(std::exchange(field, {}));
    else if (c == '\n') {
      row.push_back(std::exchange(field, {}));
      rows.push_back(std::exchange(row, {}));
    } else field += c;
  }
  EXPECT_TRUE(field.empty() && row.empty()) << "the CSV does not end with a line break";
  return rows;
}

std::size_t column(const std::vector<std::string>& header, std::string_view name) {
  const auto it = std::find(header.begin(), header.end(), name);
  EXPECT_NE(it, header.end()) << name;
  return static_cast<std::size_t>(it - header.begin());
}

TEST(Reporters, TheRegistryHasTheFourFormats) {
  EXPECT_EQ(reporter_names(), (std::vector<std::string>{"table", "json", "csv", "markdown"}));
  for (const auto& name : reporter_names()) EXPECT_NE(make_reporter(name), nullptr) << name;
  EXPECT_EQ(make_reporter("xml"), nullptr);
}

TEST(TableReporter, PrintsTodaysTableToTheByte) {
  // The files are what triton-bench printed before the reporters existed (commit e0f8cdf,
  // `triton-bench --no-gpu --recorded DIR`, the report lines only).
  EXPECT_EQ(print("table", read_results(recorded_file), {true, "bench/recorded/results.json"}),
            read_text(std::string(TB_BENCH_DATA) + "/table/recorded.txt"));
  EXPECT_EQ(print("table", read_results(synthetic_file), {true, "tests/bench/data/results.json"}),
            read_text(std::string(TB_BENCH_DATA) + "/table/synthetic.txt"));
  // A run has no banner: the table starts with the scenario line.
  const std::string run = print("table", read_results(recorded_file), {});
  EXPECT_EQ(run.rfind("scenario sandwich  target target_kernel", 0), 0u) << run;
}

TEST(TableReporter, ColoursOnlyAddEscapes) {
  const results synthetic = read_results(synthetic_file);
  const std::string plain = print("table", synthetic, {});
  const std::string coloured = print("table", synthetic, {}, true);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_EQ(strip_ansi(coloured), plain);
  EXPECT_NE(coloured.find("host-model    \x1b[32mpassed\x1b[0m    5242880 elements"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[31m!! check ptx "), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[31m!! mode ptx FAILED: wrong results"), std::string::npos) << coloured;
  // The repeat of the H100 run is within its goal: not a warning, not coloured.
  const std::string h100 = print("table", read_results(recorded_file), {}, true);
  EXPECT_NE(h100.find("\nrepeat: cubin-cached vs cubin-cached#2"), std::string::npos) << h100;
}

// cubin-cached with an untraced gap of 1 us and a tracer's cost of 0.5 us; jit with a
// cost of 4 us and its untraced gap refused.
results untraced_gap_results() {
  results r = read_results(synthetic_file);
  r.modes.erase(std::remove_if(r.modes.begin(), r.modes.end(),
                               [](const mode_result& m) { return m.mode != mode::jit && m.mode != mode::cubin_cached; }),
                r.modes.end());
  r.cold_start.clear();
  for (auto& m : r.modes) {
    const bool jit = m.mode == mode::jit;
    m.status = "ok";
    m.metrics.clear();
    const double host = jit ? 12000 : 4000, cost = jit ? 4000 : 500;
    m.metrics.push_back(make_metric("host.time_per_launch", "ns", {host, host, host}, 20));
    m.metrics.push_back(make_metric("host.time_per_launch_traced", "ns", {host + cost, host + cost}, 20));
    m.metrics.push_back(*tracer_cost_metric(m.metrics[0], m.metrics[1]));
    if (jit) m.not_measured.push_back({"gap.untraced_mean", "the kernels ran on 2 streams: two events on one stream "
                                                            "do not bound the others' work"});
    else m.metrics.push_back(make_metric("gap.untraced_mean", "ns", {1000, 1000}, 20));
  }
  return r;
}

TEST(TableReporter, ShowsTheUntracedGapTheTracersCostAndWhatWasNotMeasured) {
  const std::string table = print("table", untraced_gap_results(), {});
  for (const char* line :
       {"mode jit: gap.untraced_mean not measured: the kernels ran on 2 streams: two events on one stream do not bound "
        "the others' work\n",
        "gap per launch, untraced             not measured       1.000 us ±0.0%\n",
        "host time per launch              12.000 us ±0.0%       4.000 us ±0.0%\n",
        "  same, while traced              16.000 us ±0.0%       4.500 us ±0.0%\n",
        "  tracer's cost per launch         4.000 us ±0.0%         500 ns ±0.0%\n",
        "gap per launch, untraced                  -          1.00x\n",
        "  tracer's cost per launch            8.00x          1.00x\n"})
    EXPECT_NE(table.find(line), std::string::npos) << line << "\nin\n" << table;
  const std::string md = print("markdown", untraced_gap_results(), {});
  EXPECT_NE(md.find("| gap per launch, untraced | not measured | 1.000 us ±0.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("| tracer's cost per launch | 4.000 us ±0.0% | 500 ns ±0.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("- mode `jit`: `gap.untraced_mean` not measured: the kernels ran on 2 streams"), std::string::npos)
      << md;
  // One mode: a row saying so.
  results one = untraced_gap_results();
  one.modes.pop_back();
  const std::string single = print("table", one, {});
  EXPECT_NE(single.find("\ngap per launch, untraced           - not measured\n"), std::string::npos) << single;
  // Both measured: the ratio row has jit's untraced gap to cubin-cached's.
  results both = untraced_gap_results();
  both.modes[0].not_measured.clear();
  both.modes[0].metrics.push_back(make_metric("gap.untraced_mean", "ns", {6000, 6000}, 20));
  const std::string with_ratio = print("table", both, {});
  EXPECT_NE(with_ratio.find("gap per launch, untraced              6.00x          1.00x\n"), std::string::npos)
      << with_ratio;
}

// Issue 18: the synthetic results with invented cold starts broken down into phases.
results cold_phase_results() {
  results r = read_results(synthetic_file);
  r.cold_start = tb::bench::test::invented_cold_starts();
  return r;
}

TEST(TableReporter, ShowsTheColdStartPhasesPerKindOfProcess) {
  // The whole cold-start part, to the byte (tests/bench/data/table/cold_phases.txt).
  const std::string table = print("table", cold_phase_results(), {});
  const std::string expected = read_text(std::string(TB_BENCH_DATA) + "/table/cold_phases.txt");
  const auto at = table.find("\ncold start: ");
  ASSERT_NE(at, std::string::npos) << table;
  EXPECT_EQ(table.substr(at + 1), expected);
  // Over 1 ms after the context is flagged, and coloured only with colours on.
  results slow = cold_phase_results();
  slow.cold_start[0] = tb::bench::test::cold_start_with_phases(
      "cubin-cached", {{"main", {1e6}}, {"buffers", {1e6}}, {"module", {1.5e6}}, {"complete", {1e3}}});
  const std::string flagged = print("table", slow, {});
  EXPECT_NE(flagged.find("!! 1.501 ms"), std::string::npos) << flagged;
  EXPECT_NE(flagged.find("goal <= 1 ms for the AOT modes (!! over it)\n"), std::string::npos) << flagged;
  EXPECT_EQ(strip_ansi(print("table", slow, {}, true)), flagged);
  // Results without phases (every file before them): no phase table.
  EXPECT_EQ(print("table", read_results(synthetic_file), {}).find("cold start by phase"), std::string::npos);
}

TEST(MarkdownReporter, ListsTheColdStartPhases) {
  const std::string md = print("markdown", cold_phase_results(), {});
  EXPECT_NE(md.find("| mode | phases | after context | total |\n|:---|:---|---:|---:|\n"
                    "| cubin-cached | main 1.100 ms, setup 2.100 ms, driver 96.000 ms, context 87.000 ms, buffers "
                    "9.100 ms, module 200.000 us, launch 13.000 us, complete 42.000 us | 255.000 us | 195.555 ms |\n"
                    "| ptx | main 1.100 ms, setup 2.100 ms, driver 96.000 ms, context 87.000 ms, buffers 9.100 ms, "
                    "launch 42.000 ms, complete 43.000 us | 42.043 ms | 237.443 ms |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| jit (empty Triton cache) | python 31.000 ms, torch 2.100 s, "), std::string::npos) << md;
}

TEST(CsvReporter, HasARowPerColdStartPhase) {
  const results r = cold_phase_results();
  const auto rows = parse_csv(print("csv", r, {}));
  const std::size_t mode = column(rows[0], "mode"), metric = column(rows[0], "metric"),
                    median = column(rows[0], "median"), n = column(rows[0], "n");
  std::vector<std::string> cubin;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), rows[0].size());
    if (row[mode] == "cubin-cached" && row[metric].rfind("cold_start", 0) == 0) cubin.push_back(row[metric]);
  }
  EXPECT_EQ(cubin, (std::vector<std::string>{"cold_start", "cold_start.main", "cold_start.setup", "cold_start.driver",
                                             "cold_start.context", "cold_start.buffers", "cold_start.module",
                                             "cold_start.launch", "cold_start.complete", "cold_start.after_context"}));
  for (const auto& row : rows)
    if (row[mode] == "cubin-cached" && row[metric] == "cold_start.module") {
      EXPECT_EQ(std::stod(row[median]), 200e3);
      EXPECT_EQ(row[n], "3");
    }
}

TEST(JsonReporter, PrintsTheResultsSchemaThatReadsBack) {
  const results r = read_results(recorded_file);
  const json j = json::parse(print("json", r, {true, recorded_file}));
  EXPECT_EQ(j["schema"], "triton-bench/results");
  EXPECT_EQ(to_json(results_from_json(j)), to_json(r));
}

TEST(CsvReporter, OneRowPerModeAndMetricWithTheMedians) {
  const results r = read_results(recorded_file);
  const auto rows = parse_csv(print("csv", r, {}));
  ASSERT_FALSE(rows.empty());
  const auto& header = rows.front();
  std::size_t expected = 0;
  for (const auto& m : r.modes) expected += m.metrics.size();
  ASSERT_EQ(expected, 8u * 12u);  // 8 modes (a repeat included), 12 metrics each
  ASSERT_EQ(rows.size(), 1 + expected);
  std::ostringstream header_text;
  header_text << csv_results_header;
  EXPECT_EQ(parse_csv(header_text.str() + "\n").front(), header);
  const std::size_t mode = column(header, "mode"), metric = column(header, "metric"),
                    median = column(header, "median"), n = column(header, "n"), ratio = column(header, "ratio_to_cubin_cached");
  std::size_t i = 1;
  for (const auto& m : r.modes)
    for (const auto& x : m.metrics) {
      const auto& row = rows[i++];
      ASSERT_EQ(row.size(), header.size());
      EXPECT_EQ(row[mode], m.label());
      EXPECT_EQ(row[metric], x.id);
      EXPECT_EQ(row[n], std::to_string(x.stats.n));
      if (x.stats.n == 0) EXPECT_EQ(row[median], "") << m.label() << " " << x.id;  // graph makes no launch calls
      else EXPECT_EQ(std::stod(row[median]), x.stats.median) << m.label() << " " << x.id;  // exact: a shortest round trip
    }
  // jit's host time per launch against cubin-cached: the 4.81x of the table.
  for (const auto& row : rows)
    if (row[mode] == "jit" && row[metric] == "host.time_per_launch") {
      EXPECT_NEAR(std::stod(row[ratio]), 4.81, 0.005);
    }
}

TEST(CsvReporter, QuotesAsRfc4180Says) {
  EXPECT_EQ(csv_field("plain text"), "plain text");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  results r = read_results(synthetic_file);
  r.gpu_name = "GPU, \"the big one\"\nrev 2";
  const auto rows = parse_csv(print("csv", r, {}));
  ASSERT_GT(rows.size(), 1u);
  EXPECT_EQ(rows[1][column(rows[0], "gpu")], r.gpu_name);
  // The failed mode has no metrics, so no rows; the cold start is one.
  for (const auto& row : rows) EXPECT_NE(row[column(rows[0], "mode")], "ptx");
  EXPECT_EQ(rows.back()[column(rows[0], "metric")], "cold_start");
  EXPECT_EQ(std::stod(rows.back()[column(rows[0], "median")]), r.cold_start.front().stats.median);
}

TEST(MarkdownReporter, HasTheHeadingTheTableTheChecksAndTheRatios) {
  const results r = read_results(recorded_file);
  const std::string md = print("markdown", r, {true, "bench/recorded/results.json"});
  EXPECT_EQ(md.rfind("### triton-bench: sandwich on NVIDIA H100 80GB HBM3\n", 0), 0u) << md;
  EXPECT_NE(md.find("> **Recorded run, not measured on this machine**: 2026-11-27"), std::string::npos) << md;
  EXPECT_NE(md.find("| metric | `jit` | `ptx` | `cubin` | `ptx-cached` | `cubin-cached` | `library` | `graph` | "
                    "`cubin-cached#2` |\n|:---|---:|---:|---:|---:|---:|---:|---:|---:|\n"),
            std::string::npos)
      << md;
  const mode_result& jit = *r.find(mode::jit);
  const std::string jit_host = format_value(jit.find("host.time_per_launch")->stats.median, "ns");
  EXPECT_NE(md.find("| host time per launch | " + jit_host + " ±"), std::string::npos) << md;
  EXPECT_NE(md.find("| same, while traced | "), std::string::npos) << md;  // the table's indent dropped
  for (const auto& m : r.modes)
    EXPECT_NE(md.find("- `" + m.label() + "` host-model **passed**: 5242880 elements in 5 buffers\n"), std::string::npos)
        << m.label();
  EXPECT_NE(md.find("Ratio of the median to `cubin-cached`:"), std::string::npos);
  EXPECT_NE(md.find("| host time per launch | 4.81x | "), std::string::npos) << md;
  EXPECT_NE(md.find("host time per launch **4.81x** (goal >= 4.5x), gap before target **5.59x**"), std::string::npos);
  // Every table row has one cell per mode and the metric's.
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("| host time per launch |", 0) == 0) {
      EXPECT_EQ(std::count(line.begin(), line.end(), '|'), 10) << line;
    }
}

TEST(MarkdownReporter, AFailedModeIsMarkedAndTextIsEscaped) {
  const std::string md = print("markdown", read_results(synthetic_file), {});
  EXPECT_EQ(md.find("Recorded run"), std::string::npos);
  EXPECT_NE(md.find("- :x: `ptx` host-model **failed**: buffer 'c'\\[3\\]: got 1, expected 2\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- :x: mode `ptx` **FAILED**: wrong results"), std::string::npos) << md;
  EXPECT_EQ(markdown_text("a|b_c *d*\nnext"), "a\\|b\\_c \\*d\\* next");
}

// The H100 run as --traced-rounds 0 would have left it: no trace, so only the host clock's
// metrics of the untraced rounds.
results without_traced_rounds(results r) {
  r.traced_rounds = 0;
  for (auto& m : r.modes)
    std::erase_if(m.metrics, [](const metric_result& x) { return x.id != "host.time_per_launch" && x.id != "host.iteration"; });
  return r;
}

TEST(Reporters, WithoutTracedRoundsTheGapIsNotMeasuredRatherThanNan) {
  const results r = without_traced_rounds(read_results(recorded_file));
  const std::string table = print("table", r, {});
  EXPECT_NE(table.find("\njit / cubin-cached: host time per launch 4.81x (goal >= 4.5x), gap before target not measured "
                       "(no traced rounds)\n"),
            std::string::npos)
      << table;
  const std::string md = print("markdown", r, {});
  EXPECT_NE(md.find("`jit` / `cubin-cached`: host time per launch **4.81x** (goal >= 4.5x), gap before target not "
                    "measured (no traced rounds).\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(table.find("nanx"), std::string::npos) << table;
  EXPECT_EQ(md.find("nanx"), std::string::npos) << md;
}

tb::profiler::analysis_result sample_analysis() {
  return tb::profiler::analyze(tb::profiler::read_chrome_trace_file(std::string(TB_SOURCE_DIR) +
                                                                    "/tests/profiler/data/kineto_sample.json"));
}

TEST(Reporters, PrintAnAnalysisInEachFormat) {
  const auto a = sample_analysis();
  auto print_analysis = [&](std::string_view format) {
    std::ostringstream out;
    make_reporter(format)->report(destination{out, false}, a, "trace.json");
    return out.str();
  };
  std::ostringstream table;
  tb::profiler::print_analysis_table(table, a);
  EXPECT_EQ(print_analysis("table"), table.str());
  EXPECT_EQ(print_analysis("json"), tb::profiler::analysis_to_json(a, "trace.json"));
  const auto rows = parse_csv(print_analysis("csv"));
  ASSERT_EQ(rows.size(), 1 + a.metrics.size() + 2 * a.streams.size() + a.module_apis.size());
  for (std::size_t i = 0; i < a.metrics.size(); ++i) {
    EXPECT_EQ(rows[1 + i][2], a.metrics[i].name);
    if (a.metrics[i].stats.n) {
      EXPECT_EQ(std::stod(rows[1 + i][5]), a.metrics[i].stats.median) << a.metrics[i].name;
    }
  }
  const std::string md = print_analysis("markdown");
  EXPECT_EQ(md.rfind("### triton-bench analyze: `trace.json`\n", 0), 0u) << md;
  for (const auto& m : a.metrics) EXPECT_NE(md.find("| `" + m.name + "` | "), std::string::npos) << m.name;
}

TEST(Colour, OnlyOnATerminalAndNeverWithNoColor) {
  EXPECT_TRUE(use_colour(true, nullptr));
  EXPECT_TRUE(use_colour(true, ""));  // set but empty: no-color.org says it does not count
  EXPECT_FALSE(use_colour(true, "1"));
  EXPECT_FALSE(use_colour(false, nullptr));
  EXPECT_EQ(paint("x", colour::red, false), "x");
  EXPECT_EQ(paint("x", colour::red, true), "\x1b[31mx\x1b[0m");
}

TEST(Console, QuietKeepsErrorsOnly) {
  std::ostringstream out, err;
  const console quiet{out, err, false, false, true};
  quiet.note("a notice");
  quiet.error("an error");
  EXPECT_EQ(err.str(), "an error\n");
  EXPECT_EQ(out.str(), "");
  std::ostringstream err2;
  const console loud{out, err2, false, false, false};
  loud.note("a notice");
  EXPECT_EQ(err2.str(), "a notice\n");
}

TEST(Deliver, JsonDashPutsTheJsonAloneOnStdoutAndTheReportOnStderr) {
  const results r = read_results(recorded_file);
  std::ostringstream out, err;
  deliver(console{out, err}, {"table", "-"}, r, {true, "bench/recorded/results.json"});
  EXPECT_EQ(to_json(results_from_json(json::parse(out.str()))), to_json(r));
  EXPECT_EQ(err.str(), read_text(std::string(TB_BENCH_DATA) + "/table/recorded.txt"));

  std::ostringstream out2, err2;
  deliver(console{out2, err2}, {"json", "-"}, r, {});
  EXPECT_NO_THROW(json::parse(out2.str()));  // one document: printed once
  EXPECT_EQ(err2.str(), "");
}

TEST(Deliver, JsonFileBesideTheReport) {
  const results r = read_results(recorded_file);
  const auto file = std::filesystem::temp_directory_path() / ("tb-report-test-" + std::to_string(::getpid()) + ".json");
  std::ostringstream out, err;
  deliver(console{out, err}, {"csv", file.string()}, r, {});
  EXPECT_EQ(out.str().rfind(std::string(csv_results_header) + "\n", 0), 0u);
  EXPECT_EQ(to_json(results_from_json(json::parse(read_text(file.string())))), to_json(r));
  std::filesystem::remove(file);
  EXPECT_THROW(deliver(console{out, err}, {"xml", ""}, r, {}), std::invalid_argument);
}

// --device all (issue 19): a section per device, each the one-device report under its
// heading; the JSON is the by-device file holding both; one device of --device all gets
// its section too (the file has the same form on any machine).
TEST(Deliver, SeveralDevicesGetASectionEachAndOneByDeviceJson) {
  results r0 = read_results(recorded_file), r1 = r0;
  r1.gpu_ordinal = 1;
  const std::vector<results> runs{r0, r1};
  std::ostringstream out, err;
  deliver(console{out, err}, {"table", ""}, runs);
  const std::string one = print("table", r0, {}), other = print("table", r1, {});
  EXPECT_EQ(out.str(), "== GPU 0: " + r0.gpu_name + " (device 1 of 2) ==\n" + one + "\n== GPU 1: " + r1.gpu_name +
                           " (device 2 of 2) ==\n" + other);
  std::ostringstream md, md_err;
  deliver(console{md, md_err}, {"markdown", ""}, runs);
  EXPECT_EQ(md.str().rfind("## GPU 0: " + r0.gpu_name + " (device 1 of 2)\n\n", 0), 0u) << md.str();
  std::ostringstream js, js_err;
  deliver(console{js, js_err}, {"json", "-"}, runs);
  const auto j = json::parse(js.str());  // one document
  EXPECT_EQ(j["schema"], "triton-bench/results-by-device");
  EXPECT_EQ(j["devices"].size(), 2u);
  std::ostringstream single, single_err;
  deliver(console{single, single_err}, {"table", ""}, std::vector<results>{r0});
  EXPECT_EQ(single.str(), "== GPU 0: " + r0.gpu_name + " (device 1 of 1) ==\n" + one);
}

TEST(ExitCodes, AreTheDocumentedNumbersAndAllInTheHelp) {
  EXPECT_EQ(to_int(exit_code::ok), 0);
  EXPECT_EQ(to_int(exit_code::error), 1);
  EXPECT_EQ(to_int(exit_code::bad_option), 2);
  EXPECT_EQ(to_int(exit_code::mode_failed), 3);
  EXPECT_EQ(to_int(exit_code::unchecked), 4);
  EXPECT_EQ(to_int(exit_code::no_gpu), 5);
  const std::string help = exit_code_help();
  for (const auto& e : exit_code_table)
    EXPECT_NE(help.find("  " + std::to_string(to_int(e.code)) + "  " + std::string(e.meaning) + "\n"), std::string::npos);
}

}  // namespace
