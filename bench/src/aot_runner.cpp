#include "aot_runner.hpp"

#include "driver_api.hpp"  // tb::runtime_internal: the runtime's driver table

#include <fmt/format.h>

#include <algorithm>

namespace tb::bench {

namespace rt = tb::runtime;
using rt::detail::driver_table;

namespace {

const driver_table& table_of(const void* p) { return *static_cast<const driver_table*>(p); }

}  // namespace

rt::load_mode load_mode_of(mode m) {
  switch (m) {
    case mode::ptx: return rt::load_mode::ptx;
    case mode::cubin: return rt::load_mode::cubin;
    case mode::ptx_cached: return rt::load_mode::ptx_cached;
    case mode::cubin_cached: return rt::load_mode::cubin_cached;
    case mode::library: return rt::load_mode::library;
    case mode::graph: return rt::load_mode::cubin_cached;  // captured, then replayed
    case mode::jit: break;
  }
  throw std::invalid_argument(fmt::format("'{}' is not an AOT mode", to_string(m)));
}

void device_session::check(int result, const char* call) const {
  if (result == CUDA_SUCCESS) return;
  throw device_error(fmt::format("{} failed: {}", call,
                                 rt::detail::describe_result(table_of(m_driver), static_cast<CUresult>(result))));
}

device_session::device_session(int ordinal) {
  const driver_table* driver = nullptr;
  if (const rt::status s = rt::detail::acquire_driver(driver); !s) throw device_error(s.message());
  m_driver = driver;
  CUdevice device = 0;
  check(driver->cuDeviceGet(&device, ordinal), "cuDeviceGet");
  m_device = device;
  int major = 0, minor = 0;
  check(driver->cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
        "cuDeviceGetAttribute");
  check(driver->cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
        "cuDeviceGetAttribute");
  m_arch = major * 10 + minor;
  if (driver->cuDriverGetVersion) driver->cuDriverGetVersion(&m_driver_version);
  CUcontext context = nullptr;
  check(driver->cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
  m_context = context;
  check(driver->cuCtxSetCurrent(context), "cuCtxSetCurrent");
  CUstream stream = nullptr;
  check(driver->cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  m_stream = stream;
}

device_session::~device_session() {
  const driver_table& d = table_of(m_driver);
  if (m_stream) d.cuStreamSynchronize(m_stream);
  if (m_graph_exec) d.cuGraphExecDestroy(static_cast<CUgraphExec>(m_graph_exec));
  if (m_graph) d.cuGraphDestroy(static_cast<CUgraph>(m_graph));
  for (const auto a : m_addresses) d.cuMemFree(a);
  if (m_stream) d.cuStreamDestroy(m_stream);
  if (m_context) d.cuDevicePrimaryCtxRelease(m_device);
}

const std::vector<std::uint64_t>& device_session::allocate(const std::vector<host_buffer>& buffers) {
  const driver_table& d = table_of(m_driver);
  for (const auto& b : buffers) {
    CUdeviceptr p = 0;
    check(d.cuMemAlloc(&p, std::max<std::size_t>(b.bytes.size(), 16)), "cuMemAlloc");
    m_addresses.push_back(p);
  }
  return m_addresses;
}

void device_session::upload(const std::vector<host_buffer>& buffers) {
  const driver_table& d = table_of(m_driver);
  synchronize();
  for (std::size_t i = 0; i < buffers.size() && i < m_addresses.size(); ++i)
    check(d.cuMemcpyHtoD(m_addresses[i], buffers[i].bytes.data(), buffers[i].bytes.size()), "cuMemcpyHtoD");
  check(d.cuCtxSynchronize(), "cuCtxSynchronize");
}

void device_session::download(std::vector<host_buffer>& buffers) {
  const driver_table& d = table_of(m_driver);
  synchronize();
  for (std::size_t i = 0; i < buffers.size() && i < m_addresses.size(); ++i)
    check(d.cuMemcpyDtoH(buffers[i].bytes.data(), m_addresses[i], buffers[i].bytes.size()), "cuMemcpyDtoH");
}

void device_session::synchronize() { check(table_of(m_driver).cuStreamSynchronize(m_stream), "cuStreamSynchronize"); }

void device_session::begin_capture() {
  const driver_table& d = table_of(m_driver);
  if (m_graph_exec) {
    d.cuGraphExecDestroy(static_cast<CUgraphExec>(m_graph_exec));
    m_graph_exec = nullptr;
  }
  if (m_graph) {
    d.cuGraphDestroy(static_cast<CUgraph>(m_graph));
    m_graph = nullptr;
  }
  check(d.cuStreamBeginCapture(m_stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture");
}

void device_session::end_capture() {
  const driver_table& d = table_of(m_driver);
  CUgraph graph = nullptr;
  check(d.cuStreamEndCapture(m_stream, &graph), "cuStreamEndCapture");
  m_graph = graph;
  CUgraphExec exec = nullptr;
  check(d.cuGraphInstantiateWithFlags(&exec, graph, 0), "cuGraphInstantiateWithFlags");
  m_graph_exec = exec;
}

void device_session::replay() {
  check(table_of(m_driver).cuGraphLaunch(static_cast<CUgraphExec>(m_graph_exec), m_stream), "cuGraphLaunch");
}

aot_mode_runner::aot_mode_runner(mode m, device_session& session, const std::vector<planned_launch>& plan)
    : m_mode(m), m_session(session), m_plan(plan), m_runtime(std::make_unique<rt::runtime>(load_mode_of(m))) {}

void aot_mode_runner::launch(const planned_launch& l) {
  const rt::specialization_desc* spec = choose_specialization(l);
  if (!spec) [[unlikely]]
    throw device_error(fmt::format("{}: no compiled specialisation accepts the arguments of launch {}", l.kernel->name,
                                   l.scenario_launch + 1));
  void* params[max_kernel_params + rt::scratch_param_count];
  pack_params(l, *spec, params);
  if (const rt::status s = m_runtime->launch(spec->binary, l.grid, m_session.stream(), params); !s) [[unlikely]]
    throw device_error(s.message());
}

void aot_mode_runner::prepare() {
  for (const auto& l : m_plan) {
    const rt::specialization_desc* spec = choose_specialization(l);
    if (!spec)
      throw device_error(fmt::format("{}: no compiled specialisation accepts the arguments of launch {}", l.kernel->name,
                                     l.scenario_launch + 1));
    // cached modes load now, with the scratch this launch's grid needs (graph captures
    // them: nothing may load or allocate then); per-call modes only check an image fits
    if (const rt::status s = m_runtime->preload(spec->binary, l.grid, m_session.stream()); !s)
      throw device_error(s.message());
  }
  if (m_mode == mode::graph) m_session.capture([&] {
    for (const auto& l : m_plan) launch(l);
  });
}

void aot_mode_runner::run_iteration() {
  if (m_mode == mode::graph) {
    m_session.replay();
    return;
  }
  for (const auto& l : m_plan) launch(l);
}

void aot_mode_runner::run_first_launch() {
  if (!m_plan.empty()) launch(m_plan.front());
}

std::vector<aot_mode_runner::selection> aot_mode_runner::selections() {
  std::vector<selection> out;
  for (const auto& l : m_plan) {
    selection s;
    s.spec = choose_specialization(l);
    if (s.spec) m_runtime->selected_image(s.spec->binary, s.image);
    out.push_back(s);
  }
  return out;
}

}  // namespace tb::bench
