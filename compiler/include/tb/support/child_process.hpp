// A child process with pipes to its stdin and stdout, and its stderr either this
// process's or kept: the JIT runner and the cold-start children (interactive, line by
// line), and run_process (run_process.hpp). No shell: the arguments go to it as they are.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tb::support {

// One change to the environment the child inherits: `name` set to `value`, or removed
// when `value` is nullopt (an empty string sets it empty).
struct env_change {
  std::string name;
  std::optional<std::string> value;
};
using env_changes = std::vector<env_change>;

// The child could not start: which program, and why (strerror).
class spawn_error : public std::runtime_error {
 public:
  spawn_error(std::string program, std::string reason);
  const std::string& program() const noexcept { return m_program; }
  const std::string& reason() const noexcept { return m_reason; }

 private:
  std::string m_program, m_reason;
};

enum class child_stderr { inherit, keep };

class child_process {
 public:
  // Starts argv[0] (searched in this process's PATH when it has no '/'). Throws
  // spawn_error when it cannot start, std::invalid_argument for an empty argv.
  // With `own_group`, it leads a process group of its own: a Ctrl-C at the terminal
  // reaches only this process, and kill() reaches the child's own children too.
  child_process(const std::vector<std::string>& argv, const env_changes& env = {},
                child_stderr stderr_mode = child_stderr::inherit, bool own_group = false);
  ~child_process();  // closes the pipes (the child sees the end of its input) and waits
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // Writes all of `data` (reading its output meanwhile, so that neither side blocks);
  // throws std::runtime_error when the child no longer reads its stdin.
  void write(std::string_view data);
  void write_line(std::string_view line) { write(std::string(line) + "\n"); }
  void close_stdin();

  // Its next line of stdout without the newline (a last line may lack one); nullopt at
  // the end of its stdout.
  std::optional<std::string> read_line();
  // Like read_line(), but gives up after `timeout_ms` (< 0: never) with no output, or
  // when a signal interrupts the wait: nullopt, with interrupted() true.
  std::optional<std::string> read_line_for(int timeout_ms);
  bool interrupted() const noexcept { return m_interrupted; }

  // Sends `signal` to it (to its process group with `own_group`).
  void kill(int signal) noexcept;

  // Closes its stdin, reads its outputs to their end (stdout lines not read stay for
  // read_line) and waits: its exit status, 128 + the signal when a signal ended it.
  int wait();

  // What it wrote to stderr so far (child_stderr::keep).
  const std::string& stderr_text() const noexcept { return m_stderr; }
  int pid() const noexcept { return m_pid; }
  const std::string& program() const noexcept { return m_program; }

 private:
  // One poll: reads what is there, or waits for room to write; false when it timed
  // out or a signal interrupted it.
  bool pump(bool want_write, int timeout_ms = -1);
  std::string m_program;
  int m_pid = -1;
  int m_in = -1, m_out = -1, m_err = -1;  // our ends: its stdin, stdout, stderr
  std::string m_stdout, m_stderr;         // read (lines from m_taken on not yet taken) / kept
  std::size_t m_taken = 0;
  bool m_waited = false, m_own_group = false, m_interrupted = false;
  int m_status = 0;
};

}  // namespace tb::support
