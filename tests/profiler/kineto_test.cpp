// PyTorch profiler (Kineto) traces (issue 15): .json.gz read by its magic bytes, Kineto's
// conventions (ProfilerStep#N iterations, process_labels, global instants with empty
// pid/tid, cuda_profiler_range kernels), and real traces from Holistic Trace Analysis
// (tests/profiler/data/hta/README.md; the expected numbers come from expected_stats.py there).
#include <tb/profiler/analysis.hpp>
#include <tb/profiler/kernel_stats.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

using namespace tb::profiler;

namespace {

namespace fs = std::filesystem;
const fs::path hta = fs::path(TB_PROFILER_TEST_DATA) / "hta";

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path write_scratch(const std::string& name, const std::string& bytes) {
  const fs::path p = fs::temp_directory_path() / ("tb-kineto-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string error_of(const fs::path& p) {
  try {
    read_chrome_trace_file(p);
  } catch (const trace_error& e) {
    return e.what();
  }
  return "no error";
}

const process_info* process_named(const trace& t, std::string_view name) {
  for (const auto& p : t.processes())
    if (t.str(p.name) == name) return &p;
  return nullptr;
}

std::uint64_t kernel_count(const trace& t) {
  std::uint64_t n = 0;
  for (const auto& e : t.events()) n += e.kind == event_kind::kernel;
  return n;
}

// Kineto's shape: absolute microseconds, host pid/tid 100, GPU 0 with stream 7.
constexpr const char* steps_trace = R"({"schemaVersion": 1, "traceEvents": [
 {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 100, "tid": 100, "ts": 0, "dur": 50},
 {"ph": "X", "cat": "cpu_op", "name": "ProfilerStep#2", "pid": 100, "tid": 100, "ts": 50, "dur": 50},
 {"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 100, "tid": 100, "ts": 51, "dur": 5},
 {"ph": "X", "cat": "gpu_user_annotation", "name": "ProfilerStep#1", "pid": 0, "tid": 7, "ts": 20, "dur": 30},
 {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 10, "args": {"correlation": 1}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 100, "tid": 100, "ts": 10, "dur": 5,
  "args": {"correlation": 1, "cbid": 211}},
 {"name": "process_name", "ph": "M", "pid": 100, "tid": 0, "args": {"name": "python3.10"}},
 {"name": "process_labels", "ph": "M", "pid": 100, "tid": 0, "args": {"labels": "CPU"}},
 {"name": "process_name", "ph": "M", "pid": 0, "tid": 0, "args": {"name": "python3.10"}},
 {"name": "process_labels", "ph": "M", "pid": 0, "tid": 0, "args": {"labels": "GPU 0"}},
 {"name": "process_labels", "ph": "M", "pid": 3, "tid": 0, "args": {"labels": "GPU 3"}},
 {"name": "Iteration Start: PyTorch Profiler", "ph": "i", "s": "g", "pid": "Traces", "tid": "Trace PyTorch Profiler", "ts": 0},
 {"name": "Record Window End", "ph": "i", "s": "g", "pid": "", "tid": "", "ts": 100},
 {"name": "No pid at all", "ph": "i", "s": "g", "ts": 101}
]})";

}  // namespace

TEST(kineto_gzip, gz_file_reads_as_the_plain_file) {
  const trace plain = read_chrome_trace_file(hta / "event_sync_trace.json");
  const trace gz = read_chrome_trace_file(hta / "event_sync_trace.json.gz");
  EXPECT_EQ(gz, plain);
  EXPECT_EQ(plain.events().size(), 35u);  // 33 X and 2 i events of 92: flows and metadata are not events
}

TEST(kineto_gzip, detected_by_magic_bytes_not_by_name) {
  const fs::path renamed = write_scratch("no_suffix.json", read_bytes(hta / "event_sync_trace.json.gz"));
  EXPECT_EQ(read_chrome_trace_file(renamed), read_chrome_trace_file(hta / "event_sync_trace.json"));
  // parse_chrome_trace (text in memory) inflates too.
  EXPECT_EQ(parse_chrome_trace(read_bytes(renamed), "mem"), read_chrome_trace_file(renamed));
  fs::remove(renamed);
}

TEST(kineto_gzip, truncated_gz_is_a_one_line_error_naming_the_file) {
  const std::string whole = read_bytes(hta / "event_sync_trace.json.gz");
  const fs::path cut = write_scratch("cut.json.gz", whole.substr(0, whole.size() / 2));
  const std::string what = error_of(cut);
  EXPECT_EQ(what, cut.string() + ": byte " + std::to_string(whole.size() / 2) +
                      ": unexpected end of the gzip stream (a truncated .gz file)");
  EXPECT_EQ(what.find('\n'), std::string::npos);
  // Every cut through the header and the deflate stream is an error, never a crash.
  for (std::size_t n : {std::size_t{2}, std::size_t{9}, std::size_t{40}, whole.size() - 9, whole.size() - 1}) {
    const fs::path p = write_scratch("cut_n.json.gz", whole.substr(0, n));
    EXPECT_EQ(error_of(p).rfind(p.string() + ": byte ", 0), 0u) << n;
    fs::remove(p);
  }
  fs::remove(cut);
}

TEST(kineto_gzip, corrupt_gz_names_the_file_and_json_errors_the_uncompressed_offset) {
  std::string bytes = read_bytes(hta / "event_sync_trace.json.gz");
  bytes[40] = static_cast<char>(bytes[40] ^ 0x55);
  const fs::path bad = write_scratch("bad.json.gz", bytes);
  const std::string what = error_of(bad);
  EXPECT_EQ(what.rfind(bad.string() + ": byte ", 0), 0u) << what;
  EXPECT_NE(what.find("gzip"), std::string::npos) << what;
  fs::remove(bad);
  // gzip of `{"traceEvents": [x]}`: the JSON error is located in the inflated text.
  const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0x2a, 0x29,
                              0x4a, 0x4c, 0x4e, 0x75, 0x2d, 0x4b, 0xcd, 0x2b, 0x29, 0x56, 0xb2, 0x52, 0x88, 0xae,
                              0x88, 0xad, 0x05, 0x00, 0x0c, 0x54, 0xac, 0x4f, 0x14, 0x00, 0x00, 0x00};
  const fs::path json_error = write_scratch("x.json.gz", std::string(reinterpret_cast<const char*>(gz), sizeof gz));
  EXPECT_EQ(error_of(json_error), json_error.string() +
                                      ": byte 17: expected '{' in an event of \"traceEvents\" (byte offset in the "
                                      "uncompressed text)");
  fs::remove(json_error);
}

TEST(kineto_conventions, profiler_steps_are_iterations) {
  const trace t = parse_chrome_trace(steps_trace, "steps.json");
  // user_annotation and cpu_op steps count; the gpu_user_annotation copy on the stream does not.
  EXPECT_EQ(analyze(t).iterations, 2u);
  EXPECT_EQ(analyze(t).find("iteration.duration")->samples, (std::vector<double>{50'000, 50'000}));
}

TEST(kineto_conventions, iteration_range_option_chooses_the_ranges) {
  const trace t = parse_chrome_trace(steps_trace, "steps.json");
  analysis_options o;
  o.iteration_range = "ProfilerStep#1";  // exact
  EXPECT_EQ(analyze(t, o).iterations, 1u);
  o.iteration_range = "ProfilerStep#";  // a prefix
  EXPECT_EQ(analyze(t, o).iterations, 2u);
  o.iteration_range = "aten::add";  // any range name, Kineto's cpu_op included
  EXPECT_EQ(analyze(t, o).iterations, 1u);
  o.iteration_range = "ProfilerStep";  // neither exact nor ending in '#'
  EXPECT_EQ(analyze(t, o).iterations, 0u);
  EXPECT_TRUE(matches_range_name("ProfilerStep#12", "ProfilerStep#"));
  EXPECT_FALSE(matches_range_name("ProfilerStep#12", "ProfilerStep#1"));
  EXPECT_TRUE(is_iteration_range_name("ProfilerStep#3"));
}

TEST(kineto_conventions, process_labels_name_processes) {
  const trace t = parse_chrome_trace(steps_trace, "steps.json");
  const auto* gpu = process_named(t, "GPU 0");
  ASSERT_NE(gpu, nullptr);
  EXPECT_EQ(gpu->pid, 0);
  EXPECT_EQ(gpu->kind, process_kind::device);
  EXPECT_EQ(gpu->device_id, 0);
  const auto* idle_gpu = process_named(t, "GPU 3");  // a label alone: a device, no events
  ASSERT_NE(idle_gpu, nullptr);
  EXPECT_EQ(idle_gpu->kind, process_kind::device);
  EXPECT_EQ(idle_gpu->device_id, 3);
  const auto* host = process_named(t, "python3.10 (CPU)");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->kind, process_kind::host);
}

TEST(kineto_conventions, empty_pid_instants_are_global_on_their_own_process) {
  const trace t = parse_chrome_trace(steps_trace, "steps.json");
  const auto* global = process_named(t, "global");
  ASSERT_NE(global, nullptr);
  int seen = 0;
  for (const auto& e : t.events()) {
    if (t.str(e.name) != "Record Window End" && t.str(e.name) != "No pid at all") continue;
    ++seen;
    EXPECT_EQ(e.kind, event_kind::nvtx_marker);
    EXPECT_EQ(&t.processes()[e.process], global);
    ASSERT_EQ(e.args_count, 1u);
    EXPECT_EQ(t.str(t.args_of(e)[0].key), "scope");
    EXPECT_EQ(t.str(t.args_of(e)[0].value), "global");
  }
  EXPECT_EQ(seen, 2);
  for (const auto& tr : t.tracks()) {
    if (&t.processes()[tr.process] == global && tr.tid != 0) {
      EXPECT_EQ(t.str(tr.name), "global");
    }
  }
}

TEST(kineto_conventions, cuda_profiler_range_events_are_kernels) {
  const trace t = parse_chrome_trace(R"([
    {"ph": "X", "cat": "cuda_profiler_range", "name": "range_kernel", "pid": 0, "tid": 0, "ts": 1, "dur": 2,
     "args": {"smsp__inst_executed.sum": 7}},
    {"ph": "X", "cat": "cuda_profiler_range", "name": "range_kernel", "pid": 0, "tid": 0, "ts": 3, "dur": 4}])",
                                     "ranges.json");
  EXPECT_EQ(kernel_count(t), 2u);
  const auto args = t.args_of(t.events()[0]);
  ASSERT_EQ(args.size(), 2u);  // the category kept, then the metric
  EXPECT_EQ(t.str(args[0].value), "cuda_profiler_range");
  EXPECT_EQ(t.str(args[1].key), "smsp__inst_executed.sum");
  EXPECT_EQ(t.tracks()[0].kind, track_kind::gpu_stream);
  const auto rows = per_kernel_stats(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 2u);
  EXPECT_EQ(rows[0].total_ns, 6'000);
}

// The numbers below were computed from the JSON by tests/profiler/data/hta/expected_stats.py.
TEST(hta_traces, event_sync_trace) {
  const trace t = read_chrome_trace_file(hta / "event_sync_trace.json.gz");
  EXPECT_EQ(kernel_count(t), 4u);
  EXPECT_EQ(analyze(t).iterations, 1u);  // ProfilerStep#100
  EXPECT_NE(process_named(t, "GPU 0"), nullptr);
  EXPECT_NE(process_named(t, "global"), nullptr);  // "Record Window End"
  const auto rows = per_kernel_stats(t);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].name, "at::cuda::(anonymous namespace)::spin_kernel(long)");
  EXPECT_EQ(rows[0].total_ns, 36'000);
  EXPECT_NEAR(rows[0].time_percent, 100.0 * 36 / 49, 1e-9);
  EXPECT_EQ(rows[0].launch_latency.median, 10'000);
}

TEST(hta_traces, cupti_range_profiler_trace) {
  const trace t = read_chrome_trace_file(hta / "cupti_profiler_trace.json.gz");
  EXPECT_EQ(kernel_count(t), 77u);  // all cuda_profiler_range
  const auto rows = per_kernel_stats(t);
  ASSERT_EQ(rows.size(), 16u);
  EXPECT_EQ(rows[0].name.rfind("void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous "
                               "namespace)::launch_clamp_scalar",
                               0),
            0u)
      << rows[0].name;
  EXPECT_EQ(rows[0].count, 14u);
  EXPECT_EQ(rows[0].total_ns, 1'700'034'000);
  EXPECT_EQ(rows[0].launch_api.n, 0u);  // range-profiler kernels carry no correlation id
}

TEST(hta_traces, simple_add_trace) {
  const trace t = read_chrome_trace_file(hta / "simple_add_trace.json.gz");
  EXPECT_EQ(kernel_count(t), 79u);
  const auto rows = per_kernel_stats(t);
  ASSERT_EQ(rows.size(), 16u);
  EXPECT_EQ(rows[0].name, "ampere_sgemm_32x32_sliced1x4_tn");
  EXPECT_EQ(rows[0].count, 6u);
  EXPECT_EQ(rows[0].total_ns, 2'673'000);
  EXPECT_EQ(rows[0].duration.median, 396'500);
  EXPECT_EQ(rows[0].launch_latency.median, 22'500);
  EXPECT_NEAR(rows[0].time_percent, 100.0 * 2673 / 10728, 1e-9);
  kernel_stats_options by_stream;
  by_stream.by_stream = true;
  EXPECT_EQ(per_kernel_stats(t, by_stream).size(), 16u);  // two streams, no kernel name on both
}
