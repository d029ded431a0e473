// The reader as it was before issue 18 item 3 (profiler/bench/baseline/io), compiled into
// the benchmark under another namespace; no tb type crosses this interface.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace tb_bench_baseline {

/// read_chrome_trace_file with the old reader; returns the number of events.
std::size_t read_file(const std::filesystem::path& path);
/// The same followed by analyze() with `target`; returns the events the analysis saw.
std::size_t read_and_analyze(const std::filesystem::path& path, const std::string& target);

}  // namespace tb_bench_baseline
