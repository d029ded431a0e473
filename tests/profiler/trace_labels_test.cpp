// What the tracer writes into a trace about where it ran: host threads named by the OS,
// GPUs by the driver (trace_labels.hpp), and one launch-to-kernel arrow per kernel of a
// graph launch (chrome_writer.cpp).
#include "trace_builder.hpp"
#include "trace_labels.hpp"

#include <tb/profiler/trace_writer.hpp>

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>
#include <thread>

namespace tb::profiler {
namespace {

using test_support::trace_builder;

std::string track_name(const trace& t, std::uint32_t track) { return std::string(t.str(t.tracks()[track].name)); }

TEST(trace_labels, threads_with_their_default_label_get_the_os_name) {
  trace_builder b;
  const auto named = b.t.add_track({b.host, 99, b.t.intern(cupti::default_thread_label(99)), track_kind::cpu_thread, 0});
  const auto gone = b.t.add_track({b.host, 100, b.t.intern(cupti::default_thread_label(100)), track_kind::cpu_thread, 0});
  const auto other = b.t.add_process({777, b.t.intern("other"), process_kind::host, -1, 0});
  const auto foreign = b.t.add_track({other, 99, b.t.intern(cupti::default_thread_label(99)), track_kind::cpu_thread, 0});
  const auto lookup = [](std::int64_t tid) -> std::optional<std::string> {
    if (tid == 99 || tid == 4243) return "python3";
    return std::nullopt;
  };
  EXPECT_EQ(cupti::label_threads(b.t, 4242, lookup), 1U);
  EXPECT_EQ(track_name(b.t, named), "python3 (tid 99)");
  EXPECT_EQ(track_name(b.t, gone), "thread 100");          // exited: the label stays
  EXPECT_EQ(track_name(b.t, b.thread), "main thread");     // a name already given is kept
  EXPECT_EQ(track_name(b.t, foreign), "thread 99");        // another process's thread
  EXPECT_EQ(cupti::label_threads(b.t, 5, lookup), 0U);     // no such process
}

TEST(trace_labels, devices_get_the_driver_name_and_the_trace_its_gpu) {
  trace_builder b;
  const auto gpu1 = b.t.add_process({(std::int64_t{1} << 30) + 1, b.t.intern("GPU 1"), process_kind::device, 1, 2});
  const auto stream1 = b.t.add_track({gpu1, 3, b.t.intern("stream 3"), track_kind::gpu_stream, 3});
  b.kernel("k", 100, 200, 1, stream1);  // only GPU 1 ran work
  const auto lookup = [](std::int32_t d) -> std::optional<std::string> {
    if (d == 0) return "NVIDIA H200";
    if (d == 1) return "NVIDIA H100 80GB HBM3";
    return std::nullopt;
  };
  EXPECT_EQ(cupti::label_devices(b.t, lookup), 2U);
  EXPECT_EQ(b.t.str(b.t.processes()[b.gpu].name), "GPU 0: NVIDIA H200");
  EXPECT_EQ(b.t.str(b.t.processes()[gpu1].name), "GPU 1: NVIDIA H100 80GB HBM3");
  EXPECT_EQ(b.t.metadata().gpu_name, "NVIDIA H100 80GB HBM3");
  // Named already (CUPTI's device record): neither the row nor gpu_name is touched.
  EXPECT_EQ(cupti::label_devices(b.t, [](std::int32_t) { return std::optional<std::string>("other"); }), 0U);
  EXPECT_EQ(b.t.metadata().gpu_name, "NVIDIA H100 80GB HBM3");
}

TEST(trace_labels, a_trace_without_work_names_its_lowest_device) {
  trace_builder b;
  cupti::label_devices(b.t, [](std::int32_t d) { return std::optional<std::string>("dev" + std::to_string(d)); });
  EXPECT_EQ(b.t.metadata().gpu_name, "dev0");
}

TEST(trace_labels, os_thread_name_reads_this_process_threads) {
  std::optional<std::string> seen;
  std::int64_t tid = 0;
  std::thread worker([&] {
    prctl(PR_SET_NAME, "tb-label-test", 0, 0, 0);
    tid = static_cast<std::int64_t>(syscall(SYS_gettid));
    seen = cupti::os_thread_name(tid);
  });
  worker.join();
  EXPECT_EQ(seen, "tb-label-test");
  EXPECT_EQ(cupti::os_thread_name(static_cast<std::int64_t>(syscall(SYS_gettid))).has_value(), true);
  EXPECT_EQ(cupti::os_thread_name(0x3fffffff), std::nullopt);
}

TEST(chrome_trace, links_every_kernel_of_a_graph_launch) {
  trace_builder b;
  b.api("cuGraphLaunch", 100, 110, 5);
  b.kernel("a", 200, 300, 5);
  b.kernel("b", 300, 400, 5);
  b.kernel("c", 400, 500, 5);
  b.api("cuLaunchKernel", 600, 605, 9);
  b.kernel("d", 700, 800, 9);
  const std::string json = to_chrome_trace_json(b.t);
  std::map<std::string, int> starts, finishes;
  const std::regex flow("\\{\"ph\":\"([sf])\"[^}]*\"cat\":\"ac2g\"[^}]*\"id\":([0-9]+)");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), flow); it != std::sregex_iterator(); ++it)
    ++((*it)[1] == "s" ? starts : finishes)[(*it)[2]];
  // Four arrows, four ids: 5 and 9 for the first item of each call, 10 and 11 above them.
  const std::map<std::string, int> once{{"10", 1}, {"11", 1}, {"5", 1}, {"9", 1}};
  EXPECT_EQ(starts, once) << json;
  EXPECT_EQ(finishes, once) << json;
}

}  // namespace
}  // namespace tb::profiler
