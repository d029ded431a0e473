// Which results database a command uses (--db): a path or sqlite:PATH (a SQLite file),
// or a postgresql:// / postgres:// connection URI (libpq's). Given nothing:
// $TRITON_BENCH_DB, else $XDG_DATA_HOME/triton-bench/results.db, else
// ~/.local/share/triton-bench/results.db (docs/results-db.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tb::bench {

struct db_spec {
  enum class kind { sqlite, postgresql };
  kind type = kind::sqlite;
  std::string target;  // the SQLite file, or the connection URI as given

  // For messages and run sources: the file, or the URI without its password.
  std::string shown() const;
};

// Throws std::invalid_argument "--db TEXT: why" (an empty path, no default folder known).
db_spec parse_db_spec(std::string_view text);

// The default SQLite file; empty when neither XDG_DATA_HOME nor HOME is set.
std::filesystem::path default_db_path();

// A connection URI with ":password@" removed.
std::string without_password(std::string_view uri);

}  // namespace tb::bench
