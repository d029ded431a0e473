#include "child_process.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace tb::bench {

child_process::child_process(const std::vector<std::string>& argv,
                             const std::vector<std::pair<std::string, std::string>>& env) {
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  if (::pipe(from_child) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  }
  int report[2];  // close-on-exec: carries errno when exec fails
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    ::close(to_child[0]);
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::close(from_child[1]);
    ::close(report[0]);
    for (const auto& [key, value] : env) {
      if (value.empty()) ::unsetenv(key.c_str());
      else ::setenv(key.c_str(), value.c_str(), 1);
    }
    ::execvp(args[0], args.data());
    const int e = errno;
    [[maybe_unused]] auto n = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(report[1]);
  ::close(to_child[0]);
  ::close(from_child[1]);
  m_pid = pid;
  m_in = to_child[1];
  m_out = from_child[0];
  int e = 0;
  if (::read(report[0], &e, sizeof e) == sizeof e) {
    ::close(report[0]);
    wait();
    throw std::runtime_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(e)));
  }
  ::close(report[0]);
}

child_process::~child_process() {
  if (m_in >= 0) ::close(m_in);
  if (m_out >= 0) ::close(m_out);
  if (!m_waited && m_pid > 0) wait();
}

void child_process::write_line(const std::string& line) {
  std::string data = line + "\n";
  const char* p = data.data();
  std::size_t left = data.size();
  const auto old = std::signal(SIGPIPE, SIG_IGN);
  while (left > 0) {
    const ssize_t n = ::write(m_in, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::signal(SIGPIPE, old);
      throw std::runtime_error("the child process is gone (write failed)");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  std::signal(SIGPIPE, old);
}

std::optional<std::string> child_process::read_line() {
  for (;;) {
    if (const auto nl = m_buffer.find('\n'); nl != std::string::npos) {
      std::string line = m_buffer.substr(0, nl);
      m_buffer.erase(0, nl + 1);
      return line;
    }
    char chunk[65536];
    const ssize_t n = ::read(m_out, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (m_buffer.empty()) return std::nullopt;
      std::string rest = std::move(m_buffer);
      m_buffer.clear();
      return rest;
    }
    m_buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

int child_process::wait() {
  if (m_waited) return m_status;
  if (m_in >= 0) {
    ::close(m_in);
    m_in = -1;
  }
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_waited = true;
  m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m_status;
}

}  // namespace tb::bench
