// Erasure (J6) on both databases: after erasing one child of a seeded city, no byte of its names, kana, its
// guardian's names or email addresses (the current one and one it had before) is left in the database's files —
// SQLite's file and write-ahead log, PostgreSQL's table files — while every other child, guardian and entry is
// exactly as before and the audit chain holds; the certificate verifies, and fails after any one byte of it is
// changed. A family goes with its guardian left without a child, a guardian with another child stays; a site's
// end removes who was only there and keeps the others' records elsewhere. An unknown id, a missing request or an
// existing certificate file changes nothing.
#include <sys/wait.h>

#include <boost/json.hpp>
#include <fstream>

#include "attendance/attendance.hpp"
#include "auth/audit.hpp"
#include "children/children.hpp"
#include "demo/seed.hpp"
#include "families/families.hpp"
#include "guardians/guardians.hpp"
#include "harness.hpp"
#include "messages/messages.hpp"
#include "ops/erasure.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::DbTest;

class Erasure : public DbTest {
 protected:
    // The distinctive strings of the family to erase: none of them occurs in the generated city.
    static constexpr const char* kFamily = "雲母坂";
    static constexpr const char* kChildGiven = "澪音";
    static constexpr const char* kFamilyKana = "きららざか";
    static constexpr const char* kChildKana = "みおね";
    static constexpr const char* kOldEmail = "kirarazaka.kanna@example.com";
    static constexpr const char* kEmail = "kanna.kirarazaka@example.net";

    struct Family {
        common::ChildId child;
        common::GuardianId guardian;
        common::AccountId account;
    };

    common::UserId Staff() { return common::UserId(One("SELECT MIN(user_id) FROM staff_role WHERE site_id = 1")); }

    // A child at site 1 with a guardian (whose address changed once), the guardian's account, a pick-up person,
    // entries and exits that notified the family, and a conversation that names the child.
    Family AddFamily() {
        Family f;
        const auto staff = Staff();
        database().Write([&](db::WriteTx& tx) {
            const auto group = common::GroupId(tx.QueryOne("SELECT MIN(id) FROM child_group WHERE site_id = 1").Int(0));
            f.child = children::InsertChild(tx,
                                            {kFamily,
                                             kChildGiven,
                                             kFamilyKana,
                                             kChildKana,
                                             "2018-05-06",
                                             2,
                                             common::SiteId(1),
                                             {group},
                                             "2026-04-01",
                                             std::nullopt},
                                            clock_);
            guardians::GuardianInput g{kFamily, "栞奈", kFamilyKana, "かんな", kOldEmail, "090-0000-0001"};
            f.guardian = guardians::InsertGuardian(tx, g, clock_);
            guardians::LinkGuardian(tx, f.guardian, f.child, "mother", clock_);
            f.account = families::CreateConfirmedAccount(tx, kEmail, std::string(kFamily) + " 栞奈", "x", "ja", clock_);
            tx.Exec(
                "INSERT INTO guardian_account_child (account_id, child_id, role, may_report, created_at) VALUES "
                "(?, ?, 'full', 1, ?)",
                f.account, f.child, common::FormatInstant(clock_.Now()));
            tx.Exec(
                "INSERT INTO pickup_person (child_id, name, relation, phone, created_by, created_at) VALUES (?, ?, "
                "'grandparent', '090-0000-0002', ?, ?)",
                f.child, std::string(kFamily) + " 千代", f.account, common::FormatInstant(clock_.Now()));
        });
        database().Write([&](db::WriteTx& tx) {  // committed apart, so the old address is on disk as well
            guardians::UpdateGuardian(tx, f.guardian, {kFamily, "栞奈", kFamilyKana, "かんな", kEmail, "090-0000-0001"},
                                      clock_);
        });
        for (int i = 0; i < 4; ++i) {
            database().Write([&](db::WriteTx& tx) {
                attendance::RecordByStaff(
                    tx,
                    {f.child, common::SiteId(1), i % 2 == 0 ? attendance::Direction::kIn : attendance::Direction::kOut,
                     clock_.Now() + std::chrono::minutes(10 * i), staff, "", true},
                    clock_);
            });
        }
        database().Write([&](db::WriteTx& tx) {
            auto thread = messages::PostFromFamily(tx, common::SiteId(1), f.child, f.account,
                                                   std::string(kChildGiven) + "は今日早く帰ります", clock_);
            messages::PostFromStaff(tx, thread, staff, std::string(kFamily) + "さん、承知しました", clock_);
        });
        // PostgreSQL's statistics keep sample values of every column (pg_statistic): autovacuum takes them when it
        // likes, so take them now, as it may have done before any erasure.
        if (GetParam() == db::Kind::kPostgresql) database().Write([](db::WriteTx& tx) { tx.Exec("ANALYZE"); });
        return f;
    }

    std::vector<std::string> Secrets() { return {kFamily, kChildGiven, kFamilyKana, kChildKana, kOldEmail, kEmail}; }

    // The database's files as they are on disk now: SQLite's file, log and index; PostgreSQL's files of this
    // database (base/<oid>; its write-ahead log is the server's, kept until recycled, see docs/operations.md).
    std::vector<fs::path> Files() {
        std::vector<fs::path> out;
        if (GetParam() == db::Kind::kSqlite) {
            for (const auto* suffix : {"", "-wal", "-shm"})
                if (fs::exists(url_ + suffix)) out.emplace_back(url_ + suffix);
            return out;
        }
        database().Write([](db::WriteTx& tx) { tx.Exec("CHECKPOINT"); });  // shared buffers onto disk
        const auto oid = Text("SELECT oid::text FROM pg_database WHERE datname = current_database()");
        for (const auto& e :
             fs::recursive_directory_iterator(testing_support::PostgresCluster::Instance().DataDir() / "base" / oid))
            if (e.is_regular_file()) out.push_back(e.path());
        return out;
    }

    // Which of the strings occur anywhere in the files.
    std::vector<std::string> Found() {
        std::vector<std::string> found;
        std::vector<std::string> contents;
        for (const auto& f : Files()) {
            std::ifstream in(f, std::ios::binary);
            contents.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        }
        for (const auto& s : Secrets()) {
            for (const auto& c : contents) {
                if (c.find(s) != std::string::npos) {
                    found.push_back(s);
                    break;
                }
            }
        }
        return found;
    }

    std::string Others(const Family& f) {
        const auto c = f.child.ToString(), g = f.guardian.ToString(), a = f.account.ToString();
        return Dump({"SELECT id, family_name, given_name, family_kana, given_kana, birth_date, grade FROM "
                     "child WHERE id <> " +
                     c + " ORDER BY id"}) +
               Dump({"SELECT id, family_name, given_name, email, phone FROM guardian WHERE id <> " + g +
                     " ORDER BY id"}) +
               Dump({"SELECT id, email, display_name FROM guardian_account WHERE id <> " + a + " ORDER BY id"}) +
               Dump({"SELECT id, child_id, site_id, kind, occurred_at FROM attendance_event WHERE child_id "
                     "<> " +
                     c + " ORDER BY id"}) +
               Dump({"SELECT guardian_id, child_id FROM guardian_child WHERE child_id <> " + c + " ORDER BY id"}) +
               Dump({"SELECT child_id, site_id, start_date FROM child_placement WHERE child_id <> " + c +
                     " ORDER BY id"});
    }

    ops::ErasureRequest Request(ops::ErasureScope scope, std::int64_t target) {
        return {scope, target, "受付 2026-0042", std::nullopt, "operator"};
    }

    void ExpectChainHolds() {
        auto chain = database().Read([](db::ReadTx& tx) { return auth::VerifyAuditChain(tx); });
        EXPECT_FALSE(chain.bad_id) << chain.problem;
        EXPECT_GT(chain.checked, 0);
    }
};

TEST_P(Erasure, NoByteOfAnErasedChildOrItsGuardianStaysInTheFilesAndNothingElseChanges) {
    demo::SeedDemo(*db_, {2, 40, "tadaima-demo"}, clock_);
    const auto family = AddFamily();
    ASSERT_EQ(Found(), Secrets()) << "the files hold the family before the erasure (else this test proves nothing)";
    const auto others = Others(family);
    const auto entries = One("SELECT COUNT(*) FROM attendance_event WHERE child_id = " + family.child.ToString());
    ASSERT_EQ(entries, 4);

    auto preview = ops::PreviewErasure(database(), Request(ops::ErasureScope::kChild, family.child.value));
    EXPECT_EQ(preview.rows["attendance_event"], 4);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE id = " + family.child.ToString()), 1)
        << "a preview changes nothing";

    auto result = ops::Erase(database(), Request(ops::ErasureScope::kChild, family.child.value),
                             testing_support::kTestSecret, clock_);
    EXPECT_EQ(result.erased.children, std::vector<std::int64_t>{family.child.value});
    EXPECT_EQ(result.erased.guardians, std::vector<std::int64_t>{family.guardian.value});
    EXPECT_EQ(result.erased.accounts, std::vector<std::int64_t>{family.account.value});
    EXPECT_EQ(result.erased.rows["attendance_event"], 4);
    EXPECT_EQ(result.erased.rows["thread_post"], 2);
    EXPECT_EQ(result.erased.rows["pickup_person"], 1);
    EXPECT_GE(result.erased.rows["notification_recipient"], 1);

    EXPECT_EQ(result.scrub_problem, "");
    EXPECT_EQ(Found(), std::vector<std::string>{}) << "bytes of the erased family are still in the database's files";
    EXPECT_EQ(Others(family), others);
    // The family's mails and pushes waiting to be sent went with their recipients.
    database().Read([&](db::ReadTx& tx) {
        for (const auto& r : tx.Query("SELECT payload FROM job WHERE state <> 'done'")) {
            auto v = boost::json::parse(r.Text(0)).as_object();
            if (const auto* id = v.if_contains("recipient"))
                EXPECT_FALSE(tx.Query("SELECT 1 FROM notification_recipient WHERE id = ?", id->as_int64()).empty())
                    << r.Text(0);
        }
    });
    ExpectChainHolds();
    EXPECT_EQ(One("SELECT COUNT(*) FROM audit_event WHERE action = 'erasure.done' AND target_id = " +
                  std::to_string(result.id)),
              1);

    // The certificate: ids and counts, no name; whole it verifies, with any one byte changed it does not.
    const auto& cert = result.certificate;
    for (const auto& s : Secrets()) EXPECT_EQ(cert.find(s), std::string::npos) << s;
    EXPECT_NE(cert.find("受付 2026-0042"), std::string::npos);
    auto ok = ops::VerifyCertificate(cert, testing_support::kTestSecret, db_.get());
    EXPECT_EQ(ok.problem, "");
    EXPECT_EQ(ok.erasure_id, result.id);
    for (std::size_t at : {std::size_t{0}, std::size_t{25}, cert.find("\"rows\"") + 9, cert.find("signature") + 14,
                           cert.size() - 3, cert.size() - 1}) {
        auto changed = cert;
        changed[at] = static_cast<char>(changed[at] ^ 0x02);
        EXPECT_NE(ops::VerifyCertificate(changed, testing_support::kTestSecret, db_.get()).problem, "") << at;
    }
    // A second spelling of the same signature (one more padding character) is a changed file too.
    auto padded = cert;
    padded.insert(padded.find("==\"}") + 2, "=");
    EXPECT_NE(ops::VerifyCertificate(padded, testing_support::kTestSecret, db_.get()).problem, "");
    EXPECT_NE(ops::VerifyCertificate(cert, "another installation's secret", nullptr).problem, "");
    const auto pdf = testing_support::PdfText(ops::CertificatePdf(cert));
    EXPECT_NE(pdf.find("個人情報消去証明書"), std::string::npos);
    EXPECT_NE(pdf.find("受付 2026-0042"), std::string::npos);
}

TEST_P(Erasure, AFamilyGoesWithItsGuardiansButAGuardianWithAnotherChildStays) {
    demo::SeedDemo(*db_, {1, 10, "tadaima-demo"}, clock_);
    const auto family = AddFamily();
    common::ChildId sibling, half_sibling;
    common::GuardianId other;
    database().Write([&](db::WriteTx& tx) {
        const children::ChildInput in{"山田", "二郎",       "やまだ",    "じろう", "2019-01-02", 1, common::SiteId(1),
                                      {},     "2026-04-01", std::nullopt};
        sibling = children::InsertChild(tx, in, clock_);
        half_sibling = children::InsertChild(tx, in, clock_);
        guardians::LinkGuardian(tx, family.guardian, sibling, "mother", clock_);
        // The sibling's other guardian also has a child outside this family: they stay, with that child.
        other = guardians::InsertGuardian(tx, {"山田", "一郎", "やまだ", "いちろう", "", ""}, clock_);
        guardians::LinkGuardian(tx, other, sibling, "father", clock_);
        guardians::LinkGuardian(tx, other, half_sibling, "father", clock_);
    });
    auto result = ops::Erase(database(), Request(ops::ErasureScope::kFamily, family.guardian.value),
                             testing_support::kTestSecret, clock_);
    EXPECT_EQ(result.erased.children, (std::vector<std::int64_t>{family.child.value, sibling.value}));
    EXPECT_EQ(result.erased.guardians, std::vector<std::int64_t>{family.guardian.value});
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian WHERE id = " + other.ToString()), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM guardian_child WHERE guardian_id = " + other.ToString()), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE id = " + half_sibling.ToString()), 1);
    EXPECT_EQ(Found(), std::vector<std::string>{});
    ExpectChainHolds();
}

TEST_P(Erasure, ASitesEndRemovesWhoWasOnlyThereAndKeepsTheOthersRecordsElsewhere) {
    demo::SeedDemo(*db_, {2, 40, "tadaima-demo"}, clock_);
    const auto family = AddFamily();  // at site 1 only
    const auto staff = Staff();
    // A child of site 1 who also goes to site 2, with an entry at each.
    const auto both = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1"));
    database().Write([&](db::WriteTx& tx) {
        children::EnsurePlacement(tx, both, common::SiteId(2), "2026-04-01", clock_);
        tx.Exec(
            "INSERT INTO staff_role (user_id, site_id, role, created_at) SELECT id, 2, 'staff', created_at FROM "
            "staff_user WHERE id = ?",
            One("SELECT MAX(user_id) FROM staff_role WHERE site_id = 1 AND user_id <> " + staff.ToString()));
        for (auto site : {common::SiteId(1), common::SiteId(2)})
            attendance::RecordByStaff(tx, {both, site, attendance::Direction::kIn, clock_.Now(), staff, "", false},
                                      clock_);
    });
    const auto two_sites_staff =
        One("SELECT MAX(user_id) FROM staff_role WHERE site_id = 1 AND user_id <> " + staff.ToString());
    const auto site2 =
        Dump({"SELECT id, child_id, kind, occurred_at FROM attendance_event WHERE site_id = 2 ORDER BY id"}) +
        Dump({"SELECT c.id, c.family_name, c.given_name FROM child c WHERE c.id IN (SELECT child_id FROM "
              "child_placement WHERE site_id = 2) ORDER BY c.id"});
    const auto admins =
        Dump({"SELECT u.id, u.login_id, u.display_name FROM staff_user u JOIN staff_role r "
              "ON r.user_id = u.id WHERE r.role = 'municipal_admin' ORDER BY u.id"});

    auto result = ops::Erase(database(), Request(ops::ErasureScope::kSite, 1), testing_support::kTestSecret, clock_);
    EXPECT_EQ(Found(), std::vector<std::string>{});
    EXPECT_EQ(One("SELECT COUNT(*) FROM child_placement WHERE site_id = 1"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event WHERE site_id = 1"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE id = " + both.ToString()), 1) << "placed at site 2 too";
    EXPECT_EQ(Dump({"SELECT id, child_id, kind, occurred_at FROM attendance_event WHERE site_id = 2 ORDER BY id"}) +
                  Dump({"SELECT c.id, c.family_name, c.given_name FROM child c WHERE c.id IN (SELECT "
                        "child_id FROM child_placement WHERE site_id = 2) ORDER BY c.id"}),
              site2);
    EXPECT_EQ(Dump({"SELECT u.id, u.login_id, u.display_name FROM staff_user u JOIN staff_role r ON "
                    "r.user_id = u.id WHERE r.role = 'municipal_admin' ORDER BY u.id"}),
              admins);
    // Staff who worked only here: anonymous rows the audit trail can still point at; one with a role elsewhere stays.
    EXPECT_EQ(Text("SELECT login_id FROM staff_user WHERE id = " + staff.ToString()), "erased-" + staff.ToString());
    EXPECT_NE(Text("SELECT login_id FROM staff_user WHERE id = " + std::to_string(two_sites_staff)),
              "erased-" + std::to_string(two_sites_staff));
    EXPECT_EQ(One("SELECT COUNT(*) FROM staff_role WHERE site_id = 1"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM site WHERE id = 1 AND deactivated_at IS NOT NULL"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM kiosk WHERE site_id = 1 AND revoked_at IS NULL"), 0);
    EXPECT_GT(result.erased.children.size(), 10u);
    ExpectChainHolds();
}

TEST_P(Erasure, TheCommandRefusesWhatItCannotDoAndChangesNothing) {
    if (!fs::exists(testing_support::ServerProcess::Binary()))
        GTEST_SKIP() << "no tadaima binary beside this test binary";
    demo::SeedDemo(*db_, {1, 10, "tadaima-demo"}, clock_);
    const auto family = AddFamily();
    const auto c = family.child.ToString();

    auto unknown = Tadaima("erase --child 999999 --request R-1");
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.output.find("no child with id 999999"), std::string::npos) << unknown.output;
    auto no_request = Tadaima("erase --child " + c);
    EXPECT_EQ(no_request.status, 1);
    EXPECT_NE(no_request.output.find("--request"), std::string::npos) << no_request.output;
    std::ofstream(dir_ / "taken.json") << "x";
    auto taken = Tadaima("erase --child " + c + " --request R-1 --out taken");
    EXPECT_EQ(taken.status, 1);
    EXPECT_NE(taken.output.find("exists already"), std::string::npos) << taken.output;
    EXPECT_EQ(Tadaima("erase --child " + c + " --site 1 --request R-1").status, 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM erasure"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE id = " + c), 1);

    auto dry = Tadaima("erase --child " + c + " --dry-run");
    EXPECT_EQ(dry.status, 0) << dry.output;
    EXPECT_NE(dry.output.find("attendance_event 4"), std::string::npos) << dry.output;
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE id = " + c), 1);

    auto done = Tadaima("erase --child " + c + " --request R-1 --out cert");
    ASSERT_EQ(done.status, 0) << done.output;
    EXPECT_EQ(One("SELECT COUNT(*) FROM child WHERE id = " + c), 0);
    EXPECT_TRUE(fs::exists(dir_ / "cert.pdf"));
    auto verified = Tadaima("erase verify cert.json");
    EXPECT_EQ(verified.status, 0) << verified.output;
    std::string text;
    {
        std::ifstream in(dir_ / "cert.json", std::ios::binary);
        text.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    text[text.find("\"rows\"") + 3] ^= 0x01;
    std::ofstream(dir_ / "changed.json", std::ios::binary) << text;
    auto changed = Tadaima("erase verify changed.json");
    EXPECT_EQ(changed.status, 1);
    EXPECT_NE(changed.output.find("changed.json"), std::string::npos) << changed.output;
    EXPECT_EQ(
        Tadaima("erase certificate " + std::to_string(One("SELECT MAX(id) FROM erasure")) + " --out again").status, 0);
    EXPECT_EQ(Tadaima("erase verify again.json").status, 0);
}

INSTANTIATE_TEST_SUITE_P(Both, Erasure, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
