// libFuzzer target: the scenario parser (TOML, then the model and its expressions) must
// reject bad input with one diagnostic_error line located in the file, never crash. The
// input is written as scenario.toml into a folder of this process, beside an empty
// kernels.py so that [[kernels]] entries naming it get past the source check.
#include <tb/scenario/diagnostic.hpp>
#include <tb/scenario/scenario.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

const std::filesystem::path& folder() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("tb-fuzz-scenario-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::ofstream(d / "kernels.py") << "";
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = folder() / "scenario.toml";
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                               static_cast<std::streamsize>(size));
  try {
    (void)tb::scenario::load_scenario(file);
  } catch (const tb::scenario::diagnostic_error& e) {
    if (std::string_view(e.what()).find('\n') != std::string_view::npos) {
      std::fprintf(stderr, "multi-line diagnostic: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
