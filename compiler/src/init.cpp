// `triton-aot init`: find the output, ask tb_aot/scan.py (Python's ast; the kernel
// file is never imported) for the @triton.jit functions, render the skeleton
// (skeleton.cpp) and write it atomically without ever replacing a file.
#include <tb/compiler/init.hpp>
#include <tb/scenario/diagnostic.hpp>
#include <tb/support/run_process.hpp>

#include <tb/compiler/python_env.hpp>
#include "skeleton.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace tb::compiler {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using scenario::diagnostic_error;
using support::process_result;
using support::run_process;

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

fs::path output_path(const init_options& options) {
  if (options.out.empty()) return options.source.parent_path() / "scenario.toml";
  if (fs::is_directory(options.out)) return options.out / "scenario.toml";
  return options.out;
}

// The @triton.jit functions of `source`, as scan.py reports them.
json scan_kernels(const init_options& options) {
  const fs::path python = scanner_python(options.python);
  std::string response;
  const process_result run = run_process(
      {python.string(), "-m", "tb_aot.scan"},
      {{"PYTHONPATH", frontend_dir().string()}, {"PYTHONDONTWRITEBYTECODE", "1"}},
      json{{"path", fs::absolute(options.source).string()}}.dump(),
      [&](std::string_view line) { response += line; });
  if (!run.started)
    throw diagnostic_error({python}, fmt::format("cannot start Python: {} (run scripts/bootstrap.sh, or set "
                                                 "TRITON_AOT_PYTHON)", run.error));
  const json result = json::parse(response, nullptr, false);
  if (result.is_discarded() || !result.contains("ok")) {
    std::string tail = run.stderr_text.size() > 600 ? run.stderr_text.substr(run.stderr_text.size() - 600) : run.stderr_text;
    std::replace(tail.begin(), tail.end(), '\n', ' ');
    throw diagnostic_error({python}, fmt::format("the kernel scanner (tb_aot.scan) failed (exit {}): {}",
                                                 run.exit_code, tail));
  }
  if (!result["ok"].get<bool>()) {
    const json& e = result["error"];
    throw diagnostic_error({options.source, e.value("line", 0), e.value("col", 0)}, e.value("message", "unknown error"));
  }
  return result["kernels"];
}

// Writes `text` to a temporary file beside `out` and renames it into place, unless
// `out` exists by then: the file is there whole or not at all, and never replaced.
void write_new_file(const fs::path& out, const std::string& text) {
  const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  const fs::path temp = folder / fmt::format(".{}.tmp-{}", out.filename().string(), ::getpid());
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.flush();
    if (!file) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      throw diagnostic_error({out}, fmt::format("cannot write the file: {}", std::strerror(errno)));
    }
  }
  int rc = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {  // a file system without RENAME_NOREPLACE
    rc = ::link(temp.c_str(), out.c_str());
    if (rc == 0) ::unlink(temp.c_str());
  }
  const int error = errno;
  if (rc != 0) {
    ::unlink(temp.c_str());
    if (error == EEXIST)
      throw diagnostic_error({out}, "appeared while it was being written; not replaced (triton-aot init never "
                                    "overwrites a file)");
    throw diagnostic_error({out}, fmt::format("cannot write the file: {}", std::strerror(error)));
  }
}

}  // namespace

std::string scenario_name_for(std::string_view folder) {
  std::string name;
  for (char c : folder) name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "s_" + name;
  return name;
}

init_report init_scenario(const init_options& options) {
  if (!fs::exists(options.source))
    throw diagnostic_error({options.source}, "file not found (expected a Python file with @triton.jit kernels)");
  if (!fs::is_regular_file(options.source))
    throw diagnostic_error({options.source}, "not a file (expected a Python file with @triton.jit kernels)");
  init_report report;
  report.out = output_path(options);
  if (fs::exists(fs::symlink_status(report.out)))
    throw diagnostic_error({report.out}, "already exists; triton-aot init never overwrites a file (remove it, or "
                                         "choose another with --out)");
  const fs::path folder = fs::absolute(report.out).lexically_normal().parent_path();
  if (!fs::is_directory(folder)) throw diagnostic_error({report.out}, "cannot write the file: its folder does not exist");
  report.scenario = options.name.empty() ? scenario_name_for(folder.filename().string()) : options.name;
  if (!is_identifier(report.scenario))
    throw diagnostic_error({"--name"}, fmt::format("scenario name '{}' must be letters, digits and '_', not "
                                                   "starting with a digit", report.scenario));

  const json kernels = scan_kernels(options);
  for (const auto& k : kernels)
    (k["returns_value"].get<bool>() ? report.helpers : report.kernels).push_back(k["name"]);
  if (kernels.empty())
    throw diagnostic_error({options.source}, "no @triton.jit function in this file (init lists the module-level "
                                             "functions decorated with @triton.jit, @triton.jit(...) or @jit "
                                             "imported from triton)");
  if (report.kernels.empty())
    throw diagnostic_error({options.source}, fmt::format("no kernel in this file: every @triton.jit function ({}) "
                                                         "returns a value, so each is a helper, not a kernel",
                                                         fmt::join(report.helpers, ", ")));

  skeleton_input input;
  input.kernels = kernels;
  input.scenario = report.scenario;
  input.source = fs::absolute(options.source).lexically_normal().lexically_relative(folder).generic_string();
  input.folder = report.out.parent_path().empty() ? "." : report.out.parent_path().string();
  write_new_file(report.out, render_skeleton(input));
  return report;
}

}  // namespace tb::compiler
