#include <tb/support/python_lookup.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>
#include <unistd.h>

namespace tb::support {

namespace fs = std::filesystem;

namespace {

// Why `python` does not serve `request`; empty when it does.
std::string refusal(const python_request& request, const fs::path& python, const python_probe& probe,
                    std::string& triton_version) {
  std::vector<std::string> wanted{"triton"};
  wanted.insert(wanted.end(), request.also_needs.begin(), request.also_needs.end());
  const python_probe_result r = probe(python, wanted);
  if (!r.ran) return r.error.empty() ? "cannot be started" : r.error;
  const auto version = [&](const std::string& d) {
    const auto it = r.versions.find(d);
    return it == r.versions.end() ? std::string() : it->second;
  };
  triton_version = version("triton");
  if (triton_version.empty()) return "no Triton";
  if (triton_version != request.triton_version)
    return fmt::format("Triton {}, not {}", triton_version, request.triton_version);
  for (const auto& d : request.also_needs)
    if (version(d).empty()) return fmt::format("Triton {} but no {}", triton_version, d);
  return {};
}

}  // namespace

std::vector<fs::path> python_candidates(std::string_view path_env) {
  // One entry per folder: /bin/python3 is /usr/bin/python3 where /bin links to /usr/bin. (Not
  // the interpreter's own real path: a venv's python3 links to its base interpreter, whose
  // packages differ.)
  std::vector<fs::path> out, resolved;
  std::size_t start = 0;
  while (start <= path_env.size()) {
    const std::size_t end = std::min(path_env.find(':', start), path_env.size());
    const fs::path dir(std::string(path_env.substr(start, end - start)));
    start = end + 1;
    if (dir.empty() || !dir.is_absolute()) continue;  // "" and relative entries mean the current folder: skip
    const fs::path candidate = dir / "python3";
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec) || ::access(candidate.c_str(), X_OK) != 0) continue;
    const fs::path real = fs::weakly_canonical(dir, ec) / "python3";
    if (std::find(resolved.begin(), resolved.end(), real) != resolved.end()) continue;
    resolved.push_back(real);
    out.push_back(candidate);
  }
  return out;
}

python_choice find_python(const python_request& request, std::string_view path_env, const python_probe& probe) {
  const std::string needs = request.also_needs.empty()
                                ? fmt::format("Triton {}", request.triton_version)
                                : fmt::format("Triton {} and {}", request.triton_version, fmt::join(request.also_needs, ", "));
  std::string version;
  if (!request.option_value.empty()) {
    const std::string why = refusal(request, request.option_value, probe, version);
    if (!why.empty())
      throw python_not_found(fmt::format("{} {}: {} (needs {})", request.option_name, request.option_value, why, needs));
    return {request.option_value, version, request.option_name};
  }
  if (const char* env = request.env_var.empty() ? nullptr : std::getenv(request.env_var.c_str()); env && *env) {
    const std::string why = refusal(request, env, probe, version);
    if (!why.empty())
      throw python_not_found(fmt::format("${}={}: {} (needs {})", request.env_var, env, why, needs));
    return {env, version, "$" + request.env_var};
  }
  std::vector<std::string> tried;
  for (const fs::path& candidate : python_candidates(path_env)) {
    const std::string why = refusal(request, candidate, probe, version);
    if (why.empty()) return {candidate, version, "PATH"};
    tried.push_back(fmt::format("{} ({})", candidate.string(), why));
  }
  throw python_not_found(fmt::format("no Python with {}: {} not given, ${} not set, PATH has {}", needs,
                                     request.option_name, request.env_var,
                                     tried.empty() ? std::string("no python3") : fmt::format("{}", fmt::join(tried, ", "))));
}

python_choice find_python(const python_request& request) {
  const char* path = std::getenv("PATH");
  return find_python(request, path ? path : "", probe_python);
}

}  // namespace tb::support
