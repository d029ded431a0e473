// probe_python: what an interpreter has installed. First without starting it (the
// dist-info folders of a virtual environment's site-packages: a fully cached compile
// starts no Python), else by asking importlib.metadata in a child process.
#include <tb/support/python_lookup.hpp>
#include <tb/support/run_process.hpp>

#include <fmt/format.h>

#include <system_error>

namespace tb::support {

namespace fs = std::filesystem;

namespace {

// NAME-VERSION.dist-info beside an interpreter (<venv or prefix>/bin/python ->
// <venv or prefix>/lib/pythonX.Y/site-packages). Empty when not found there.
std::map<std::string, std::string> versions_near(const fs::path& python, const std::vector<std::string>& names) {
  std::map<std::string, std::string> found;
  std::error_code ec;
  if (!python.has_parent_path()) return found;
  const fs::path lib = python.parent_path().parent_path() / "lib";
  for (const auto& pydir : fs::directory_iterator(lib, ec)) {
    const fs::path site = pydir.path() / "site-packages";
    if (!fs::is_directory(site, ec)) continue;
    for (const auto& entry : fs::directory_iterator(site, ec)) {
      const std::string file = entry.path().filename().string();
      if (!file.ends_with(".dist-info")) continue;
      for (const auto& name : names)
        if (file.starts_with(name + "-")) found[name] = file.substr(name.size() + 1, file.size() - name.size() - 11);
    }
  }
  return found;
}

constexpr const char* ask_versions =
    "import importlib.metadata as m, sys\n"
    "for d in sys.argv[1:]:\n"
    "    try:\n"
    "        print(d, m.version(d))\n"
    "    except m.PackageNotFoundError:\n"
    "        print(d, '-')\n";

}  // namespace

python_probe_result probe_python(const fs::path& python, const std::vector<std::string>& distributions) {
  python_probe_result r;
  r.versions = versions_near(python, distributions);
  if (r.versions.size() == distributions.size()) {
    r.ran = true;
    return r;
  }
  r.versions.clear();
  std::vector<std::string> argv{python.string(), "-c", ask_versions};
  argv.insert(argv.end(), distributions.begin(), distributions.end());
  const process_result p = run_process(argv, {}, "", [&](std::string_view line) {
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return;
    const std::string version(line.substr(space + 1));
    r.versions[std::string(line.substr(0, space))] = version == "-" ? "" : version;
  });
  if (!p.started) {
    r.error = p.error;
    return r;
  }
  if (p.exit_code != 0) {
    std::string first = p.stderr_text.substr(0, p.stderr_text.find('\n'));
    r.error = fmt::format("exit {}{}{}", p.exit_code, first.empty() ? "" : ": ", first);
    return r;
  }
  r.ran = true;
  return r;
}

}  // namespace tb::support
