// The results database over PostgreSQL, on a server the test starts itself
// (postgres_server.hpp): the same run reads back from PostgreSQL and from SQLite the same,
// field by field and as text; the migration from version 1; a foreign database refused.
#include "history/results_store.hpp"
#include "history/run_selector.hpp"
#include "history/schema.hpp"
#include "history/sql_connection.hpp"
#include "history_support.hpp"
#include "postgres_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <filesystem>
#include <memory>

namespace {

namespace fs = std::filesystem;
using namespace tb::bench;

class Postgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = std::make_unique<tb::test::postgres_server>();
    if (!server->running()) skipped_because = server->why();
  }
  static void TearDownTestSuite() { server.reset(); }
  void SetUp() override {
    if (!server->running()) GTEST_SKIP() << "PostgreSQL tests skipped: " << server->why();
    // a database per test
    std::string name = std::string("t_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    open_postgres(server->uri(), "admin")->execute("CREATE DATABASE " + name);
    db = {db_spec::kind::postgresql, server->uri(name)};
  }
  static inline std::unique_ptr<tb::test::postgres_server> server;
  db_spec db;

 public:
  static inline std::string skipped_because;
};

TEST_F(Postgres, RoundTripIsExactAndTheSameAsSqlite) {
  const auto run = tb::test::awkward_summary();
  const auto pg = open_store(db);
  EXPECT_EQ(pg->record(run), 1);
  const auto from_pg = pg->load(1);
  tb::test::expect_same(run, from_pg);

  const auto file = fs::temp_directory_path() / fmt::format("tb-pg-test-{}.db", ::getpid());
  fs::remove(file);
  const auto sqlite = open_store({db_spec::kind::sqlite, file.string()});
  sqlite->record(run);
  const auto from_sqlite = sqlite->load(1);
  fs::remove(file);

  tb::test::expect_same(from_pg, from_sqlite);
  EXPECT_EQ(tb::test::render(from_pg), tb::test::render(from_sqlite));
  EXPECT_EQ(tb::test::render(from_pg), tb::test::render(run));
  EXPECT_EQ(from_pg.source, "db:" + db.shown() + "#1");
}

TEST_F(Postgres, AwkwardDoublesTravelExactly) {
  const auto c = open_postgres(db.target, "pg");
  for (const double v : {0.1 + 0.2, 1e-300, 123456789.123456789, 5e-324, 1.7976931348623157e308, 1.0 / 3.0}) {
    const auto rows = c->query("SELECT CAST(? AS DOUBLE PRECISION)", {v});
    EXPECT_TRUE(tb::test::same_double(rows.at(0).real(0), v)) << tb::test::exact(v) << " came back as "
                                                              << rows.at(0).text(0);
  }
}

TEST_F(Postgres, FindSeriesAndSelectors) {
  const auto store = open_store(db);
  for (int i = 0; i < 3; ++i) {
    auto s = summarize_run(tb::test::synthetic_results(fmt::format("abcd{:03}", i), fmt::format("2026-03-0{}T00:00:00Z", i + 1),
                                                        100.0 + i, 1, 0),
                           "x.json");
    s.branch = "main";
    store->record(s);
  }
  EXPECT_EQ(store->find({{"sandwich", "main", "", "", ""}, 0, 2}).size(), 2u);
  const auto series = store->series({{"sandwich", "main", "", "", ""}, "cubin-cached", "host.time_per_launch", 0});
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].median, 100);
  EXPECT_EQ(series[2].median, 102);
  EXPECT_EQ(select_run(*store, parse_run_selector("db:branch=main")).git_commit, "abcd002");
  EXPECT_EQ(select_run(*store, parse_run_selector("db:commit=abcd001")).git_commit, "abcd001");
  EXPECT_EQ(select_run(*store, parse_run_selector("db:branch=main,last=3")).modes[0].metrics[0].stats.median, 101);
  EXPECT_EQ(store->metric_ids("sandwich", "jit"), (std::vector<std::string>{"gap.before_target", "host.time_per_launch"}));
}

TEST_F(Postgres, FailedRecordingLeavesNothing) {
  auto run = tb::test::awkward_summary();
  run.modes.push_back(run.modes[0]);
  const auto store = open_store(db);
  EXPECT_THROW(store->record(run), std::runtime_error);
  EXPECT_TRUE(store->find({}).empty());
  EXPECT_EQ(store->record(tb::test::awkward_summary()), 2);  // the identity went on; nothing else remains
  EXPECT_EQ(store->find({}).size(), 1u);
}

TEST_F(Postgres, MigratesVersion1) {
  {
    const auto c = open_postgres(db.target, "pg");
    for (const auto& s : create_schema(1, sql_dialect::postgresql)) c->execute(s);
    c->execute("INSERT INTO runs (recorded_at, created, git_commit, scenario, rounds) VALUES ('2025-01-01T00:00:00Z', "
               "'2024-12-31T23:00:00Z', 'abcdef1', 'sandwich', 8)");
    c->execute("INSERT INTO modes VALUES (1, 'cubin-cached', 0, 'ok', 'jit-exact', 'passed')");
    c->execute("INSERT INTO metrics (run_id, mode_label, metric_id, position, unit, n, median) VALUES (1, "
               "'cubin-cached', 'host.time_per_launch', 0, 'ns', 128, 1000.25)");
  }
  const auto store = open_store(db, store_access::existing);
  EXPECT_EQ(open_postgres(db.target, "pg")->query("SELECT version FROM tb_schema")[0].integer(0), 2);
  const auto run = store->load(1);
  EXPECT_EQ(run.git_commit, "abcdef1");
  EXPECT_EQ(run.modes.at(0).metrics.at(0).stats.median, 1000.25);
  EXPECT_EQ(run.modes.at(0).metrics.at(0).units, "none");
  EXPECT_TRUE(std::isnan(run.modes.at(0).metrics.at(0).stats.mean));
  const auto next = tb::test::awkward_summary();
  tb::test::expect_same(store->load(store->record(next)), next);
}

TEST_F(Postgres, ForeignDatabaseIsRefused) {
  open_postgres(db.target, "pg")->execute("CREATE TABLE invoices (id INTEGER)");
  try {
    open_store(db);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), db.shown() + ": not a triton-bench results database (it has table invoices); give "
                                                  "--db another file or database");
  }
}

TEST_F(Postgres, ReaderOfAnEmptyDatabaseIsTold) {
  try {
    open_store(db, store_access::existing);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              db.shown() + ": no runs recorded here (record one first: triton-bench record RESULTS.json)");
  }
}

TEST(PostgresConnect, UnreachableServerIsOneLine) {
  try {
    open_store({db_spec::kind::postgresql, "postgresql:///x?host=/nonexistent/tb-test&port=1"});
    FAIL();
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("postgresql:///x?host=/nonexistent/tb-test&port=1: cannot connect: ", 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

}  // namespace

// ctest shows the tests as skipped (exit 77, SKIP_RETURN_CODE) when the server could not
// start, with the reason.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  if (rc == 0 && !Postgres::skipped_because.empty()) {
    std::fprintf(stderr, "PostgreSQL tests skipped: %s\n", Postgres::skipped_because.c_str());
    return 77;
  }
  return rc;
}
