// The runtime: per-call and cached loading, launching, scratch arenas.
//
// Hot path (cached modes, warm): cuCtxGetCurrent, one lock-free table lookup, one
// cuLaunchKernel/cuLaunchKernelEx. No lock, no allocation, no other driver call. A plain
// kernel (no scratch, no launch attribute: most) takes the shortest form of it: the
// grid as given, the scratch slots pointed at static zeros, cuLaunchKernel, and no
// status built unless it fails (issue 18).
//
// Warmest path: a thread's launch cache (thread_slot below). After a plain kernel was
// launched once through the path above, the thread keeps, per kernel, the CUfunction it
// launched, its shape and the driver, and launches that with no context query and no
// table lookup: the one driver call, as Triton's compile.py launcher makes. That this is
// safe rests on what the driver does with a CUfunction of another context, measured by
// bench/micro/context_probe.cpp on an H200 (driver 580): a launch runs in the stream's
// context (the current one for the null, legacy and per-thread streams) and fails with
// CUDA_ERROR_INVALID_HANDLE when the function is not of that context. So a cached
// function launches where its context's stream says, or fails; on any failure the thread
// forgets it and the launch goes the full way above (which reports a real error), and
// from then on checks the current context before it launches that kernel (a thread that
// switches contexts pays the query, never a refused launch per switch). A
// stale function is never launched: entries carry the runtime's stamp, renewed whenever
// the runtime unloads anything, and process-unique (a new runtime at a freed one's
// address has a new stamp). docs/runtime.md, "The launch path".
// Everything else (loading, device queries, arena growth, error text) is the slow
// path, under m_mutex.
#include "driver_api.hpp"

#include <tb/runtime/runtime.hpp>

#include <nvtx3/nvToolsExt.h>  // header-only; a no-op unless a tool (CUPTI) is attached

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tb::runtime {

namespace {

// An NVTX range around every image load, named "tb.load <kernel> sm_<arch> <format>", so
// that a trace shows which image each load took (the cubin, or the PTX fallback) and
// what it cost. Loads are rare in cached modes and dwarf the range in per-call ones.
class load_range {
 public:
  load_range(const kernel_binary& kernel, const kernel_image& image) {
    std::string name = "tb.load ";
    name += kernel.name ? kernel.name : "?";
    name += " sm_" + std::to_string(image.arch) + " ";
    name += to_string(image.format);
    nvtxRangePushA(name.c_str());
  }
  ~load_range() { nvtxRangePop(); }
  load_range(const load_range&) = delete;
  load_range& operator=(const load_range&) = delete;
};

}  // namespace
namespace {

using detail::driver_table;

constexpr std::uint32_t k_default_shared_limit = 48 * 1024;  // without the opt-in attribute
constexpr std::size_t k_min_arena_bytes = 64 * 1024;

bool is_per_call(load_mode mode) { return mode == load_mode::ptx || mode == load_mode::cubin; }
bool is_ptx_mode(load_mode mode) { return mode == load_mode::ptx || mode == load_mode::ptx_cached; }

const char* name_of(const kernel_binary& kernel) {
  return kernel.name != nullptr ? kernel.name : "<unnamed>";
}

std::string arch_name(int arch) { return "sm_" + std::to_string(arch); }

// What one device context looks like to the runtime; found once per context.
struct context_info {
  CUcontext context = nullptr;
  unsigned long long id = 0;  // cuCtxGetId: unique for the process's lifetime
  CUdevice device = 0;
  int arch = 0;               // compute capability * 10 + minor
  int shared_optin = 0;       // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
};

// How to launch one image: computed once per load.
struct launch_shape {
  unsigned block_x = 0;
  unsigned shared_bytes = 0;
  unsigned cluster[3] = {1, 1, 1};     // grid is multiplied by this (one program = one cluster)
  std::uint64_t ctas_per_program = 1;
  CUlaunchAttribute attrs[4] = {};
  unsigned num_attrs = 0;              // > 0: cuLaunchKernelEx
  bool needs_scratch = false;
  bool plain = false;                  // no scratch, no attribute: the grid is the CTA grid
};

// What a plain kernel's two scratch slots point at: null pointers, never written.
CUdeviceptr g_no_scratch[2] = {0, 0};

// Stamps of runtimes: unique for the process's lifetime (see the thread cache).
std::atomic<std::uint64_t> g_next_stamp{1};

// One kernel in a thread's launch cache: everything its launch needs, in one cache line.
struct alignas(64) thread_slot {
  std::uint64_t stamp = 0;      // the owner's stamp when filled (unique to it and its unloads)
  std::uint64_t owner = 0;      // the owner's id (unique to it for the process's lifetime)
  const kernel_binary* kernel = nullptr;
  const driver_table* driver = nullptr;
  CUfunction function = nullptr;
  unsigned block_x = 0;
  unsigned shared_bytes = 0;
  std::uint32_t num_params = 0;
  CUcontext context = nullptr;  // where `function` belongs
  bool verify = false;          // check the current context first (the thread switches contexts)
};
constexpr std::size_t k_thread_slots = 64;  // direct-mapped by kernel address
thread_local thread_slot t_slots[k_thread_slots];

thread_slot& slot_for(const kernel_binary* kernel) noexcept {
  const auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(kernel)) * 0x9E3779B97F4A7C15ull;
  return t_slots[x >> 58];  // the top 6 bits: 64 slots
}

// One kernel loaded on one context (cached modes). Immutable once published.
struct loaded_kernel {
  const kernel_binary* kernel = nullptr;  // key
  CUcontext context = nullptr;            // key
  CUfunction function = nullptr;          // in library mode, the CUkernel cast to CUfunction
  CUfunction context_function = nullptr;  // of `context` (library: cuKernelGetFunction); null on the context-free entry
  CUmodule module = nullptr;              // null in library mode
  const kernel_image* image = nullptr;
  const context_info* info = nullptr;
  launch_shape shape;
};

// (kernel, context) -> loaded_kernel, readable without a lock. Writers hold the
// runtime's mutex; a full table is replaced by a bigger copy, and replaced tables
// stay alive until the runtime dies, so a reader never sees freed memory.
class kernel_table {
 public:
  kernel_table() { publish(64); }

  loaded_kernel* find(const kernel_binary* kernel, CUcontext context) const noexcept {
    const slots* s = m_current.load(std::memory_order_acquire);
    for (std::size_t i = hash(kernel, context) & s->mask;; i = (i + 1) & s->mask) {
      loaded_kernel* e = s->items[i].load(std::memory_order_acquire);
      if (e == nullptr) {
        return nullptr;
      }
      if (e->kernel == kernel && e->context == context) {
        return e;
      }
    }
  }

  // Caller holds the writer lock. `e` must be fully built: it is published here.
  void insert(loaded_kernel* e) {
    const slots* s = m_current.load(std::memory_order_relaxed);
    if ((m_count + 1) * 2 > s->mask + 1) {
      publish((s->mask + 1) * 2);
      s = m_current.load(std::memory_order_relaxed);
    }
    place(*s, e);
    ++m_count;
  }

  // Caller holds the writer lock. Rebuilds without `context`'s entries.
  void erase_context(CUcontext context) {
    const slots* old = m_current.load(std::memory_order_relaxed);
    auto fresh = make_slots(old->mask + 1);
    m_count = 0;
    for (std::size_t i = 0; i <= old->mask; ++i) {
      if (loaded_kernel* e = old->items[i].load(std::memory_order_relaxed); e && e->context != context) {
        place(*fresh, e);
        ++m_count;
      }
    }
    m_current.store(fresh.get(), std::memory_order_release);
    m_all.push_back(std::move(fresh));
  }

 private:
  struct slots {
    std::size_t mask = 0;
    std::unique_ptr<std::atomic<loaded_kernel*>[]> items;
  };

  static std::size_t hash(const kernel_binary* kernel, CUcontext context) noexcept {
    auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(kernel)) ^
             (static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(context)) * 0x9E3779B97F4A7C15ull);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return static_cast<std::size_t>(x);
  }

  static std::unique_ptr<slots> make_slots(std::size_t capacity) {
    auto s = std::make_unique<slots>();
    s->mask = capacity - 1;
    s->items = std::make_unique<std::atomic<loaded_kernel*>[]>(capacity);
    for (std::size_t i = 0; i < capacity; ++i) {
      s->items[i].store(nullptr, std::memory_order_relaxed);
    }
    return s;
  }

  static void place(const slots& s, loaded_kernel* e) {
    for (std::size_t i = hash(e->kernel, e->context) & s.mask;; i = (i + 1) & s.mask) {
      if (s.items[i].load(std::memory_order_relaxed) == nullptr) {
        s.items[i].store(e, std::memory_order_release);
        return;
      }
    }
  }

  void publish(std::size_t capacity) {
    auto fresh = make_slots(capacity);
    if (const slots* old = m_current.load(std::memory_order_relaxed)) {
      for (std::size_t i = 0; i <= old->mask; ++i) {
        if (loaded_kernel* e = old->items[i].load(std::memory_order_relaxed)) {
          place(*fresh, e);
        }
      }
    }
    m_current.store(fresh.get(), std::memory_order_release);
    m_all.push_back(std::move(fresh));
  }

  std::atomic<const slots*> m_current{nullptr};
  std::vector<std::unique_ptr<slots>> m_all;
  std::size_t m_count = 0;
};

std::uint64_t align_up(std::uint64_t value, std::uint64_t align) {
  return align <= 1 ? value : (value + align - 1) / align * align;
}

}  // namespace

class runtime_impl {
 public:
  runtime_impl(load_mode mode, runtime_options options) : m_mode(mode), m_options(options) {}
  ~runtime_impl();

  // May throw std::bad_alloc (error text only); the public wrappers turn it into a status.
  status launch(const kernel_binary& kernel, launch_grid grid, CUstream stream, void** params);
  status preload(const kernel_binary& kernel);
  status preload(const kernel_binary& kernel, launch_grid grid, CUstream stream);
  status selected_image(const kernel_binary& kernel, image_choice& out);
  status release_current_context();
  status resolve(const kernel_binary& kernel, launch_grid grid, CUstream stream, void** params,
                 resolved_launch& out);
  status launch_resolved(const resolved_launch& launch, CUstream stream, void** params) const;

  load_mode mode() const noexcept { return m_mode; }
  const runtime_options& options() const noexcept { return m_options; }

 private:
  struct library_entry {
    const kernel_binary* kernel = nullptr;
    const kernel_image* image = nullptr;
    CUlibrary library = nullptr;
    CUkernel handle = nullptr;
  };
  struct arena {
    CUcontext context = nullptr;
    CUstream stream = nullptr;
    CUdeviceptr base = 0;
    std::size_t bytes = 0;
  };
  struct retired_buffer {
    CUcontext context = nullptr;
    CUdeviceptr base = 0;
  };

  status driver(const driver_table*& out);
  status current_context(const driver_table& d, CUcontext& out) const;
  // `validate`: check with cuCtxGetId that a known context is still the same one.
  status context_for(const driver_table& d, CUcontext context, const context_info*& out, bool validate);
  // Forgets what was loaded for `context` (caller holds m_mutex); `unload` frees it
  // through the driver, otherwise it died with the context.
  status drop_context_locked(const driver_table& d, CUcontext context, bool unload);
  bool forget_if_recreated(const driver_table& d, CUcontext context);
  status relaunch_if_recreated(const driver_table& d, const kernel_binary& kernel, CUcontext context, status failed,
                               launch_grid grid, CUstream stream, void** params);
  // Library mode: whether a CUkernel may be launched with no context query at all
  // (decided once: driver >= 12.3, which loads a library into a context lazily even
  // inside graph capture, and every device of one arch, so one image fits all).
  bool library_context_free(const driver_table& d);
  // Publishes the context-free entry; false (and the per-context path stays in use)
  // when a device refuses the kernel's attributes.
  bool publish_context_free(const driver_table& d, const loaded_kernel& e, CUkernel handle);
  status pick_image(const kernel_binary& kernel, const context_info& info, const kernel_image*& out) const;
  status shape_for(const kernel_binary& kernel, const kernel_image& image, const context_info& info,
                   launch_shape& out) const;
  status load_cached(const driver_table& d, const kernel_binary& kernel, CUcontext context,
                     const CUstream* capture_stream, loaded_kernel*& out);
  status library_for(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                     const context_info& info, CUkernel& out);
  status prepare_function(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                          const context_info& info, const launch_shape& shape, CUfunction function);
  // `info` is null on the context-free library path (error text then names no device).
  status launch_shaped(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                       const context_info* info, const launch_shape& shape, CUfunction function,
                       CUcontext context, launch_grid grid, CUstream stream, void** params);
  status ctas_for(const kernel_binary& kernel, const kernel_image& image, const context_info* info,
                  const launch_shape& shape, launch_grid grid, launch_grid& out) const;
  status launch_per_call(const driver_table& d, const kernel_binary& kernel, CUcontext context,
                         launch_grid grid, CUstream stream, void** params);
  status scratch_for(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                     const context_info* info, const launch_shape& shape, CUcontext context,
                     launch_grid grid, CUstream stream, CUdeviceptr out[2]);
  status refuse_if_capturing(const driver_table& d, const kernel_binary& kernel, CUstream stream,
                             const char* why) const;

  // Error text: "<what> (kernel 'k', mode m, image sm_90 cubin, device 0 sm_90)".
  std::string where(const kernel_binary& kernel, const kernel_image* image,
                    const context_info* info) const;
  status driver_failure(const driver_table& d, CUresult result, const char* call,
                        const kernel_binary& kernel, const kernel_image* image,
                        const context_info* info) const;

  // Fills the calling thread's launch cache with `e` (a plain kernel just launched).
  void remember(const driver_table& d, const kernel_binary& kernel, const loaded_kernel& e, std::uint64_t stamp) noexcept;
  // Invalidates every thread's cached launches of this runtime (caller holds m_mutex).
  void renew_stamp() noexcept { m_stamp.store(g_next_stamp.fetch_add(1), std::memory_order_release); }

  const load_mode m_mode;
  const runtime_options m_options;
  const std::uint64_t m_id = g_next_stamp.fetch_add(1);
  std::atomic<std::uint64_t> m_stamp{g_next_stamp.fetch_add(1)};
  std::atomic<const driver_table*> m_driver{nullptr};
  kernel_table m_kernels;

  std::mutex m_mutex;  // everything below
  std::vector<std::unique_ptr<loaded_kernel>> m_loaded;  // owned; never freed before ~runtime_impl
  std::vector<std::unique_ptr<context_info>> m_contexts;
  std::vector<std::unique_ptr<context_info>> m_dead_contexts;  // a racing reader may still point here
  std::vector<library_entry> m_libraries;
  int m_library_context_free = -1;  // -1 unknown, 0 no, 1 yes

  std::mutex m_arena_mutex;  // arenas only, so a launch that needs scratch never waits on a load
  std::vector<arena> m_arenas;
  std::vector<retired_buffer> m_retired;  // grown-out arenas: graphs may still use them
};

// ---------------------------------------------------------------------------
// Errors

std::string runtime_impl::where(const kernel_binary& kernel, const kernel_image* image,
                                const context_info* info) const {
  std::string s = " (kernel '";
  s += name_of(kernel);
  s += "', mode ";
  s += to_string(m_mode);
  if (image != nullptr) {
    s += ", image " + arch_name(image->arch) + " " + std::string(to_string(image->format));
  }
  if (info != nullptr) {
    s += ", device " + std::to_string(info->device) + " " + arch_name(info->arch);
  }
  s += ")";
  return s;
}

status runtime_impl::driver_failure(const driver_table& d, CUresult result, const char* call,
                                    const kernel_binary& kernel, const kernel_image* image,
                                    const context_info* info) const {
  try {
    return status::error(std::string(call) + " failed: " + detail::describe_result(d, result) +
                             where(kernel, image, info),
                         static_cast<int>(result));
  } catch (...) {
    return status::error(call, static_cast<int>(result));
  }
}

// ---------------------------------------------------------------------------
// Driver, context, image

status runtime_impl::driver(const driver_table*& out) {
  out = m_driver.load(std::memory_order_acquire);
  if (out != nullptr) {
    return {};
  }
  if (status s = detail::acquire_driver(out); !s) {
    return s;
  }
  m_driver.store(out, std::memory_order_release);
  return {};
}

status runtime_impl::current_context(const driver_table& d, CUcontext& out) const {
  out = nullptr;
  if (CUresult r = d.cuCtxGetCurrent(&out); r != CUDA_SUCCESS) {
    return status::error("cuCtxGetCurrent failed: " + detail::describe_result(d, r), static_cast<int>(r));
  }
  if (out == nullptr) {
    return status::error(
        "no current CUDA context on this thread: make one current (e.g. cuDevicePrimaryCtxRetain + "
        "cuCtxSetCurrent, or any CUDA runtime call) before launching or preloading");
  }
  return {};
}

status runtime_impl::context_for(const driver_table& d, CUcontext context, const context_info*& out,
                                 bool validate) {
  for (const auto& c : m_contexts) {
    if (c->context == context) {
      unsigned long long id = 0;
      if (!validate || (d.cuCtxGetId(context, &id) == CUDA_SUCCESS && id == c->id)) {
        out = c.get();
        return {};
      }
      if (status s = drop_context_locked(d, context, false); !s) {  // re-created at the same address
        return s;
      }
      break;
    }
  }
  auto info = std::make_unique<context_info>();
  info->context = context;
  auto fail = [&](CUresult r, const char* call) {
    return status::error(std::string(call) + " failed: " + detail::describe_result(d, r) +
                             " (while reading the current context's device, mode " +
                             std::string(to_string(m_mode)) + ")",
                         static_cast<int>(r));
  };
  if (CUresult r = d.cuCtxGetDevice(&info->device); r != CUDA_SUCCESS) {
    return fail(r, "cuCtxGetDevice");
  }
  if (CUresult r = d.cuCtxGetId(context, &info->id); r != CUDA_SUCCESS) {
    return fail(r, "cuCtxGetId");
  }
  int major = 0;
  int minor = 0;
  if (CUresult r = d.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, info->device);
      r != CUDA_SUCCESS) {
    return fail(r, "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MAJOR)");
  }
  if (CUresult r = d.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, info->device);
      r != CUDA_SUCCESS) {
    return fail(r, "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MINOR)");
  }
  if (CUresult r = d.cuDeviceGetAttribute(&info->shared_optin,
                                          CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, info->device);
      r != CUDA_SUCCESS) {
    return fail(r, "cuDeviceGetAttribute(MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)");
  }
  info->arch = major * 10 + minor;
  out = info.get();
  m_contexts.push_back(std::move(info));
  return {};
}

status runtime_impl::pick_image(const kernel_binary& kernel, const context_info& info,
                                const kernel_image*& out) const {
  if (kernel.images == nullptr || kernel.num_images == 0) {
    return status::error("kernel has no images" + where(kernel, nullptr, &info));
  }
  const bool ptx_only = is_ptx_mode(m_mode) || m_options.force_ptx;
  out = choose_image(kernel, info.arch, ptx_only);
  if (out != nullptr) {
    return {};
  }
  std::string have;
  for (std::size_t i = 0; i < kernel.num_images; ++i) {
    have += (i == 0 ? "" : ", ") + arch_name(kernel.images[i].arch) + " " +
            std::string(to_string(kernel.images[i].format));
  }
  return status::error("no image of the kernel runs on " + arch_name(info.arch) +
                       (ptx_only ? " as PTX" : "") + ": it has " + have + where(kernel, nullptr, &info));
}

status runtime_impl::shape_for(const kernel_binary& kernel, const kernel_image& image,
                               const context_info& info, launch_shape& out) const {
  if (image.data == nullptr || image.size == 0) {
    return status::error("image has no data" + where(kernel, &image, &info));
  }
  if (image.symbol == nullptr || *image.symbol == '\0') {
    return status::error("image names no entry symbol" + where(kernel, &image, &info));
  }
  if (image.format == image_format::ptx && image.data[image.size] != '\0') {
    return status::error("PTX image is not NUL-terminated" + where(kernel, &image, &info));
  }
  const std::uint64_t threads = std::uint64_t{image.num_warps} * 32;
  if (threads == 0 || threads > 1024) {
    return status::error("num_warps " + std::to_string(image.num_warps) + " gives " +
                         std::to_string(threads) + " threads per block; the limit is 1024" +
                         where(kernel, &image, &info));
  }
  if (image.shared_bytes > static_cast<std::uint32_t>(info.shared_optin) &&
      image.shared_bytes > k_default_shared_limit) {
    return status::error("kernel needs " + std::to_string(image.shared_bytes) +
                         " bytes of dynamic shared memory but the device allows at most " +
                         std::to_string(info.shared_optin) + " per block" + where(kernel, &image, &info));
  }
  launch_shape s;
  s.block_x = static_cast<unsigned>(threads);
  s.shared_bytes = image.shared_bytes;
  const std::uint32_t* dims = image.cluster_dims;
  const std::uint64_t cluster_size = std::uint64_t{dims[0]} * dims[1] * dims[2];
  if (cluster_size > 1) {
    s.cluster[0] = dims[0];
    s.cluster[1] = dims[1];
    s.cluster[2] = dims[2];
  } else if (image.num_ctas > 1) {
    s.cluster[0] = image.num_ctas;  // Triton: num_ctas CTAs per program, as a 1-D cluster
  }
  s.ctas_per_program = std::uint64_t{s.cluster[0]} * s.cluster[1] * s.cluster[2];
  if (s.ctas_per_program == 0) {
    return status::error("cluster_dims contain a 0" + where(kernel, &image, &info));
  }
  if (s.ctas_per_program > 1) {
    CUlaunchAttribute& a = s.attrs[s.num_attrs++];
    a.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    a.value.clusterDim.x = s.cluster[0];
    a.value.clusterDim.y = s.cluster[1];
    a.value.clusterDim.z = s.cluster[2];
    CUlaunchAttribute& p = s.attrs[s.num_attrs++];
    p.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE;
    p.value.clusterSchedulingPolicyPreference = CU_CLUSTER_SCHEDULING_POLICY_SPREAD;
  }
  if (image.launch_cooperative_grid) {
    CUlaunchAttribute& a = s.attrs[s.num_attrs++];
    a.id = CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
    a.value.cooperative = 1;
  }
  if (image.launch_pdl) {
    CUlaunchAttribute& a = s.attrs[s.num_attrs++];
    a.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    a.value.programmaticStreamSerializationAllowed = 1;
  }
  s.needs_scratch = image.global_scratch_size > 0 || image.profile_scratch_size > 0;
  s.plain = s.num_attrs == 0 && !s.needs_scratch;
  out = s;
  return {};
}

// Per function and context: raise the dynamic shared memory limit above 48 KiB, allow
// non-portable cluster sizes above 8.
status runtime_impl::prepare_function(const driver_table& d, const kernel_binary& kernel,
                                      const kernel_image& image, const context_info& info,
                                      const launch_shape& shape, CUfunction function) {
  if (shape.shared_bytes > k_default_shared_limit) {
    if (CUresult r = d.cuFuncSetAttribute(function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                          static_cast<int>(shape.shared_bytes));
        r != CUDA_SUCCESS) {
      return driver_failure(d, r, "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)", kernel, &image, &info);
    }
  }
  if (shape.ctas_per_program > 8) {
    if (CUresult r = d.cuFuncSetAttribute(function, CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED, 1);
        r != CUDA_SUCCESS) {
      return driver_failure(d, r, "cuFuncSetAttribute(NON_PORTABLE_CLUSTER_SIZE_ALLOWED)", kernel, &image,
                            &info);
    }
  }
  return {};
}

status runtime_impl::refuse_if_capturing(const driver_table& d, const kernel_binary& kernel, CUstream stream,
                                         const char* why) const {
  CUstreamCaptureStatus capture = CU_STREAM_CAPTURE_STATUS_NONE;
  if (CUresult r = d.cuStreamIsCapturing(stream, &capture); r != CUDA_SUCCESS) {
    return driver_failure(d, r, "cuStreamIsCapturing", kernel, nullptr, nullptr);
  }
  if (capture != CU_STREAM_CAPTURE_STATUS_NONE) {
    return status::error(std::string("refused: the stream is capturing a CUDA graph and ") + why +
                         where(kernel, nullptr, nullptr));
  }
  return {};
}

// ---------------------------------------------------------------------------
// Loading (cached modes)

status runtime_impl::library_for(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                                 const context_info& info, CUkernel& out) {
  for (const library_entry& e : m_libraries) {
    if (e.kernel == &kernel && e.image == &image) {
      out = e.handle;
      return {};
    }
  }
  library_entry e{&kernel, &image, nullptr, nullptr};
  const load_range traced(kernel, image);
  if (CUresult r = d.cuLibraryLoadData(&e.library, image.data, nullptr, nullptr, 0, nullptr, nullptr, 0);
      r != CUDA_SUCCESS) {
    return driver_failure(d, r, "cuLibraryLoadData", kernel, &image, &info);
  }
  if (CUresult r = d.cuLibraryGetKernel(&e.handle, e.library, image.symbol); r != CUDA_SUCCESS) {
    status s = driver_failure(d, r, "cuLibraryGetKernel", kernel, &image, &info);
    d.cuLibraryUnload(e.library);
    return s;
  }
  m_libraries.push_back(e);
  out = e.handle;
  return {};
}

bool runtime_impl::library_context_free(const driver_table& d) {
  if (m_library_context_free < 0) {
    m_library_context_free = 0;
    int version = 0;
    int count = 0;
    if (d.cuDriverGetVersion(&version) == CUDA_SUCCESS && version >= 12030 &&
        d.cuDeviceGetCount(&count) == CUDA_SUCCESS && count > 0) {
      int first = -1;
      bool same = true;
      for (int i = 0; i < count && same; ++i) {
        int major = 0;
        int minor = 0;
        CUdevice device = 0;
        same = d.cuDeviceGet(&device, i) == CUDA_SUCCESS &&
               d.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device) == CUDA_SUCCESS &&
               d.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device) == CUDA_SUCCESS &&
               (first < 0 || first == major * 10 + minor);
        first = major * 10 + minor;
      }
      m_library_context_free = same ? 1 : 0;
    }
  }
  return m_library_context_free == 1;
}

// Caller holds m_mutex. The per-device attributes are set for every device now, since
// later launches will not say which device they run on.
bool runtime_impl::publish_context_free(const driver_table& d, const loaded_kernel& e, CUkernel handle) {
  if (m_kernels.find(e.kernel, nullptr) != nullptr) {
    return true;
  }
  int count = 0;
  if (d.cuDeviceGetCount(&count) != CUDA_SUCCESS) {
    return false;
  }
  for (CUdevice device = 0; device < count; ++device) {
    if (e.shape.shared_bytes > k_default_shared_limit &&
        d.cuKernelSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                               static_cast<int>(e.shape.shared_bytes), handle, device) != CUDA_SUCCESS) {
      return false;
    }
    if (e.shape.ctas_per_program > 8 &&
        d.cuKernelSetAttribute(CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED, 1, handle, device) !=
            CUDA_SUCCESS) {
      return false;
    }
  }
  auto global = std::make_unique<loaded_kernel>(e);
  global->context = nullptr;
  global->context_function = nullptr;
  global->info = nullptr;
  m_kernels.insert(global.get());
  m_loaded.push_back(std::move(global));
  return true;
}

status runtime_impl::load_cached(const driver_table& d, const kernel_binary& kernel, CUcontext context,
                                 const CUstream* capture_stream, loaded_kernel*& out) {
  try {
    std::lock_guard<std::mutex> lock(m_mutex);
    if ((out = m_kernels.find(&kernel, context)) != nullptr) {
      return {};  // another thread loaded it while this one waited
    }
    if (capture_stream != nullptr) {
      if (status s = refuse_if_capturing(d, kernel, *capture_stream,
                                         "the kernel is not loaded on this context yet; loading now would "
                                         "break the capture: call runtime::preload() before capturing");
          !s) {
        return s;
      }
    }
    const context_info* info = nullptr;
    if (status s = context_for(d, context, info, false); !s) {
      return s;
    }
    auto e = std::make_unique<loaded_kernel>();
    e->kernel = &kernel;
    e->context = context;
    e->info = info;
    if (status s = pick_image(kernel, *info, e->image); !s) {
      return s;
    }
    const kernel_image& image = *e->image;
    if (status s = shape_for(kernel, image, *info, e->shape); !s) {
      return s;
    }
    if (m_mode == load_mode::library) {
      CUkernel handle = nullptr;
      if (status s = library_for(d, kernel, image, *info, handle); !s) {
        return s;
      }
      // Loads the library's module into this context now, not lazily at the first
      // launch (which might be inside a capture).
      CUfunction in_context = nullptr;
      if (CUresult r = d.cuKernelGetFunction(&in_context, handle); r != CUDA_SUCCESS) {
        return driver_failure(d, r, "cuKernelGetFunction", kernel, &image, info);
      }
      if (e->shape.shared_bytes > k_default_shared_limit) {
        if (CUresult r = d.cuKernelSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                                static_cast<int>(e->shape.shared_bytes), handle, info->device);
            r != CUDA_SUCCESS) {
          return driver_failure(d, r, "cuKernelSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)", kernel, &image,
                                info);
        }
      }
      if (e->shape.ctas_per_program > 8) {
        if (CUresult r = d.cuKernelSetAttribute(CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED, 1, handle,
                                                info->device);
            r != CUDA_SUCCESS) {
          return driver_failure(d, r, "cuKernelSetAttribute(NON_PORTABLE_CLUSTER_SIZE_ALLOWED)", kernel,
                                &image, info);
        }
      }
      e->function = reinterpret_cast<CUfunction>(handle);  // the driver accepts a CUkernel here
      e->context_function = in_context;
      if (!e->shape.needs_scratch && library_context_free(d)) {
        publish_context_free(d, *e, handle);
      }
    } else {
      const load_range traced(kernel, image);
      if (CUresult r = d.cuModuleLoadData(&e->module, image.data); r != CUDA_SUCCESS) {
        return driver_failure(d, r, "cuModuleLoadData", kernel, &image, info);
      }
      status s;
      if (CUresult r = d.cuModuleGetFunction(&e->function, e->module, image.symbol); r != CUDA_SUCCESS) {
        s = driver_failure(d, r, std::string("cuModuleGetFunction('").append(image.symbol).append("')").c_str(),
                           kernel, &image, info);
      } else {
        s = prepare_function(d, kernel, image, *info, e->shape, e->function);
        e->context_function = e->function;
      }
      if (!s) {
        d.cuModuleUnload(e->module);
        return s;
      }
    }
    out = e.get();
    m_loaded.push_back(std::move(e));
    m_kernels.insert(out);
    return {};
  } catch (const std::bad_alloc&) {
    return status::error("out of memory while loading kernel " + std::string(name_of(kernel)));
  }
}

// ---------------------------------------------------------------------------
// Scratch

status runtime_impl::scratch_for(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                                 const context_info* info, const launch_shape& shape, CUcontext context,
                                 launch_grid grid, CUstream stream, CUdeviceptr out[2]) {
  // programs = grid x*y*z * CTAs per program; each gets `size` bytes of each scratch.
  std::uint64_t programs = 0;
  std::uint64_t global = 0;
  std::uint64_t profile = 0;
  if (__builtin_mul_overflow(std::uint64_t{grid.x} * grid.y, std::uint64_t{grid.z}, &programs) ||
      __builtin_mul_overflow(programs, shape.ctas_per_program, &programs) ||
      __builtin_mul_overflow(programs, std::uint64_t{image.global_scratch_size}, &global) ||
      __builtin_mul_overflow(programs, std::uint64_t{image.profile_scratch_size}, &profile) ||
      global > (std::uint64_t{1} << 48) || profile > (std::uint64_t{1} << 48)) {
    return status::error("Triton scratch for a grid of " + std::to_string(grid.x) + "x" +
                         std::to_string(grid.y) + "x" + std::to_string(grid.z) + " is too large" +
                         where(kernel, &image, info));
  }
  const std::uint64_t profile_offset = align_up(global, image.profile_scratch_align);
  const std::uint64_t base_align = image.global_scratch_align > 256 ? image.global_scratch_align : 1;
  const std::uint64_t need = profile_offset + profile + base_align;
  std::lock_guard<std::mutex> lock(m_arena_mutex);
  arena* a = nullptr;
  for (arena& candidate : m_arenas) {
    if (candidate.context == context && candidate.stream == stream) {
      a = &candidate;
      break;
    }
  }
  if (a == nullptr || a->bytes < need) {
    if (status s = refuse_if_capturing(
            d, kernel, stream,
            ("the stream's scratch arena must grow to " + std::to_string(need) +
             " bytes, which allocates: launch the kernel once with this grid before capturing")
                .c_str());
        !s) {
      return s;
    }
    std::size_t bytes = k_min_arena_bytes;
    while (bytes < need) {
      bytes *= 2;
    }
    CUdeviceptr base = 0;
    if (CUresult r = d.cuMemAlloc(&base, bytes); r != CUDA_SUCCESS) {
      return status::error("cuMemAlloc(" + std::to_string(bytes) + ") for Triton scratch failed: " +
                               detail::describe_result(d, r) + where(kernel, &image, info),
                           static_cast<int>(r));
    }
    if (a == nullptr) {
      m_arenas.push_back(arena{context, stream, base, bytes});
      a = &m_arenas.back();
    } else {
      m_retired.push_back(retired_buffer{context, a->base});
      a->base = base;
      a->bytes = bytes;
    }
  }
  const CUdeviceptr base = static_cast<CUdeviceptr>(align_up(a->base, base_align));
  out[0] = image.global_scratch_size > 0 ? base : 0;
  out[1] = image.profile_scratch_size > 0 ? base + profile_offset : 0;
  return {};
}

// ---------------------------------------------------------------------------
// Launching

// The one launch call: cuLaunchKernel, or cuLaunchKernelEx when the shape carries launch
// attributes (clusters, cooperative). `ctas` is the grid in CTAs.
static CUresult launch_call(const driver_table& d, const launch_shape& shape, CUfunction function, launch_grid ctas,
                     CUstream stream, void** params) noexcept {
  if (shape.num_attrs == 0) {
    return d.cuLaunchKernel(function, ctas.x, ctas.y, ctas.z, shape.block_x, 1, 1, shape.shared_bytes, stream, params,
                            nullptr);
  }
  CUlaunchConfig config{};
  config.gridDimX = ctas.x;
  config.gridDimY = ctas.y;
  config.gridDimZ = ctas.z;
  config.blockDimX = shape.block_x;
  config.blockDimY = 1;
  config.blockDimZ = 1;
  config.sharedMemBytes = shape.shared_bytes;
  config.hStream = stream;
  config.attrs = const_cast<CUlaunchAttribute*>(shape.attrs);
  config.numAttrs = shape.num_attrs;
  return d.cuLaunchKernelEx(&config, function, params, nullptr);
}

// The grid in CTAs (programs x CTAs per program), refused when it does not fit 32 bits.
status runtime_impl::ctas_for(const kernel_binary& kernel, const kernel_image& image, const context_info* info,
                              const launch_shape& shape, launch_grid grid, launch_grid& out) const {
  const std::uint64_t gx = std::uint64_t{grid.x} * shape.cluster[0];
  const std::uint64_t gy = std::uint64_t{grid.y} * shape.cluster[1];
  const std::uint64_t gz = std::uint64_t{grid.z} * shape.cluster[2];
  constexpr std::uint64_t max_dim = std::numeric_limits<unsigned>::max();
  if (gx > max_dim || gy > max_dim || gz > max_dim) {
    return status::error("grid " + std::to_string(gx) + "x" + std::to_string(gy) + "x" + std::to_string(gz) +
                         " CTAs does not fit 32 bits" + where(kernel, &image, info));
  }
  out = {static_cast<unsigned>(gx), static_cast<unsigned>(gy), static_cast<unsigned>(gz)};
  return {};
}

status runtime_impl::launch_shaped(const driver_table& d, const kernel_binary& kernel, const kernel_image& image,
                                   const context_info* info, const launch_shape& shape, CUfunction function,
                                   CUcontext context, launch_grid grid, CUstream stream, void** params) {
  CUdeviceptr scratch[2] = {0, 0};
  if (shape.needs_scratch) {
    if (status s = scratch_for(d, kernel, image, info, shape, context, grid, stream, scratch); !s) {
      return s;
    }
  }
  params[kernel.num_params] = &scratch[0];
  params[kernel.num_params + 1] = &scratch[1];
  launch_grid ctas;
  if (status s = ctas_for(kernel, image, info, shape, grid, ctas); !s) {
    return s;
  }
  if (const CUresult r = launch_call(d, shape, function, ctas, stream, params); r != CUDA_SUCCESS) {
    return driver_failure(d, r, shape.num_attrs == 0 ? "cuLaunchKernel" : "cuLaunchKernelEx", kernel, &image, info);
  }
  return {};
}

// ptx, cubin: load, get function, launch, synchronize the stream, unload. The driver
// documents no wait for in-flight work in cuModuleUnload (docs/runtime.md), so the
// stream is synchronized first: the kernel has finished before its module goes.
status runtime_impl::launch_per_call(const driver_table& d, const kernel_binary& kernel, CUcontext context,
                                     launch_grid grid, CUstream stream, void** params) {
  if (status s = refuse_if_capturing(d, kernel, stream,
                                     "this mode loads and unloads the module at every launch, which a graph "
                                     "cannot hold: use ptx-cached, cubin-cached or library");
      !s) {
    return s;
  }
  const context_info* info = nullptr;
  const kernel_image* image = nullptr;
  launch_shape shape;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (status s = context_for(d, context, info, true); !s) {
      return s;
    }
  }
  if (status s = pick_image(kernel, *info, image); !s) {
    return s;
  }
  if (status s = shape_for(kernel, *image, *info, shape); !s) {
    return s;
  }
  CUmodule module = nullptr;
  std::optional<load_range> traced(std::in_place, kernel, *image);
  if (CUresult r = d.cuModuleLoadData(&module, image->data); r != CUDA_SUCCESS) {
    return driver_failure(d, r, "cuModuleLoadData", kernel, image, info);
  }
  status result;
  bool launched = false;
  CUfunction function = nullptr;
  if (CUresult r = d.cuModuleGetFunction(&function, module, image->symbol); r != CUDA_SUCCESS) {
    result = driver_failure(d, r, "cuModuleGetFunction", kernel, image, info);
  } else {
    result = prepare_function(d, kernel, *image, *info, shape, function);
    traced.reset();  // the load range ends before the launch
    if (result.ok()) {
      result = launch_shaped(d, kernel, *image, info, shape, function, context, grid, stream, params);
      launched = result.ok();
    }
  }
  if (launched) {
    if (CUresult r = d.cuStreamSynchronize(stream); r != CUDA_SUCCESS) {
      result = driver_failure(d, r, "cuStreamSynchronize (before cuModuleUnload)", kernel, image, info);
    }
  }
  if (CUresult r = d.cuModuleUnload(module); r != CUDA_SUCCESS && result.ok()) {
    result = driver_failure(d, r, "cuModuleUnload", kernel, image, info);
  }
  return result;
}

status runtime_impl::launch(const kernel_binary& kernel, launch_grid grid, CUstream stream,
                            void** params) {
  const driver_table* d = m_driver.load(std::memory_order_acquire);
  if (d == nullptr) [[unlikely]] {
    if (status s = driver(d); !s) {
      return s;
    }
  }
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) [[unlikely]] {
    return {};  // nothing to run, as Triton's launcher does
  }
  if (params == nullptr) [[unlikely]] {
    return status::error("params is null; it needs num_params + 2 slots" + where(kernel, nullptr, nullptr));
  }
  const std::uint64_t stamp = m_stamp.load(std::memory_order_acquire);
  if (thread_slot& t = slot_for(&kernel); t.stamp == stamp && t.kernel == &kernel) [[likely]] {
    CUcontext now = nullptr;
    if (!t.verify || (t.driver->cuCtxGetCurrent(&now) == CUDA_SUCCESS && now == t.context)) {
      params[t.num_params] = &g_no_scratch[0];
      params[t.num_params + 1] = &g_no_scratch[1];
      if (t.driver->cuLaunchKernel(t.function, grid.x, grid.y, grid.z, t.block_x, 1, 1, t.shared_bytes, stream,
                                   params, nullptr) == CUDA_SUCCESS) [[likely]] {
        return {};
      }
      // Another context's function, or a real failure: the full way says which. This
      // thread has met this kernel in another context: from now on it checks first.
      t.verify = true;
    }
    t.stamp = 0;  // no runtime has stamp 0
  }
  loaded_kernel* e = nullptr;
  CUcontext context = nullptr;
  if (CUresult r = d->cuCtxGetCurrent(&context); r != CUDA_SUCCESS || context == nullptr) [[unlikely]] {
    return current_context(*d, context);
  }
  if (is_per_call(m_mode)) {
    return launch_per_call(*d, kernel, context, grid, stream, params);
  }
  e = m_kernels.find(&kernel, context);
  if (e == nullptr && m_mode == load_mode::library) {
    // Context-free entry (see publish_context_free): inside a capture, the CUkernel,
    // which the driver loads into this context lazily. Otherwise the context's own
    // function is fetched once (load_cached: cuKernelGetFunction, no library load):
    // launching a CUkernel costs the driver more than launching that, and only a
    // context's own function can go into the thread's cache.
    if (const loaded_kernel* g = m_kernels.find(&kernel, nullptr)) {
      CUstreamCaptureStatus capture = CU_STREAM_CAPTURE_STATUS_NONE;
      if (d->cuStreamIsCapturing(stream, &capture) != CUDA_SUCCESS || capture != CU_STREAM_CAPTURE_STATUS_NONE) {
        return launch_shaped(*d, kernel, *g->image, nullptr, g->shape, g->function, nullptr, grid, stream, params);
      }
    }
  }
  if (e == nullptr) [[unlikely]] {
    if (status s = load_cached(*d, kernel, context, &stream, e); !s) {
      return s;
    }
  }
  if (e->shape.plain) [[likely]] {
    params[kernel.num_params] = &g_no_scratch[0];
    params[kernel.num_params + 1] = &g_no_scratch[1];
    const CUresult r = d->cuLaunchKernel(e->context_function, grid.x, grid.y, grid.z, e->shape.block_x, 1, 1,
                                         e->shape.shared_bytes, stream, params, nullptr);
    if (r == CUDA_SUCCESS) [[likely]] {
      remember(*d, kernel, *e, stamp);
      return {};
    }
    return relaunch_if_recreated(*d, kernel, context, driver_failure(*d, r, "cuLaunchKernel", kernel, e->image, e->info),
                                 grid, stream, params);
  }
  status s = launch_shaped(*d, kernel, *e->image, e->info, e->shape, e->function, context, grid, stream, params);
  return s.ok() ? s : relaunch_if_recreated(*d, kernel, context, std::move(s), grid, stream, params);
}

void runtime_impl::remember(const driver_table& d, const kernel_binary& kernel, const loaded_kernel& e,
                            std::uint64_t stamp) noexcept {
  thread_slot& t = slot_for(&kernel);
  t.verify = t.owner == m_id && t.kernel == &kernel && t.verify;  // once switching, always checking
  t.context = e.context;
  t.owner = m_id;
  t.stamp = stamp;  // read before the lookup: an unload since then leaves the slot stale, as it must
  t.kernel = &kernel;
  t.driver = &d;
  t.function = e.context_function;
  t.block_x = e.shape.block_x;
  t.shared_bytes = e.shape.shared_bytes;
  t.num_params = kernel.num_params;
}

// After a failed launch on `context`: if the context was destroyed and re-created at the
// same address, load again and launch once more; otherwise the failure stands.
status runtime_impl::relaunch_if_recreated(const driver_table& d, const kernel_binary& kernel, CUcontext context,
                                           status failed, launch_grid grid, CUstream stream, void** params) {
  const int code = failed.driver_code();
  if (context == nullptr || (code != CUDA_ERROR_INVALID_HANDLE && code != CUDA_ERROR_CONTEXT_IS_DESTROYED &&
                             code != CUDA_ERROR_INVALID_CONTEXT) ||
      !forget_if_recreated(d, context)) {
    return failed;
  }
  loaded_kernel* e = nullptr;
  if (status l = load_cached(d, kernel, context, &stream, e); !l) {
    return l;
  }
  return launch_shaped(d, kernel, *e->image, e->info, e->shape, e->function, context, grid, stream, params);
}

bool runtime_impl::forget_if_recreated(const driver_table& d, CUcontext context) {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& c : m_contexts) {
    if (c->context == context) {
      unsigned long long id = 0;
      if (d.cuCtxGetId(context, &id) != CUDA_SUCCESS || id == c->id) {
        return false;  // the same context: the error is real
      }
      return drop_context_locked(d, context, false).ok();
    }
  }
  return false;
}

status runtime_impl::drop_context_locked(const driver_table& d, CUcontext context, bool unload) {
  status result;
  renew_stamp();  // before anything is unloaded: no thread launches its cached functions
  m_kernels.erase_context(context);
  for (auto& e : m_loaded) {
    if (e->context == context && e->module != nullptr) {
      if (unload) {
        if (CUresult r = d.cuModuleUnload(e->module); r != CUDA_SUCCESS && result.ok()) {
          result = driver_failure(d, r, "cuModuleUnload", *e->kernel, e->image, e->info);
        }
      }
      e->module = nullptr;
    }
  }
  // Loaded entries and context infos stay allocated: a racing reader may hold one.
  for (auto& c : m_contexts) {
    if (c->context == context) {
      m_dead_contexts.push_back(std::move(c));
    }
  }
  std::erase_if(m_contexts, [](const auto& c) { return c == nullptr; });
  std::lock_guard<std::mutex> arena_lock(m_arena_mutex);
  auto release = [&](CUdeviceptr base) {
    if (unload) {
      d.cuMemFree(base);
    }
  };
  std::erase_if(m_arenas, [&](const arena& a) {
    if (a.context != context) {
      return false;
    }
    release(a.base);
    return true;
  });
  std::erase_if(m_retired, [&](const retired_buffer& b) {
    if (b.context != context) {
      return false;
    }
    release(b.base);
    return true;
  });
  return result;
}

status runtime_impl::preload(const kernel_binary& kernel) {
  const driver_table* d = nullptr;
  if (status s = driver(d); !s) {
    return s;
  }
  CUcontext context = nullptr;
  if (status s = current_context(*d, context); !s) {
    return s;
  }
  if (is_per_call(m_mode)) {
    image_choice choice;
    return selected_image(kernel, choice);  // nothing to keep; checks that an image fits
  }
  loaded_kernel* e = m_kernels.find(&kernel, context);
  return e != nullptr ? status{} : load_cached(*d, kernel, context, nullptr, e);
}

status runtime_impl::preload(const kernel_binary& kernel, launch_grid grid, CUstream stream) {
  if (status s = preload(kernel); !s || is_per_call(m_mode)) {
    return s;
  }
  const driver_table* d = nullptr;
  CUcontext context = nullptr;
  if (status s = driver(d); !s) {
    return s;
  }
  if (status s = current_context(*d, context); !s) {
    return s;
  }
  const loaded_kernel* e = m_kernels.find(&kernel, context);
  if (e == nullptr || !e->shape.needs_scratch || grid.x == 0 || grid.y == 0 || grid.z == 0) {
    return {};
  }
  CUdeviceptr unused[2] = {0, 0};
  return scratch_for(*d, kernel, *e->image, e->info, e->shape, context, grid, stream, unused);
}

status runtime_impl::resolve(const kernel_binary& kernel, launch_grid grid, CUstream stream, void** params,
                             resolved_launch& out) {
  out = {};
  if (is_per_call(m_mode)) {
    return status::error(std::string("resolve: mode ") + std::string(to_string(m_mode)) +
                         " loads at every launch; only cached modes resolve" + where(kernel, nullptr, nullptr));
  }
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || params == nullptr) {
    return status::error("resolve: needs a grid without a zero dimension and params with num_params + 2 slots" +
                         where(kernel, nullptr, nullptr));
  }
  if (status s = preload(kernel); !s) {
    return s;
  }
  const driver_table* d = nullptr;
  CUcontext context = nullptr;
  if (status s = driver(d); !s) {
    return s;
  }
  if (status s = current_context(*d, context); !s) {
    return s;
  }
  const loaded_kernel* e = m_kernels.find(&kernel, context);
  if (e == nullptr) {
    return status::error("resolve: the kernel is not loaded on the current context" + where(kernel, nullptr, nullptr));
  }
  CUdeviceptr scratch[2] = {0, 0};
  if (e->shape.needs_scratch) {
    if (status s = scratch_for(*d, kernel, *e->image, e->info, e->shape, context, grid, stream, scratch); !s) {
      return s;
    }
  }
  if (status s = ctas_for(kernel, *e->image, e->info, e->shape, grid, out.ctas); !s) {
    return s;
  }
  out.entry = e;
  out.scratch[0] = scratch[0];
  out.scratch[1] = scratch[1];
  params[kernel.num_params] = &out.scratch[0];
  params[kernel.num_params + 1] = &out.scratch[1];
  return {};
}

status runtime_impl::launch_resolved(const resolved_launch& launch, CUstream stream, void** params) const {
  const driver_table* d = m_driver.load(std::memory_order_acquire);
  const auto* e = static_cast<const loaded_kernel*>(launch.entry);
  if (d == nullptr || e == nullptr) {
    return status::error("launch_resolved: nothing resolved (call resolve first)");
  }
  const launch_shape& shape = e->shape;
  if (const CUresult r = launch_call(*d, shape, e->function, launch.ctas, stream, params); r != CUDA_SUCCESS)
      [[unlikely]] {
    return driver_failure(*d, r, shape.num_attrs == 0 ? "cuLaunchKernel" : "cuLaunchKernelEx", *e->kernel, e->image,
                          e->info);
  }
  return {};
}

status runtime_impl::selected_image(const kernel_binary& kernel, image_choice& out) {
  try {
    const driver_table* d = nullptr;
    if (status s = driver(d); !s) {
      return s;
    }
    CUcontext context = nullptr;
    if (status s = current_context(*d, context); !s) {
      return s;
    }
    const context_info* info = nullptr;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (status s = context_for(*d, context, info, true); !s) {
        return s;
      }
    }
    const kernel_image* image = nullptr;
    if (status s = pick_image(kernel, *info, image); !s) {
      return s;
    }
    launch_shape shape;
    if (status s = shape_for(kernel, *image, *info, shape); !s) {
      return s;
    }
    out = image_choice{image, image->arch, image->format, info->arch};
    return {};
  } catch (const std::bad_alloc&) {
    return status::error("out of memory");
  }
}

status runtime_impl::release_current_context() {
  const driver_table* d = nullptr;
  if (status s = driver(d); !s) {
    return s;
  }
  CUcontext context = nullptr;
  if (status s = current_context(*d, context); !s) {
    return s;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  return drop_context_locked(*d, context, true);
}

// Unloads what is left, in contexts that are still alive (cuCtxGetId answers with the
// id recorded at load). Errors are dropped: a destructor has nowhere to report them.
runtime_impl::~runtime_impl() {
  const driver_table* d = m_driver.load(std::memory_order_acquire);
  if (d == nullptr) {
    return;
  }
  auto alive = [d](CUcontext context, unsigned long long id) {
    unsigned long long now = 0;
    return d->cuCtxGetId(context, &now) == CUDA_SUCCESS && now == id;
  };
  auto id_of = [this](CUcontext context) -> const context_info* {
    for (const auto& c : m_contexts) {
      if (c->context == context) {
        return c.get();
      }
    }
    return nullptr;
  };
  auto in_context = [&](CUcontext context, auto&& work) {
    const context_info* info = id_of(context);
    if (info == nullptr || !alive(context, info->id) || d->cuCtxPushCurrent(context) != CUDA_SUCCESS) {
      return;
    }
    work();
    CUcontext popped = nullptr;
    d->cuCtxPopCurrent(&popped);
  };
  for (auto& e : m_loaded) {
    if (e->module != nullptr) {
      in_context(e->context, [&] { d->cuModuleUnload(e->module); });
    }
  }
  for (const library_entry& l : m_libraries) {
    d->cuLibraryUnload(l.library);
  }
  for (const arena& a : m_arenas) {
    in_context(a.context, [&] { d->cuMemFree(a.base); });
  }
  for (const retired_buffer& b : m_retired) {
    in_context(b.context, [&] { d->cuMemFree(b.base); });
  }
}

// ---------------------------------------------------------------------------
// Public surface

namespace {

// Built at start-up, so reporting it allocates nothing.
const status g_out_of_memory = status::error("out of memory inside tb::runtime");

}  // namespace

runtime::runtime(load_mode mode, runtime_options options)
    : m_impl(std::make_unique<runtime_impl>(mode, options)) {}

runtime::~runtime() = default;

load_mode runtime::mode() const noexcept { return m_impl->mode(); }

const runtime_options& runtime::options() const noexcept { return m_impl->options(); }

status runtime::launch(const kernel_binary& kernel, launch_grid grid, stream_handle stream, void** params) noexcept {
  try {
    return m_impl->launch(kernel, grid, stream, params);
  } catch (...) {
    return g_out_of_memory;
  }
}

status runtime::preload(const kernel_binary& kernel) noexcept {
  try {
    return m_impl->preload(kernel);
  } catch (...) {
    return g_out_of_memory;
  }
}

status runtime::preload(const kernel_binary& kernel, launch_grid grid, stream_handle stream) noexcept {
  try {
    return m_impl->preload(kernel, grid, stream);
  } catch (...) {
    return g_out_of_memory;
  }
}

status runtime::resolve(const kernel_binary& kernel, launch_grid grid, stream_handle stream, void** params,
                        resolved_launch& out) noexcept {
  try {
    return m_impl->resolve(kernel, grid, stream, params, out);
  } catch (...) {
    return g_out_of_memory;
  }
}

status runtime::launch_resolved(const resolved_launch& launch, stream_handle stream, void** params) noexcept {
  try {
    return m_impl->launch_resolved(launch, stream, params);
  } catch (...) {
    return g_out_of_memory;
  }
}

status runtime::selected_image(const kernel_binary& kernel, image_choice& out) noexcept {
  try {
    return m_impl->selected_image(kernel, out);
  } catch (...) {
    return g_out_of_memory;
  }
}

status runtime::release_current_context() noexcept {
  try {
    return m_impl->release_current_context();
  } catch (...) {
    return g_out_of_memory;
  }
}

runtime& default_runtime() {
  static runtime* instance = new runtime(load_mode::cubin_cached);  // never destroyed: usable at exit
  return *instance;
}

}  // namespace tb::runtime
