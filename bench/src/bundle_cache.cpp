#include "bundle_cache.hpp"

#include <tb/support/build_info.hpp>
#include <tb/support/install_layout.hpp>
#include <tb/support/read_file.hpp>
#include <tb/support/run_process.hpp>
#include <tb/support/sha256.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace tb::bench {

namespace fs = std::filesystem;

namespace {

// The archs triton-bench compiles a scenario for: sm_90 (the GPU machine) and sm_80, less
// those the scenario's variants cannot run on (clusters and PDL: sm_90 and newer).
std::vector<std::string> archs_of(const tb::scenario::scenario& s) {
  std::vector<std::string> archs;
  for (const int arch : {90, 80})
    if (arch >= tb::scenario::min_arch(s)) archs.push_back(fmt::format("sm_{}", arch));
  return archs;
}

// Everything that decides the bundle triton-aot makes from this scenario.
std::string bundle_key(const tb::scenario::scenario& s, const bundle_request& request) {
  support::sha256 h;
  h.update("triton-bench-bundle-2\n");
  for (const auto& a : archs_of(s)) h.update(a + "\n");
  h.update(support::version_line("triton-aot") + "\n" + request.python + "\n");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(s.dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".py" || ext == ".toml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string text = support::read_file(f);
    h.update(f.filename().string() + "\n" + std::to_string(text.size()) + "\n");
    h.update(text);
  }
  return h.hex().substr(0, 16);
}

void compile(const fs::path& aot, const tb::scenario::scenario& s, const fs::path& out, const bundle_request& request) {
  std::vector<std::string> argv{aot.string(), "compile", s.file.string(), "--out", out.string()};
  for (const auto& a : archs_of(s)) argv.insert(argv.end(), {"--arch", a});
  if (!request.python.empty()) argv.insert(argv.end(), {"--python", request.python});
  std::fflush(stdout);  // what was printed before comes first
  if (request.quiet) argv.emplace_back("--quiet");
  else std::fprintf(stderr, "triton-bench: compiling %s ahead of time into %s\n", s.name.c_str(), out.c_str());
  const support::process_result r = support::run_process(argv, {}, "", [&](std::string_view line) {
    if (!request.quiet) std::fprintf(stderr, "  %.*s\n", static_cast<int>(line.size()), line.data());
  });
  if (!r.started) throw std::runtime_error(fmt::format("cannot start {}: {}", aot.string(), r.error));
  if (r.exit_code != 0) {
    std::string message = r.stderr_text;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw std::runtime_error(fmt::format("triton-aot could not compile {} (exit {}): {}", s.file.string(), r.exit_code,
                                         message));
  }
}

}  // namespace

fs::path triton_aot_beside() {
  const fs::path beside = support::executable_path().parent_path() / "triton-aot";
  std::error_code ec;
  return fs::is_regular_file(beside, ec) ? beside : fs::path{};
}

fs::path find_bundle(const tb::scenario::scenario& s, const bundle_request& request) {
  if (!request.given.empty()) {
    const fs::path given = request.given;
    if (fs::exists(given / "manifest.json")) return given;
    if (fs::exists(given / s.name / "manifest.json")) return given / s.name;
    throw std::runtime_error(fmt::format("--bundle-dir {}: neither it nor {}/{} holds a manifest.json", given.string(),
                                         given.string(), s.name));
  }
  const fs::path aot = triton_aot_beside();
  if (aot.empty())
    throw std::runtime_error(fmt::format("no AOT bundle for '{}': no triton-aot beside {} to compile one; give "
                                         "--bundle-dir (a folder from `triton-aot compile`)",
                                         s.name, support::executable_path().string()));
  const fs::path cache = support::user_cache_dir() / "bundles" / fmt::format("{}-{}", s.name, bundle_key(s, request));
  if (!fs::exists(cache / "manifest.json")) compile(aot, s, cache, request);
  return cache;
}

}  // namespace tb::bench
