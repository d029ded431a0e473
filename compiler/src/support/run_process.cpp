#include <tb/support/run_process.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <optional>

namespace tb::support {

process_result run_process(const std::vector<std::string>& argv, const env_changes& env, std::string_view stdin_text,
                           const std::function<void(std::string_view line)>& on_stdout_line,
                           const process_limits& limits) {
  process_result result;
  std::optional<child_process> child;
  try {
    child.emplace(argv, env, child_stderr::keep, limits.own_group);
  } catch (const spawn_error& e) {
    result.error = e.program() + ": " + e.reason();
    return result;
  }
  result.started = true;
  try {
    child->write(stdin_text);
  } catch (const std::runtime_error&) {
    // It stopped reading its input: its exit status and stderr tell why.
  }
  child->close_stdin();
  using clock = std::chrono::steady_clock;
  using namespace std::chrono_literals;
  const auto timeout = std::chrono::milliseconds(limits.line_timeout_ms);
  auto deadline = clock::now() + timeout;
  for (;;) {
    // Waits in slices when it may be cancelled: a signal just before a wait is seen soon.
    long long wait_ms = limits.line_timeout_ms < 0 ? -1 : std::max<long long>(0, (deadline - clock::now()) / 1ms);
    if (limits.cancelled) wait_ms = wait_ms < 0 ? 250 : std::min(wait_ms, 250LL);
    const auto line = child->read_line_for(static_cast<int>(wait_ms));
    if (line) {
      try {
        on_stdout_line(*line);
      } catch (...) {
        child->kill(SIGKILL);  // the child's destructor waits for it: it must not run on
        throw;
      }
      deadline = clock::now() + timeout;
    } else if (!child->interrupted()) {
      break;
    }
    result.cancelled = limits.cancelled && limits.cancelled();
    result.timed_out = !result.cancelled && limits.line_timeout_ms >= 0 && clock::now() >= deadline;
    if (result.cancelled || result.timed_out) {
      child->kill(SIGKILL);
      break;
    }
  }
  result.exit_code = child->wait();
  result.stderr_text = child->stderr_text();
  return result;
}

}  // namespace tb::support
