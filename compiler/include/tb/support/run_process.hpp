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
};

process_result run_process(const std::vector<std::string>& argv, const env_changes& env, std::string_view stdin_text,
                           const std::function<void(std::string_view line)>& on_stdout_line);

}  // namespace tb::support
