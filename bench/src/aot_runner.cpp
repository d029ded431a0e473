#include "aot_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace tb::bench {

namespace rt = tb::runtime;

namespace {

// A driver call failed: the runtime's message names the call and the error.
void check(const rt::status& s) {
  if (!s) [[unlikely]]
    throw device_error(s.message());
}

// Busy-waits `ns` nanoseconds of the steady clock (the test-only launch delay).
void spin_for(std::uint64_t ns) noexcept {
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace

rt::load_mode load_mode_of(mode m) {
  switch (m) {
    case mode::ptx: return rt::load_mode::ptx;
    case mode::cubin: return rt::load_mode::cubin;
    case mode::ptx_cached: return rt::load_mode::ptx_cached;
    case mode::cubin_cached: return rt::load_mode::cubin_cached;
    case mode::library: return rt::load_mode::library;
    case mode::graph: return rt::load_mode::cubin_cached;  // captured, then replayed
    case mode::driver: return rt::load_mode::cubin_cached;  // resolved, then bare cuLaunchKernel
    case mode::jit: break;
  }
  throw std::invalid_argument(fmt::format("'{}' is not an AOT mode", to_string(m)));
}

device_session::device_session(int ordinal) : m_device(ordinal) {
  check(rt::compute_capability(ordinal, m_arch));
  if (!rt::driver_version(m_driver_version)) m_driver_version = 0;
  check(rt::retain_primary_context(ordinal, m_context));
  check(rt::make_current(m_context));
  check(rt::create_stream(m_stream));
}

device_session::~device_session() {
  if (m_stream) rt::synchronize(m_stream);
  if (m_graph_exec) rt::destroy_graph_exec(m_graph_exec);
  if (m_graph) rt::destroy_graph(m_graph);
  for (const auto a : m_addresses) rt::mem_free(a);
  if (m_stream) rt::destroy_stream(m_stream);
  if (m_context) rt::release_primary_context(m_device);
}

const std::vector<std::uint64_t>& device_session::allocate(const std::vector<host_buffer>& buffers) {
  for (const auto& b : buffers) {
    rt::device_ptr p = 0;
    check(rt::mem_alloc(std::max<std::size_t>(b.bytes.size(), 16), p));
    m_addresses.push_back(p);
  }
  return m_addresses;
}

void device_session::upload(const std::vector<host_buffer>& buffers) {
  synchronize();
  for (std::size_t i = 0; i < buffers.size() && i < m_addresses.size(); ++i)
    check(rt::copy_to_device(m_addresses[i], buffers[i].bytes.data(), buffers[i].bytes.size()));
  check(rt::synchronize_context());
}

void device_session::download(std::vector<host_buffer>& buffers) {
  synchronize();
  for (std::size_t i = 0; i < buffers.size() && i < m_addresses.size(); ++i)
    check(rt::copy_to_host(buffers[i].bytes.data(), m_addresses[i], buffers[i].bytes.size()));
}

void device_session::synchronize() { check(rt::synchronize(m_stream)); }

void device_session::begin_capture() {
  if (m_graph_exec) {
    rt::destroy_graph_exec(m_graph_exec);
    m_graph_exec = nullptr;
  }
  if (m_graph) {
    rt::destroy_graph(m_graph);
    m_graph = nullptr;
  }
  check(rt::begin_capture(m_stream));
}

void device_session::end_capture() {
  check(rt::end_capture(m_stream, m_graph));
  check(rt::instantiate(m_graph, m_graph_exec));
}

void device_session::replay() { check(rt::launch_graph(m_graph_exec, m_stream)); }

aot_mode_runner::aot_mode_runner(mode m, device_session& session, const std::vector<planned_launch>& plan)
    : m_mode(m), m_session(session), m_plan(plan), m_runtime(std::make_unique<rt::runtime>(load_mode_of(m))) {}

void aot_mode_runner::launch(const planned_launch& l) {
  if (m_delay_ns > 0) [[unlikely]]
    spin_for(m_delay_ns);
  const rt::specialization_desc* spec = choose_specialization(l);
  if (!spec) [[unlikely]]
    throw device_error(fmt::format("{}: no compiled specialisation accepts the arguments of launch {}", l.kernel->name,
                                   l.scenario_launch + 1));
  void* params[max_kernel_params + rt::scratch_param_count];
  pack_params(l, *spec, params);
  if (const rt::status s = m_runtime->launch(spec->binary, l.grid, m_session.stream(), params); !s) [[unlikely]]
    throw device_error(s.message());
}

// cached modes load now, with the scratch this launch's grid needs (graph captures them:
// nothing may load or allocate then); per-call modes only check an image fits
void aot_mode_runner::preload(const planned_launch& l) {
  const rt::specialization_desc* spec = choose_specialization(l);
  if (!spec)
    throw device_error(fmt::format("{}: no compiled specialisation accepts the arguments of launch {}", l.kernel->name,
                                   l.scenario_launch + 1));
  if (const rt::status s = m_runtime->preload(spec->binary, l.grid, m_session.stream()); !s)
    throw device_error(s.message());
}

void aot_mode_runner::preload_first() {
  if (!m_plan.empty()) preload(m_plan.front());
}

void aot_mode_runner::preload_all() {
  for (const auto& l : m_plan) preload(l);
}

void aot_mode_runner::capture_graph() {
  m_session.capture([&] {
    for (const auto& l : m_plan) launch(l);
  });
}

void aot_mode_runner::prepare() {
  preload_all();
  if (m_mode == mode::graph) capture_graph();
  if (m_mode == mode::driver) resolve_all();
}

// driver: everything but the cuLaunchKernel done now, once per launch of the plan: the
// specialisation chosen, the arguments packed (they point into the plan, which outlives
// the runner), the function looked up and the scratch sized.
void aot_mode_runner::resolve_all() {
  m_resolved.clear();
  m_resolved.reserve(m_plan.size());  // resolve points the params' scratch slots into these: no reallocation
  for (const auto& l : m_plan) {
    resolved& r = m_resolved.emplace_back();
    const rt::specialization_desc* spec = choose_specialization(l);
    pack_params(l, *spec, r.params.data());
    check(m_runtime->resolve(spec->binary, l.grid, m_session.stream(), r.params.data(), r.launch));
  }
}

void aot_mode_runner::run_iteration() {
  if (m_mode == mode::graph) {
    m_session.replay();
    return;
  }
  if (m_mode == mode::driver) {
    // No test delay here: it stands for more host work in the launcher, and this mode
    // is the floor without one (compare's control, docs/compare.md "Machine state").
    for (auto& r : m_resolved) {
      if (const rt::status s = m_runtime->launch_resolved(r.launch, m_session.stream(), r.params.data()); !s)
          [[unlikely]]
        throw device_error(s.message());
    }
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
