#include <tb/support/child_process.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tuple>
#include <utility>

extern char** environ;

namespace tb::support {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// A pipe whose ends are closed in children (posix_spawn's dup2 clears that for 0, 1, 2),
// so that no other child holds one open.
std::pair<int, int> make_pipe(const std::string& program) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw spawn_error(program, "cannot make a pipe: " + errno_text(errno));
  return {fds[0], fds[1]};
}

// This process's environment with `changes` applied (the last change of a name wins).
std::vector<std::string> child_environment(const env_changes& changes) {
  auto changed = [&](std::string_view name) {
    for (const env_change& c : changes)
      if (c.name == name) return true;
    return false;
  };
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    if (!changed(entry.substr(0, entry.find('=')))) out.emplace_back(entry);
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    bool later = false;
    for (std::size_t j = i + 1; j < changes.size(); ++j) later = later || changes[j].name == changes[i].name;
    if (!later && changes[i].value) out.push_back(changes[i].name + "=" + *changes[i].value);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// SIGPIPE blocked in this thread while writing to a child that may be gone: the write
// fails with EPIPE instead of ending this process; a SIGPIPE it raised is taken back.
class sigpipe_blocked {
 public:
  sigpipe_blocked() {
    sigemptyset(&m_pipe);
    sigaddset(&m_pipe, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    m_was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old);
  }
  ~sigpipe_blocked() {
    sigset_t pending;
    sigpending(&pending);
    if (!m_was_pending && sigismember(&pending, SIGPIPE) == 1) {
      const timespec now{};
      sigtimedwait(&m_pipe, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  sigpipe_blocked(const sigpipe_blocked&) = delete;
  sigpipe_blocked& operator=(const sigpipe_blocked&) = delete;

 private:
  sigset_t m_pipe{}, m_old{};
  bool m_was_pending = false;
};

}  // namespace

spawn_error::spawn_error(std::string program, std::string reason)
    : std::runtime_error("cannot start " + program + ": " + reason),
      m_program(std::move(program)),
      m_reason(std::move(reason)) {}

child_process::child_process(const std::vector<std::string>& argv, const env_changes& env,
                             child_stderr stderr_mode, bool own_group) : m_own_group(own_group) {
  if (argv.empty() || argv[0].empty()) throw std::invalid_argument("child_process: no program given");
  m_program = argv[0];
  std::vector<std::string> args = argv, environment = child_environment(env);
  const std::vector<char*> argp = pointers(args), envp = pointers(environment);

  auto [in_read, in_write] = make_pipe(m_program);
  m_in = in_write;
  int out_write = -1, err_write = -1;
  try {
    std::tie(m_out, out_write) = make_pipe(m_program);
    if (stderr_mode == child_stderr::keep) std::tie(m_err, err_write) = make_pipe(m_program);
  } catch (...) {
    ::close(in_read);
    close_fd(out_write);
    close_fd(m_in);
    close_fd(m_out);
    throw;
  }
  posix_spawn_file_actions_t actions;
  int rc = posix_spawn_file_actions_init(&actions);
  if (rc == 0) {
    rc = posix_spawn_file_actions_adddup2(&actions, in_read, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, out_write, 1);
    if (rc == 0 && err_write >= 0) rc = posix_spawn_file_actions_adddup2(&actions, err_write, 2);
    // Nothing else this process has open, inherited or not close-on-exec, goes along.
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    std::fflush(nullptr);  // what this process wrote comes before what the child writes
    pid_t pid = -1;
    posix_spawnattr_t attributes;
    if (rc == 0) rc = posix_spawnattr_init(&attributes);
    if (rc == 0 && own_group) rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);  // group 0: its own
    if (rc == 0) rc = ::posix_spawnp(&pid, argp[0], &actions, &attributes, argp.data(), envp.data());
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    m_pid = pid;
  }
  ::close(in_read);
  close_fd(out_write);
  close_fd(err_write);
  if (rc != 0) {
    close_fd(m_in);
    close_fd(m_out);
    close_fd(m_err);
    m_pid = -1;
    throw spawn_error(m_program, errno_text(rc));
  }
  ::fcntl(m_in, F_SETFL, ::fcntl(m_in, F_GETFL) | O_NONBLOCK);
}

child_process::~child_process() {
  close_fd(m_in);
  close_fd(m_out);
  close_fd(m_err);
  if (!m_waited && m_pid > 0) {
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void child_process::kill(int signal) noexcept {
  if (m_pid > 0 && !m_waited) m_own_group ? ::killpg(m_pid, signal) : ::kill(m_pid, signal);
}

bool child_process::pump(bool want_write, int timeout_ms) {
  pollfd fds[3];
  nfds_t n = 0;
  if (m_out >= 0) fds[n++] = {m_out, POLLIN, 0};
  if (m_err >= 0) fds[n++] = {m_err, POLLIN, 0};
  if (want_write && m_in >= 0) fds[n++] = {m_in, POLLOUT, 0};
  if (n == 0) return true;
  const int ready = ::poll(fds, n, timeout_ms);
  if (ready == 0) return false;
  if (ready < 0) {
    if (errno == EINTR) return false;
    throw std::runtime_error(m_program + ": poll on its pipes failed: " + errno_text(errno));
  }
  for (nfds_t i = 0; i < n; ++i) {
    if (!fds[i].revents || fds[i].fd == m_in) continue;
    int& fd = fds[i].fd == m_out ? m_out : m_err;
    char chunk[65536];
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got > 0) (&fd == &m_out ? m_stdout : m_stderr).append(chunk, static_cast<std::size_t>(got));
    else if (got == 0 || (errno != EINTR && errno != EAGAIN)) close_fd(fd);
  }
  return true;
}

void child_process::write(std::string_view data) {
  const sigpipe_blocked guard;
  while (!data.empty()) {
    if (m_in < 0) throw std::runtime_error(m_program + ": cannot write to its stdin: already closed");
    const ssize_t n = ::write(m_in, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EAGAIN) {
      pump(true);  // its output read meanwhile: it may be waiting for us to read
    } else if (n < 0 && errno != EINTR) {
      const int e = errno;
      close_fd(m_in);
      throw std::runtime_error(m_program + ": cannot write to its stdin: " + errno_text(e) +
                               (e == EPIPE ? " (it has exited or closed its stdin)" : ""));
    }
  }
}

void child_process::close_stdin() { close_fd(m_in); }

std::optional<std::string> child_process::read_line() {
  for (;;)
    if (auto line = read_line_for(-1); line || !m_interrupted) return line;
}

std::optional<std::string> child_process::read_line_for(int timeout_ms) {
  m_interrupted = false;
  for (;;) {
    if (const auto nl = m_stdout.find('\n', m_taken); nl != std::string::npos) {
      std::string line = m_stdout.substr(m_taken, nl - m_taken);
      m_taken = nl + 1;
      if (m_taken > m_stdout.size() / 2) {  // drop what was taken, in amortised linear time
        m_stdout.erase(0, m_taken);
        m_taken = 0;
      }
      return line;
    }
    if (m_out < 0) {
      std::string rest = m_stdout.substr(m_taken);
      m_stdout.clear();
      m_taken = 0;
      if (rest.empty()) return std::nullopt;
      return rest;
    }
    if (!pump(false, timeout_ms)) {
      m_interrupted = true;
      return std::nullopt;
    }
  }
}

int child_process::wait() {
  if (m_waited) return m_status;
  close_stdin();
  while (m_out >= 0 || m_err >= 0) pump(false);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_waited = true;
  m_status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  return m_status;
}

}  // namespace tb::support
