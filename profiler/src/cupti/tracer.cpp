// The CUPTI activity tracer. Buffers of options.buffer_bytes are handed to CUPTI on
// request from a pool (buffer_pool.hpp: its own lock, buffers touched ahead of time);
// completed buffers are converted on CUPTI's thread (never on the launch path) under the
// collector's lock, which a buffer request never takes, and recycled. CUPTI's buffer callbacks are process-wide C functions, so the collected
// state is a process-wide singleton owned by at most one running tracer.
#include <tb/profiler/tracer.hpp>

#include "buffer_pool.hpp"
#include "record_converter.hpp"
#include "trace_labels.hpp"

#include <cupti.h>

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace tb::profiler {

namespace {

std::string result_text(CUptiResult r) {
  const char* s = nullptr;
  if (cuptiGetResultString(r, &s) != CUPTI_SUCCESS || s == nullptr) return "CUptiResult " + std::to_string(r);
  return std::string(s) + " (" + std::to_string(static_cast<int>(r)) + ")";
}

void check(CUptiResult r, const char* what) {
  if (r != CUPTI_SUCCESS) throw tracer_error(std::string(what) + " failed: " + result_text(r), static_cast<int>(r));
}

std::string callback_name(CUpti_CallbackDomain domain, CUpti_CallbackId cbid) {
  const char* name = nullptr;
  if (cuptiGetCallbackName(domain, cbid, &name) != CUPTI_SUCCESS || name == nullptr) return {};
  std::string s(name);
  // CUPTI names versioned entry points "cuLaunchKernel_v7000" etc.; keep the API name.
  if (const auto v = s.find("_v"); v != std::string::npos && v + 2 < s.size() &&
                                   std::all_of(s.begin() + static_cast<std::ptrdiff_t>(v + 2), s.end(),
                                               [](char c) { return c >= '0' && c <= '9'; })) {
    s.erase(v);
  }
  return s;
}

// Process-wide collection state, deliberately leaked: CUPTI may call the buffer
// callbacks from its own thread while the process exits.
struct collector {
  std::mutex mutex;
  std::unique_ptr<cupti::record_converter> converter;
  cupti::buffer_pool pool;  // not under `mutex`: it has its own
  std::uint64_t dropped = 0;
  std::uint64_t buffers = 0;
  bool os_thread_ids = false;  // CUPTI's thread ids are gettid's, not pthread_self's
  const tracer* owner = nullptr;
};

collector& state() {
  static collector* c = new collector;
  return *c;
}

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  const cupti::activity_buffer b = state().pool.acquire();
  *buffer = b.data;
  *size = b.bytes;
  *max_records = 0;
}

void CUPTIAPI buffer_completed(CUcontext context, uint32_t stream, uint8_t* buffer, size_t size, size_t valid) {
  auto& s = state();
  std::size_t dropped = 0;
  cuptiActivityGetNumDroppedRecords(context, stream, &dropped);
  {
    std::lock_guard lock(s.mutex);
    s.dropped += dropped;
    ++s.buffers;
    if (s.converter && valid > 0) s.converter->add_buffer(buffer, valid, &cuptiActivityGetNextRecord);
  }
  s.pool.release(buffer, size);
}

void CUPTIAPI ignore_callback(void*, CUpti_CallbackDomain, CUpti_CallbackId, const void*) {}

std::vector<CUpti_ActivityKind> activity_kinds(const tracer_kinds& k) {
  std::vector<CUpti_ActivityKind> v;
  if (k.kernel) v.push_back(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  if (k.driver_api) v.push_back(CUPTI_ACTIVITY_KIND_DRIVER);
  if (k.runtime_api) v.push_back(CUPTI_ACTIVITY_KIND_RUNTIME);
  if (k.memcpy) v.push_back(CUPTI_ACTIVITY_KIND_MEMCPY);
  if (k.memset) v.push_back(CUPTI_ACTIVITY_KIND_MEMSET);
  if (k.synchronization) v.push_back(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION);
  if (k.nvtx) {
    v.push_back(CUPTI_ACTIVITY_KIND_MARKER);
    v.push_back(CUPTI_ACTIVITY_KIND_MARKER_DATA);
    v.push_back(CUPTI_ACTIVITY_KIND_NAME);
  }
  if (k.overhead) v.push_back(CUPTI_ACTIVITY_KIND_OVERHEAD);
  v.push_back(CUPTI_ACTIVITY_KIND_DEVICE);
  return v;
}

}  // namespace

std::string cupti_library_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuptiGetVersion), &info) != 0 && info.dli_fname != nullptr) return info.dli_fname;
  return {};
}

// NVTX reaches CUPTI only when NVTX_INJECTION64_PATH names libcupti (or a library that
// forwards to it, as libtb_cupti_inject.so does); the user's choice wins.
void route_nvtx_to_cupti() {
  if (std::getenv("NVTX_INJECTION64_PATH") != nullptr) return;
  if (const std::string path = cupti_library_path(); !path.empty()) setenv("NVTX_INJECTION64_PATH", path.c_str(), 0);
}

namespace {

std::string driver_version() {
  std::ifstream f("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(f, line)) return {};
  // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Thu ..."
  std::istringstream words(line);
  std::string w;
  while (words >> w) {
    if (!w.empty() && w[0] >= '0' && w[0] <= '9' && w.find('.') != std::string::npos) return w;
  }
  return {};
}

// A driver entry point of the libcuda this process already loaded (the runtime loads it
// with RTLD_LOCAL, so RTLD_DEFAULT does not see it); nullptr when none is loaded.
void* loaded_driver_symbol(const char* name) {
  static void* const driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
  void* f = driver != nullptr ? dlsym(driver, name) : nullptr;
  return f != nullptr ? f : dlsym(RTLD_DEFAULT, name);
}

std::string cuda_version() {
  using fn = int (*)(int*);
  auto get = reinterpret_cast<fn>(loaded_driver_symbol("cuDriverGetVersion"));
  int v = 0;
  if (get == nullptr || get(&v) != 0 || v <= 0) return {};
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

// The driver's name of device `ordinal` (CUPTI's device ids are the driver's ordinals).
std::optional<std::string> driver_device_name(std::int32_t ordinal) {
  using get_fn = int (*)(int*, int);
  using name_fn = int (*)(char*, int, int);
  auto get = reinterpret_cast<get_fn>(loaded_driver_symbol("cuDeviceGet"));
  auto name = reinterpret_cast<name_fn>(loaded_driver_symbol("cuDeviceGetName"));
  int device = 0;
  char text[256] = {};
  if (get == nullptr || name == nullptr || get(&device, ordinal) != 0 || name(text, sizeof text - 1, device) != 0)
    return std::nullopt;
  return std::string(text);
}

}  // namespace

bool tracer_error::is_subscriber_conflict() const noexcept {
  return m_code == CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED;
}

tracer_kinds gpu_activity_kinds() noexcept {
  return tracer_kinds{.kernel = true, .driver_api = false, .runtime_api = false, .memcpy = true, .memset = true,
                      .synchronization = false, .nvtx = true, .overhead = false};
}

tracer_kinds parse_tracer_kinds(std::string_view list) {
  tracer_kinds k{false, false, false, false, false, false, false, false};
  std::size_t pos = 0;
  bool any = false;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    auto item = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      any = true;
      if (item == "all") k = tracer_kinds{};
      else if (item == "gpu") {
        const tracer_kinds g = gpu_activity_kinds();
        k.kernel = k.kernel || g.kernel, k.memcpy = k.memcpy || g.memcpy, k.memset = k.memset || g.memset;
        k.nvtx = k.nvtx || g.nvtx;
      }
      else if (item == "kernel" || item == "concurrent_kernel") k.kernel = true;
      else if (item == "driver") k.driver_api = true;
      else if (item == "runtime") k.runtime_api = true;
      else if (item == "memcpy") k.memcpy = true;
      else if (item == "memset") k.memset = true;
      else if (item == "sync" || item == "synchronization") k.synchronization = true;
      else if (item == "nvtx" || item == "marker") k.nvtx = true;
      else if (item == "overhead") k.overhead = true;
      else {
        throw std::invalid_argument("unknown activity kind \"" + std::string(item) +
                                    "\" (known: all, gpu, kernel, driver, runtime, memcpy, memset, sync, nvtx, overhead)");
      }
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (!any) throw std::invalid_argument("empty activity kind list");
  return k;
}

std::uint32_t tracer::compiled_cupti_version() noexcept { return CUPTI_API_VERSION; }

std::uint32_t tracer::runtime_cupti_version() {
  std::uint32_t v = 0;
  check(cuptiGetVersion(&v), "cuptiGetVersion");
  return v;
}

tracer::tracer(tracer_options options) : m_options(std::move(options)) {
  const auto v = runtime_cupti_version();
  if (v != CUPTI_API_VERSION) {
    throw tracer_error("libcupti reports API version " + std::to_string(v) + " but tb_profiler was built against " +
                           std::to_string(CUPTI_API_VERSION) +
                           "; activity records would be misread, so tracing is refused (rebuild against this CUPTI)",
                       static_cast<int>(CUPTI_ERROR_NOT_COMPATIBLE));
  }
  m_options.buffer_bytes = std::clamp<std::size_t>(m_options.buffer_bytes, 64 << 10, std::size_t{256} << 20);
  m_options.buffer_bytes &= ~std::size_t{7};
}

tracer::~tracer() {
  if (m_running) {
    try {
      stop();
    } catch (...) {
      // Destructors must not throw; the trace is lost.
    }
  }
}

void tracer::start() {
  if (m_running) return;
  auto& s = state();
  {
    std::lock_guard lock(s.mutex);
    if (s.owner != nullptr && s.owner != this) {
      throw tracer_error("another tb::profiler::tracer is already running in this process", 0);
    }
    s.owner = this;
    if (!s.converter) s.converter = std::make_unique<cupti::record_converter>(&callback_name);
  }
  // Two buffers ready before the first record: one CUPTI fills while the other waits.
  s.pool.set_size(m_options.buffer_bytes);
  s.pool.reserve(2);
  auto release_owner = [&] {
    std::lock_guard lock(s.mutex);
    s.owner = nullptr;
  };
  if (m_options.kinds.nvtx) route_nvtx_to_cupti();

  CUpti_SubscriberHandle subscriber = nullptr;
  if (const auto r = cuptiSubscribe(&subscriber, &ignore_callback, nullptr); r != CUPTI_SUCCESS) {
    release_owner();
    if (r == CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED) {
      throw tracer_error("another CUPTI client (Nsight Systems, Nsight Compute, Kineto, ...) already holds the "
                         "subscription: " + result_text(r),
                         static_cast<int>(r));
    }
    throw tracer_error("cuptiSubscribe failed: " + result_text(r), static_cast<int>(r));
  }
  std::vector<CUpti_ActivityKind> enabled;
  try {
    // Host rows by the OS thread id (gettid), as Kineto and perf show them, not pthread_self.
    // Where CUPTI cannot, it keeps pthread_self; the trace says which ("thread_ids").
    const bool os_ids = cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM) == CUPTI_SUCCESS;
    {
      std::lock_guard lock(s.mutex);
      s.os_thread_ids = os_ids;
    }
    check(cuptiActivityRegisterCallbacks(&buffer_requested, &buffer_completed), "cuptiActivityRegisterCallbacks");
    for (const auto kind : activity_kinds(m_options.kinds)) {
      const auto r = cuptiActivityEnable(kind);
      if (r != CUPTI_SUCCESS) {
        throw tracer_error("cuptiActivityEnable(kind " + std::to_string(static_cast<int>(kind)) +
                               ") failed: " + result_text(r),
                           static_cast<int>(r));
      }
      enabled.push_back(kind);
    }
  } catch (...) {
    for (const auto kind : enabled) cuptiActivityDisable(kind);
    cuptiUnsubscribe(subscriber);
    release_owner();
    throw;
  }
  m_subscriber = subscriber;
  m_running = true;
}

void tracer::stop() {
  if (!m_running) return;
  m_running = false;
  // Forced flush first: it also returns buffers that are not full yet.
  const auto flushed = cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  for (const auto kind : activity_kinds(m_options.kinds)) cuptiActivityDisable(kind);
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  cuptiUnsubscribe(static_cast<CUpti_SubscriberHandle>(m_subscriber));
  m_subscriber = nullptr;
  {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.owner = nullptr;
  }
  check(flushed, "cuptiActivityFlushAll");
}

void tracer::record(const tracer_kinds& kinds) {
  if (!m_running) {
    m_options.kinds = kinds;
    return;
  }
  if (kinds.nvtx) route_nvtx_to_cupti();
  const auto now = activity_kinds(m_options.kinds), next = activity_kinds(kinds);
  auto has = [](const std::vector<CUpti_ActivityKind>& v, CUpti_ActivityKind k) {
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  std::vector<CUpti_ActivityKind> added;
  for (const auto kind : next) {
    if (has(now, kind)) continue;
    if (const auto r = cuptiActivityEnable(kind); r != CUPTI_SUCCESS) {
      for (const auto k : added) cuptiActivityDisable(k);
      throw tracer_error("cuptiActivityEnable(kind " + std::to_string(static_cast<int>(kind)) + ") failed: " + result_text(r),
                         static_cast<int>(r));
    }
    added.push_back(kind);
  }
  for (const auto kind : now)
    if (!has(next, kind)) cuptiActivityDisable(kind);
  m_options.kinds = kinds;
}

void tracer::flush() { check(cuptiActivityFlushAll(0), "cuptiActivityFlushAll"); }

trace tracer::take_trace() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  trace t = s.converter ? s.converter->take() : trace{};
  auto& md = t.metadata();
  md.cupti_version = std::to_string(CUPTI_API_VERSION);
  md.driver_version = driver_version();
  md.cuda_version = cuda_version();
  cupti::label_devices(t, &driver_device_name);
  if (s.os_thread_ids) cupti::label_threads(t, getpid(), &cupti::os_thread_name);
  md.values.emplace_back("thread_ids", s.os_thread_ids ? "os" : "pthread");
  md.mode = m_options.mode;
  md.scenario = m_options.scenario;
  md.dropped_records = s.dropped;
  md.values.emplace_back("cupti_buffers", std::to_string(s.buffers));
  if (s.converter) md.values.emplace_back("ignored_records", std::to_string(s.converter->ignored_records()));
  s.dropped = 0;
  s.buffers = 0;
  return t;
}

}  // namespace tb::profiler
