// Domain queries against real SQLite and PostgreSQL.
#include "auth/passwords.hpp"
#include "auth/sessions.hpp"
#include "auth/throttle.hpp"
#include "children/children.hpp"
#include "common/kana.hpp"
#include "db/migrate.hpp"
#include "demo/seed.hpp"
#include "guardians/guardians.hpp"
#include "harness.hpp"
#include "rights/rights.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"
#include "staff/staff.hpp"

namespace {

using common::SiteId;
using testing_support::DbTest;

class Queries : public DbTest {
 protected:
    SiteId AddSite(const std::string& name, const std::string& kana) {
        return database().Write([&](db::WriteTx& tx) {
            auto city = sites::EnsureCity(tx, "test city", clock_);
            return sites::InsertSite(tx, city, {"gakudo", name, kana, "1-1", "", {{1, 780, 1140}}}, clock_);
        });
    }
    common::GroupId AddGroup(SiteId site, const std::string& name, int grade) {
        return database().Write([&](db::WriteTx& tx) {
            return sites::InsertGroup(tx, site, {"grade", name, grade}, clock_);
        });
    }
    common::ChildId AddChild(SiteId site, const std::string& family, const std::string& family_kana,
                             std::vector<common::GroupId> groups = {}) {
        children::ChildInput in{family, "太郎", family_kana,       "たろう",     "2018-05-05",
                                2,      site,   std::move(groups), "2026-04-01", std::nullopt};
        return database().Write([&](db::WriteTx& tx) { return children::InsertChild(tx, in, clock_); });
    }
    common::UserId AddStaff(const std::string& login, SiteId site, auth::Role role) {
        return database().Write([&](db::WriteTx& tx) {
            auto id = staff::InsertStaff(tx, login, login, "hash", "ja", clock_);
            staff::ReplaceRoles(tx, id, {site}, {{site, role}}, std::nullopt, clock_);
            return id;
        });
    }
    std::vector<children::Child> Search(const std::string& q, common::SiteScope scope = {}) {
        children::ChildFilter f{scope, "2026-11-22", std::nullopt, common::FoldForSearch(q), false};
        return database().Read([&](db::ReadTx& tx) { return children::ListChildren(tx, f, 50, 0); });
    }
};

TEST_P(Queries, ASiteKeepsItsKindAddressAndOpeningHours) {
    auto id = AddSite("さくら学童クラブ", "さくらがくどうくらぶ");
    auto s = database().Read([&](db::ReadTx& tx) { return sites::GetSite(tx, id); });
    ASSERT_TRUE(s);
    EXPECT_EQ(s->fields.kind, "gakudo");
    ASSERT_EQ(s->fields.hours.size(), 1u);
    EXPECT_EQ(s->fields.hours[0].weekday, 1);
    EXPECT_EQ(s->fields.hours[0].opens, 780);
    database().Write([&](db::WriteTx& tx) {
        sites::UpdateSite(tx, id, {"nursery", "さくら保育園", "さくらほいくえん", "2-2", "03-0000-0000", {}}, clock_);
    });
    s = database().Read([&](db::ReadTx& tx) { return sites::GetSite(tx, id); });
    EXPECT_EQ(s->fields.kind, "nursery");
    EXPECT_TRUE(s->fields.hours.empty());
}

TEST_P(Queries, ASiteSearchInKatakanaFindsAHiraganaReading) {
    AddSite("さくら学童クラブ", "さくらがくどうくらぶ");
    AddSite("みどり学童クラブ", "みどりがくどうくらぶ");
    sites::SiteFilter f{{}, common::FoldForSearch("サクラ"), false};
    auto found = database().Read([&](db::ReadTx& tx) { return sites::ListSites(tx, f, 50, 0, "2026-11-22"); });
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].fields.name, "さくら学童クラブ");
}

TEST_P(Queries, ASitesChildCountIsTheActiveChildrenEnrolledOnTheDate) {
    auto a = AddSite("A", "えー");
    AddChild(a, "山田", "やまだ");
    auto leaving = AddChild(a, "田中", "たなか");
    auto deactivated = AddChild(a, "佐藤", "さとう");
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE child_placement SET end_date = '2026-11-30' WHERE child_id = ?", leaving);
        children::SetChildActive(tx, deactivated, false, clock_);
    });
    auto count_on = [&](const std::string& date) {
        auto rows = database().Read([&](db::ReadTx& tx) { return sites::ListSites(tx, {}, 50, 0, date); });
        return rows.at(0).child_count;
    };
    EXPECT_EQ(count_on("2026-11-22"), 2);
    EXPECT_EQ(count_on("2026-12-01"), 1);
    EXPECT_EQ(count_on("2026-03-31"), 0) << "before the placements start";
}

TEST_P(Queries, ADeactivatedSiteLeavesTheListUnlessAskedFor) {
    auto id = AddSite("閉所予定", "へいしょよてい");
    database().Write([&](db::WriteTx& tx) { sites::SetSiteActive(tx, id, false, clock_); });
    auto count = [&](bool inactive) {
        return database().Read([&](db::ReadTx& tx) { return sites::CountSites(tx, {{}, "", inactive}); });
    };
    EXPECT_EQ(count(false), 0);
    EXPECT_EQ(count(true), 1);
}

TEST_P(Queries, AChildIsFoundByAnyFormOfKana) {
    auto site = AddSite("A", "えー");
    AddChild(site, "山田", "やまだ");
    AddChild(site, "田中", "たなか");
    EXPECT_EQ(Search("やまだ").size(), 1u);
    EXPECT_EQ(Search("ヤマダ").size(), 1u);
    EXPECT_EQ(Search("ﾔﾏﾀﾞ").size(), 1u);
    EXPECT_EQ(Search("山田 太郎").size(), 1u);
    EXPECT_EQ(Search("やまだ たろう").size(), 1u);
    EXPECT_EQ(Search("たろう").size(), 2u);
    EXPECT_EQ(Search("%").size(), 0u);  // LIKE wildcards in the query are plain characters
}

TEST_P(Queries, StaffSeeOnlyTheChildrenOfTheirSites) {
    auto a = AddSite("A", "えー"), b = AddSite("B", "びー");
    AddChild(a, "山田", "やまだ");
    AddChild(b, "田中", "たなか");
    auto carer = AddStaff("carer", a, auth::Role::kStaff);
    auto seen = Search("", common::SiteScope{carer});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].fields.family_name, "山田");
    EXPECT_EQ(Search("").size(), 2u);
}

TEST_P(Queries, MovingAChildToAnotherSiteEndsTheOldPlacementAndKeepsIt) {
    auto a = AddSite("A", "えー"), b = AddSite("B", "びー");
    auto ga = AddGroup(a, "1年生", 1), gb = AddGroup(b, "1年生", 1);
    auto child = AddChild(a, "山田", "やまだ", {ga});
    children::ChildInput moved{"山田", "太郎", "やまだ", "たろう",     "2018-05-05",
                               2,      b,      {gb},     "2026-12-01", std::nullopt};
    database().Write([&](db::WriteTx& tx) { children::UpdateChild(tx, child, moved, clock_); });
    auto placements = database().Read([&](db::ReadTx& tx) {
        return tx.Query("SELECT site_id, start_date, end_date FROM child_placement WHERE child_id = ? ORDER BY id",
                        child);
    });
    ASSERT_EQ(placements.size(), 2u);
    EXPECT_EQ(placements[0].Int(0), a.value);
    EXPECT_EQ(placements[0].Text(2), "2026-11-30");
    EXPECT_EQ(placements[1].Int(0), b.value);
    EXPECT_TRUE(placements[1].IsNull(2));
    auto c = database().Read(
        [&](db::ReadTx& tx) { return children::GetChild(tx, child, *common::ParseDate("2026-12-01")); });
    EXPECT_EQ(c->fields.site_id, b);
    // Both placements are kept; from the move on, only the new site is current.
    auto standing = database().Read([&](db::ReadTx& tx) { return rights::LoadStanding(tx, child); });
    EXPECT_EQ(standing.periods.size(), 2u);
    EXPECT_EQ(standing.CurrentSites("2026-11-30"), (std::vector<common::SiteId>{a, b}));
    EXPECT_EQ(standing.CurrentSites("2026-12-01"), std::vector<common::SiteId>{b});
}

TEST_P(Queries, ChangingGroupsEndsTheOldMembershipFromToday) {
    auto a = AddSite("A", "えー");
    auto g1 = AddGroup(a, "1年生", 1), g2 = AddGroup(a, "2年生", 2);
    auto child = AddChild(a, "山田", "やまだ", {g1});
    children::ChildInput in{"山田", "太郎", "やまだ", "たろう", "2018-05-05", 2, a, {g2}, "2026-04-01", std::nullopt};
    database().Write([&](db::WriteTx& tx) { children::UpdateChild(tx, child, in, clock_); });
    auto rows = database().Read([&](db::ReadTx& tx) {
        return tx.Query(
            "SELECT group_id, start_date, end_date FROM child_group_membership WHERE child_id = ? ORDER BY id", child);
    });
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].Int(0), g1.value);
    EXPECT_EQ(rows[0].Text(2), "2026-11-21");  // the clock says 2026-11-22 in Tokyo
    EXPECT_EQ(rows[1].Int(0), g2.value);
    EXPECT_EQ(rows[1].Text(1), "2026-11-22");
}

TEST_P(Queries, AGuardianLinksToSiblingsAndIsSeenThroughThem) {
    auto a = AddSite("A", "えー"), b = AddSite("B", "びー");
    auto c1 = AddChild(a, "山田", "やまだ"), c2 = AddChild(a, "山田", "やまだ");
    auto g = database().Write([&](db::WriteTx& tx) {
        auto g = guardians::InsertGuardian(
            tx, {"山田", "花子", "やまだ", "はなこ", "hanako@example.com", "090-0000-0000", "ja"}, clock_);
        guardians::LinkGuardian(tx, g, c1, "mother", clock_);
        guardians::LinkGuardian(tx, g, c2, "mother", clock_);
        guardians::LinkGuardian(tx, g, c2, "guardian", clock_);  // linking again changes the relationship
        return g;
    });
    auto kids = database().Read([&](db::ReadTx& tx) { return guardians::ChildrenOfGuardian(tx, g); });
    ASSERT_EQ(kids.size(), 2u);
    EXPECT_EQ(kids[1].relationship, "guardian");
    auto other_site = AddStaff("other", b, auth::Role::kStaff);
    guardians::GuardianFilter f{common::SiteScope{other_site}, "2026-11-22", "", false};
    EXPECT_EQ(database().Read([&](db::ReadTx& tx) { return guardians::CountGuardians(tx, f); }), 0);
    guardians::GuardianFilter by_email{{}, "2026-11-22", common::FoldForSearch("HANAKO@"), false};
    EXPECT_EQ(database().Read([&](db::ReadTx& tx) { return guardians::CountGuardians(tx, by_email); }), 1);
    database().Write([&](db::WriteTx& tx) { guardians::UnlinkGuardian(tx, g, c1); });
    EXPECT_EQ(database().Read([&](db::ReadTx& tx) { return guardians::GuardiansOfChild(tx, c1); }).size(), 0u);
}

TEST_P(Queries, RolesAreReplacedOnlyAtTheSitesBeingEdited) {
    auto a = AddSite("A", "えー"), b = AddSite("B", "びー");
    auto u = AddStaff("u", a, auth::Role::kStaff);
    database().Write([&](db::WriteTx& tx) {
        staff::ReplaceRoles(tx, u, {b}, {{b, auth::Role::kSiteManager}}, std::nullopt, clock_);
    });
    auto actor = database().Read([&](db::ReadTx& tx) { return auth::LoadActor(tx, u); });
    ASSERT_TRUE(actor);
    EXPECT_EQ(actor->RoleAt(a), auth::Role::kStaff);
    EXPECT_EQ(actor->RoleAt(b), auth::Role::kSiteManager);
    EXPECT_FALSE(actor->municipal);
}

TEST_P(Queries, SessionsEndWhenIdleWhenTooOldAndWhenEnded) {
    auto a = AddSite("A", "えー");
    auto u = AddStaff("u", a, auth::Role::kStaff);
    auth::SessionPolicy policy;
    auto find = [&](const std::string& token) {
        return database().Read([&](db::ReadTx& tx) { return auth::FindSession(tx, token, clock_, policy); });
    };
    auto s = database().Write([&](db::WriteTx& tx) { return auth::CreateSession(tx, u, clock_, policy); });
    EXPECT_TRUE(find(s.token).actor);
    EXPECT_FALSE(find(std::string(64, '0')).actor);
    clock_.Advance(std::chrono::minutes(31));
    EXPECT_FALSE(find(s.token).actor) << "idle for more than 30 minutes";

    auto s2 = database().Write([&](db::WriteTx& tx) { return auth::CreateSession(tx, u, clock_, policy); });
    for (int i = 0; i < 25; ++i) {  // active every 29 minutes, but for more than 12 hours in all
        clock_.Advance(std::chrono::minutes(29));
        auto found = find(s2.token);
        if (!found.actor) break;
        database().Write([&](db::WriteTx& tx) { auth::TouchSession(tx, found.actor->session_id, clock_); });
    }
    EXPECT_FALSE(find(s2.token).actor) << "older than 12 hours";

    auto s3 = database().Write([&](db::WriteTx& tx) { return auth::CreateSession(tx, u, clock_, policy); });
    database().Write([&](db::WriteTx& tx) { auth::EndAllSessions(tx, u, clock_); });
    EXPECT_FALSE(find(s3.token).actor);
}

TEST_P(Queries, AWrongPasswordAndAnUnknownLoginAreBothRefused) {
    auto hash = auth::HashPassword("correct horse battery");
    database().Write([&](db::WriteTx& tx) { staff::InsertStaff(tx, "known", "k", hash, "ja", clock_); });
    auto check = [&](const std::string& login, const std::string& pw) {
        return database().Read([&](db::ReadTx& tx) { return auth::CheckCredentials(tx, login, pw, "", clock_, {}); });
    };
    EXPECT_TRUE(check("known", "correct horse battery").user);
    EXPECT_FALSE(check("known", "wrong password").user);
    EXPECT_TRUE(check("known", "wrong password").known);
    EXPECT_FALSE(check("unknown", "correct horse battery").user);
    EXPECT_FALSE(check("unknown", "correct horse battery").known);
}

INSTANTIATE_TEST_SUITE_P(Both, Queries, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

// With plans (make demo): dismissal times and two weeks of plans at the 学童 sites, absences among them, none on
// Sundays, and none for the demo guardian's children (left for the guardian to plan).
TEST_P(Queries, TheDemoCityCanComeWithPlans) {
    demo::SeedDemo(database(), {3, 60, "tadaima-demo", true}, clock_);
    auto one = [&](const std::string& sql) {
        return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Int(0); });
    };
    EXPECT_GT(one("SELECT COUNT(*) FROM attendance_plan WHERE attending = 1"), 0);
    EXPECT_GT(one("SELECT COUNT(*) FROM attendance_plan WHERE attending = 0"), 0);
    EXPECT_EQ(one("SELECT COUNT(*) FROM attendance_plan p JOIN site s ON s.id = p.site_id WHERE s.kind <> 'gakudo'"),
              0);
    EXPECT_EQ(one("SELECT COUNT(*) FROM attendance_plan p JOIN guardian_account_child l ON l.child_id = p.child_id "
                  "JOIN guardian_account a ON a.id = l.account_id WHERE a.email = 'guardian1@example.com'"),
              0);
    EXPECT_GT(one("SELECT COUNT(*) FROM site_dismissal"), 0);
    // 2026-11-22, the clock's day, is a Sunday.
    EXPECT_EQ(one("SELECT COUNT(*) FROM attendance_plan WHERE plan_date = '2026-11-22'"), 0);
    EXPECT_GT(one("SELECT COUNT(*) FROM attendance_plan WHERE plan_date = '2026-11-23'"), 0);
}

// The demo (make demo) shows a city in use: most families registered, each account its first guardian's address
// and linked (full) to every child of its family; the same people as without it; tests keep one family (0 %).
TEST_P(Queries, TheDemoCityHasMostFamiliesRegistered) {
    demo::SeedOptions o{3, 90, "tadaima-demo"};
    o.registered_percent = 85;
    auto r = demo::SeedDemo(database(), o, clock_);
    auto one = [&](const std::string& sql) {
        return database().Read([&](db::ReadTx& tx) { return tx.QueryOne(sql).Int(0); });
    };
    const auto children = one("SELECT COUNT(*) FROM child");
    const auto reached = one("SELECT COUNT(DISTINCT child_id) FROM guardian_account_child WHERE ended_at IS NULL");
    EXPECT_GE(reached * 100, children * 70) << reached << " of " << children;
    EXPECT_LT(reached, children) << "some families have not registered: the demo shows who a message misses";
    EXPECT_EQ(r.accounts + 2, one("SELECT COUNT(*) FROM guardian_account"));  // and guardian1, family1
    // Each account is a guardian on file with that address, linked to exactly the children that guardian has.
    EXPECT_EQ(one("SELECT COUNT(*) FROM guardian_account a WHERE a.email LIKE 'hogosha%' AND NOT EXISTS (SELECT 1 "
                  "FROM guardian g WHERE g.email = a.email)"),
              0);
    EXPECT_EQ(one("SELECT COUNT(*) FROM guardian_account_child l JOIN guardian_account a ON a.id = l.account_id JOIN "
                  "guardian g ON g.email = a.email WHERE NOT EXISTS (SELECT 1 FROM guardian_child gc WHERE "
                  "gc.guardian_id = g.id AND gc.child_id = l.child_id)"),
              0);
    auto dir = testing_support::MakeTempDir("tadaima-seed-");
    auto plain = db::Database::Open({(dir / "plain.db").string(), 2});
    db::Migrate(*plain);
    demo::SeedDemo(*plain, {3, 90, "tadaima-demo"}, clock_);
    auto people = [](db::Database& d) {
        std::vector<std::string> out;
        d.Read([&](db::ReadTx& tx) {
            for (const auto& row : tx.Query("SELECT family_name || given_name FROM child ORDER BY id"))
                out.push_back(row.Text(0));
        });
        return out;
    };
    EXPECT_EQ(people(database()), people(*plain));
    EXPECT_EQ(plain->Read([&](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM guardian_account").Int(0); }),
              2);
}

// The generator feeds demos, tests and benchmarks: the same options must give the same city on either database.
TEST_P(Queries, TheDemoCityIsTheSameEveryTime) {
    demo::SeedDemo(database(), {4, 60, "tadaima-demo"}, clock_);
    auto dir = testing_support::MakeTempDir("tadaima-seed-");
    auto other = db::Database::Open({(dir / "other.db").string(), 2});
    db::Migrate(*other);
    demo::SeedDemo(*other, {4, 60, "tadaima-demo"}, clock_);
    const char* kPeople =
        "SELECT c.family_name || c.given_name || c.family_kana || c.birth_date || COALESCE(c.grade, 0) || p.site_id "
        "FROM child c JOIN child_placement p ON p.child_id = c.id ORDER BY c.id";
    const char* kFamilies = "SELECT guardian_id || '-' || child_id || relationship FROM guardian_child ORDER BY id";
    for (const char* sql : {kPeople, kFamilies}) {
        auto a = database().Read([&](db::ReadTx& tx) { return tx.Query(sql); });
        auto b = other->Read([&](db::ReadTx& tx) { return tx.Query(sql); });
        ASSERT_EQ(a.size(), b.size());
        ASSERT_FALSE(a.empty());
        for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].Text(0), b[i].Text(0)) << "row " << i;
    }
    EXPECT_THROW(demo::SeedDemo(database(), {1, 1, "x"}, clock_), std::runtime_error) << "only into an empty database";
    EXPECT_EQ(
        database().Read([&](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM attendance_plan").Int(0); }),
        0);  // plans only when asked for
    other.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
