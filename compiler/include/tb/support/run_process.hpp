// Runs a child process to its end: text on its stdin, its stdout delivered line by line,
// its stderr kept for error messages (triton-aot's Python frontend and scanner).
#pragma once

#include <tb/support/child_process.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tb::support {

struct process_result {
  bool started = false;
  std::string error;   // when it did not start: "<program>: <reason>"
  int exit_code = -1;  // 128 + signal when a signal ended it
  std::string stderr_text;
  bool timed_out = false;  // killed: no stdout line within limits.line_timeout_ms
  bool cancelled = false;  // killed: limits.cancelled said so
};

struct process_limits {
  bool own_group = false;              // its own process group (child_process), killed as a whole
  int line_timeout_ms = -1;            // < 0: none
  std::function<bool()> cancelled;     // asked when a signal interrupts the wait; true: kill it
};

process_result run_process(const std::vector<std::string>& argv, const env_changes& env, std::string_view stdin_text,
                           const std::function<void(std::string_view line)>& on_stdout_line,
                           const process_limits& limits = {});

}  // namespace tb::support
