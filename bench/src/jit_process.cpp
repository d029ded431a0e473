#include "jit_process.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace tb::bench {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> jit_runner_argv(const run_options& o, const fs::path& plan_file) {
  return {o.python, o.jit_runner.string(), "--plan", plan_file.string(), "--frontend", o.frontend_dir.string()};
}

jit_process::jit_process(const tb::scenario::scenario& s, const run_options& o, const fs::path& plan_file,
                         const fs::path& trace_out) {
  tb::support::env_changes env = {{"CUDA_VISIBLE_DEVICES", std::to_string(o.device)}};
  if (!trace_out.empty()) {
    env.push_back({"TB_TRACE_OUT", trace_out.string()});
    env.push_back({"TB_TRACE_MODE", "jit"});
    env.push_back({"TB_TRACE_SCENARIO", s.name});
    env.push_back({"CUDA_INJECTION64_PATH", o.inject_library.string()});
    // NVTX through the injection library, which hands it to the libcupti it traces with:
    // this process's own NVTX_INJECTION64_PATH names our libcupti, and torch may load
    // another copy, whose ranges nobody would collect (profiler/src/cupti/inject.cpp).
    env.push_back({"NVTX_INJECTION64_PATH", o.inject_library.string()});
  } else {
    env.push_back({"CUDA_INJECTION64_PATH", std::nullopt});  // removed: no tracing at all
    env.push_back({"NVTX_INJECTION64_PATH", std::nullopt});
  }
  m_child = std::make_unique<tb::support::child_process>(jit_runner_argv(o, plan_file), env);
  ready = expect("start-up");
}

json jit_process::request(const json& command) {
  m_child->write_line(command.dump());
  return expect(command.value("cmd", "?"));
}

std::vector<double> jit_process::iterations(const char* command, int n, int lead_in, int drain_every, int cpu) {
  const json reply =  // kept alive
      request({{"cmd", command}, {"n", n}, {"lead_in", lead_in}, {"drain_every", drain_every}, {"cpu", cpu}});
  std::vector<double> out;
  // A range-for over .at() of a temporary reply would dangle (before C++23).
  for (const auto& v : reply.at("iteration_ns")) out.push_back(v.get<double>());
  return out;
}

std::vector<double> jit_process::traced_batch(int n, int lead_in, int cpu, std::string_view range,
                                              std::string_view records) {
  const json reply = request({{"cmd", "run"}, {"n", n}, {"lead_in", lead_in}, {"cpu", cpu}, {"range", range},
                              {"records", records}});
  std::vector<double> out;
  for (const auto& v : reply.at("iteration_ns")) out.push_back(v.get<double>());
  return out;
}

jit_process::timed_batch jit_process::time(int n, int lead_in, int drain_every, int cpu) {
  const json reply =
      request({{"cmd", "time"}, {"n", n}, {"lead_in", lead_in}, {"drain_every", drain_every}, {"cpu", cpu}});
  timed_batch out;
  for (const auto& v : reply.at("iteration_ns")) out.iteration_ns.push_back(v.get<double>());
  // [[iterations, ms], ...]; a runner without events sends none
  for (const auto& w : reply.value("gpu_windows", json::array()))
    out.windows.push_back({w.at(1).get<double>() * 1e6, w.at(0).get<std::uint64_t>()});
  return out;
}

int jit_process::quit() {
  try {
    m_child->write_line(R"({"cmd": "quit"})");
    m_child->read_line();
  } catch (const std::exception&) {
  }
  return m_child->wait();
}

json jit_process::expect(const std::string& what) {
  const auto line = m_child->read_line();
  if (!line) throw std::runtime_error(fmt::format("the JIT runner exited during '{}' (exit status {}; its messages "
                                                  "are above)", what, m_child->wait()));
  json reply;
  try {
    reply = json::parse(*line);
  } catch (const json::exception&) {
    throw std::runtime_error(fmt::format("the JIT runner answered '{}' with something that is not JSON: {}", what, *line));
  }
  if (!reply.value("ok", false))
    throw std::runtime_error(fmt::format("the JIT runner failed '{}': {}", what, reply.value("error", "?")));
  return reply;
}

}  // namespace tb::bench
