// A recording fake CUDA driver behind the runtime's driver table.
//
// Install one per test (fake_driver f; f.install();); it records the name of every
// driver call the runtime makes, counts them, and can be told to fail any entry
// point. Handles are made-up pointers; nothing touches a GPU.
#pragma once

#include "driver_api.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tb::test {

struct fake_launch {
  CUfunction function = nullptr;
  bool ex = false;
  unsigned grid[3] = {0, 0, 0};
  unsigned block[3] = {0, 0, 0};
  unsigned shared = 0;
  CUstream stream = nullptr;
  std::vector<CUlaunchAttribute> attrs;
  CUdeviceptr scratch[2] = {~0ull, ~0ull};  // read from params[scratch_index]
  CUcontext context = nullptr;              // current on the launching thread
};

struct fake_device {
  int arch = 90;
  int shared_optin = 227 * 1024;
  const char* name = "Fake GPU";  // what cuDeviceGetName reports
};

class fake_driver {
 public:
  fake_driver();
  ~fake_driver();  // uninstalls

  void install();  // set_driver_for_testing(&table()) and make it the current fake

  const runtime::detail::driver_table& table() const { return m_table; }

  // --- configuration (set before launching) ---
  std::vector<fake_device> devices{fake_device{}};
  std::map<std::string, CUresult> fail;   // entry point name -> result it returns
  std::map<std::string, CUresult> fail_once;  // the same, for the next call only
  unsigned long long context_generation = 0;  // added to cuCtxGetId: "the context was re-created"
  bool capturing = false;                  // what cuStreamIsCapturing reports
  int driver_version = 13000;              // what cuDriverGetVersion reports
  bool record = true;                      // false: count only (benchmarks)
  std::uint32_t scratch_index = 0;         // kernel's num_params: where scratch slots are
  std::chrono::microseconds load_delay{0}; // cuModuleLoadData/cuLibraryLoadData sleep (races)
  float event_elapsed_ms = 0.5f;           // what cuEventElapsedTime reports, whatever the events

  // Makes `context_of(device)` current on the calling thread (device < 0: none).
  void make_current(int device);
  static CUcontext context_of(int device);

  // --- records ---
  std::vector<std::string> calls() const;  // in order
  void clear_calls();
  int count(const std::string& name) const;
  std::vector<fake_launch> launches() const;
  std::vector<const void*> loaded_images() const;  // the image pointers passed to load calls
  std::vector<CUcontext> load_contexts() const;    // the context current at each load call, in order
  // The context a CUfunction belongs to: the one its module was loaded in (null: none,
  // e.g. a library's context-free CUkernel, which cuLibraryGetKernel made).
  CUcontext owner_of(CUfunction function) const;
  int live_modules() const { return m_live_modules.load(); }
  std::vector<std::pair<int, int>> func_attributes() const;  // (attribute, value) per set call
  std::vector<size_t> allocations() const;                   // cuMemAlloc sizes

  // Used by the fake entry points.
  static fake_driver* current();
  CUresult enter(const char* name);
  void on_launch(fake_launch&& launch);
  void on_load(const void* image, CUcontext context);
  void on_module(CUmodule module, CUcontext context);
  void on_function(CUfunction function, CUmodule module);
  void on_context_function(CUfunction function, CUcontext context);  // cuKernelGetFunction's
  void on_stream(CUstream stream, CUcontext context);
  // What the real driver does (bench/micro/context_probe.cpp): a launch runs in the
  // stream's context (the current one for a stream it does not know) and is refused with
  // CUDA_ERROR_INVALID_HANDLE when the function belongs to another, or to a context that
  // has been re-created since (context_generation changed).
  bool launches_in_context_of(CUfunction function, CUstream stream, CUcontext current) const;
  void on_attribute(int attribute, int value);
  void on_alloc(size_t bytes);
  std::atomic<int> m_live_modules{0};
  std::atomic<std::uintptr_t> m_next_handle{0x10000};

 private:
  runtime::detail::driver_table m_table;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_calls;
  std::map<std::string, int> m_counts;
  std::vector<fake_launch> m_launches;
  std::vector<const void*> m_loaded;
  std::vector<CUcontext> m_load_contexts;
  std::map<CUmodule, CUcontext> m_module_context;
  std::map<CUfunction, CUcontext> m_function_context;
  std::map<CUstream, CUcontext> m_stream_context;
  std::map<CUfunction, unsigned long long> m_function_generation;  // context_generation when made
  std::vector<std::pair<int, int>> m_attributes;
  std::vector<size_t> m_allocations;
};

// A launch parameter array: `n` argument pointers plus the two scratch slots.
struct param_pack {
  explicit param_pack(std::uint32_t n) : values(n, 0), pointers(n + 2, nullptr) {
    for (std::uint32_t i = 0; i < n; ++i) {
      pointers[i] = &values[i];
    }
  }
  std::vector<unsigned long long> values;
  std::vector<void*> pointers;
  void** data() { return pointers.data(); }
};

}  // namespace tb::test
