// The audit trail: exactly the expected entries for a scripted session, a keyed hash chain that finds tampering
// by whoever can write to the database (an edited entry with the chain recomputed, a cut-off tail against a kept
// head, two entries swapped, a renumbering), the keying of an older plain chain at migration, and the municipal
// admin's browser and CSV export. On both databases.
#include "auth/audit.hpp"
#include "auth/tokens.hpp"
#include "common/random.hpp"
#include "db/migrate.hpp"
#include "harness.hpp"

namespace {

using testing_support::AppTest;

class Audit : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 12);
    }
    std::vector<std::string> Actions() {
        return database().Read([](db::ReadTx& tx) {
            std::vector<std::string> out;
            for (const auto& r : tx.Query("SELECT action || ':' || outcome FROM audit_event ORDER BY id")) {
                out.push_back(r.Text(0));
            }
            return out;
        });
    }
    auth::ChainCheck Verify() {
        return database().Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); });
    }
    // Tampering needs the append-only triggers out of the way, as an attacker with database access would do.
    void Tamper(const std::string& sql) {
        database().Write([&](db::WriteTx& tx) {
            if (tx.kind() == db::Kind::kSqlite) {
                tx.ExecScript(
                    "DROP TRIGGER IF EXISTS audit_event_no_update; DROP TRIGGER IF EXISTS audit_event_no_delete;");
            } else {
                tx.ExecScript("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change;");
            }
            tx.ExecScript(sql);
        });
    }
};

TEST_P(Audit, AScriptedSessionLeavesExactlyTheExpectedEntries) {
    auto child = database().Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1").Int(0);
    });
    auto guardians = database().Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM guardian_child WHERE child_id = ?", child).Int(0);
    });
    // The demo city's first family has registered in the app: their accounts are guardians' data too.
    auto accounts = database().Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM guardian_account_child WHERE child_id = ?", child).Int(0);
    });
    ASSERT_GT(accounts, 0);
    SignIn("manager1", "wrong password");
    SignIn("manager1", "tadaima-demo");
    Get("/children");
    Get("/children/" + std::to_string(child));
    Post("/children/" + std::to_string(child) + "/deactivate", {});
    Get("/audit");  // a manager may not read the trail: a denial
    Post("/logout", {});
    std::vector<std::string> expected{"signin:failed", "signin.password:ok", "mfa.enrol:ok",
                                      "signin:ok",     "child.list:ok",      "child.view:ok"};
    for (int i = 0; i < guardians; ++i) expected.push_back("guardian.view:ok");
    for (int i = 0; i < accounts; ++i) expected.push_back("guardian_account.view:ok");
    for (const char* a : {"child.deactivate:ok", "denied:/audit:denied", "signout:ok"}) expected.push_back(a);
    EXPECT_EQ(Actions(), expected);
    auto addresses = database().Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM audit_event WHERE address = '127.0.0.1' AND request_id = 'test'")
            .Int(0);
    });
    EXPECT_EQ(addresses, static_cast<std::int64_t>(expected.size()));
}

TEST_P(Audit, TheChainIsIntactAfterNormalUse) {
    SignIn("admin", "tadaima-demo");
    Get("/children");
    Get("/children/1");
    auto check = Verify();
    EXPECT_FALSE(check.bad_id);
    EXPECT_GE(check.checked, 3);
}

TEST_P(Audit, AnEditedEntryIsFound) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    Get("/children/2");
    auto victim = database().Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT id FROM audit_event WHERE action = 'child.view' AND target_id = 1").Int(0);
    });
    Tamper("UPDATE audit_event SET target_id = 99 WHERE id = " + std::to_string(victim));
    auto check = Verify();
    ASSERT_TRUE(check.bad_id);
    EXPECT_EQ(*check.bad_id, victim);
    EXPECT_EQ(check.problem, "altered");
}

TEST_P(Audit, ARemovedEntryIsFoundAtTheNextOne) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    Get("/children/2");
    Get("/children/3");
    auto ids = database().Read([](db::ReadTx& tx) {
        std::vector<std::int64_t> out;
        for (const auto& r : tx.Query("SELECT id FROM audit_event WHERE action = 'child.view' ORDER BY id")) {
            out.push_back(r.Int(0));
        }
        return out;
    });
    ASSERT_GE(ids.size(), 3u);
    Tamper("DELETE FROM audit_event WHERE id = " + std::to_string(ids[1]));
    auto check = Verify();
    ASSERT_TRUE(check.bad_id);
    EXPECT_GT(*check.bad_id, ids[1]);
    EXPECT_EQ(check.problem, "link");
}

// The attacker of the plain chain: edit an entry, then recompute every hash after it with SHA-256 (or an HMAC under a
// key of their own) so that each link matches again. Without the server's secret the keyed chain finds it.
TEST_P(Audit, AnEditedEntryIsFoundEvenWithTheChainRecomputedAfterIt) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    Get("/children/2");
    auto victim = One("SELECT id FROM audit_event WHERE action = 'child.view' AND target_id = 1");
    for (const std::string forged_key : {"", "a guessed key"}) {
        Tamper("UPDATE audit_event SET target_id = 99 WHERE id = " + std::to_string(victim));
        database().Write([&](db::WriteTx& tx) {
            std::string prev = tx.QueryOne("SELECT prev_hash FROM audit_event WHERE id = ?", victim).Text(0);
            for (const auto& r : tx.Query("SELECT id, created_at, actor_user_id, actor_role, site_id, action, "
                                          "target_kind, target_id, address, outcome, request_id FROM audit_event "
                                          "WHERE id >= ? ORDER BY id",
                                          victim)) {
                auth::AuditEvent e;
                if (auto u = r.OptInt(2)) e.actor = common::UserId(*u);
                e.actor_role = r.Text(3);
                if (auto site = r.OptInt(4)) e.site = common::SiteId(*site);
                e.action = r.Text(5);
                e.target_kind = r.Text(6);
                e.target_id = r.OptInt(7);
                e.address = r.Text(8);
                e.outcome = r.Text(9);
                e.request_id = r.Text(10);
                std::string text =
                    prev + "\n" + auth::CanonicalAuditText(r.Int(0), common::CanonicalInstant(r.Text(1)), e);
                std::string hash = forged_key.empty() ? common::Sha256Hex(text)
                                                      : common::BytesToHex(auth::HmacSha256(forged_key, text));
                tx.Exec("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", prev, hash, r.Int(0));
                prev = hash;
            }
        });
        auto check = Verify();
        ASSERT_TRUE(check.bad_id) << "forged with " << (forged_key.empty() ? "SHA-256" : forged_key);
        EXPECT_EQ(*check.bad_id, victim);
        EXPECT_EQ(check.problem, "altered");
    }
}

// Deleting the newest entries leaves a shorter chain that is whole; the head kept elsewhere finds it.
TEST_P(Audit, CuttingOffTheNewestEntriesIsFoundAgainstAKeptHead) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    auto kept = database().Read([](db::ReadTx& tx) { return *auth::GetAuditHead(tx); });
    Get("/children/2");
    Get("/children/3");
    auto heads = auth::ParseAuditHeads("nightly copy\n" + auth::FormatAuditHead(kept) + "\n");
    ASSERT_EQ(heads.size(), 1u);
    EXPECT_EQ(heads[0].id, kept.id);
    EXPECT_FALSE(database().Read([&](db::ReadTx& tx) { return auth::VerifyAuditChain(tx, heads); }).bad_id);
    // Cut back to before the kept head: the chain alone looks whole, the head finds it.
    Tamper("DELETE FROM audit_event WHERE id >= " + std::to_string(kept.id - 1));
    EXPECT_FALSE(Verify().bad_id) << "a shorter chain is still a chain: this is what the head is for";
    auto check = database().Read([&](db::ReadTx& tx) { return auth::VerifyAuditChain(tx, heads); });
    ASSERT_TRUE(check.bad_id);
    EXPECT_EQ(*check.bad_id, kept.id);
    EXPECT_EQ(check.problem, "cut");
    // A head from the server's log line reads the same.
    auto from_log = auth::ParseAuditHeads(R"({"level":"info","msg":"audit head","audit_head_id":)" +
                                          std::to_string(kept.id) + R"(,"audit_head_hash":")" + kept.hash + "\"}");
    ASSERT_EQ(from_log.size(), 1u);
    EXPECT_EQ(from_log[0].hash, kept.hash);
}

TEST_P(Audit, SwappingTwoEntriesIsFound) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    Get("/children/2");
    auto a = One("SELECT id FROM audit_event WHERE action = 'child.view' AND target_id = 1");
    auto b = One("SELECT id FROM audit_event WHERE action = 'child.view' AND target_id = 2");
    // Every column but the id trades places, hashes included.
    Tamper("UPDATE audit_event SET id = -1 WHERE id = " + std::to_string(a) +
           "; UPDATE audit_event SET id = " + std::to_string(a) + " WHERE id = " + std::to_string(b) +
           "; UPDATE audit_event SET id = " + std::to_string(b) + " WHERE id = -1;");
    auto check = Verify();
    ASSERT_TRUE(check.bad_id);
    EXPECT_EQ(*check.bad_id, std::min(a, b));
}

// Removing an entry and moving the later ones down one id, so that no number is missing, is found too: the hash
// covers the id.
TEST_P(Audit, RenumberingAfterARemovalIsFound) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    Get("/children/2");
    auto victim = One("SELECT id FROM audit_event WHERE action = 'child.view' AND target_id = 1");
    auto last = One("SELECT MAX(id) FROM audit_event");
    std::string sql = "DELETE FROM audit_event WHERE id = " + std::to_string(victim) + ";";
    for (auto id = victim + 1; id <= last; ++id) {
        sql += "UPDATE audit_event SET id = " + std::to_string(id - 1) + " WHERE id = " + std::to_string(id) + ";";
    }
    Tamper(sql);
    auto check = Verify();
    ASSERT_TRUE(check.bad_id);
    EXPECT_EQ(*check.bad_id, victim);
}

TEST_P(Audit, AMunicipalAdminFiltersTheTrailAndExportsIt) {
    SignIn("admin", "tadaima-demo");
    Get("/children/1");
    auto page = Get("/audit?action=child.&target_id=1");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("child.view"), std::string::npos);
    EXPECT_EQ(page.body.find("signin"), std::string::npos) << "filtered out";
    auto csv = Get("/audit.csv?action=child.view");
    EXPECT_EQ(csv.status, 200);
    EXPECT_TRUE(csv.body.starts_with("\xEF\xBB\xBFid,created_at_utc,actor_user_id"));
    EXPECT_NE(csv.body.find(",child.view,child,1,127.0.0.1,ok,test,"), std::string::npos) << csv.body;
    EXPECT_EQ(Get("/audit?from=2026-13-01").status, 400);
    EXPECT_EQ(Get("/audit?outcome=maybe").status, 400);
    EXPECT_EQ(AuditCount("audit.view"), 1);
    EXPECT_EQ(AuditCount("audit.export"), 1);
}

TEST_P(Audit, DateFiltersUseTokyoDays) {
    SignIn("admin", "tadaima-demo");  // the clock says 2026-11-22 10:00 in Tokyo
    EXPECT_NE(Get("/audit?from=2026-11-22&to=2026-11-22").body.find("signin"), std::string::npos);
    EXPECT_EQ(Get("/audit?from=2026-11-23").body.find(">signin"), std::string::npos);
    EXPECT_EQ(Get("/audit?to=2026-11-21").body.find(">signin"), std::string::npos);
}

TEST_P(Audit, OnlyMunicipalAdminsSeeTheTrail) {
    SignIn("manager1", "tadaima-demo");
    EXPECT_EQ(Get("/audit").status, 403);
    EXPECT_EQ(Get("/audit.csv").status, 403);
    SignIn("staff1", "tadaima-demo");
    EXPECT_EQ(Get("/audit").status, 403);
}

// A database whose trail was written under the plain SHA-256 chain (before migration 0016) is keyed at migration —
// after its plain chain is checked; a plain chain already broken stops the migration with nothing changed.
class AuditKeying : public testing_support::DbTest {
 protected:
    // A fresh database migrated to 0015, with three entries chained as versions before 0016 wrote them.
    std::unique_ptr<db::Database> Legacy(bool broken) {
        std::string url = GetParam() == db::Kind::kSqlite
                              ? (dir_ / "legacy.db").string()
                              : testing_support::PostgresCluster::Instance().CreateDatabase();
        auto legacy = db::Database::Open({url, 2});
        legacy->Write([&](db::WriteTx& tx) {
            for (const auto& m : db::EmbeddedMigrations(tx.kind())) {
                if (m.version > 15) break;
                tx.ExecScript(m.sql);
                tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name,
                        "2026-11-01T00:00:00.000Z");
            }
            std::string prev;
            for (int i = 1; i <= 3; ++i) {
                auth::AuditEvent e;
                e.actor_role = "operator";
                e.action = "legacy." + std::to_string(i);
                e.outcome = "ok";
                std::string at = "2026-11-0" + std::to_string(i) + "T00:00:00.000Z";
                std::string text = at + '\x1f' + '\x1f' + "operator" + '\x1f' + '\x1f' + e.action + '\x1f' + '\x1f' +
                                   '\x1f' + '\x1f' + "ok" + '\x1f' + '\x1f';
                std::string hash = common::Sha256Hex(prev + "\n" + text);
                if (broken && i == 2) e.action = "legacy.edited";
                tx.Exec(
                    "INSERT INTO audit_event (created_at, actor_role, action, outcome, prev_hash, hash) VALUES (?, "
                    "?, ?, ?, ?, ?)",
                    at, e.actor_role, e.action, e.outcome, prev, hash);
                prev = hash;
            }
        });
        return legacy;
    }
    static int MigrateWithKeying(db::Database& d) {
        return db::Migrate(d, [](db::WriteTx& tx, int version) {
            if (version == 16) auth::KeyAuditChain(tx);
        });
    }
};

TEST_P(AuditKeying, APlainChainIsCheckedAndKeyedAtMigration) {
    auto legacy = Legacy(false);
    EXPECT_GE(MigrateWithKeying(*legacy), 1);
    auto check = legacy->Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); });
    EXPECT_FALSE(check.bad_id) << check.problem;
    EXPECT_EQ(check.checked, 3);
    // New entries chain on.
    common::FixedClock clock(*common::ParseInstant("2026-12-02T00:00:00.000Z"));
    legacy->Write([&](db::WriteTx& tx) {
        auth::WriteAudit(tx, {std::nullopt, "operator", {}, "after", "", {}, "", "ok", ""}, clock);
    });
    EXPECT_FALSE(legacy->Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); }).bad_id);
}

TEST_P(AuditKeying, AnAlreadyBrokenPlainChainStopsTheMigrationWithNothingChanged) {
    auto legacy = Legacy(true);
    EXPECT_THROW(MigrateWithKeying(*legacy), std::runtime_error);
    EXPECT_EQ(db::GetSchemaStatus(*legacy).current, 15);
    EXPECT_EQ(legacy->Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT COUNT(*) FROM audit_event WHERE action = 'legacy.edited'").Int(0);
    }),
              1);
}

INSTANTIATE_TEST_SUITE_P(Both, AuditKeying, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

INSTANTIATE_TEST_SUITE_P(Both, Audit, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
