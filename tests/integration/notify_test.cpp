// Notifications end to end through the application: an event (a scan, a staff mark, a correction, a confirmed
// absence, an alert) plans one inbox entry and one mail job per family member in its own transaction; the mail is
// written in each member's language; choices, quiet hours and a member removed from the child are honoured; staff
// see each recipient's state and send again to those it did not reach.
#include <algorithm>
#include <regex>
#include <set>

#include "app/job_handlers.hpp"
#include "attendance/attendance.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "notify/deliver.hpp"
#include "notify/notify.hpp"
#include "plans/plans.hpp"

namespace {

using testing_support::AppTest;
using testing_support::Mail;

constexpr const char* kPassword = "a notified family passphrase";

class Notifications : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 12);
        // A child nobody's account is linked to yet, and one at the other site.
        child_ =
            common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1 AND child_id NOT IN "
                                "(SELECT child_id FROM guardian_account_child)"));
        other_child_ = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 2"));
        database().Write([&](db::WriteTx& tx) {
            mother_ = Account(tx, "mother@example.test", "通知 母", "ja", child_, auth::FamilyRole::kFull);
            father_ = Account(tx, "father@example.test", "Tsuchi Father", "en", child_, auth::FamilyRole::kFamily);
            stranger_ =
                Account(tx, "stranger@example.test", "別家 保護者", "ja", other_child_, auth::FamilyRole::kFull);
            kiosk_ = attendance::CreateKiosk(tx, common::SiteId(1), "玄関", clock_);
            card_ = attendance::CardPayload(config_.secret, attendance::EnsureCard(tx, child_, clock_));
            staff_ = common::UserId(tx.QueryOne("SELECT id FROM staff_user WHERE login_id = 'staff1'").Int(0));
        });
    }
    common::AccountId Account(db::WriteTx& tx, const std::string& email, const std::string& name,
                              const std::string& lang, common::ChildId child, auth::FamilyRole role) {
        auto a = families::CreateConfirmedAccount(tx, email, name, auth::HashPassword(kPassword), lang, clock_);
        families::LinkChild(tx, a, child, role, clock_);
        return a;
    }
    Result Scan(const std::string& scan_id, common::Instant at) {
        std::string body = R"({"card":")" + card_ + R"(","scan_id":")" + scan_id + R"(","scanned_at":")" +
                           common::FormatInstant(at) + R"("})";
        return PostJson("/api/v1/kiosk/scans", body, {{"authorization", "Bearer " + kiosk_.credential}});
    }
    std::string Recipient(common::AccountId a, const std::string& kind) {
        return std::to_string(
            One("SELECT MAX(r.id) FROM notification_recipient r JOIN notification n ON n.id = "
                "r.notification_id WHERE n.kind = '" +
                kind + "' AND r.account_id = " + a.ToString()));
    }
    common::ChildId child_, other_child_;
    common::AccountId mother_, father_, stranger_;
    common::UserId staff_;
    attendance::NewKiosk kiosk_;
    std::string card_;
};

TEST_P(Notifications, AScanTellsEachFamilyMemberInTheirOwnLanguageAndNobodyElse) {
    ASSERT_EQ(Scan("n-1", clock_.Now()).status, 201);
    // Planned with the scan: one notification, a copy per member, a mail job per copy.
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'entry'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient"), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'notify.email' AND state = 'queued'"), 2);
    EXPECT_EQ(RunJobs(), 2);
    auto ja = MailsTo("mother@example.test");
    auto en = MailsTo("father@example.test");
    ASSERT_EQ(ja.size(), 1u);
    ASSERT_EQ(en.size(), 1u);
    EXPECT_TRUE(MailsTo("stranger@example.test").empty());
    EXPECT_NE(ja[0].subject.find("入室しました（10:00）"), std::string::npos) << ja[0].subject;
    // The subject names the site the family knows, not the software.
    auto site_name = database().Read([](db::ReadTx& tx) {
        return tx.QueryOne("SELECT s.name FROM site s JOIN notification n ON n.site_id = s.id ORDER BY n.id LIMIT 1")
            .Text(0);
    });
    EXPECT_TRUE(ja[0].subject.starts_with("【" + site_name + "】")) << ja[0].subject;
    EXPECT_TRUE(en[0].subject.starts_with("[" + site_name + "] ")) << en[0].subject;
    EXPECT_NE(ja[0].body.find("通知 母 様"), std::string::npos) << ja[0].body;
    EXPECT_NE(ja[0].body.find("11月22日（日） 10:00"), std::string::npos) << ja[0].body;
    EXPECT_NE(ja[0].body.find("/family/inbox/"), std::string::npos);
    EXPECT_NE(en[0].subject.find("arrived (10:00)"), std::string::npos) << en[0].subject;
    EXPECT_NE(en[0].body.find("Dear Tsuchi Father,"), std::string::npos) << en[0].body;
    EXPECT_NE(ja[0].message_id, en[0].message_id);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient WHERE email_state = 'sent' AND email_at IS NOT NULL"),
              2);
    // Done once: nothing runs again.
    EXPECT_EQ(RunJobs(), 0);

    // A repeat within the interval and a retry of the same scan tell nobody again; the exit does.
    ASSERT_EQ(Scan("n-1", clock_.Now()).status, 200);
    ASSERT_EQ(Scan("n-2", clock_.Now() + std::chrono::seconds(20)).status, 200);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification"), 1);
    clock_.Advance(std::chrono::hours(2));
    ASSERT_EQ(Scan("n-3", clock_.Now()).status, 201);
    EXPECT_EQ(RunJobs(), 2);
    ASSERT_EQ(MailsTo("mother@example.test").size(), 2u);
    EXPECT_NE(MailsTo("father@example.test")[1].subject.find("left (12:00)"), std::string::npos);
}

TEST_P(Notifications, AScanSentLateByAnOfflineKioskSaysSoWithTheTimeOfTheScan) {
    ASSERT_EQ(Scan("late-1", clock_.Now() - std::chrono::minutes(15)).status, 201);
    RunJobs();
    auto m = MailsTo("mother@example.test");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_NE(m[0].subject.find("（09:45）"), std::string::npos) << m[0].subject;
    EXPECT_NE(m[0].body.find("お知らせが遅れました"), std::string::npos) << m[0].body;
}

TEST_P(Notifications, StaffMarksCorrectionsAndConfirmedAbsencesAreToldToo) {
    auto event = database().Write([&](db::WriteTx& tx) {
        return attendance::RecordByStaff(
            tx, {child_, common::SiteId(1), attendance::Direction::kIn, clock_.Now(), staff_, "カード忘れ"}, clock_);
    });
    database().Write([&](db::WriteTx& tx) {
        auto e = attendance::GetEvent(tx, event);
        auto r =
            attendance::Correct(tx, *e, {event, clock_.Now() + std::chrono::minutes(10), staff_, "時刻の誤り"}, clock_);
        ASSERT_TRUE(std::holds_alternative<common::EventId>(r));
    });
    auto tomorrow = common::Date{std::chrono::sys_days(common::TokyoDate(clock_.Now())) + std::chrono::days(2)};
    database().Write([&](db::WriteTx& tx) {
        auto r = plans::SetPlans(tx, mother_, child_, {tomorrow}, plans::PlanInput{false}, plans::ContactKind::kAbsence,
                                 false, clock_);
        ASSERT_TRUE(r.problems.empty());
        auto contact = common::ContactId(tx.QueryOne("SELECT MAX(id) FROM plan_contact").Int(0));
        EXPECT_TRUE(plans::ConfirmContact(tx, contact, staff_, clock_));
        EXPECT_FALSE(plans::ConfirmContact(tx, contact, staff_, clock_));  // told once
    });
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification"), 3);
    // A child nobody's account is linked to: nothing to tell, nothing recorded.
    database().Write([&](db::WriteTx& tx) {
        auto alone = common::ChildId(tx.QueryOne("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1 AND "
                                                 "child_id NOT IN (SELECT child_id FROM guardian_account_child)")
                                         .Int(0));
        attendance::RecordByStaff(tx, {alone, common::SiteId(1), attendance::Direction::kIn, clock_.Now(), staff_, ""},
                                  clock_);
    });
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification"), 3);
    EXPECT_EQ(RunJobs(), 6);
    auto m = MailsTo("mother@example.test");
    ASSERT_EQ(m.size(), 3u);
    std::string all;
    for (const auto& x : m) all += x.subject + "\n" + x.body + "\n";
    EXPECT_NE(all.find("入室の時刻が、10:00 から 10:10 に訂正されました"), std::string::npos) << all;
    EXPECT_NE(all.find("11月24日（火）の欠席の連絡を確認しました"), std::string::npos) << all;
    // The staff member's reason stays with staff.
    EXPECT_EQ(all.find("時刻の誤り"), std::string::npos);
}

TEST_P(Notifications, ChoicesQuietHoursAndUrgencyDecideTheChannelsAndTheHour) {
    database().Write([&](db::WriteTx& tx) {
        notify::Preferences mother;
        for (auto t : notify::kTopics) mother.choices.push_back({t, t != notify::Topic::kAttendance, false});
        notify::SavePreferences(tx, mother_, mother, clock_);
        // The father wants push only (none set up: mail instead), and quiet from 21:00 to 07:00.
        notify::Preferences father;
        for (auto t : notify::kTopics) father.choices.push_back({t, false, true});
        father.quiet_start = 21 * 60;
        father.quiet_end = 7 * 60;
        notify::SavePreferences(tx, father_, father, clock_);
    });
    clock_.Set(common::TokyoInstant(common::TokyoDate(clock_.Now()), 22 * 60));
    ASSERT_EQ(Scan("q-1", clock_.Now()).status, 201);
    EXPECT_EQ(Text("SELECT email_state FROM notification_recipient WHERE account_id = " + mother_.ToString()), "off");
    EXPECT_EQ(Text("SELECT email_state FROM notification_recipient WHERE account_id = " + father_.ToString()),
              "queued");
    EXPECT_EQ(RunJobs(), 0) << "the father's mail waits for the end of his quiet hours";
    clock_.Set(common::TokyoInstant(common::TokyoDate(clock_.Now()), (24 + 7) * 60) - std::chrono::seconds(1));
    EXPECT_EQ(RunJobs(), 0);
    clock_.Advance(std::chrono::seconds(1));
    EXPECT_EQ(RunJobs(), 1);
    EXPECT_EQ(MailsTo("father@example.test").size(), 1u);
    EXPECT_TRUE(MailsTo("mother@example.test").empty());

    // An urgent notice comes through quiet hours at once, and to a member who chose no channel for it.
    database().Write([&](db::WriteTx& tx) {
        notify::Preferences none;
        for (auto t : notify::kTopics) none.choices.push_back({t, false, false});
        notify::SavePreferences(tx, mother_, none, clock_);
    });
    clock_.Set(common::TokyoInstant(common::TokyoDate(clock_.Now()), 23 * 60));
    database().Write([&](db::WriteTx& tx) {
        notify::Notify(tx,
                       {notify::Kind::kAlert,
                        common::SiteId(1),
                        child_,
                        {{"alert", 1}, {"alert_kind", "after_closing"}, {"date", "2026-11-23"}},
                        true},
                       clock_);
    });
    EXPECT_EQ(RunJobs(), 2);
    EXPECT_EQ(MailsTo("mother@example.test").size(), 1u);
    EXPECT_EQ(MailsTo("father@example.test").size(), 2u);
    // The inbox has everything, whatever the channels.
    SignInGuardian("mother@example.test", kPassword);
    auto inbox = Get("/family/inbox");
    EXPECT_EQ(inbox.status, 200);
    EXPECT_NE(inbox.body.find("閉所時刻を過ぎても施設にいます"), std::string::npos);
    EXPECT_NE(inbox.body.find("入室しました"), std::string::npos);
}

TEST_P(Notifications, AFamilyMemberRemovedFromTheChildGetsNothingMoreAndSeesNoneOfIt) {
    ASSERT_EQ(Scan("r-1", clock_.Now()).status, 201);
    auto father_copy = Recipient(father_, "entry");
    // Removed after the scan, before the mail went: withdrawn, not sent.
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE guardian_account_child SET ended_at = ? WHERE account_id = ?",
                common::FormatInstant(clock_.Now()), father_);
    });
    EXPECT_EQ(RunJobs(), 2);
    EXPECT_TRUE(MailsTo("father@example.test").empty());
    EXPECT_EQ(MailsTo("mother@example.test").size(), 1u);
    EXPECT_EQ(Text("SELECT email_state FROM notification_recipient WHERE id = " + father_copy), "withdrawn");
    SignInGuardian("father@example.test", kPassword);
    EXPECT_EQ(Get("/family/inbox/" + father_copy).status, 404);
    auto inbox = Get("/family/inbox");
    EXPECT_EQ(inbox.body.find("arrived"), std::string::npos);
    EXPECT_NE(inbox.body.find("No notices yet."), std::string::npos) << "in his own language";
    // Later events do not reach him at all.
    clock_.Advance(std::chrono::hours(1));
    ASSERT_EQ(Scan("r-2", clock_.Now()).status, 201);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient WHERE account_id = " + father_.ToString()), 1);
    // Another family's copy is not there for anyone else either.
    SignInGuardian("stranger@example.test", kPassword);
    EXPECT_EQ(Get("/family/inbox/" + Recipient(mother_, "entry")).status, 404);
}

TEST_P(Notifications, TheInboxShowsUnreadUntilOpenedAndTheHeaderCountsThem) {
    ASSERT_EQ(Scan("i-1", clock_.Now()).status, 201);
    SignInGuardian("mother@example.test", kPassword);
    auto home = Get("/family");
    EXPECT_NE(home.body.find(R"(data-qa="unread-count">1)"), std::string::npos);
    auto inbox = Get("/family/inbox");
    EXPECT_NE(inbox.body.find(R"(data-qa="unread")"), std::string::npos);
    auto copy = Recipient(mother_, "entry");
    auto item = Get("/family/inbox/" + copy);
    EXPECT_EQ(item.status, 200);
    EXPECT_NE(item.body.find("入室しました"), std::string::npos);
    EXPECT_EQ(Text("SELECT CASE WHEN read_at IS NULL THEN 'no' ELSE 'yes' END FROM notification_recipient WHERE id = " +
                   copy),
              "yes");
    EXPECT_EQ(Get("/family/inbox").body.find(R"(data-qa="unread")"), std::string::npos);
    EXPECT_EQ(Get("/family").body.find(R"(data-qa="unread-count")"), std::string::npos);
    // The father's copy of the same notice is his own, still unread.
    EXPECT_EQ(
        One("SELECT COUNT(*) FROM notification_recipient WHERE read_at IS NULL AND account_id = " + father_.ToString()),
        1);
}

TEST_P(Notifications, SettingsAreSavedCheckedAndTheLanguageIsUsedForMail) {
    SignInGuardian("mother@example.test", kPassword);
    auto page = Get("/family/settings");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("入室・退室"), std::string::npos);
    auto bad = Post("/family/settings", {{"quiet_start", "25:00"}, {"language", "ja"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_NE(bad.body.find("時刻は「15:30」の形で入力してください。"), std::string::npos);
    EXPECT_NE(bad.body.find("開始と終了の両方を入力してください"), std::string::npos);
    EXPECT_NE(bad.body.find(R"(value="25:00")"), std::string::npos) << "the input is kept";
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_choice"), 0) << "nothing half-written";
    EXPECT_EQ(Post("/family/settings", {{"language", "klingon"}}).status, 422);
    auto ok = Post("/family/settings", {{"alert_email", "1"},
                                        {"message_email", "1"},
                                        {"quiet_start", "21:30"},
                                        {"quiet_end", "06:45"},
                                        {"language", "en"}});
    EXPECT_EQ(ok.status, 303);
    auto p = database().Read([&](db::ReadTx& tx) { return notify::GetPreferences(tx, mother_); });
    EXPECT_EQ(p.quiet_start, std::optional<int>(21 * 60 + 30));
    EXPECT_EQ(p.quiet_end, std::optional<int>(6 * 60 + 45));
    EXPECT_FALSE(p.choices[0].email);
    EXPECT_TRUE(p.choices[2].email);
    EXPECT_EQ(Text("SELECT language FROM guardian_account WHERE id = " + mother_.ToString()), "en");
    // In English now, pages and errors alike.
    auto en = Post("/family/settings", {{"quiet_start", "09:00"}, {"quiet_end", "09:00"}, {"language", "en"}});
    EXPECT_EQ(en.status, 422);
    EXPECT_NE(en.body.find("The start and the end must differ."), std::string::npos);
    // The next alert comes in English.
    database().Write([&](db::WriteTx& tx) {
        notify::Notify(tx,
                       {notify::Kind::kAlert,
                        common::SiteId(1),
                        child_,
                        {{"alert", 1}, {"alert_kind", "not_arrived"}, {"date", "2026-11-22"}},
                        true},
                       clock_);
    });
    RunJobs();
    auto m = MailsTo("mother@example.test");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_NE(m[0].subject.find("has not arrived by the expected time"), std::string::npos) << m[0].subject;
}

TEST_P(Notifications, StaffSeeEachRecipientsStateAndSendAgainToThoseItDidNotReach) {
    ASSERT_EQ(Scan("s-1", clock_.Now()).status, 201);
    auto notice = std::to_string(One("SELECT MAX(id) FROM notification"));
    // The mother's mail fails to the end (no mail server at its last attempt); the father's is retried and goes.
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE job SET attempts = max_attempts - 1 WHERE payload = ?",
                std::string(R"({"recipient":)") + Recipient(mother_, "entry") + "}");
    });
    {
        // A worker without a mail server: both attempts fail, the mother's for the last time.
        jobs::Runner runner(database(), clock_, "no-mail");
        notify::RegisterDelivery(runner, database(), nullptr, *catalogue_, {config_.public_url, config_.secret}, {},
                                 clock_);
        EXPECT_EQ(runner.RunDue(), 2);
    }
    clock_.Advance(jobs::Backoff(1));
    EXPECT_EQ(RunJobs(), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE state = 'dead'"), 1);
    EXPECT_EQ(Text("SELECT email_state FROM notification_recipient WHERE account_id = " + mother_.ToString()),
              "failed");

    SignIn("staff1", "tadaima-demo");
    auto list = Get("/sites/1/notices");
    ASSERT_EQ(list.status, 200);
    EXPECT_NE(list.body.find(R"(<strong class="late">1</strong>)"), std::string::npos) << "one failed";
    auto detail = Get("/notices/" + notice);
    ASSERT_EQ(detail.status, 200);
    EXPECT_NE(detail.body.find("通知 母"), std::string::npos);
    EXPECT_NE(detail.body.find(R"(data-state="failed")"), std::string::npos);
    EXPECT_NE(detail.body.find("メールサーバーに渡しました"), std::string::npos);
    EXPECT_NE(detail.body.find(R"(data-qa="resend")"), std::string::npos);
    EXPECT_GE(AuditCount("notice.view"), 1);
    EXPECT_GE(AuditCount("notice.list"), 1);
    auto resent = Post("/notices/" + notice + "/resend", {});
    EXPECT_EQ(resent.status, 303);
    EXPECT_EQ(AuditCount("notice.resend"), 1);
    EXPECT_EQ(RunJobs(), 1);
    EXPECT_EQ(MailsTo("mother@example.test").size(), 1u);
    EXPECT_EQ(MailsTo("father@example.test").size(), 1u) << "only those it did not reach";
    // Nobody left to send to: the button is gone and a second resend sends nothing.
    EXPECT_EQ(Get("/notices/" + notice).body.find(R"(data-qa="resend")"), std::string::npos);
    EXPECT_EQ(Post("/notices/" + notice + "/resend", {}).location, "/notices/" + notice + "?notice=nothing_to_resend");
    EXPECT_EQ(RunJobs(), 0);
}

// The mail server down while a thousand notifications come due, and kiosks scanning all the while: every scan
// is recorded, and once the server is back every notification is mailed, none twice.
TEST_P(Notifications, AMailOutageWithAThousandNoticesDueLosesNoneSendsNoneTwiceAndScansGoOn) {
    testing_support::SmtpServer smtp(dir_ / "maildir");
    auto transport = mail::MakeTransport({smtp.Url(), false, "", "tadaima <noreply@tadaima.test>"}, clock_);
    jobs::Runner runner(database(), clock_, "outage");
    app::RegisterJobHandlers(runner, database(), transport.get(), *catalogue_, config_, clock_);
    const auto first = clock_.Now() - std::chrono::hours(9);
    int scan = 0;
    auto scans = [&](int n) {
        for (int i = 0; i < n; ++i, ++scan) {
            EXPECT_EQ(Scan("outage-" + std::to_string(scan), first + std::chrono::seconds(61) * scan).status, 201);
        }
    };
    scans(250);
    EXPECT_EQ(runner.RunDue(), 500) << "every attempt fails: nobody listens";
    scans(250);  // the outage goes on; scans do not wait for mail
    EXPECT_EQ(runner.RunDue(), 500);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event WHERE kiosk_id = " + kiosk_.id.ToString()), 500);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient WHERE email_state = 'queued'"), 1000);
    smtp.Start();
    clock_.Advance(jobs::Backoff(1));
    EXPECT_EQ(runner.RunDue(), 1000);
    auto got = smtp.Received();
    std::set<std::string> ids;
    for (const auto& m : got) ids.insert(m.message_id);
    EXPECT_EQ(got.size(), 1000u);
    EXPECT_EQ(ids.size(), 1000u) << "none twice";
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient WHERE email_state = 'sent'"), 1000);
    clock_.Advance(std::chrono::hours(2));
    EXPECT_EQ(runner.RunDue(), 0);
    EXPECT_EQ(smtp.Received().size(), 1000u);
}

INSTANTIATE_TEST_SUITE_P(Db, Notifications, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
