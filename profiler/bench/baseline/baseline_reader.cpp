// Compiled with -Dtb=tb_baseline (see README.md): tb::profiler below is tb_baseline::profiler.
#include "baseline_reader.hpp"
#include "trace_dump.hpp"

#include <tb/profiler/analysis.hpp>
#include <tb/profiler/trace_reader.hpp>

#include <stdexcept>

namespace tb_bench_baseline {

std::size_t read_file(const std::filesystem::path& path) {
  return tb::profiler::read_chrome_trace_file(path).events().size();
}

std::size_t read_and_analyze(const std::filesystem::path& path, const std::string& target) {
  const auto t = tb::profiler::read_chrome_trace_file(path);
  tb::profiler::analysis_options o;
  o.target = target;
  return tb::profiler::analyze(t, o).events;
}

std::string dump_file(const std::filesystem::path& path) {
  return tb::profiler::testing::dump_trace(tb::profiler::read_chrome_trace_file(path));
}

std::string dump_text(std::string_view text, std::string_view source_name) {
  return tb::profiler::testing::dump_trace(tb::profiler::parse_chrome_trace(text, source_name));
}

}  // namespace tb_bench_baseline
