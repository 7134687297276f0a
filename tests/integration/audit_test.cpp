// The audit trail: exactly the expected entries for a scripted session, a hash chain that finds tampering, and
// the municipal admin's browser and CSV export. On both databases.
#include "auth/audit.hpp"
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
                tx.ExecScript("DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;");
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

INSTANTIATE_TEST_SUITE_P(Both, Audit, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
