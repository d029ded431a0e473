#include "db_spec.hpp"

#include <tb/support/install_layout.hpp>

#include <cstdlib>
#include <stdexcept>

namespace tb::bench {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::filesystem::path default_db_path() {
  const auto dir = tb::support::user_data_dir();
  return dir.empty() ? dir : dir / "results.db";
}

std::string without_password(std::string_view uri) {
  const auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return std::string(uri);
  const auto authority_end = uri.find_first_of("/?", scheme + 3);
  const auto at = uri.rfind('@', authority_end);
  if (at == std::string_view::npos || at < scheme + 3) return std::string(uri);
  const auto colon = uri.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(uri);
  return std::string(uri.substr(0, colon)) + std::string(uri.substr(at));
}

std::string db_spec::shown() const { return type == kind::sqlite ? target : without_password(target); }

db_spec parse_db_spec(std::string_view text) {
  if (text.empty())
    if (const char* env = std::getenv("TRITON_BENCH_DB"); env && *env) text = env;
  if (text.empty()) {
    const auto file = default_db_path();
    if (file.empty())
      throw std::invalid_argument("--db: no default database: neither XDG_DATA_HOME nor HOME is set (give --db FILE)");
    return {db_spec::kind::sqlite, file.string()};
  }
  if (starts_with(text, "postgresql://") || starts_with(text, "postgres://"))
    return {db_spec::kind::postgresql, std::string(text)};
  if (starts_with(text, "sqlite:")) text.remove_prefix(7);
  if (text.empty()) throw std::invalid_argument("--db sqlite:: expected a file after 'sqlite:'");
  if (text.find("://") != std::string_view::npos)
    throw std::invalid_argument("--db " + std::string(text) +
                                ": expected a file, sqlite:FILE, postgresql://... or postgres://...");
  return {db_spec::kind::sqlite, std::string(text)};
}

}  // namespace tb::bench
