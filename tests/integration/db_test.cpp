// The database seam, migrations and the schema conventions, on SQLite and PostgreSQL.
#include <set>

#include "db/migrate.hpp"
#include "harness.hpp"

namespace {

using testing_support::DbTest;

class Database : public DbTest {};

TEST_P(Database, MigratingTwiceIsANoOp) {
    EXPECT_EQ(db::Migrate(database()), 0);
    auto s = db::GetSchemaStatus(database());
    EXPECT_TRUE(s.UpToDate());
    EXPECT_EQ(s.current, s.latest);
    EXPECT_GE(s.current, 1);
}

TEST_P(Database, ASchemaWithAVersionThisBinaryDoesNotKnowIsReportedAsUnknown) {
    database().Write([](db::WriteTx& tx) {
        tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', ?)",
                "2030-01-01T00:00:00.000Z");
    });
    auto s = db::GetSchemaStatus(database());
    EXPECT_TRUE(s.unknown);
    EXPECT_FALSE(s.UpToDate());
}

TEST_P(Database, AWriteThatThrowsLeavesNothingBehind) {
    EXPECT_THROW(database().Write([](db::WriteTx& tx) {
        tx.Exec("INSERT INTO city (name, created_at) VALUES (?, ?)", "half", "2026-01-01T00:00:00.000Z");
        throw std::runtime_error("stop halfway");
    }),
                 std::runtime_error);
    auto n = database().Read([](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM city").Int(0); });
    EXPECT_EQ(n, 0);
}

// A bulk delete that checks the foreign keys at the end (an erasure's) still refuses a broken one, writing nothing.
TEST_P(Database, AWriteCheckedAtEndRefusesABrokenForeignKeyAndLeavesNothing) {
    const std::string at = "2026-01-01T00:00:00.000Z";
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("INSERT INTO city (id, name, created_at) VALUES (1, 'c', ?)", at);
        tx.Exec("INSERT INTO site (id, city_id, kind, name, created_at, updated_at) VALUES (1, 1, 'gakudo', 's', ?, ?)",
                at, at);
        tx.Exec("INSERT INTO child_group (site_id, kind, name, created_at, updated_at) VALUES (1, 'grade', 'g', ?, ?)",
                at, at);
        tx.Exec("INSERT INTO site (id, city_id, kind, name, created_at, updated_at) VALUES (2, 1, 'gakudo', 't', ?, ?)",
                at, at);
    });
    EXPECT_THROW(database().WriteCheckedAtEnd([](db::WriteTx& tx) {
        tx.Exec("DELETE FROM site WHERE id = 2");  // nothing refers to it: fine on its own
        tx.Exec("DELETE FROM site WHERE id = 1");  // its group still does
    }),
                 db::ConstraintViolation);
    EXPECT_EQ(One("SELECT COUNT(*) FROM site"), 2) << "nothing written";
    // In the right order it goes through, and foreign keys are enforced again afterwards.
    database().WriteCheckedAtEnd([](db::WriteTx& tx) {
        tx.Exec("DELETE FROM child_group WHERE site_id = 1");
        tx.Exec("DELETE FROM site WHERE id = 1");
    });
    EXPECT_EQ(One("SELECT COUNT(*) FROM site"), 1);
    EXPECT_THROW(database().Write([&](db::WriteTx& tx) {
        tx.Exec("INSERT INTO child_group (site_id, kind, name, created_at, updated_at) VALUES (9, 'grade', 'g', ?, ?)",
                at, at);
    }),
                 db::ConstraintViolation);
}

TEST_P(Database, AUniqueConstraintIsReportedAsAConstraintViolation) {
    auto insert = [&] {
        database().Write([](db::WriteTx& tx) {
            tx.Exec(
                "INSERT INTO staff_user (login_id, display_name, password_hash, created_at, updated_at) "
                "VALUES ('same', 'x', 'x', ?, ?)",
                "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z");
        });
    };
    insert();
    EXPECT_THROW(insert(), db::ConstraintViolation);
}

TEST_P(Database, TheAuditTrailIsAppendOnly) {
    database().Write([](db::WriteTx& tx) {
        tx.Exec("INSERT INTO audit_event (created_at, action, outcome) VALUES (?, 'test', 'ok')",
                "2026-01-01T00:00:00.000Z");
    });
    EXPECT_ANY_THROW(database().Write([](db::WriteTx& tx) { tx.Exec("UPDATE audit_event SET outcome = 'changed'"); }));
    EXPECT_ANY_THROW(database().Write([](db::WriteTx& tx) { tx.Exec("DELETE FROM audit_event"); }));
    auto outcome =
        database().Read([](db::ReadTx& tx) { return tx.QueryOne("SELECT outcome FROM audit_event").Text(0); });
    EXPECT_EQ(outcome, "ok");
}

TEST_P(Database, ParametersAreBoundNotSpliced) {
    const std::string hostile = "x'); DROP TABLE city; --?";
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("INSERT INTO city (name, created_at) VALUES (?, ?)", hostile, "2026-01-01T00:00:00.000Z");
    });
    auto name = database().Read(
        [](db::ReadTx& tx) { return tx.QueryOne("SELECT name FROM city WHERE name LIKE '%?%'").Text(0); });
    EXPECT_EQ(name, hostile);
}

TEST_P(Database, QueryOneInsistsOnExactlyOneRow) {
    EXPECT_THROW(database().Read([](db::ReadTx& tx) { return tx.QueryOne("SELECT id FROM city"); }), std::logic_error);
}

// Every foreign key column is the first column of some index (but for named exceptions), and every table has
// created_at.
TEST_P(Database, TheSchemaFollowsTheConventions) {
    struct Fk {
        std::string table, column;
    };
    std::vector<Fk> fks;
    std::set<std::pair<std::string, std::string>> indexed;  // (table, first column)
    std::vector<std::string> tables;
    std::set<std::pair<std::string, std::string>> columns;
    database().Read([&](db::ReadTx& tx) {
        if (tx.kind() == db::Kind::kSqlite) {
            for (const auto& t : tx.Query("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                tables.push_back(t.Text(0));
            }
            for (const auto& t : tables) {
                for (const auto& r : tx.Query("SELECT \"from\" FROM pragma_foreign_key_list(?)", t))
                    fks.push_back({t, r.Text(0)});
                for (const auto& r : tx.Query("SELECT name FROM pragma_table_info(?)", t))
                    columns.insert({t, r.Text(0)});
                // A one-column primary key is the table's own order (INTEGER PRIMARY KEY: the rowid), no index listed.
                auto pk = tx.Query("SELECT name FROM pragma_table_info(?) WHERE pk > 0", t);
                if (pk.size() == 1) indexed.insert({t, pk[0].Text(0)});
                for (const auto& i : tx.Query("SELECT name FROM pragma_index_list(?)", t)) {
                    auto first = tx.Query("SELECT name FROM pragma_index_info(?) WHERE seqno = 0", i.Text(0));
                    if (!first.empty()) indexed.insert({t, first[0].Text(0)});
                }
            }
        } else {
            for (const auto& t : tx.Query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                tables.push_back(t.Text(0));
            }
            for (const auto& r : tx.Query("SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
                                          "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                                          "WHERE c.contype = 'f'")) {
                fks.push_back({r.Text(0), r.Text(1)});
            }
            for (const auto& r : tx.Query(
                     "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")) {
                columns.insert({r.Text(0), r.Text(1)});
            }
            for (const auto& r :
                 tx.Query("SELECT i.indrelid::regclass::text, a.attname FROM pg_index i "
                          "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]")) {
                indexed.insert({r.Text(0), r.Text(1)});
            }
        }
    });
    ASSERT_GE(tables.size(), 10u);
    // Named exceptions: every scan writes an attendance_event row and each index costs it; cards and staff accounts
    // are never deleted, so nothing looks these up from the parent side (migration 0010).
    const std::set<std::pair<std::string, std::string>> unindexed_on_purpose = {{"attendance_event", "card_id"},
                                                                                {"attendance_event", "staff_user_id"}};
    for (const auto& fk : fks) {
        if (unindexed_on_purpose.count({fk.table, fk.column})) continue;
        EXPECT_TRUE(indexed.count({fk.table, fk.column})) << fk.table << "." << fk.column << " has no index";
    }
    for (const auto& t : tables) {
        EXPECT_TRUE(columns.count({t, "created_at"})) << t << " has no created_at";
    }
}

TEST_P(Database, ThePlannersStatisticsFollowATableThatGrew) {
    auto plan = [&](int n) {
        database().Write([&](db::WriteTx& tx) {
            for (int i = 0; i < n; ++i) {
                tx.Exec(
                    "INSERT INTO job (kind, payload, run_at, max_attempts, created_at) VALUES ('test', '{}', ?, 1, ?)",
                    "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z");
            }
        });
    };
    plan(2);
    database().Optimize();  // as seed-demo leaves it: statistics of a small table
    plan(3000);
    database().RefreshStatistics();
    if (GetParam() != db::Kind::kSqlite) return;  // PostgreSQL's autovacuum keeps its own; refreshing is a no-op
    // sqlite_stat1 begins with the table's estimated rows: the sampled figure, no longer the two of before.
    auto rows = database().Read([](db::ReadTx& tx) {
        return tx
            .QueryOne("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = 'job' AND idx IS NOT NULL LIMIT 1")
            .Int(0);
    });
    EXPECT_GT(rows, 500);
}

INSTANTIATE_TEST_SUITE_P(Both, Database, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
