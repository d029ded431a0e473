// triton-bench: what does launching a Triton kernel cost, ahead of time from C++
// versus through Triton's Python JIT, and where does the time go?
//
// This first version lists scenarios and modes, reports the GPU, and on a machine
// without one compiles the scenario ahead of time and shows its kernels. The timed
// modes are the next milestone; --help says which parts exist.
#include "gpu_probe.hpp"

#include <tb/runtime/runtime.hpp>
#include <tb/scenario/scenario.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

constexpr const char* all_modes[] = {"jit", "ptx", "cubin", "ptx-cached", "cubin-cached", "library", "graph"};

fs::path source_dir() { return TB_SOURCE_DIR; }

fs::path resolve_scenario(const std::string& name_or_path) {
  if (fs::exists(name_or_path)) return name_or_path;
  return source_dir() / "scenarios" / name_or_path;
}

int list_scenarios() {
  fmt::print("Scenarios ({}):\n", (source_dir() / "scenarios").string());
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(source_dir() / "scenarios"))
    if (fs::is_regular_file(entry.path() / "scenario.toml")) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    try {
      const auto s = tb::scenario::load_scenario(dir);
      fmt::print("  {:<16} {:>2} kernel{}  {}\n", s.name, s.kernels.size(), s.kernels.size() == 1 ? " " : "s",
                 s.description);
    } catch (const tb::scenario::diagnostic_error& error) {
      fmt::print("  {:<16} (invalid: {})\n", dir.filename().string(), error.what());
    }
  }
  fmt::print("\nModes: {}\n", fmt::join(all_modes, ", "));
  fmt::print("  runtime load modes available now: ptx, cubin, ptx-cached, cubin-cached, library\n");
  fmt::print("  timed runs of any mode, jit and graph: not implemented yet\n");
  return 0;
}

// Runs triton-aot (built beside this program) on the scenario; returns its exit code.
int compile_ahead_of_time(const fs::path& scenario, const fs::path& out) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path aot = self.parent_path() / "triton-aot";
  if (!fs::exists(aot)) {
    fmt::print(stderr, "triton-bench: {} not found: build the target triton-aot\n", aot.string());
    return 1;
  }
  const std::string command = fmt::format("'{}' compile '{}' --out '{}' --arch sm_90 --arch sm_80", aot.string(),
                                          scenario.string(), out.string());
  std::fflush(stdout);
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

void print_bundle(const fs::path& bundle) {
  std::ifstream in(bundle / "manifest.json");
  const auto manifest = nlohmann::json::parse(in);
  fmt::print("\n{:<22} {:<14} {:<40} {:>5} {:>6} {:>10} {:>9}\n", "kernel", "variant", "specialization", "arch",
             "regs", "shared B", "cubin B");
  for (const auto& kernel : manifest["kernels"])
    for (const auto& variant : kernel["variants"])
      for (const auto& spec : variant["specializations"])
        for (const auto& image : spec["images"]) {
          if (image["format"] != "cubin") continue;
          fmt::print("{:<22} {:<14} {:<40} sm_{:<2} {:>6} {:>10} {:>9}\n", kernel["name"].get<std::string>(),
                     variant["name"].get<std::string>(), spec["name"].get<std::string>(), image["arch"].get<int>(),
                     image["registers"].get<int>(), image["shared"].get<int>(), image["size"].get<int>());
        }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "triton-bench: what does it cost to launch a Triton kernel ahead of time from C++ versus through Triton's "
      "Python JIT, and where does the time go?\n\n"
      "Status of this build:\n"
      "  exists:  scenarios (--list), AOT compilation of a scenario (triton-aot), the runtime's load modes\n"
      "           (ptx, cubin, ptx-cached, cubin-cached, library), GPU detection\n"
      "  missing: timed runs per mode against the JIT, traces, statistics, results JSON (next milestone)\n\n"
      "Without a GPU it says so, compiles the scenario ahead of time and shows its kernels.",
      "triton-bench"};
  std::vector<std::string> modes;
  std::string scenario = "sandwich";
  bool list = false;
  app.add_option("--mode,-m", modes, fmt::format("launch mode, repeatable: {} or all", fmt::join(all_modes, ", ")))
      ->check(CLI::IsMember([] {
        std::vector<std::string> allowed(std::begin(all_modes), std::end(all_modes));
        allowed.push_back("all");
        return allowed;
      }()));
  app.add_option("--scenario,-s", scenario, "scenario name (scenarios/NAME) or path (default: sandwich)");
  app.add_flag("--list", list, "list scenarios and modes");
  CLI11_PARSE(app, argc, argv);

  if (list) return list_scenarios();
  const fs::path path = resolve_scenario(scenario);
  try {
    tb::scenario::load_scenario(path);
  } catch (const tb::scenario::diagnostic_error& error) {
    fmt::print(stderr, "{}\n", error.what());
    return 1;
  }
  const auto probe = tb::bench::probe_gpus();
  if (probe.gpus.empty()) {
    fmt::print("triton-bench: no GPU on this machine: {}.\n", probe.why_none);
    fmt::print("Launch timing needs a GPU. Doing what can be done here: compiling '{}' ahead of time.\n\n",
               path.filename().string());
    const fs::path out = fs::current_path() / "build" / "aot" / path.filename();
    if (const int rc = compile_ahead_of_time(path, out); rc != 0) return rc;
    print_bundle(out);
    return 0;
  }
  for (const auto& gpu : probe.gpus) fmt::print("GPU {}: {} (sm_{})\n", gpu.ordinal, gpu.name, gpu.compute_capability);
  fmt::print(stderr, "triton-bench: timed runs ({}) are not implemented yet; the GPU tests run with "
                     "`ctest -L gpu`\n", modes.empty() ? "cubin-cached" : fmt::format("{}", fmt::join(modes, ", ")));
  return 2;
}
