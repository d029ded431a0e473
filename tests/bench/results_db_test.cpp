// The results database over SQLite (bench/src/history): exact round trips, the schema's
// creation and its migration from version 1, foreign and newer databases refused,
// recordings all or nothing, db: selectors and --db's forms.
#include "history/results_store.hpp"
#include "history/run_selector.hpp"
#include "history/schema.hpp"
#include "history/sql_connection.hpp"
#include "history_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace tb::bench;

class ResultsDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / fmt::format("tb-results-db-test-{}-{}", ::getpid(),
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  db_spec file(const std::string& name) const { return {db_spec::kind::sqlite, (dir / name).string()}; }
  fs::path dir;
};

TEST_F(ResultsDb, RoundTripIsExact) {
  const auto run = tb::test::awkward_summary();
  const auto store = open_store(file("r.db"));
  const auto id = store->record(run);
  EXPECT_EQ(id, 1);
  const auto back = store->load(id);
  tb::test::expect_same(run, back);
  EXPECT_EQ(tb::test::render(back), tb::test::render(run));
  EXPECT_EQ(back.source, "db:" + (dir / "r.db").string() + "#1");
  EXPECT_TRUE(std::isnan(back.modes[1].metrics.back().stats.median));  // n = 0: NULL, read back NaN
}

TEST_F(ResultsDb, ReopenedFileHoldsTheRunsAndNumbersThemOn) {
  const auto run = tb::test::awkward_summary();
  open_store(file("r.db"))->record(run);
  const auto store = open_store(file("r.db"), store_access::existing);
  EXPECT_EQ(store->record(run), 2);
  tb::test::expect_same(store->load(1), run);
  EXPECT_EQ(store->find({}).size(), 2u);
}

TEST_F(ResultsDb, FolderIsMadeWhenMissing) {
  const auto store = open_store(file("a/b/r.db"));
  EXPECT_TRUE(fs::exists(dir / "a/b/r.db"));
}

TEST_F(ResultsDb, MissingFileIsAnErrorForReaders) {
  try {
    open_store(file("none.db"), store_access::existing);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "none.db").string() +
                                         ": no such results database (record a run first: triton-bench record RESULTS.json)");
  }
  EXPECT_FALSE(fs::exists(dir / "none.db"));
}

TEST_F(ResultsDb, FailedRecordingLeavesNothing) {
  auto run = tb::test::awkward_summary();
  run.modes.push_back(run.modes[0]);  // the same label twice: the second insert fails
  const auto store = open_store(file("r.db"));
  EXPECT_THROW(store->record(run), std::runtime_error);
  EXPECT_TRUE(store->find({}).empty());
  EXPECT_EQ(store->record(tb::test::awkward_summary()), 1);  // usable afterwards
  EXPECT_EQ(store->load(1).modes.size(), 3u);
}

// A database of schema version 1, made with version 1's DDL and holding a run, opens
// migrated to the current version with its run intact.
TEST_F(ResultsDb, MigratesVersion1) {
  const auto path = (dir / "v1.db").string();
  {
    const auto c = open_sqlite(path, true);
    for (const auto& s : create_schema(1, sql_dialect::sqlite)) c->execute(s);
    c->execute("INSERT INTO runs (recorded_at, created, git_commit, hostname, gpu_name, compute_capability, scenario, "
               "launches_per_iteration, rounds, traced_rounds, source) VALUES ('2025-01-01T00:00:00Z', "
               "'2024-12-31T23:00:00Z', 'abcdef1', 'old-host', 'H100', 90, 'sandwich', 3, 8, 2, 'old.json')");
    c->execute("INSERT INTO modes VALUES (1, 'cubin-cached', 0, 'ok', 'jit-exact', 'passed')");
    c->execute("INSERT INTO metrics (run_id, mode_label, metric_id, position, unit, n, mean, median, ci95_low, ci95_high, "
               "p5, p95, p99, min, max, mad, ci_bootstrap) VALUES (1, 'cubin-cached', 'host.time_per_launch', 0, 'ns', "
               "128, 1000.5, 1000.25, 999.5, 1001.5, 990, 1010, 1020, 980, 1030, 2.5, 0)");
  }
  const auto store = open_store(file("v1.db"), store_access::existing);
  const auto c = open_sqlite(path, false);
  EXPECT_EQ(c->query("SELECT version FROM tb_schema")[0].integer(0), 2);
  const auto run = store->load(1);
  EXPECT_EQ(run.git_commit, "abcdef1");
  EXPECT_EQ(run.branch, "");
  EXPECT_EQ(run.env.gpu_name, "H100");
  ASSERT_EQ(run.modes.size(), 1u);
  ASSERT_EQ(run.modes[0].metrics.size(), 1u);
  const auto& m = run.modes[0].metrics[0];
  EXPECT_EQ(m.units, "none");
  EXPECT_TRUE(m.round_medians.empty());
  EXPECT_EQ(m.stats.n, 128u);
  EXPECT_EQ(m.stats.median, 1000.25);
  EXPECT_EQ(m.stats.mad, 2.5);
  // and it takes new runs, with the columns version 2 added
  auto next = tb::test::awkward_summary();
  EXPECT_EQ(store->record(next), 2);
  tb::test::expect_same(store->load(2), next);
}

// The version 2 made at once and the version 2 migrated to are the same schema.
TEST_F(ResultsDb, NewAndMigratedSchemasAgree) {
  const auto columns = [](sql_connection& c) {
    std::string out;
    for (const auto& t : c.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name"))
      for (const auto& col : c.query("SELECT name, type FROM pragma_table_info(?) ORDER BY name", {t.text(0)}))
        out += t.text(0) + "." + col.text(0) + " " + col.text(1) + "\n";
    return out;
  };
  open_store(file("new.db"));
  {
    const auto c = open_sqlite((dir / "old.db").string(), true);
    for (const auto& s : create_schema(1, sql_dialect::sqlite)) c->execute(s);
  }
  open_store(file("old.db"));
  EXPECT_EQ(columns(*open_sqlite((dir / "new.db").string(), false)),
            columns(*open_sqlite((dir / "old.db").string(), false)));
}

TEST_F(ResultsDb, ForeignDatabaseIsRefusedAndKept) {
  const auto path = (dir / "mine.db").string();
  open_sqlite(path, true)->execute("CREATE TABLE recipes (name TEXT)");
  try {
    open_store(file("mine.db"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": not a triton-bench results database (it has table recipes); give --db another file or database");
  }
  EXPECT_EQ(open_sqlite(path, false)->query("SELECT count(*) FROM sqlite_master")[0].integer(0), 1);
}

TEST_F(ResultsDb, ExtraTableIsRefused) {
  open_store(file("r.db"));
  open_sqlite((dir / "r.db").string(), false)->execute("CREATE TABLE notes (x TEXT)");
  EXPECT_THROW(
      {
        try {
          open_store(file("r.db"));
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find("not a triton-bench results database (it has tables metrics, modes, "
                                               "notes, round_medians, runs, tb_schema)"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      std::runtime_error);
}

TEST_F(ResultsDb, NotADatabaseFileIsRefusedAndKept) {
  const std::string notes = "my notes, not a database, long enough to have a header's worth of bytes in it\n";
  std::ofstream(dir / "notes.txt") << notes;
  try {
    open_store(file("notes.txt"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "notes.txt").string() + ": file is not a database");
  }
  EXPECT_EQ(fs::file_size(dir / "notes.txt"), notes.size());
}

TEST_F(ResultsDb, NewerSchemaIsRefused) {
  open_store(file("r.db"));
  open_sqlite((dir / "r.db").string(), false)->execute("UPDATE tb_schema SET version = 3");
  try {
    open_store(file("r.db"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "r.db").string() + ": results database of schema version 3, newer than "
                                                               "this triton-bench knows (2): use a newer triton-bench");
  }
}

// --- finding runs ---------------------------------------------------------------------

// Six runs: main at 100, 101, 102 (created in that order, recorded out of order), a
// feature branch, and two of another scenario.
class Selecting : public ResultsDb {
 protected:
  void SetUp() override {
    ResultsDb::SetUp();
    store = open_store(file("r.db"));
    add("aaaa000", "main", "2026-01-03T00:00:00Z", 102);
    add("aaaa001", "main", "2026-01-01T00:00:00Z", 100);
    add("aaaa002", "main", "2026-01-02T00:00:00Z", 101);
    add("bbbb000", "feature", "2026-01-04T00:00:00Z", 200);
    add("cccc000", "main", "2026-01-05T00:00:00Z", 300, "softmax");
    add("cccc001", "main", "2026-01-06T00:00:00Z", 301, "softmax");
  }
  void add(const std::string& commit, const std::string& branch, const std::string& created, double level,
           const std::string& scenario = "sandwich") {
    auto s = summarize_run(tb::test::synthetic_results(commit, created, level, 1, 0, scenario), commit + ".json");
    s.branch = branch;
    store->record(s);
  }
  double median(const run_summary& s) { return s.modes.at(0).metrics.at(0).stats.median; }
  std::unique_ptr<results_store> store;
};

TEST_F(Selecting, LatestOfABranchIsByWhenItRan) {
  const auto s = select_run(*store, parse_run_selector("db:branch=main"), "sandwich");
  EXPECT_EQ(s.git_commit, "aaaa000");
  EXPECT_EQ(median(s), 102);
  EXPECT_EQ(select_run(*store, parse_run_selector("db:branch=main")).git_commit, "cccc001");  // any scenario
}

TEST_F(Selecting, Latest) {
  EXPECT_EQ(select_run(*store, parse_run_selector("db:latest")).git_commit, "cccc001");
  EXPECT_EQ(select_run(*store, parse_run_selector("db:latest"), "sandwich").git_commit, "bbbb000");
}

TEST_F(Selecting, RunAndCommitPrefix) {
  EXPECT_EQ(select_run(*store, parse_run_selector("db:run=4")).git_commit, "bbbb000");
  EXPECT_EQ(select_run(*store, parse_run_selector("db:run=5"), "sandwich").scenario, "softmax");  // run= is exact
  EXPECT_EQ(select_run(*store, parse_run_selector("db:commit=aaaa001")).git_commit, "aaaa001");
  EXPECT_EQ(select_run(*store, parse_run_selector("db:commit=cccc")).git_commit, "cccc001");
  EXPECT_EQ(select_run(*store, parse_run_selector("db:run=4")).source, "db:" + (dir / "r.db").string() + "#4");
}

TEST_F(Selecting, NoMatchNamesTheSelector) {
  try {
    select_run(*store, parse_run_selector("db:branch=nope"), "sandwich");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "r.db").string() + ": no run matches db:branch=nope,scenario=sandwich");
  }
}

// last=3 of main in sandwich: the round medians of the three runs one after the other,
// oldest first, and the median of their medians.
TEST_F(Selecting, LastNPoolsTheRuns) {
  const auto s = select_run(*store, parse_run_selector("db:branch=main,last=3"), "sandwich");
  EXPECT_EQ(s.git_commit, "aaaa000");
  EXPECT_EQ(s.source, "db:" + (dir / "r.db").string() + "#1,3,2");
  const auto& m = s.modes.at(0).metrics.at(0);
  EXPECT_EQ(m.stats.n, 3u);
  EXPECT_EQ(m.stats.median, 101);
  EXPECT_EQ(m.stats.min, 100);
  EXPECT_EQ(m.stats.max, 102);
  ASSERT_EQ(m.round_medians.size(), 24u);
  EXPECT_EQ(m.round_medians.front(), 100);
  EXPECT_EQ(m.round_medians[8], 101);
  EXPECT_EQ(m.round_medians.back(), 102);
  // more than there are: those there are, of the newest run's scenario only
  EXPECT_EQ(select_run(*store, parse_run_selector("db:branch=main,last=10"), "sandwich").modes[0].metrics[0].stats.n, 3u);
}

TEST(RunSelector, Parses) {
  const auto s = parse_run_selector("db:branch=main,last=5,gpu=NVIDIA H100,host=runner-3,scenario=softmax,commit=ABC123");
  EXPECT_EQ(s.filter.branch, "main");
  EXPECT_EQ(s.last, 5u);
  EXPECT_EQ(s.filter.gpu, "NVIDIA H100");
  EXPECT_EQ(s.filter.hostname, "runner-3");
  EXPECT_EQ(s.filter.scenario, "softmax");
  EXPECT_EQ(s.filter.commit, "ABC123");
  EXPECT_EQ(parse_run_selector("db:run=17").run, 17);
  EXPECT_EQ(parse_run_selector("db:latest").last, 1u);
  EXPECT_EQ(parse_run_selector("db:latest,branch=dev").filter.branch, "dev");
  EXPECT_TRUE(is_db_spec("db:run=1"));
  EXPECT_FALSE(is_db_spec("results.json"));
}

TEST(RunSelector, ErrorsNameTheKey) {
  const auto message = [](const char* spec) {
    try {
      parse_run_selector(spec);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("db:"), "db:: expected db:KEY=VALUE,... (e.g. db:branch=main)");
  EXPECT_EQ(message("db:brnch=main"),
            "db:brnch=main: unknown key 'brnch' (expected run, branch, commit, scenario, gpu, host or last)");
  EXPECT_EQ(message("db:last=0"), "db:last=0: last=0: expected a whole number >= 1");
  EXPECT_EQ(message("db:run=x"), "db:run=x: run=x: expected a whole number >= 1");
  EXPECT_EQ(message("db:commit=xyz"), "db:commit=xyz: commit=xyz: expected 4 to 40 hex digits");
  EXPECT_EQ(message("db:branch"), "db:branch: 'branch': expected KEY=VALUE");
  EXPECT_EQ(message("db:branch="), "db:branch=: branch= has no value");
  EXPECT_EQ(message("db:run=3,last=2"), "db:run=3,last=2: run= names one run; last= cannot pool it");
}

TEST(DbSpec, Forms) {
  EXPECT_EQ(parse_db_spec("/x/r.db").target, "/x/r.db");
  EXPECT_EQ(parse_db_spec("sqlite:r.db").target, "r.db");
  EXPECT_EQ(parse_db_spec("sqlite:r.db").type, db_spec::kind::sqlite);
  const auto pg = parse_db_spec("postgresql://bench:secret@db.example:5433/results");
  EXPECT_EQ(pg.type, db_spec::kind::postgresql);
  EXPECT_EQ(pg.target, "postgresql://bench:secret@db.example:5433/results");
  EXPECT_EQ(pg.shown(), "postgresql://bench@db.example:5433/results");
  EXPECT_EQ(parse_db_spec("postgres:///results?host=/tmp").shown(), "postgres:///results?host=/tmp");
  EXPECT_THROW(parse_db_spec("mysql://x"), std::invalid_argument);
  EXPECT_THROW(parse_db_spec("sqlite:"), std::invalid_argument);
}

TEST(DbSpec, DefaultIsUnderXdgDataHome) {
  ::unsetenv("TRITON_BENCH_DB");
  ::setenv("XDG_DATA_HOME", "/data/home", 1);
  EXPECT_EQ(parse_db_spec("").target, "/data/home/triton-bench/results.db");
  ::unsetenv("XDG_DATA_HOME");
  ::setenv("HOME", "/home/u", 1);
  EXPECT_EQ(parse_db_spec("").target, "/home/u/.local/share/triton-bench/results.db");
  ::setenv("TRITON_BENCH_DB", "postgresql:///fleet", 1);
  EXPECT_EQ(parse_db_spec("").type, db_spec::kind::postgresql);
  ::unsetenv("TRITON_BENCH_DB");
  ::unsetenv("HOME");
  EXPECT_THROW(parse_db_spec(""), std::invalid_argument);
}

}  // namespace
