// The checks of triton-bench's options that CLI11 cannot say in one short line: each
// returns the line ("--iterations 0: expected a whole number >= 1") or nothing.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tb::bench {

// `text` (as given) parses to a whole number >= min.
std::optional<std::string> check_whole_number(std::string_view option, std::string_view text, long long min);

// `text` is a finite number of seconds > 0 (not nan, not inf).
std::optional<std::string> check_positive_seconds(std::string_view option, std::string_view text);

// `cpu` is one this process may run on (sched_getaffinity), which names the ones it may.
std::optional<std::string> check_cpu(std::string_view option, int cpu);

// An output file can be created: its folder exists and is a folder, and `file` is not one.
// "-" (stdout) passes.
std::optional<std::string> check_output_file(std::string_view option, const std::filesystem::path& file);

// An output folder can be made: it is a folder, or the nearest part of it that exists is
// a writable folder (the run creates the rest).
std::optional<std::string> check_output_folder(std::string_view option, const std::filesystem::path& dir);

// "0-3,6": the CPUs this process may run on.
std::string allowed_cpus();

}  // namespace tb::bench
