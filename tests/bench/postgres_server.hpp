// A PostgreSQL server of the test's own: initdb into a temporary folder, started on a
// Unix socket in it (no TCP), stopped and removed when the object goes. Its binaries are
// found through `pg_config --bindir` (libpq-dev), else /usr/lib/postgresql/*/bin. As root
// (initdb refuses root) it runs as the user postgres, else nobody, through setpriv.
// When it cannot start, why() says so and the tests skip with that reason
// ($TB_TEST_POSTGRES_BIN names the binaries' folder instead, e.g. none to see the skip).
#pragma once

#include <tb/support/run_process.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace tb::test {

class postgres_server {
 public:
  postgres_server() {
    namespace fs = std::filesystem;
    const auto bin = bin_dir();
    if (bin.empty()) {
      m_why = "no PostgreSQL server binaries (pg_config --bindir, /usr/lib/postgresql/*/bin: Debian postgresql)";
      return;
    }
    char tmpl[] = "/tmp/tb-pg-test-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      m_why = "cannot make a temporary folder";
      return;
    }
    m_dir = tmpl;
    if (::geteuid() == 0 && !become_other_user()) return;
    m_port = 50000 + ::getpid() % 10000;
    const auto init = run({(bin / "initdb").string(), "-D", m_dir + "/data", "-A", "trust", "-U", "tb", "--no-sync",
                           "-E", "UTF8", "--locale=C"});
    if (!init.empty()) {
      m_why = "initdb failed: " + init;
      return;
    }
    m_pg_ctl = (bin / "pg_ctl").string();
    const auto start = run({m_pg_ctl, "-D", m_dir + "/data", "-l", m_dir + "/server.log", "-w", "-t", "30", "-o",
                            fmt::format("-k {} -c listen_addresses='' -p {} -c fsync=off", m_dir, m_port), "start"});
    if (!start.empty()) {
      m_why = "the server did not start: " + start;
      return;
    }
    m_running = true;
  }
  ~postgres_server() {
    if (m_running) run({m_pg_ctl, "-D", m_dir + "/data", "-m", "immediate", "-w", "stop"});
    if (!m_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_dir, ec);
    }
  }
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  bool running() const { return m_running; }
  const std::string& why() const { return m_why; }
  // The URI of its database `postgres` (or another, made by create_database).
  std::string uri(const std::string& db = "postgres") const {
    return fmt::format("postgresql:///{}?host={}&port={}&user=tb", db, m_dir, m_port);
  }

 private:
  static std::filesystem::path bin_dir() {
    namespace fs = std::filesystem;
    if (const char* given = std::getenv("TB_TEST_POSTGRES_BIN"); given && *given)  // a test of the skip
      return fs::exists(fs::path(given) / "initdb") ? fs::path(given) : fs::path();
    std::string line;
    const auto r = tb::support::run_process({"pg_config", "--bindir"}, {}, "", [&](std::string_view l) { line = l; });
    if (r.started && r.exit_code == 0 && fs::exists(fs::path(line) / "initdb")) return line;
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
      if (fs::exists(e.path() / "bin" / "initdb")) found.push_back(e.path() / "bin");
    std::sort(found.begin(), found.end());
    return found.empty() ? fs::path() : found.back();
  }

  // Root: the server runs as postgres (else nobody), which owns the folder.
  bool become_other_user() {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) pw = ::getpwnam("nobody");
    if (pw == nullptr) {
      m_why = "running as root, and there is no user postgres or nobody to run the server as (initdb refuses root)";
      return false;
    }
    if (::chown(m_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      m_why = "cannot give the temporary folder to " + std::string(pw->pw_name);
      return false;
    }
    m_as = {"setpriv", fmt::format("--reuid={}", pw->pw_uid), fmt::format("--regid={}", pw->pw_gid), "--clear-groups",
            "--"};
    return true;
  }

  // Runs argv (as the other user when root): "" on success, else what went wrong.
  std::string run(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), m_as.begin(), m_as.end());
    std::string out;
    const auto r = tb::support::run_process(argv, {}, "", [&](std::string_view l) { out += std::string(l) + " "; });
    if (!r.started) return r.error;
    if (r.exit_code != 0) return fmt::format("exit {}: {}{}", r.exit_code, out, r.stderr_text);
    return "";
  }

  std::string m_dir, m_pg_ctl, m_why;
  std::vector<std::string> m_as;
  int m_port = 0;
  bool m_running = false;
};

}  // namespace tb::test
