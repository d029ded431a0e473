#include "cache_entry.hpp"

#include <tb/support/sha256.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

namespace tb::compiler {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* seal_name = "complete";

std::optional<std::string> file_hash(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;
  return support::sha256::of(text);
}

std::string check_files(const fs::path& entry, const json& files) {
  if (!files.is_object() || files.empty()) return "no file list";
  for (const auto& [name, hash] : files.items()) {
    if (!hash.is_string() || name.find('/') != std::string::npos) return "a malformed file list";
    const auto actual = file_hash(entry / name);
    if (!actual) return fmt::format("{} is missing", name);
    if (*actual != hash.get<std::string>()) return fmt::format("{} does not match its recorded SHA-256", name);
  }
  return {};
}

}  // namespace

entry_check check_cache_entry(const fs::path& entry, const std::string& key) try {
  std::ifstream in(entry / seal_name, std::ios::binary);
  if (!in) return {};
  const json seal = json::parse(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), nullptr, false);
  if (seal.is_discarded() || !seal.is_object()) return {entry_state::corrupt, "its record 'complete' is not JSON"};
  if (seal.value("key", "") != key) return {entry_state::corrupt, "its record names another key"};
  if (std::string why = check_files(entry, seal.value("files", json())); !why.empty())
    return {entry_state::corrupt, why};
  const json imports = seal.value("imports", json::array());
  if (!imports.is_array()) return {entry_state::corrupt, "a malformed import list"};
  for (const json& import : imports) {
    if (!import.is_object() || !import.contains("path") || !import.contains("sha256"))
      return {entry_state::corrupt, "a malformed import list"};
    const std::string path = import["path"].get<std::string>();
    if (file_hash(path) != import["sha256"].get<std::string>())
      return {entry_state::stale, fmt::format("{} changed", path)};
  }
  return {entry_state::valid, {}};
} catch (const json::exception&) {
  return {entry_state::corrupt, "its record 'complete' is malformed"};
}

void seal_cache_entry(const fs::path& dir, const std::string& key, const std::vector<fs::path>& imports) {
  json files = json::object();
  for (const auto& item : fs::directory_iterator(dir)) {
    if (!item.is_regular_file() || item.path().filename() == seal_name) continue;
    const auto hash = file_hash(item.path());
    if (!hash) throw std::runtime_error(fmt::format("cannot read {}", item.path().string()));
    files[item.path().filename().string()] = *hash;
  }
  json imported = json::array();
  for (const fs::path& path : imports) {
    const auto hash = file_hash(path);
    if (!hash) throw std::runtime_error(fmt::format("cannot read {}, which the kernel file imported", path.string()));
    imported.push_back({{"path", path.string()}, {"sha256", *hash}});
  }
  const std::string text = json{{"key", key}, {"files", files}, {"imports", imported}}.dump(1) + "\n";
  std::ofstream out(dir / seal_name, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", (dir / seal_name).string()));
}

}  // namespace tb::compiler
