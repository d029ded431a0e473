// The reader as it was before issue 18 item 3 (profiler/bench/baseline/io), compiled
// under another namespace (target tb_profiler_baseline_reader); no tb type crosses this
// interface. Errors come out as std::runtime_error with the old reader's what().
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace tb_bench_baseline {

/// read_chrome_trace_file with the old reader; returns the number of events.
std::size_t read_file(const std::filesystem::path& path);
/// The same followed by analyze() with `target`; returns the events the analysis saw.
std::size_t read_and_analyze(const std::filesystem::path& path, const std::string& target);
/// The old reader's trace of a file / of text, as tb::profiler::testing::dump_trace writes it.
std::string dump_file(const std::filesystem::path& path);
std::string dump_text(std::string_view text, std::string_view source_name);

}  // namespace tb_bench_baseline
