// A child process with pipes to its stdin and stdout (stderr passes through), for the
// JIT runner and the cold-start children.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tb::bench {

class child_process {
 public:
  // Starts argv[0] (searched in PATH) with `env` added to this process's environment
  // (an empty value removes that variable).
  // Throws std::runtime_error when it cannot start.
  child_process(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env);
  ~child_process();  // closes the pipes and waits
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void write_line(const std::string& line);  // throws when the child is gone
  std::optional<std::string> read_line();    // nullopt at end of output
  int wait();                                // exit status (128 + signal when killed)
  int pid() const noexcept { return m_pid; }

 private:
  int m_pid = -1;
  int m_in = -1;   // to the child's stdin
  int m_out = -1;  // from the child's stdout
  std::string m_buffer;
  bool m_waited = false;
  int m_status = 0;
};

}  // namespace tb::bench
