// The results database's schema, per version, and the migrations between versions: the
// same DDL text for SQLite and PostgreSQL, but for the few types that differ
// (docs/results-db.md, "Schema"). Version 1 is kept so that the migration is tested from
// a database made with its DDL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

enum class sql_dialect { sqlite, postgresql };

// 1: runs, modes, metrics. 2: runs.branch, metrics.units, round_medians.
inline constexpr int schema_version = 2;

// The statements that make schema `version` (1 or 2) in an empty database, its
// tb_schema row included.
std::vector<std::string> create_schema(int version, sql_dialect d);

// The statements that take a database of schema `from` to `from` + 1.
std::vector<std::string> migration(int from, sql_dialect d);

// The tables schema `version` has (what an existing database may hold and nothing else).
std::vector<std::string_view> schema_tables(int version);

}  // namespace tb::bench
