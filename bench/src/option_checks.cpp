#include "option_checks.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <sched.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace tb::bench {

namespace fs = std::filesystem;

std::optional<std::string> check_whole_number(std::string_view option, std::string_view text, long long min) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value >= min) return std::nullopt;
  return fmt::format("{} {}: expected a whole number >= {}", option, text, min);
}

std::optional<std::string> check_positive_seconds(std::string_view option, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(value) && value > 0)
    return std::nullopt;
  return fmt::format("{} {}: expected a finite number of seconds > 0", option, text);
}

namespace {

std::vector<int> cpus_allowed() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  } else {
    for (long c = 0; c < ::sysconf(_SC_NPROCESSORS_ONLN); ++c) cpus.push_back(static_cast<int>(c));
  }
  return cpus;
}

}  // namespace

std::string allowed_cpus() {
  const auto cpus = cpus_allowed();
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? std::to_string(cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

std::optional<std::string> check_cpu(std::string_view option, int cpu) {
  for (const int c : cpus_allowed())
    if (c == cpu) return std::nullopt;
  return fmt::format("{} {}: expected a CPU this process may run on: {} (of {} on this machine)", option, cpu,
                     allowed_cpus(), ::sysconf(_SC_NPROCESSORS_CONF));
}

std::optional<std::string> check_output_file(std::string_view option, const fs::path& file) {
  if (file == "-") return std::nullopt;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::is_directory(file, ec))
    return fmt::format("{} {}: is a folder; expected a file name", option, file.string());
  if (!fs::exists(dir, ec))
    return fmt::format("{} {}: the folder {} does not exist", option, file.string(), dir.string());
  if (!fs::is_directory(dir, ec))
    return fmt::format("{} {}: {} is not a folder", option, file.string(), dir.string());
  if (::access(dir.c_str(), W_OK) != 0)
    return fmt::format("{} {}: the folder {} is not writable", option, file.string(), dir.string());
  return std::nullopt;
}

std::optional<std::string> check_output_folder(std::string_view option, const fs::path& dir) {
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);
  while (!fs::exists(existing, ec) && existing.has_relative_path()) existing = existing.parent_path();
  if (!fs::is_directory(existing, ec))
    return fmt::format("{} {}: {} is not a folder", option, dir.string(), existing.string());
  if (::access(existing.c_str(), W_OK) != 0)
    return fmt::format("{} {}: the folder {} is not writable", option, dir.string(), existing.string());
  return std::nullopt;
}

}  // namespace tb::bench
