// Loading and launching AOT-compiled Triton kernels through the CUDA driver.
//
// The runtime reaches libcuda through dlopen (runtime/src/driver_api.hpp), so a process
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
  // A failure caused by a driver call: `driver_code` is its CUresult.
  static status error(std::string message, int driver_code);
  bool ok() const noexcept { return m_payload == nullptr; }
  explicit operator bool() const noexcept { return ok(); }
  const std::string& message() const noexcept;  // empty when ok
  int driver_code() const noexcept;              // the CUresult, 0 when none

 private:
  struct payload;
  std::shared_ptr<const payload> m_payload;
};

// A generated launcher's refusal when no compiled specialisation accepts its arguments:
// "<kernel>: no compiled specialisation accepts these arguments (...)". Out of line and
// cold, so that a launcher's hot path carries no error text (issue 18).
status no_specialisation_error(const char* kernel);

std::string_view to_string(image_format format) noexcept;  // "cubin", "ptx"

// The image the runtime launches for a kernel on a device (see choose_image).
struct image_choice {
  const kernel_image* image = nullptr;  // points into kernel_binary::images
  int arch = 0;                         // image->arch
  image_format format = image_format::cubin;
  int device_arch = 0;                  // the device's compute capability * 10 + minor
};

// The arch rule, with no driver: the cubin whose arch equals `device_arch`; otherwise
// the PTX with the highest arch the device can load (PTX whose `.target` ends in `a`,
// like Triton's sm_90a, loads only on that exact arch; Triton's PTX for arch >= 90 is
// taken as such when its text names no target). With `ptx_only`, cubins are skipped.
// Null when no image fits.
const kernel_image* choose_image(const kernel_binary& kernel, int device_arch,
                                 bool ptx_only) noexcept;

// Whether the PTX of `image` can load on `device_arch` (reads its `.target` line).
bool ptx_loads_on(const kernel_image& image, int device_arch) noexcept;

struct runtime_options {
  // Launch PTX even where a cubin for the device exists (cubin, cubin-cached and
  // library modes): for tests of the PTX fallback.
  bool force_ptx = false;
};

class runtime_impl;

// A cached launch resolved ahead of time (runtime::resolve): the loaded function, the
// grid in CTAs, and Triton's scratch for that grid. runtime::launch_resolved then makes
// exactly one driver call, cuLaunchKernel (cuLaunchKernelEx for cluster or cooperative
// kernels): triton-bench's `driver` mode, the floor a launcher is measured against.
struct resolved_launch {
  const void* entry = nullptr;     // the runtime's loaded kernel (opaque)
  launch_grid ctas;                // the grid in CTAs (programs x CTAs per program)
  device_ptr scratch[2] = {0, 0};  // global and profile scratch (0: none)
};

// One runtime per load mode. Thread-safe; caches are per CUDA context.
class runtime {
 public:
  explicit runtime(load_mode mode, runtime_options options = {});
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  load_mode mode() const noexcept;

  // Launch on the calling thread's current context. `params` holds
  // kernel.num_params pointers to argument values followed by
  // scratch_param_count free slots that the runtime fills. A grid with a zero
  // dimension launches nothing. Warm cached launches take no lock and allocate
  // nothing. See docs/runtime.md for the driver calls of each mode.
  status launch(const kernel_binary& kernel, launch_grid grid, stream_handle stream,
                void** params) noexcept;

  // Load eagerly (cached modes) on the current context, so the first launch is cheap
  // and makes no load call (needed before launching inside CUDA graph capture).
  // Per-call modes have nothing to keep: preload only checks that an image fits.
  status preload(const kernel_binary& kernel) noexcept;

  // The same, and also makes `stream`'s scratch arena large enough for a launch of
  // `kernel` with `grid` (Triton's global and profile scratch), so that launching it so
  // inside a CUDA graph capture allocates nothing. Call it for every launch a capture
  // will hold, before capturing. Per-call modes cannot be captured: only checks an image.
  status preload(const kernel_binary& kernel, launch_grid grid, stream_handle stream) noexcept;

  // Cached modes: loads `kernel` (as preload does), sizes its scratch for `grid` on
  // `stream`, and fills `out` and the two scratch slots of `params` (which then point
  // into `out`, so `out` must stay where it is while `params` is used). For the current
  // context; per-call modes and a grid with a zero dimension are refused.
  status resolve(const kernel_binary& kernel, launch_grid grid, stream_handle stream, void** params,
                 resolved_launch& out) noexcept;
  // One cuLaunchKernel (or cuLaunchKernelEx) of what resolve filled in, with `params`
  // as resolve left them, on the context it was resolved on: no lookup, no check.
  status launch_resolved(const resolved_launch& launch, stream_handle stream, void** params) noexcept;

  // Which image this runtime launches for `kernel` on the current context's device.
  status selected_image(const kernel_binary& kernel, image_choice& out) noexcept;

  // Unloads what this runtime holds for the current context (modules, scratch
  // arenas): call it before destroying a context that this runtime launched on.
  status release_current_context() noexcept;

  const runtime_options& options() const noexcept;

 private:
  std::unique_ptr<runtime_impl> m_impl;
};

// The process-wide runtime that generated launchers use unless given another:
// cubin-cached, created on first use.
runtime& default_runtime();

}  // namespace tb::runtime
