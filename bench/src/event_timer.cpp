#include "event_timer.hpp"

#include "aot_runner.hpp"

namespace tb::bench {

namespace rt = tb::runtime;

namespace {

void check(const rt::status& s) {
  if (!s) throw device_error(s.message());
}

}  // namespace

gpu_event_pair::gpu_event_pair() {
  check(rt::create_event(m_start));
  try {
    check(rt::create_event(m_stop));
  } catch (...) {
    rt::destroy_event(m_start);
    throw;
  }
}

gpu_event_pair::~gpu_event_pair() {
  rt::destroy_event(m_stop);
  rt::destroy_event(m_start);
}

void gpu_event_pair::start(rt::stream_handle stream) { check(rt::record_event(m_start, stream)); }

void gpu_event_pair::stop(rt::stream_handle stream) { check(rt::record_event(m_stop, stream)); }

double gpu_event_pair::elapsed_ns() {
  check(rt::synchronize_event(m_stop));
  float ms = 0;
  check(rt::elapsed_ms(m_start, m_stop, ms));
  return static_cast<double>(ms) * 1e6;
}

}  // namespace tb::bench
