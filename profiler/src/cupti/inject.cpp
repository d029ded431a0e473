// libtb_cupti_inject.so: load with CUDA_INJECTION64_PATH=/path/libtb_cupti_inject.so.
// The CUDA driver calls InitializeInjection() during cuInit. Configuration:
//   TB_TRACE_OUT        output path (default tb_trace_<pid>.json in the working directory)
//   TB_TRACE_KINDS      comma list (default all): kernel,driver,runtime,memcpy,memset,sync,nvtx,overhead
//   TB_TRACE_BUFFER_MB  CUPTI activity buffer size in MiB (default 8)
//   TB_TRACE_MODE, TB_TRACE_SCENARIO  copied into the trace metadata
// The trace is written from an atexit handler (registered after the CUDA runtime's, so it
// runs first). A Python program that ends with an uncaught exception still exits through
// exit() and so reaches it; os._exit() and fatal signals do not.
// While the process runs, tb_trace_record("gpu" or "all" or a comma list, as
// TB_TRACE_KINDS) switches what is recorded from then on: the JIT runner calls it
// through ctypes before a traced batch (triton-bench --traced-records).
// NVTX: set NVTX_INJECTION64_PATH=/path/libtb_cupti_inject.so too (triton-bench does) and
// NVTX ranges reach the same libcupti the tracer uses, even when the process makes its
// first NVTX call before CUDA starts, and even when it has loaded another copy of
// libcupti (torch wheels ship one): InitializeInjectionNvtx2 below forwards NVTX's
// hand-shake to the libcupti this library is linked against. Naming a libcupti file
// directly can load a second copy, whose ranges no tracer ever collects.
// If CUPTI cannot be used (another CUPTI client holds the subscription, version mismatch)
// one line goes to stderr and the process continues untraced.
#include <tb/profiler/trace_writer.hpp>
#include <tb/profiler/tracer.hpp>

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>

namespace {

std::mutex g_mutex;
bool g_initialized = false;
tb::profiler::tracer* g_tracer = nullptr;  // leaked on purpose: used from the atexit handler
std::string g_output;
std::atomic<bool> g_written{false};

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] != '\0' ? v : nullptr;
}

void write_trace_at_exit() {
  if (g_written.exchange(true)) return;
  std::lock_guard lock(g_mutex);
  if (g_tracer == nullptr) return;
  try {
    g_tracer->stop();
    const auto t = g_tracer->take_trace();
    tb::profiler::write_chrome_trace_file(t, g_output);
    std::fprintf(stderr, "tb_cupti_inject: wrote %zu events to %s%s\n", t.events().size(), g_output.c_str(),
                 t.metadata().dropped_records ? " (some CUPTI records were dropped)" : "");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tb_cupti_inject: cannot write the trace: %s\n", e.what());
  }
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  std::lock_guard lock(g_mutex);
  if (g_initialized) return 1;
  g_initialized = true;
  try {
    tb::profiler::tracer_options options;
    if (const char* kinds = env("TB_TRACE_KINDS")) options.kinds = tb::profiler::parse_tracer_kinds(kinds);
    if (const char* mb = env("TB_TRACE_BUFFER_MB")) {
      char* end = nullptr;
      const long v = std::strtol(mb, &end, 10);
      if (end == mb || *end != '\0' || v <= 0 || v > 256) {
        std::fprintf(stderr, "tb_cupti_inject: TB_TRACE_BUFFER_MB=%s is not a size in MiB (1-256); using 8\n", mb);
      } else {
        options.buffer_bytes = static_cast<std::size_t>(v) << 20;
      }
    }
    if (const char* m = env("TB_TRACE_MODE")) options.mode = m;
    if (const char* s = env("TB_TRACE_SCENARIO")) options.scenario = s;
    const char* out = env("TB_TRACE_OUT");
    g_output = out ? out : "tb_trace_" + std::to_string(::getpid()) + ".json";

    auto* t = new tb::profiler::tracer(options);
    try {
      t->start();
    } catch (...) {
      delete t;
      throw;
    }
    g_tracer = t;
    std::atexit(&write_trace_at_exit);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tb_cupti_inject: not tracing: %s\n", e.what());
  }
  return 1;  // never stop the application
}

// 0 when the tracer records `kinds` from now on; 1 with one line on stderr when the list
// is not valid or CUPTI refuses it; 2 when this process is not traced.
extern "C" __attribute__((visibility("default"))) int tb_trace_record(const char* kinds) {
  std::lock_guard lock(g_mutex);
  if (g_tracer == nullptr) return 2;
  try {
    g_tracer->record(tb::profiler::parse_tracer_kinds(kinds != nullptr ? kinds : ""));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tb_cupti_inject: tb_trace_record(\"%s\"): %s\n", kinds != nullptr ? kinds : "", e.what());
    return 1;
  }
}

// NVTX's tool entry (NvtxInitializeInjectionNvtxFunc_t): NVTX dlopens the library named
// by NVTX_INJECTION64_PATH and calls this with its export-table getter.
using nvtx_export_table_getter = const void* (*)(std::uint32_t);
extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(nvtx_export_table_getter get_table) {
  const std::string cupti = tb::profiler::cupti_library_path();
  void* handle = cupti.empty() ? nullptr : dlopen(cupti.c_str(), RTLD_NOW | RTLD_NOLOAD);
  using entry = int (*)(nvtx_export_table_getter);
  // dlsym on libcupti's own handle finds libcupti's entry, never this one.
  const auto forward = handle ? reinterpret_cast<entry>(dlsym(handle, "InitializeInjectionNvtx2")) : nullptr;
  if (forward == nullptr || forward == &InitializeInjectionNvtx2) {
    std::fprintf(stderr, "tb_cupti_inject: NVTX ranges will not be traced: no InitializeInjectionNvtx2 in %s\n",
                 cupti.empty() ? "(libcupti not found)" : cupti.c_str());
    return 0;
  }
  return forward(get_table);
}
