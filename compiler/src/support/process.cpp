#include <tb/support/process.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tb::support {
namespace {

struct pipe_pair {
  int read = -1, write = -1;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

process_result run_process(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& extra_env,
                           const std::string& stdin_text,
                           const std::function<void(std::string_view line)>& on_stdout_line) {
  process_result result;
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    bool overridden = false;
    for (const auto& [key, value] : extra_env) overridden = overridden || entry.starts_with(key + "=");
    if (!overridden) env_storage.push_back(entry);
  }
  for (const auto& [key, value] : extra_env) env_storage.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  pipe_pair in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    result.error = std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close_fd(in.read);
  close_fd(out.write);
  close_fd(err.write);
  if (rc != 0) {
    result.error = std::string(argv[0]) + ": " + std::strerror(rc);
    close_fd(in.write);
    close_fd(out.read);
    close_fd(err.read);
    return result;
  }
  result.started = true;

  // Feed stdin and drain both outputs together so no pipe fills and blocks the child.
  std::size_t written = 0;
  std::string line_buffer;
  ::fcntl(in.write, F_SETFL, O_NONBLOCK);
  if (stdin_text.empty()) close_fd(in.write);
  while (out.read >= 0 || err.read >= 0) {
    pollfd fds[3];
    nfds_t n = 0;
    if (out.read >= 0) fds[n++] = {out.read, POLLIN, 0};
    if (err.read >= 0) fds[n++] = {err.read, POLLIN, 0};
    if (in.write >= 0) fds[n++] = {in.write, POLLOUT, 0};
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in.write) {
        const ssize_t w = ::write(in.write, stdin_text.data() + written, stdin_text.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN) close_fd(in.write);
        if (written == stdin_text.size()) close_fd(in.write);
        continue;
      }
      char buffer[65536];
      const ssize_t r = ::read(fds[i].fd, buffer, sizeof buffer);
      if (r <= 0) {
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (fds[i].fd == out.read) close_fd(out.read);
        else close_fd(err.read);
        continue;
      }
      if (fds[i].fd == err.read) {
        result.stderr_text.append(buffer, static_cast<std::size_t>(r));
        continue;
      }
      line_buffer.append(buffer, static_cast<std::size_t>(r));
      std::size_t start = 0;
      for (std::size_t nl; (nl = line_buffer.find('\n', start)) != std::string::npos; start = nl + 1)
        on_stdout_line(std::string_view(line_buffer).substr(start, nl - start));
      line_buffer.erase(0, start);
    }
  }
  close_fd(in.write);
  if (!line_buffer.empty()) on_stdout_line(line_buffer);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace tb::support
