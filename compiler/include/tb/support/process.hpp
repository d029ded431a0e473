// Runs a child process with text on its stdin, its stdout delivered line by line
// and its stderr kept for error messages. No shell: arguments are passed as-is.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tb::support {

struct process_result {
  bool started = false;
  std::string error;       // why it did not start
  int exit_code = -1;      // 128 + signal when killed by a signal
  std::string stderr_text;
};

process_result run_process(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& extra_env,
                           const std::string& stdin_text,
                           const std::function<void(std::string_view line)>& on_stdout_line);

}  // namespace tb::support
