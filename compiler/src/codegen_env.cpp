#include "codegen_env.hpp"

#include <cstdlib>
#include <string_view>

namespace tb::compiler {
namespace {

// From Triton 3.6.0's own list (libtriton's CACHE_INVALIDATING_ENV_VARS, what
// `triton._C.libtriton.get_cache_invalidating_env_vars()` reads and Triton's cache key
// includes). Some only dump or time (MLIR_ENABLE_DUMP): kept anyway, so triton-aot's
// cache never serves what Triton's own cache would not.
constexpr std::string_view triton_cache_invalidating[] = {
    "ALLOW_LHS_TMEM_LAYOUT_CONVERSION", "AMDGCN_ENABLE_DUMP", "AMDGCN_USE_BUFFER_ATOMICS",
    "AMDGCN_USE_BUFFER_OPS", "DISABLE_LLVM_OPT", "DISABLE_MMA_V3", "DISABLE_MMA_V5", "DISABLE_PTXAS_OPT",
    "LLVM_ENABLE_TIMING", "LLVM_EXTRACT_DI_LOCAL_VARIABLES", "LLVM_IR_ENABLE_DUMP", "LLVM_PASS_PLUGIN_PATH",
    "MLIR_DISABLE_MULTITHREADING", "MLIR_DUMP_PATH", "MLIR_ENABLE_DIAGNOSTICS", "MLIR_ENABLE_DUMP",
    "MLIR_ENABLE_TIMING", "NVPTX_ENABLE_DUMP", "TRITON_DEFAULT_FP_FUSION", "TRITON_DISABLE_LINE_INFO",
    "TRITON_DUMP_MIR", "TRITON_ENABLE_ASAN", "TRITON_ENABLE_EXPERIMENTAL_CONSAN", "TRITON_ENABLE_LLVM_DEBUG",
    "TRITON_F32_DEFAULT", "TRITON_HIP_USE_ASYNC_COPY", "TRITON_HIP_USE_BLOCK_PINGPONG",
    "TRITON_HIP_USE_IN_THREAD_TRANSPOSE", "TRITON_LLVM_DEBUG_ONLY", "TRITON_OVERRIDE_ARCH", "USE_IR_LOC",
};

// Knobs of triton/knobs.py that Triton's list leaves out but that change the cubin,
// the PTX or whether the kernel compiles at all:
//   TRITON_DEBUG                 runtime.debug: the default of the `debug` option (device asserts)
//   TRITON_KERNEL_OVERRIDE, TRITON_OVERRIDE_DIR   replace a stage's IR with files from a folder
//   PTXAS_OPTIONS                extra ptxas flags
//   TRITON_PTXAS_PATH, TRITON_PTXAS_BLACKWELL_PATH   another ptxas (keyed by path, not by contents)
//   TRITON_LIBDEVICE_PATH        another libdevice
//   TRITON_MOCK_PTX_VERSION      the PTX ISA version written
//   TRITON_ALLOW_NON_CONSTEXPR_GLOBALS   whether globals compile
//   TRITON_INSTRUMENTATION_MODE  instrumented code
//   TRITON_INTERPRET             @triton.jit makes interpreter functions
// Left out, as they touch no output: the cache, dump and home folders (TRITON_CACHE_DIR,
// TRITON_DUMP_DIR, TRITON_HOME, TRITON_KERNEL_DUMP, TRITON_STORE_BINARY_ONLY,
// TRITON_ALWAYS_COMPILE), logs (TRITON_DUMP_PTXAS_LOG, TRITON_FRONT_END_DEBUGGING),
// the launcher's build (CC, TRITON_CUDART_PATH, TRITON_CUDACRT_PATH), the remote cache,
// autotuning, proton, and the tools triton.compile never runs (cuobjdump, nvdisasm).
constexpr std::string_view triton_knobs[] = {
    "TRITON_DEBUG", "TRITON_KERNEL_OVERRIDE", "TRITON_OVERRIDE_DIR", "PTXAS_OPTIONS", "TRITON_PTXAS_PATH",
    "TRITON_PTXAS_BLACKWELL_PATH", "TRITON_LIBDEVICE_PATH", "TRITON_MOCK_PTX_VERSION",
    "TRITON_ALLOW_NON_CONSTEXPR_GLOBALS", "TRITON_INSTRUMENTATION_MODE", "TRITON_INTERPRET",
};

void append_set(std::string& out, std::string_view name) {
  const std::string key(name);
  if (const char* value = std::getenv(key.c_str())) out += key + "=" + value + "\n";
}

}  // namespace

std::string codegen_environment() {
  std::string out;
  for (std::string_view name : triton_cache_invalidating) append_set(out, name);
  for (std::string_view name : triton_knobs) append_set(out, name);
  return out;
}

}  // namespace tb::compiler
