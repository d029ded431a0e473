// The loops that time an AOT mode (docs/bench.md, "Method"): untimed lead-ins, the
// untraced host-time loop, the traced loop inside NVTX ranges, the GPU settling
// warm-up; and pinning the timing thread to one CPU.
#pragma once

#include "aot_runner.hpp"
#include "untraced_gap.hpp"

#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <stdexcept>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace tb::bench {

using clock_type = std::chrono::steady_clock;

// Pins the calling thread to one CPU; gives the thread its old set back when destroyed.
class cpu_pin {
 public:
  explicit cpu_pin(int cpu) : m_cpu(cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) throw std::runtime_error("CPU " + std::to_string(cpu) + " does not exist");
    if (pthread_getaffinity_np(pthread_self(), sizeof m_old, &m_old) != 0)
      throw std::runtime_error("cannot read this thread's CPU affinity");
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) != 0)
      throw std::runtime_error("cannot pin to CPU " + std::to_string(cpu) + " (not in this process's CPU set?)");
  }
  ~cpu_pin() { pthread_setaffinity_np(pthread_self(), sizeof m_old, &m_old); }
  cpu_pin(const cpu_pin&) = delete;
  cpu_pin& operator=(const cpu_pin&) = delete;
  int cpu() const noexcept { return m_cpu; }

 private:
  int m_cpu;
  cpu_set_t m_old;
};

double median_of(std::span<const double> v);  // NaN when empty
double elapsed_ns(clock_type::time_point t0);

// Untimed iterations at the start of every batch: whatever the mode before it left
// behind (cold caches, another process's context on the GPU) is not measured.
int lead_in_iterations(int batch);

// `n` iterations, then a drain of the stream; nothing timed.
void run_untimed(aot_mode_runner& runner, device_session& session, int n);

// Host time of `n` iterations of an AOT mode, untraced, after a lead-in: each
// iteration's launches are timed; every `drain_every` iterations the stream is drained
// (not timed), so the launch queue never fills and a launch never waits for the GPU.
// The iterations between two drains are one window: a CUDA event before its first
// launch and one after its last (untimed) give its GPU time, appended to `windows`.
void time_untraced(aot_mode_runner& runner, device_session& session, int n, int drain_every, std::vector<double>& out,
                   std::vector<event_window>& windows);

// Iterations between drains: 1 for --host-timing drained; else as many as keep at most
// 256 launches in flight, far below what the driver queues before a launch blocks.
int drain_interval(bool drain_each, std::size_t launches_per_iteration);

// Traced, after a lead-in: back to back inside NVTX ranges (a `range` per batch,
// "mode:<label>" or "gaps:<label>", an "iteration" range each), as an application would
// launch; the trace gives the gaps. Host times of the iterations go to `out`.
void run_traced(aot_mode_runner& runner, device_session& session, const std::string& range, int n,
                std::vector<double>& out);

// Before any timed round: keep the GPU (and the CPU) busy with `runner` in synchronized
// blocks of about 50 ms until three blocks in a row agree within 2 % on the time per
// iteration (at least 0.5 s, at most `limit_s`): an idle H100 sits at a few hundred MHz
// and takes a while to reach its boost clock. Returns {seconds, settled}.
std::pair<double, bool> settle_gpu(aot_mode_runner& runner, device_session& session, double iteration_ns, double limit_s);

}  // namespace tb::bench
