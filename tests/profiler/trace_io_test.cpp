#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>
#include <tb/profiler/trace_writer.hpp>

#include "trace_builder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

using namespace tb::profiler;

namespace {

trace rich_trace() {
  test_support::trace_builder b;
  auto& md = b.t.metadata();
  md.gpu_name = "NVIDIA H200";
  md.driver_version = "580.159.04";
  md.cuda_version = "13.0";
  md.cupti_version = "130001";
  md.mode = "cubin-cached";
  md.scenario = "add \"quoted\"\n";
  md.dropped_records = 3;
  md.values = {{"host", "gpu-01"}, {"unicode", "\xc3\xa9t\xc3\xa9 \xf0\x9f\x9a\x80"}, {"host", "dup"}};
  const std::int64_t t0 = 1'700'000'000'123'456'789;
  b.range("iteration", t0, t0 + 10'000);
  b.api("cuModuleLoadData", t0 + 1, t0 + 41'001);
  b.api("cuLaunchKernel", t0 + 100, t0 + 105, 11);
  b.api("cudaLaunchKernel", t0 + 200, t0 + 299, 12, event_kind::runtime_api);
  b.kernel("k\t\"weird\" name \\ \x01", t0 + 150, t0 + 1'150, 11);
  b.kernel("k2", t0 + 1'300, t0 + 1'301, 12, b.add_stream(13));
  event m;
  m.kind = event_kind::nvtx_marker;
  m.name = b.t.intern("marker");
  m.start_ns = m.end_ns = t0 + 5;
  m.track = b.thread;
  const event_arg margs[] = {{b.t.intern("domain"), b.t.intern("tb")}, {b.t.intern("correlation"), b.t.intern("not a number")}};
  b.t.add_event(m, margs);
  event memcpy;
  memcpy.kind = event_kind::memcpy;
  memcpy.name = b.t.intern("Memcpy HtoD");
  memcpy.start_ns = t0 - 7;  // before everything else: becomes the base time
  memcpy.end_ns = t0 + 3;
  memcpy.track = b.stream;
  memcpy.correlation_id = 99;
  const event_arg cargs[] = {{b.t.intern("bytes"), b.t.intern("4096")}};
  b.t.add_event(memcpy, cargs);
  event api_err;
  api_err.kind = event_kind::driver_api;
  api_err.name = b.t.intern("cuModuleGetFunction");
  api_err.start_ns = t0 + 50;
  api_err.end_ns = t0 + 50;
  api_err.return_value = 500;
  api_err.cbid = 22;
  api_err.track = b.thread;
  b.t.add_event(api_err);
  b.t.track(b.thread).sort_index = -3;
  return b.t;
}

std::string data_file(const char* name) { return std::string(TB_PROFILER_TEST_DATA) + "/" + name; }

// Parses `text` expecting a trace_error; returns it.
trace_error parse_error(const std::string& text) {
  try {
    parse_chrome_trace(text, "t.json");
  } catch (const trace_error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return trace_error("", std::nullopt, "");
}

}  // namespace

TEST(format_ns_as_us, exact_three_decimals) {
  EXPECT_EQ(format_ns_as_us(0), "0.000");
  EXPECT_EQ(format_ns_as_us(1), "0.001");
  EXPECT_EQ(format_ns_as_us(-1), "-0.001");
  EXPECT_EQ(format_ns_as_us(1'234'567), "1234.567");
  EXPECT_EQ(format_ns_as_us(1'700'000'000'123'456'789), "1700000000123456.789");
  EXPECT_EQ(format_ns_as_us(std::numeric_limits<std::int64_t>::min()), "-9223372036854775.808");
}

TEST(parse_us_as_ns, exact_decimal_conversion) {
  EXPECT_EQ(parse_us_as_ns("12.345"), 12'345);
  EXPECT_EQ(parse_us_as_ns("1700000000123456.789"), 1'700'000'000'123'456'789);
  EXPECT_EQ(parse_us_as_ns("1.5e3"), 1'500'000);
  EXPECT_EQ(parse_us_as_ns("15E-1"), 1'500);
  EXPECT_EQ(parse_us_as_ns("0.0005"), 1);   // half away from zero
  EXPECT_EQ(parse_us_as_ns("0.00049999"), 0);
  EXPECT_EQ(parse_us_as_ns("-0.0005"), -1);
  EXPECT_EQ(parse_us_as_ns("-12"), -12'000);
  EXPECT_EQ(parse_us_as_ns("0"), 0);
  EXPECT_EQ(parse_us_as_ns("0.000000000000000000000000000001"), 0);
  EXPECT_EQ(parse_us_as_ns("4611686018427387.903"), (std::int64_t{1} << 62) - 1);
  EXPECT_FALSE(parse_us_as_ns("4611686018427387.904").has_value());
  EXPECT_FALSE(parse_us_as_ns("1e300").has_value());
  EXPECT_FALSE(parse_us_as_ns("abc").has_value());
  EXPECT_FALSE(parse_us_as_ns("1.").has_value());
  EXPECT_FALSE(parse_us_as_ns("01").has_value());
}

TEST(chrome_trace, round_trip_is_lossless) {
  const trace t = rich_trace();
  const std::string json = to_chrome_trace_json(t);
  const trace back = parse_chrome_trace(json, "mem");
  EXPECT_TRUE(back == t);
  EXPECT_EQ(to_chrome_trace_json(back), json);  // and the writer is deterministic
}

TEST(chrome_trace, round_trip_through_a_file) {
  const trace t = rich_trace();
  const auto path = std::filesystem::temp_directory_path() / "tb_profiler_round_trip.json";
  write_chrome_trace_file(t, path);
  EXPECT_TRUE(read_chrome_trace_file(path) == t);
  std::filesystem::remove(path);
}

TEST(chrome_trace, writes_what_perfetto_needs) {
  const std::string json = to_chrome_trace_json(rich_trace());
  EXPECT_NE(json.find("\"displayTimeUnit\":\"ns\""), std::string::npos);
  EXPECT_NE(json.find("\"baseTimeNanoseconds\":1700000000123456782"), std::string::npos);
  EXPECT_NE(json.find("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":4242"), std::string::npos);
  EXPECT_NE(json.find("\"thread_sort_index\""), std::string::npos);
  // The kernel: ts relative to the base with three decimals, Kineto-style args.
  EXPECT_NE(json.find("\"cat\":\"kernel\",\"name\":\"k\\t\\\"weird\\\" name \\\\ \\u0001\",\"pid\":1073741824,\"tid\":7,"
                      "\"ts\":0.157,\"dur\":1.000,\"args\":{\"correlation\":11,\"grid\":[4,1,1],\"block\":[128,1,1],"
                      "\"registers per thread\":32,\"shared memory\":1280"),
            std::string::npos)
      << json;
  // Flow from the launch call to its kernel.
  EXPECT_NE(json.find("{\"ph\":\"s\",\"cat\":\"ac2g\",\"name\":\"ac2g\",\"id\":11,\"pid\":4242,\"tid\":4243,\"ts\":0.107}"),
            std::string::npos);
  EXPECT_NE(json.find("{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"ac2g\",\"name\":\"ac2g\",\"id\":11,\"pid\":1073741824,\"tid\":7,\"ts\":0.157}"),
            std::string::npos);
  EXPECT_NE(json.find("{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"user_annotation\",\"name\":\"marker\""), std::string::npos);
}

TEST(chrome_trace, reads_kineto_traces) {
  const trace t = read_chrome_trace_file(data_file("kineto_sample.json"));
  EXPECT_EQ(t.metadata().gpu_name, "NVIDIA H200");
  EXPECT_EQ(t.metadata().cuda_version, "13000");
  ASSERT_EQ(t.events().size(), 10u);  // 9 X events + 1 marker; flows and M events are not events
  const std::int64_t base = 1'700'000'000'000'000'000;
  std::size_t kernels = 0;
  for (const auto& e : t.events()) {
    if (e.kind != event_kind::kernel) continue;
    ++kernels;
    const auto* k = t.kernel_of(e);
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->grid, (dim3i{4, 1, 1}));
    EXPECT_EQ(k->block, (dim3i{1024, 1, 1}));
    EXPECT_EQ(k->registers_per_thread, 16u);
    EXPECT_EQ(k->static_shared_bytes, 512u);
    EXPECT_EQ(k->stream_id, 7u);
    EXPECT_EQ(t.str(e.name), "void add_kernel<float>(float*, float*, float*, int)");
    EXPECT_EQ(t.processes()[e.process].kind, process_kind::device);
    EXPECT_EQ(t.processes()[e.process].device_id, 0);
    EXPECT_EQ(t.tracks()[e.track].kind, track_kind::gpu_stream);
    EXPECT_EQ(t.str(t.tracks()[e.track].name), "stream 7 ");
    if (e.correlation_id == 17) {
      EXPECT_EQ(e.start_ns, base + 112'500);
      EXPECT_EQ(e.end_ns, base + 113'360);
    }
  }
  EXPECT_EQ(kernels, 2u);
  const auto& launch = t.events()[2];
  EXPECT_EQ(launch.kind, event_kind::runtime_api);
  EXPECT_EQ(launch.cbid, 211u);
  EXPECT_EQ(launch.correlation_id, 17u);
  ASSERT_EQ(t.args_of(launch).size(), 1u);
  EXPECT_EQ(t.str(t.args_of(launch)[0].key), "External id");
  EXPECT_EQ(t.str(t.args_of(launch)[0].value), "5");
  const auto& cpu_op = t.events()[1];
  EXPECT_EQ(cpu_op.kind, event_kind::other);
  EXPECT_EQ(t.str(t.args_of(cpu_op)[0].key), "cat");
  EXPECT_EQ(t.str(t.args_of(cpu_op)[0].value), "cpu_op");
  const auto& memset = t.events()[8];
  EXPECT_EQ(memset.kind, event_kind::memset);
  EXPECT_EQ(memset.start_ns, base + 140'001);  // 140.0005 us rounds half away from zero
  const auto& marker = t.events()[9];
  EXPECT_EQ(marker.kind, event_kind::nvtx_marker);
  EXPECT_EQ(t.str(t.processes()[marker.process].name), "Traces");
  EXPECT_EQ(t.str(t.tracks()[marker.track].name), "PyTorch Profiler");
  EXPECT_EQ(t.str(t.processes()[t.events()[0].process].name), "python3");
  EXPECT_EQ(t.processes()[t.events()[0].process].kind, process_kind::host);

  // What we read from Kineto survives our own round trip.
  EXPECT_TRUE(parse_chrome_trace(to_chrome_trace_json(t)) == t);

  // And the analysis sees the launch latency through the correlation ids.
  const auto r = analyze(t);
  EXPECT_EQ(r.target_kernels, 2u);
  const auto* latency = r.find("launch.latency");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->samples, (std::vector<double>{7'250, 15'000}));
  EXPECT_EQ(r.find("gap.before_target")->samples, (std::vector<double>{130'000 - 113'360}));
  EXPECT_EQ(r.find("iteration.duration")->samples, (std::vector<double>{200'000}));
}

TEST(chrome_trace, reads_a_bare_array_and_begin_end_pairs) {
  const trace t = parse_chrome_trace(R"([
    {"ph":"B","name":"outer","cat":"user_annotation","pid":1,"tid":2,"ts":1},
    {"ph":"B","name":"inner","pid":1,"tid":2,"ts":2,"args":{"k":"v"}},
    {"ph":"E","pid":1,"tid":2,"ts":3},
    {"ph":"E","pid":1,"tid":2,"ts":4.5},
    {"ph":"C","name":"counter","pid":1,"ts":5,"args":{"v":1}}
  ])");
  ASSERT_EQ(t.events().size(), 2u);
  EXPECT_EQ(t.str(t.events()[0].name), "inner");
  EXPECT_EQ(t.events()[0].start_ns, 2'000);
  EXPECT_EQ(t.events()[0].end_ns, 3'000);
  EXPECT_EQ(t.str(t.args_of(t.events()[0])[0].value), "v");
  EXPECT_EQ(t.events()[1].kind, event_kind::nvtx_range);
  EXPECT_EQ(t.events()[1].end_ns, 4'500);
}

TEST(chrome_trace, errors_name_the_file_and_the_byte_offset) {
  const std::regex one_line(R"(^t\.json: byte [0-9]+: [^\n]+$)");
  {
    const std::string text = R"({"traceEvents":[{"ph":"X","pid":1,"ts":"abc"}]})";
    const auto e = parse_error(text);
    EXPECT_EQ(e.offset(), text.find("\"abc\""));
    EXPECT_EQ(e.message(), "expected a number of microseconds for \"ts\"");
    EXPECT_TRUE(std::regex_match(std::string(e.what()), one_line)) << e.what();
  }
  {
    const std::string text = R"({"traceEvents":[{"ph":"X","pid":1,"dur":1}]})";
    const auto e = parse_error(text);
    EXPECT_EQ(e.offset(), text.find("{\"ph\""));
    EXPECT_EQ(e.message(), "expected a \"ts\" member in this event");
  }
  {
    const std::string text = R"({"traceEvents":[{"ph":"i","pid":1,"ts":0},]})";
    const auto e = parse_error(text);
    EXPECT_EQ(e.offset(), text.find(",]") + 1);
    EXPECT_TRUE(std::regex_match(std::string(e.what()), one_line)) << e.what();
  }
  {
    const std::string text = R"({"traceEvents":[{"ph":"X","cat":"kernel","pid":0,"ts":1,"args":{"grid":[1,2]}}]})";
    const auto e = parse_error(text);
    EXPECT_EQ(e.offset(), text.find("[1,2]"));
    EXPECT_EQ(e.message(), "expected an array of 3 integers for \"grid\"");
  }
  {
    const auto e = parse_error("{\"traceEvents\":[{\"name\":\"a\x01\"}]}");
    EXPECT_EQ(e.offset(), 26u);
  }
  {
    const auto e = parse_error("  nope");
    EXPECT_EQ(e.offset(), 2u);
    EXPECT_EQ(e.message(), "expected '{' or '[' at the start of a trace");
  }
  {
    const auto e = parse_error("[] x");
    EXPECT_EQ(e.offset(), 3u);
  }
}

TEST(chrome_trace, every_truncation_is_an_error_not_a_crash) {
  const std::string json = to_chrome_trace_json(rich_trace());
  const std::regex one_line(R"(^t\.json: byte [0-9]+: [^\n]+$)");
  std::size_t checked = 0;
  for (std::size_t cut = 0; cut + 2 < json.size(); cut += 7) {
    const std::string text = json.substr(0, cut);
    try {
      parse_chrome_trace(text, "t.json");
      ADD_FAILURE() << "truncation at " << cut << " was accepted";
    } catch (const trace_error& e) {
      ASSERT_TRUE(e.offset().has_value());
      EXPECT_LE(*e.offset(), text.size());
      EXPECT_TRUE(std::regex_match(std::string(e.what()), one_line)) << e.what();
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
  // A cut inside the event list reports the end of the file.
  const auto cut = json.find("\"cuLaunchKernel\"") + 5;
  const auto e = parse_error(json.substr(0, cut));
  EXPECT_EQ(e.offset(), cut);
  EXPECT_NE(e.message().find("unexpected end of file"), std::string::npos);
}

TEST(chrome_trace, missing_file_is_one_line_error) {
  try {
    read_chrome_trace_file("/nonexistent/trace.json");
    FAIL() << "no error";
  } catch (const trace_error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/trace.json: cannot open: No such file or directory");
  }
}

TEST(chrome_trace, rejects_times_out_of_range) {
  const auto e = parse_error(R"({"otherData":{"baseTimeNanoseconds":4611686018427387000},"traceEvents":[{"ph":"X","pid":1,"ts":1000}]})");
  EXPECT_NE(e.message().find("2^62"), std::string::npos);
  test_support::trace_builder b;
  b.api("x", std::numeric_limits<std::int64_t>::max() - 1, std::numeric_limits<std::int64_t>::max());
  EXPECT_THROW(to_chrome_trace_json(b.t), trace_error);
}

// Issue 12: what is not a trace is rejected with its byte offset (and the event's index
// in "traceEvents"), never read as an empty or a nonsense trace.
TEST(chrome_trace, negative_duration_is_rejected) {
  const std::string text = R"({"traceEvents":[{"ph":"X","pid":1,"ts":5,"dur":1},{"ph":"X","pid":1,"ts":10,"dur":-3}]})";
  const auto e = parse_error(text);
  EXPECT_EQ(e.offset(), text.find("-3"));
  EXPECT_EQ(e.message(), "expected a \"dur\" >= 0 in traceEvents[1]");
}

TEST(chrome_trace, end_before_its_begin_is_rejected) {
  const std::string text =
      R"({"traceEvents":[{"ph":"B","name":"r","pid":1,"tid":1,"ts":10},{"ph":"E","pid":1,"tid":1,"ts":4}]})";
  const auto e = parse_error(text);
  EXPECT_EQ(e.offset(), text.find("{\"ph\":\"E\""));
  EXPECT_EQ(e.message(), "expected the \"ts\" of this \"E\" event (traceEvents[1]) not before that of its \"B\" event "
                         "(traceEvents[0])");
  const std::string lone = R"([{"ph":"X","pid":1,"ts":1},{"ph":"E","pid":1,"tid":1,"ts":4}])";
  EXPECT_EQ(parse_error(lone).message(),
            "expected a matching \"B\" event before this \"E\" event (traceEvents[1])");
}

TEST(chrome_trace, object_without_trace_events_is_rejected) {
  const auto e = parse_error(R"(  {"foo": 1})");
  EXPECT_EQ(e.offset(), 2u);
  EXPECT_EQ(e.message(), "expected a \"traceEvents\" array in the top-level object (a Chrome trace)");
}

TEST(chrome_trace, results_file_is_rejected_as_not_a_trace) {
  const auto e = parse_error(R"({"schema": "triton-bench/results", "version": 3, "modes": []})");
  EXPECT_EQ(e.offset(), 0u);
  EXPECT_EQ(e.message(), "expected a trace, found triton-bench results (--json output): analyze reads the traces of "
                         "--trace DIR");
}

TEST(chrome_trace, bad_utf8_byte_is_rejected_at_its_offset) {
  const std::string text = "[{\"ph\":\"X\",\"name\":\"k\xc3\",\"pid\":1,\"ts\":1}]";
  const auto e = parse_error(text);
  EXPECT_EQ(e.offset(), text.find('\xc3'));
  EXPECT_EQ(e.message(), "expected UTF-8 text, found the byte 0xC3");
  // Well-formed multi-byte text passes; overlong forms and surrogates do not.
  EXPECT_NO_THROW(parse_chrome_trace("[{\"ph\":\"X\",\"name\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"pid\":1,\"ts\":1}]"));
  EXPECT_EQ(parse_error("[\"\xc0\xaf\"]").offset(), 2u);
  EXPECT_EQ(parse_error("[\"\xed\xa0\x80\"]").offset(), 2u);
}

TEST(chrome_trace, folder_is_one_line_error) {
  try {
    read_chrome_trace_file(TB_PROFILER_TEST_DATA);
    FAIL() << "no error";
  } catch (const trace_error& e) {
    EXPECT_EQ(std::string(e.what()),
              std::string(TB_PROFILER_TEST_DATA) + ": is a folder; expected a trace file (Chrome Trace Event JSON)");
  }
}

TEST(chrome_trace, written_trace_replaces_the_file_whole) {
  const auto dir = std::filesystem::temp_directory_path() / ("tb-trace-io-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "t.json";
  write_chrome_trace_file(rich_trace(), file);
  EXPECT_TRUE(read_chrome_trace_file(file) == rich_trace());
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);  // no temporary file left beside it
  try {
    write_chrome_trace_file(rich_trace(), dir / "missing" / "t.json");
    ADD_FAILURE() << "no error";
  } catch (const trace_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind((dir / "missing" / "t.json").string() + ": cannot write: ", 0), 0u)
        << e.what();
  }
  std::filesystem::remove_all(dir);
}
