// Names the tracer gives a trace's rows from the process it ran in: host threads by their
// OS name (/proc/self/task/TID/comm), GPUs by the driver's device name. CUPTI names a
// GPU only when its context is created after tracing starts (never for triton-bench's
// in-process tracer, which starts after the warm-up) and names no threads, so without
// these the rows read "thread 1763415936" and the trace's gpuName is empty.
#pragma once

#include <tb/profiler/trace.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace tb::profiler::cupti {

/// A thread's or a device's name, or nullopt when it cannot be found.
using thread_name_lookup = std::function<std::optional<std::string>(std::int64_t tid)>;
using device_name_lookup = std::function<std::optional<std::string>(std::int32_t device)>;

/// The default label of a host thread's track ("thread <tid>"), as the converter makes it.
std::string default_thread_label(std::int64_t tid);

/// Renames every CPU-thread track of the host process `pid` that still has its default
/// label to "<name> (tid <tid>)", where `name_of` knows the thread. Returns how many.
std::size_t label_threads(trace& t, std::int64_t pid, const thread_name_lookup& name_of);

/// Renames every device process still named "GPU <n>" to "GPU <n>: <name>", and sets the
/// trace's gpu_name, when empty, to the name of the lowest device that ran GPU work (else
/// the lowest device). Returns how many processes were renamed.
std::size_t label_devices(trace& t, const device_name_lookup& name_of);

/// This process's thread `tid`'s name (/proc/self/task/<tid>/comm), or nullopt once the
/// thread has exited.
std::optional<std::string> os_thread_name(std::int64_t tid);

}  // namespace tb::profiler::cupti
