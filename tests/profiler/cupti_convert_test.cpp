// Feeds records built from the real CUPTI 13.0 structs to the converter: no GPU, no libcupti.
#include "record_converter.hpp"

#include <tb/profiler/analysis.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace tb::profiler;

namespace {

template <class Record>
Record zeroed() {
  Record r;
  std::memset(&r, 0, sizeof r);
  return r;
}

std::string fake_names(CUpti_CallbackDomain domain, CUpti_CallbackId cbid) {
  if (domain == CUPTI_CB_DOMAIN_DRIVER_API && cbid == 307) return "cuLaunchKernel";
  if (domain == CUPTI_CB_DOMAIN_DRIVER_API && cbid == 19) return "cuModuleLoadData";
  if (domain == CUPTI_CB_DOMAIN_RUNTIME_API && cbid == 211) return "cudaLaunchKernel";
  return {};
}

CUpti_ActivityAPI api(CUpti_ActivityKind kind, CUpti_CallbackId cbid, std::uint64_t start, std::uint64_t end,
                      std::uint32_t correlation) {
  auto r = zeroed<CUpti_ActivityAPI>();
  r.kind = kind;
  r.cbid = cbid;
  r.start = start;
  r.end = end;
  r.processId = 100;
  r.threadId = 101;
  r.correlationId = correlation;
  return r;
}

CUpti_ActivityKernel10 kernel(const char* name, std::uint64_t start, std::uint64_t end, std::uint32_t correlation,
                              std::uint32_t stream = 7) {
  auto r = zeroed<CUpti_ActivityKernel10>();
  r.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
  r.name = name;
  r.start = start;
  r.end = end;
  r.correlationId = correlation;
  r.deviceId = 0;
  r.contextId = 1;
  r.streamId = stream;
  r.gridX = 4;
  r.gridY = 2;
  r.gridZ = 1;
  r.blockX = 128;
  r.blockY = 1;
  r.blockZ = 1;
  r.registersPerThread = 40;
  r.staticSharedMemory = 1024;
  r.dynamicSharedMemory = 4096;
  r.graphId = 0;
  return r;
}

const CUpti_Activity& as_activity(const void* p) { return *static_cast<const CUpti_Activity*>(p); }

}  // namespace

TEST(cupti_convert, converts_every_modelled_kind) {
  cupti::record_converter c(&fake_names);
  const auto load = api(CUPTI_ACTIVITY_KIND_DRIVER, 19, 1'000, 19'000, 1);
  const auto launch1 = api(CUPTI_ACTIVITY_KIND_DRIVER, 307, 20'000, 25'000, 2);
  const auto launch2 = api(CUPTI_ACTIVITY_KIND_RUNTIME, 211, 26'000, 30'000, 3);
  const auto k1 = kernel("tb_kernel_a", 27'000, 28'000, 2);
  const auto k2 = kernel("_Z8kernel_bPf", 31'000, 31'500, 3);
  auto copy = zeroed<CUpti_ActivityMemcpy6>();
  copy.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
  copy.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_HTOD;
  copy.bytes = 4096;
  copy.start = 500;
  copy.end = 900;
  copy.streamId = 7;
  copy.correlationId = 9;
  auto set = zeroed<CUpti_ActivityMemset4>();
  set.kind = CUPTI_ACTIVITY_KIND_MEMSET;
  set.bytes = 64;
  set.value = 0;
  set.start = 32'000;
  set.end = 32'100;
  set.streamId = 8;
  auto range_start = zeroed<CUpti_ActivityMarker2>();
  range_start.kind = CUPTI_ACTIVITY_KIND_MARKER;
  range_start.flags = CUPTI_ACTIVITY_FLAG_MARKER_START;
  range_start.timestamp = 100;
  range_start.id = 5;
  range_start.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  range_start.objectId.pt.processId = 100;
  range_start.objectId.pt.threadId = 101;
  range_start.name = "iteration";
  auto range_end = range_start;
  range_end.flags = CUPTI_ACTIVITY_FLAG_MARKER_END;
  range_end.timestamp = 40'000;
  range_end.name = nullptr;
  auto instant = range_start;
  instant.flags = CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS;
  instant.id = 6;
  instant.timestamp = 150;
  instant.name = "mark";
  instant.domain = "tb";
  auto sync = zeroed<CUpti_ActivitySynchronization2>();
  sync.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
  sync.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE;
  sync.start = 33'000;
  sync.end = 34'000;
  sync.correlationId = 3;  // same id as the runtime launch: lands on its thread
  auto overhead = zeroed<CUpti_ActivityOverhead3>();
  overhead.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
  overhead.overheadKind = CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION;
  overhead.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  overhead.objectId.pt.processId = 100;
  overhead.objectId.pt.threadId = 101;
  overhead.start = 2'000;
  overhead.end = 3'000;
  auto device = zeroed<CUpti_ActivityDevice5>();
  device.kind = CUPTI_ACTIVITY_KIND_DEVICE;
  device.id = 0;
  device.name = "NVIDIA H200";
  auto thread_name = zeroed<CUpti_ActivityName>();
  thread_name.kind = CUPTI_ACTIVITY_KIND_NAME;
  thread_name.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  thread_name.objectId.pt.processId = 100;
  thread_name.objectId.pt.threadId = 101;
  thread_name.name = "main";
  auto marker_data = zeroed<CUpti_ActivityMarkerData2>();
  marker_data.kind = CUPTI_ACTIVITY_KIND_MARKER_DATA;

  // Records arrive out of time order, as they do from several CUPTI buffers.
  for (const void* r : std::vector<const void*>{&k2, &launch2, &device, &load, &range_start, &launch1, &k1, &copy, &set,
                                                &instant, &range_end, &sync, &overhead, &thread_name, &marker_data}) {
    c.add(as_activity(r));
  }
  EXPECT_EQ(c.ignored_records(), 1u);  // MARKER_DATA
  const trace t = c.take();
  ASSERT_TRUE(t.is_sorted_by_start());
  EXPECT_EQ(t.metadata().gpu_name, "NVIDIA H200");
  ASSERT_EQ(t.events().size(), 11u);

  std::map<std::string, const event*> by_name;
  for (const auto& e : t.events()) by_name[std::string(t.str(e.name))] = &e;
  ASSERT_TRUE(by_name.count("cuLaunchKernel"));
  ASSERT_TRUE(by_name.count("cudaLaunchKernel"));
  ASSERT_TRUE(by_name.count("kernel_b(float*)"));  // demangled
  const auto& l1 = *by_name["cuLaunchKernel"];
  EXPECT_EQ(l1.kind, event_kind::driver_api);
  EXPECT_EQ(l1.cbid, 307u);
  EXPECT_EQ(l1.correlation_id, 2u);
  EXPECT_EQ(t.str(t.tracks()[l1.track].name), "main");
  EXPECT_EQ(t.processes()[l1.process].pid, 100);
  const auto& ka = *by_name["tb_kernel_a"];
  EXPECT_EQ(ka.kind, event_kind::kernel);
  EXPECT_EQ(ka.start_ns, 27'000);
  EXPECT_EQ(ka.end_ns, 28'000);
  const auto* info = t.kernel_of(ka);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->grid, (dim3i{4, 2, 1}));
  EXPECT_EQ(info->block, (dim3i{128, 1, 1}));
  EXPECT_EQ(info->registers_per_thread, 40u);
  EXPECT_EQ(info->static_shared_bytes, 1024u);
  EXPECT_EQ(info->dynamic_shared_bytes, 4096u);
  EXPECT_EQ(info->stream_id, 7u);
  EXPECT_EQ(t.processes()[ka.process].kind, process_kind::device);
  EXPECT_EQ(t.str(t.processes()[ka.process].name), "GPU 0: NVIDIA H200");
  EXPECT_EQ(t.tracks()[ka.track].kind, track_kind::gpu_stream);
  EXPECT_EQ(t.tracks()[ka.track].tid, 7);
  EXPECT_EQ(t.str(t.tracks()[by_name["Memset"]->track].name), "stream 8");
  EXPECT_EQ(by_name["Memcpy HtoD"]->kind, event_kind::memcpy);
  EXPECT_EQ(t.str(t.args_of(*by_name["Memcpy HtoD"])[0].value), "4096");
  const auto& it = *by_name["iteration"];
  EXPECT_EQ(it.kind, event_kind::nvtx_range);
  EXPECT_EQ(it.start_ns, 100);
  EXPECT_EQ(it.end_ns, 40'000);
  EXPECT_EQ(it.track, l1.track);
  EXPECT_EQ(by_name["mark"]->kind, event_kind::nvtx_marker);
  EXPECT_EQ(t.str(t.args_of(*by_name["mark"])[0].value), "tb");
  EXPECT_EQ(by_name["cudaContextSynchronize"]->kind, event_kind::synchronization);
  EXPECT_EQ(by_name["cudaContextSynchronize"]->track, l1.track);
  EXPECT_EQ(by_name["CUPTI instrumentation"]->kind, event_kind::overhead);

  // The converted trace feeds the analysis: launch -> kernel by correlation id.
  analysis_options o;
  o.target = "tb_kernel_a";
  const auto r = analyze(t, o);
  EXPECT_EQ(r.find("launch.latency")->samples, (std::vector<double>{7'000}));
  EXPECT_EQ(r.find("module.call_duration")->samples, (std::vector<double>{18'000}));
  EXPECT_EQ(r.find("gap.before_target")->samples, (std::vector<double>{}));
  EXPECT_EQ(r.find("gap.after_target")->samples, (std::vector<double>{3'000}));
}

TEST(cupti_convert, walks_a_buffer_with_the_given_iterator) {
  // A fake buffer of two back-to-back records, walked by a stand-in for
  // cuptiActivityGetNextRecord.
  alignas(8) std::uint8_t buffer[sizeof(CUpti_ActivityAPI) * 2];
  const auto a = api(CUPTI_ACTIVITY_KIND_DRIVER, 307, 10, 20, 1);
  const auto b = api(CUPTI_ACTIVITY_KIND_DRIVER, 307, 30, 45, 2);
  std::memcpy(buffer, &a, sizeof a);
  std::memcpy(buffer + sizeof a, &b, sizeof b);
  static std::size_t offset;
  offset = 0;
  auto next = +[](uint8_t* buf, size_t valid, CUpti_Activity** record) -> CUptiResult {
    if (offset + sizeof(CUpti_ActivityAPI) > valid) return CUPTI_ERROR_MAX_LIMIT_REACHED;
    *record = reinterpret_cast<CUpti_Activity*>(buf + offset);
    offset += sizeof(CUpti_ActivityAPI);
    return CUPTI_SUCCESS;
  };
  cupti::record_converter c(&fake_names);
  c.add_buffer(buffer, sizeof buffer, next);
  const auto t = c.take();
  ASSERT_EQ(t.events().size(), 2u);
  EXPECT_EQ(t.events()[1].duration_ns(), 15);
  EXPECT_EQ(c.converted_records(), 2u);
}

TEST(cupti_convert, unmatched_marker_end_and_unclosed_start_are_counted) {
  cupti::record_converter c(&fake_names);
  auto end = zeroed<CUpti_ActivityMarker2>();
  end.kind = CUPTI_ACTIVITY_KIND_MARKER;
  end.flags = CUPTI_ACTIVITY_FLAG_MARKER_END;
  end.id = 1;
  end.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  c.add(as_activity(&end));
  auto start = end;
  start.flags = CUPTI_ACTIVITY_FLAG_MARKER_START;
  start.id = 2;
  start.name = "open";
  c.add(as_activity(&start));
  const auto t = c.take();
  EXPECT_TRUE(t.events().empty());
  ASSERT_EQ(t.metadata().values.size(), 1u);
  EXPECT_EQ(t.metadata().values[0], (std::pair<std::string, std::string>{"unclosed_nvtx_ranges", "1"}));
}

// CUPTI leaves an incomplete record's end before its start (end 0): no event with a
// negative duration may reach the trace (the reader rejects one), it is counted instead.
TEST(cupti_convert, a_record_ending_before_it_starts_is_counted_not_kept) {
  cupti::record_converter c(&fake_names);
  const auto done = kernel("tb_kernel_a", 27'000, 28'000, 2);
  const auto incomplete = kernel("tb_kernel_b", 29'000, 0, 3);
  const auto api_incomplete = api(CUPTI_ACTIVITY_KIND_DRIVER, 307, 20'000, 0, 2);
  c.add(as_activity(&done));
  c.add(as_activity(&incomplete));
  c.add(as_activity(&api_incomplete));
  EXPECT_EQ(c.ignored_records(), 2u);
  const auto t = c.take();
  ASSERT_EQ(t.events().size(), 1u);
  EXPECT_EQ(t.str(t.events()[0].name), "tb_kernel_a");
  for (const auto& e : t.events()) EXPECT_GE(e.end_ns, e.start_ns);
}
