// Loading and launching AOT-compiled Triton kernels through the CUDA driver.
//
// The runtime reaches libcuda through dlopen (see driver_api.hpp), so a process
// without a driver gets a status carrying a clear message instead of failing to
// start. It never prints, exits or aborts: every failure is a `status`.
#pragma once

#include <tb/runtime/kernel_binary.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct CUstream_st;

namespace tb::runtime {

using device_ptr = unsigned long long;  // the same type as CUdeviceptr
using stream_handle = CUstream_st*;     // the same type as CUstream

struct launch_grid {
  std::uint32_t x = 1, y = 1, z = 1;
};

// How kernels are loaded: the seed story's stages, named as on the command line.
enum class load_mode {
  ptx,           // every launch: load PTX module, get function, launch, unload
  cubin,         // the same with the cubin
  ptx_cached,    // PTX module loaded once per context, CUfunction kept
  cubin_cached,  // cubin module loaded once per context, CUfunction kept
  library,       // cuLibraryLoadData once, CUkernel launched (context-independent)
};

std::string_view to_string(load_mode mode) noexcept;          // "cubin-cached"
std::optional<load_mode> parse_load_mode(std::string_view text) noexcept;

// Success carries no allocation; a failure carries one formatted message that names
// the driver call, its error, the kernel, the mode and the arch.
class status {
 public:
  status() noexcept = default;
  static status error(std::string message);
  bool ok() const noexcept { return m_message == nullptr; }
  explicit operator bool() const noexcept { return ok(); }
  const std::string& message() const noexcept;

 private:
  std::shared_ptr<const std::string> m_message;
};

class runtime_impl;

// One runtime per load mode. Thread-safe; caches are per CUDA context.
class runtime {
 public:
  explicit runtime(load_mode mode);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  load_mode mode() const noexcept;

  // Launch on the calling thread's current context. `params` holds
  // kernel.num_params pointers to argument values followed by
  // scratch_param_count free slots that the runtime fills.
  status launch(const kernel_binary& kernel, launch_grid grid, stream_handle stream,
                void** params) noexcept;

  // Load eagerly (cached modes) on the current context, so the first launch is cheap.
  status preload(const kernel_binary& kernel) noexcept;

 private:
  std::unique_ptr<runtime_impl> m_impl;
};

// The process-wide runtime that generated launchers use unless given another:
// cubin-cached, created on first use.
runtime& default_runtime();

}  // namespace tb::runtime
