// Messages end to end through the application: staff write to their site's families (all, a school year, a group,
// chosen children), the city to every site; the audience gets one copy each, in the inbox and by mail in their
// language; emergencies come through quiet hours and choices and stay on top; PDFs are checked by content and
// reach only the audience; scheduled messages wait and may be cancelled; staff see who has not read and remind
// them; families write back in one conversation per child and site, and staff answers reach the family.
#include "messages/messages.hpp"
#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"

namespace {

using testing_support::AppTest;
using testing_support::Mail;

constexpr const char* kPassword = "a family passphrase for messages";
// Children no demo account is linked to.
const std::string kUnlinked = " AND p.child_id NOT IN (SELECT child_id FROM guardian_account_child)";
const std::string kPdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

class Messages : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 60);
        // Two children at site 1 in different school years, one at site 2, none linked to a demo account.
        child_ =
            common::ChildId(One("SELECT MIN(p.child_id) FROM child_placement p JOIN child c ON c.id = p.child_id "
                                "WHERE p.site_id = 1 AND c.grade IS NOT NULL" +
                                kUnlinked));
        grade_ = One("SELECT grade FROM child WHERE id = " + child_.ToString());
        classmate_ =
            common::ChildId(One("SELECT MIN(p.child_id) FROM child_placement p JOIN child c ON c.id = "
                                "p.child_id WHERE p.site_id = 1 AND c.grade = " +
                                std::to_string(grade_) + " AND c.id <> " + child_.ToString() + kUnlinked));
        other_grade_ =
            common::ChildId(One("SELECT MIN(p.child_id) FROM child_placement p JOIN child c ON c.id = "
                                "p.child_id WHERE p.site_id = 1 AND c.grade <> " +
                                std::to_string(grade_) + kUnlinked));
        other_site_ =
            common::ChildId(One("SELECT MIN(p.child_id) FROM child_placement p WHERE p.site_id = 2" + kUnlinked));
        database().Write([&](db::WriteTx& tx) {
            mother_ = Account(tx, "mother@example.test", "連絡 母", "ja", child_);
            families::LinkChild(tx, mother_, classmate_, auth::FamilyRole::kFull, clock_);  // two children, one copy
            father_ = Account(tx, "father@example.test", "Renraku Father", "en", child_);
            neighbour_ = Account(tx, "neighbour@example.test", "近所 保護者", "ja", other_grade_);
            stranger_ = Account(tx, "stranger@example.test", "別施設 保護者", "ja", other_site_);
        });
        demo_accounts_ = One("SELECT COUNT(*) FROM guardian_account WHERE email LIKE '%@example.com'");
    }
    common::AccountId Account(db::WriteTx& tx, const std::string& email, const std::string& name,
                              const std::string& lang, common::ChildId child) {
        auto a = families::CreateConfirmedAccount(tx, email, name, auth::HashPassword(kPassword), lang, clock_);
        families::LinkChild(tx, a, child, auth::FamilyRole::kFull, clock_);
        return a;
    }
    void SignInStaff(const std::string& login) {
        cookies_.clear();
        SignIn(login, "tadaima-demo");
    }
    // Writes a message as signed-in staff; returns the answer.
    Result Send(const std::string& path, std::vector<std::pair<std::string, std::string>> form,
                const std::vector<FilePart>& files = {}) {
        Get(path + "/new");
        return PostFiles(path, std::move(form), files);
    }
    std::int64_t MessageOf(const Result& r) {
        EXPECT_EQ(r.status, 303) << r.body;
        auto id = r.location.substr(std::string("/messages/").size());
        return std::stoll(id.substr(0, id.find('?')));
    }
    std::string CopyOf(common::AccountId a, std::int64_t message) {
        return std::to_string(
            One("SELECT r.id FROM notification_recipient r JOIN notification n ON n.id = "
                "r.notification_id WHERE n.message_id = " +
                std::to_string(message) + " AND r.account_id = " + a.ToString()));
    }
    common::ChildId child_, classmate_, other_grade_, other_site_;
    std::int64_t grade_ = 0;
    common::AccountId mother_, father_, neighbour_, stranger_;
    std::int64_t demo_accounts_ = 0;  // the demo city's own family accounts (all at site 1)
};

TEST_P(Messages, AMessageToASchoolYearReachesEachOfItsFamilyMembersOnceInTheirLanguage) {
    SignInStaff("staff1");
    auto id = MessageOf(Send("/sites/1/messages", {{"scope", "grade"},
                                                   {"grade", std::to_string(grade_)},
                                                   {"subject", "遠足のお知らせ"},
                                                   {"body", "来週の遠足について。\nお弁当をお持たせください。"}}));
    EXPECT_EQ(AuditCount("message.create"), 1);
    RunJobs();
    // One notification at the site; a copy for the mother (once, though two of her children are in that year) and
    // the father; none for the other year's family or the other site's.
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE message_id = " + std::to_string(id)), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
                  "WHERE n.message_id = " +
                  std::to_string(id)),
              2);
    auto ja = MailsTo("mother@example.test");
    auto en = MailsTo("father@example.test");
    ASSERT_EQ(ja.size(), 1u);
    ASSERT_EQ(en.size(), 1u);
    EXPECT_TRUE(MailsTo("neighbour@example.test").empty());
    EXPECT_TRUE(MailsTo("stranger@example.test").empty());
    EXPECT_NE(ja[0].subject.find("遠足のお知らせ"), std::string::npos) << ja[0].subject;
    EXPECT_NE(ja[0].body.find("お弁当をお持たせください。"), std::string::npos) << ja[0].body;
    EXPECT_NE(ja[0].body.find("送信元："), std::string::npos) << ja[0].body;
    EXPECT_NE(en[0].body.find("From: "), std::string::npos) << en[0].body;
    EXPECT_NE(en[0].body.find("Dear Renraku Father"), std::string::npos) << en[0].body;
    EXPECT_EQ(RunJobs(), 0);  // nothing twice

    // Staff see both as not read; the mother reads it; then only the father is listed, and a reminder reaches him.
    auto page = Get("/messages/" + std::to_string(id));
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("連絡 母"), std::string::npos);
    EXPECT_NE(page.body.find("Renraku Father"), std::string::npos);
    EXPECT_EQ(AuditCount("message.view"), 1);
    auto notice = One("SELECT id FROM notification WHERE message_id = " + std::to_string(id));
    EXPECT_NE(page.body.find(R"(<a href="/notices/)" + std::to_string(notice) + R"(" data-qa="delivery">)"),
              std::string::npos)
        << "its delivery, recipient by recipient";
    SignInGuardian("mother@example.test", kPassword);
    auto inbox = Get("/family/inbox");
    EXPECT_NE(inbox.body.find("遠足のお知らせ"), std::string::npos);
    auto copy = Get("/family/inbox/" + CopyOf(mother_, id));
    ASSERT_EQ(copy.status, 200);
    EXPECT_NE(copy.body.find("お弁当をお持たせください。"), std::string::npos);
    EXPECT_NE(copy.body.find("data-qa=\"write-back\""), std::string::npos) << "a way to answer the site";
    SignInStaff("staff1");
    page = Get("/messages/" + std::to_string(id));
    EXPECT_EQ(page.body.find("連絡 母"), std::string::npos) << "she has read it";
    EXPECT_NE(page.body.find("Renraku Father"), std::string::npos);
    EXPECT_NE(page.body.find("data-qa=\"unread-count\">1<"), std::string::npos);
    auto remind = Post("/messages/" + std::to_string(id) + "/remind", {});
    ASSERT_EQ(remind.status, 303);
    EXPECT_NE(remind.location.find("notice=reminded"), std::string::npos);
    RunJobs();
    en = MailsTo("father@example.test");
    ASSERT_EQ(en.size(), 2u);
    EXPECT_NE(en[1].subject.find("[Reminder]"), std::string::npos) << en[1].subject;
    EXPECT_NE(en[0].message_id, en[1].message_id);
    EXPECT_EQ(MailsTo("mother@example.test").size(), 1u) << "read: no reminder";
    EXPECT_EQ(AuditCount("message.remind"), 1);
}

TEST_P(Messages, AudiencesByGroupChildrenAndTheWholeSite) {
    SignInStaff("staff1");
    // Chosen children: only their families.
    auto chosen = MessageOf(Send("/sites/1/messages", {{"scope", "children"},
                                                       {"child", other_grade_.ToString()},
                                                       {"subject", "個別のご連絡"},
                                                       {"body", "お迎えについて"}}));
    // A group: the families of its current members.
    auto group = One("SELECT MIN(gm.group_id) FROM child_group_membership gm WHERE gm.child_id = " + child_.ToString() +
                     " AND gm.end_date IS NULL");
    auto in_group =
        One("SELECT COUNT(DISTINCT l.account_id) FROM guardian_account_child l JOIN "
            "child_group_membership gm ON gm.child_id = l.child_id WHERE gm.group_id = " +
            std::to_string(group) + " AND gm.end_date IS NULL AND l.ended_at IS NULL");
    auto by_group = MessageOf(Send(
        "/sites/1/messages",
        {{"scope", "group"}, {"group", std::to_string(group)}, {"subject", "クラスのお知らせ"}, {"body", "本文"}}));
    auto whole =
        MessageOf(Send("/sites/1/messages", {{"scope", "site"}, {"subject", "全体のお知らせ"}, {"body", "本文"}}));
    RunJobs();
    auto recipients = [&](std::int64_t m) {
        return One(
            "SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
            "WHERE n.message_id = " +
            std::to_string(m));
    };
    EXPECT_EQ(recipients(chosen), 1);
    EXPECT_EQ(One("SELECT r.account_id FROM notification_recipient r JOIN notification n ON n.id = "
                  "r.notification_id WHERE n.message_id = " +
                  std::to_string(chosen)),
              neighbour_.value);
    EXPECT_EQ(recipients(by_group), in_group);
    EXPECT_GE(in_group, 2);
    // Everyone at site 1 with an account: the mother, the father, the neighbour and the demo's accounts (the
    // stranger is at site 2).
    EXPECT_EQ(recipients(whole), 3 + demo_accounts_);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
                  "WHERE n.message_id = " +
                  std::to_string(whole) + " AND r.account_id = " + stranger_.ToString()),
              0);
    EXPECT_TRUE(MailsTo("stranger@example.test").empty());
}

TEST_P(Messages, AnEmergencyComesThroughChoicesAndQuietHoursAndStaysOnTop) {
    // The mother wants no messages by mail or push, and quiet hours around now (10:00).
    SignInGuardian("mother@example.test", kPassword);
    Get("/family/settings");
    ASSERT_EQ(Post("/family/settings",
                   {{"attendance_email", "1"}, {"quiet_start", "09:00"}, {"quiet_end", "12:00"}, {"language", "ja"}})
                  .status,
              303);
    SignInStaff("staff1");
    auto plain = MessageOf(Send("/sites/1/messages", {{"scope", "site"}, {"subject", "通常"}, {"body", "本文"}}));
    auto urgent = MessageOf(Send("/sites/1/messages", {{"scope", "site"},
                                                       {"subject", "台風のため本日閉所します"},
                                                       {"body", "お迎えをお願いします。"},
                                                       {"emergency", "1"}}));
    RunJobs();
    auto ja = MailsTo("mother@example.test");
    ASSERT_EQ(ja.size(), 1u) << "only the emergency, at once";
    EXPECT_NE(ja[0].subject.find("台風のため本日閉所します"), std::string::npos);
    // A newer ordinary notice does not push the unread emergency down.
    auto later = MessageOf(Send("/sites/1/messages", {{"scope", "site"}, {"subject", "あとの通常"}, {"body", "本文"}}));
    RunJobs();
    SignInGuardian("mother@example.test", kPassword);
    auto inbox = Get("/family/inbox");
    auto at_urgent = inbox.body.find("台風のため本日閉所します");
    ASSERT_NE(at_urgent, std::string::npos);
    EXPECT_LT(at_urgent, inbox.body.find("あとの通常"));
    EXPECT_LT(at_urgent, inbox.body.find(">通常<"));
    // Ordinary messages still reach her inbox, and are not mailed.
    EXPECT_NE(One("SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
                  "WHERE r.account_id = " +
                  mother_.ToString() + " AND n.message_id IN (" + std::to_string(plain) + ", " + std::to_string(later) +
                  ") AND r.email_state = 'off'"),
              0);
    (void)urgent;
}

TEST_P(Messages, AScheduledMessageWaitsForItsTimeAndMayBeCancelledBeforeIt) {
    SignInStaff("staff1");
    auto at = clock_.Now() + std::chrono::hours(2);
    auto date = common::FormatDate(common::TokyoDate(at));
    auto time = common::FormatTokyoTime(at);
    auto scheduled = MessageOf(Send(
        "/sites/1/messages",
        {{"scope", "site"}, {"subject", "明日の持ち物"}, {"body", "本文"}, {"send_date", date}, {"send_time", time}}));
    auto cancelled = MessageOf(Send("/sites/1/messages", {{"scope", "site"},
                                                          {"subject", "取り消すお知らせ"},
                                                          {"body", "本文"},
                                                          {"send_date", date},
                                                          {"send_time", time}}));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE message_id IS NOT NULL"), 0);
    Get("/messages/" + std::to_string(cancelled));
    ASSERT_EQ(Post("/messages/" + std::to_string(cancelled) + "/cancel", {}).status, 303);
    EXPECT_EQ(AuditCount("message.cancel"), 1);
    clock_.Advance(std::chrono::minutes(119));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE message_id IS NOT NULL"), 0) << "not before its time";
    clock_.Advance(std::chrono::minutes(1));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE message_id = " + std::to_string(scheduled)), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE message_id = " + std::to_string(cancelled)), 0);
    EXPECT_EQ(MailsTo("mother@example.test").size(), 1u);
    // A sent message cannot be called back.
    SignInStaff("staff1");
    Get("/messages/" + std::to_string(scheduled));
    EXPECT_EQ(Post("/messages/" + std::to_string(scheduled) + "/cancel", {}).status, 409);
}

TEST_P(Messages, PdfAttachmentsAreCheckedByContentAndReachOnlyTheAudience) {
    SignInStaff("staff1");
    auto id = MessageOf(Send(
        "/sites/1/messages",
        {{"scope", "grade"}, {"grade", std::to_string(grade_)}, {"subject", "献立表"}, {"body", "12月の献立です。"}},
        {{"files", "12月の献立.pdf", kPdf}}));
    RunJobs();
    auto file = std::to_string(One("SELECT id FROM message_attachment WHERE message_id = " + std::to_string(id)));
    EXPECT_NE(MailsTo("mother@example.test").at(0).body.find("添付ファイル"), std::string::npos);
    SignInGuardian("mother@example.test", kPassword);
    auto copy = CopyOf(mother_, id);
    auto pdf = Get("/family/inbox/" + copy + "/files/" + file);
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.body, kPdf);
    EXPECT_EQ(pdf.raw.content_type, "application/pdf");
    // Another family cannot reach it through the mother's copy.
    SignInGuardian("neighbour@example.test", kPassword);
    EXPECT_EQ(Get("/family/inbox/" + copy + "/files/" + file).status, 404);
    // Staff of another site neither.
    SignInStaff("staff2");
    EXPECT_EQ(Get("/messages/" + std::to_string(id) + "/files/" + file).status, 404);

    // Refused, in the writer's language, with nothing written: not a PDF by content (whatever its name), too big,
    // too many.
    SignInStaff("staff1");
    auto before = One("SELECT COUNT(*) FROM message");
    auto png = Send("/sites/1/messages", {{"scope", "site"}, {"subject", "画像"}, {"body", "本文"}},
                    {{"files", "photo.pdf", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, 'x')}});
    EXPECT_EQ(png.status, 422);
    EXPECT_NE(png.body.find("添付できるのはPDFファイルだけです"), std::string::npos);
    std::string big = "%PDF-1.4\n" + std::string(messages::kMaxAttachmentBytes, ' ') + "\n%%EOF\n";
    auto too_big = Send("/sites/1/messages", {{"scope", "site"}, {"subject", "大きい"}, {"body", "本文"}},
                        {{"files", "big.pdf", big}});
    EXPECT_EQ(too_big.status, 422);
    EXPECT_NE(too_big.body.find("2MBまで"), std::string::npos);
    auto many =
        Send("/sites/1/messages", {{"scope", "site"}, {"subject", "多い"}, {"body", "本文"}},
             {{"files", "1.pdf", kPdf}, {"files", "2.pdf", kPdf}, {"files", "3.pdf", kPdf}, {"files", "4.pdf", kPdf}});
    EXPECT_EQ(many.status, 422);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message"), before);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message_attachment"), 1);
}

TEST_P(Messages, BadInputIsRefusedBesideTheFieldInTheWritersLanguage) {
    SignInStaff("staff1");
    auto empty = Send("/sites/1/messages", {{"scope", "site"}, {"subject", " "}, {"body", ""}});
    EXPECT_EQ(empty.status, 422);
    EXPECT_NE(empty.body.find("subject-error"), std::string::npos);
    EXPECT_NE(empty.body.find("body-error"), std::string::npos);
    // A group of another site, a year without choosing one, a time already past, half a time.
    auto foreign = One("SELECT MIN(id) FROM child_group WHERE site_id = 2");
    auto wrong_group =
        Send("/sites/1/messages",
             {{"scope", "group"}, {"group", std::to_string(foreign)}, {"subject", "件名"}, {"body", "本文"}});
    EXPECT_EQ(wrong_group.status, 422);
    EXPECT_NE(wrong_group.body.find("この施設のもののみ"), std::string::npos);
    EXPECT_EQ(Send("/sites/1/messages", {{"scope", "grade"}, {"subject", "件名"}, {"body", "本文"}}).status, 422);
    auto past = Send("/sites/1/messages", {{"scope", "site"},
                                           {"subject", "件名"},
                                           {"body", "本文"},
                                           {"send_date", "2026-11-21"},
                                           {"send_time", "09:00"}});
    EXPECT_EQ(past.status, 422);
    EXPECT_NE(past.body.find("送信日時が過ぎています"), std::string::npos);
    Get("/lang/en?next=/");
    auto half = Send("/sites/1/messages",
                     {{"scope", "site"}, {"subject", "Subject"}, {"body", "Body"}, {"send_date", "2026-11-23"}});
    EXPECT_EQ(half.status, 422);
    EXPECT_NE(half.body.find("Enter both the date and the time"), std::string::npos);
    // The city's scopes are not a site's.
    EXPECT_EQ(Send("/sites/1/messages", {{"scope", "all"}, {"subject", "件名"}, {"body", "本文"}}).status, 422);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind LIKE 'message.%'"), 0);
}

TEST_P(Messages, TheCityReachesEverySiteWithOneCopyPerFamilyMember) {
    // The mother also has a child at site 2: one copy all the same.
    database().Write(
        [&](db::WriteTx& tx) { families::LinkChild(tx, mother_, other_site_, auth::FamilyRole::kFull, clock_); });
    SignInStaff("staff1");
    EXPECT_EQ(Get("/city/messages").status, 403);
    SignInStaff("admin");
    // An emergency to the whole city waits for the sender to confirm it; nothing is recorded before.
    auto unconfirmed = Send("/city/messages", {{"scope", "all"},
                                               {"subject", "市内全域：警報発令"},
                                               {"body", "各施設の指示に従ってください。"},
                                               {"emergency", "1"}});
    EXPECT_EQ(unconfirmed.status, 422);
    EXPECT_NE(unconfirmed.body.find("確認の欄にチェック"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message"), 0);
    auto id = MessageOf(Send("/city/messages", {{"scope", "all"},
                                                {"subject", "市内全域：警報発令"},
                                                {"body", "各施設の指示に従ってください。"},
                                                {"emergency", "1"},
                                                {"confirm_city", "1"}}));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE message_id = " + std::to_string(id)), 2) << "per site";
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
                  "WHERE n.message_id = " +
                  std::to_string(id)),
              4 + demo_accounts_);
    EXPECT_EQ(MailsTo("mother@example.test").size(), 1u);
    EXPECT_EQ(MailsTo("stranger@example.test").size(), 1u);
    // The message's page leads to each site's delivery, recipient by recipient and channel by channel.
    auto page = Get("/messages/" + std::to_string(id));
    ASSERT_EQ(page.status, 200);
    std::vector<std::string> links;
    for (std::size_t at = 0; (at = page.body.find("href=\"/notices/", at)) != std::string::npos; ++at) {
        links.push_back(page.body.substr(at + 6, page.body.find('"', at + 6) - at - 6));
    }
    ASSERT_EQ(links.size(), 2u) << "one per site";
    auto site2 = Get(links[1]);
    ASSERT_EQ(site2.status, 200);
    EXPECT_NE(site2.body.find("市内全域：警報発令"), std::string::npos);
    EXPECT_NE(site2.body.find(R"(data-state="sent")"), std::string::npos) << site2.body;
    auto mail = MailsTo("stranger@example.test").at(0);
    EXPECT_NE(mail.body.find("送信元：市役所"), std::string::npos) << mail.body;
    EXPECT_EQ(mail.subject, "【市役所（放課後・保育担当）】市内全域：警報発令");
    // Chosen sites: only site 2.
    auto chosen = MessageOf(
        Send("/city/messages", {{"scope", "sites"}, {"site", "2"}, {"subject", "第2施設へ"}, {"body", "本文"}}));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
                  "WHERE n.message_id = " +
                  std::to_string(chosen)),
              2);  // the stranger and the mother (through her child at site 2)
    EXPECT_EQ(MailsTo("father@example.test").size(), 1u);
}

// Before sending, the sender sees how many families the audience reaches and by which channel, and the families it
// cannot reach (nobody with the app) with their guardians' phone numbers; the sent message's page lists them too.
TEST_P(Messages, TheSenderIsToldWhoItReachesAndWhoItCannotBeforeAndAfterSending) {
    const std::string in_grade =
        "FROM child c JOIN child_placement p ON p.child_id = c.id WHERE p.site_id = 1 AND c.deactivated_at IS NULL "
        "AND c.grade = " +
        std::to_string(grade_);
    const auto children = One("SELECT COUNT(*) " + in_grade);
    const auto families =
        One("SELECT COUNT(*) " + in_grade +
            " AND EXISTS (SELECT 1 FROM guardian_account_child l JOIN guardian_account a ON a.id = "
            "l.account_id WHERE l.child_id = c.id AND l.ended_at IS NULL AND a.deactivated_at IS NULL)");
    const auto members =
        One("SELECT COUNT(DISTINCT l.account_id) FROM guardian_account_child l JOIN child c ON c.id = l.child_id JOIN "
            "child_placement p ON p.child_id = c.id WHERE l.ended_at IS NULL AND p.site_id = 1 AND c.grade = " +
            std::to_string(grade_));
    ASSERT_GE(families, 1);
    ASSERT_GT(children, families) << "the demo city leaves most families without the app";
    SignInStaff("staff1");
    const std::string query = "scope=grade&grade=" + std::to_string(grade_);
    auto reach = Get("/sites/1/messages/reach?" + query);
    ASSERT_EQ(reach.status, 200);
    EXPECT_NE(reach.body.find("data-families=\"" + std::to_string(families) + "\""), std::string::npos);
    EXPECT_NE(reach.body.find("data-children=\"" + std::to_string(children) + "\""), std::string::npos);
    EXPECT_NE(reach.body.find("受け取る人 " + std::to_string(members) + "：メール " + std::to_string(members)),
              std::string::npos)
        << "nobody has push: everyone by mail";
    std::size_t rows = 0;
    for (std::size_t at = 0; (at = reach.body.find("data-qa=\"unreached-row\"", at)) != std::string::npos; ++at) ++rows;
    EXPECT_EQ(static_cast<std::int64_t>(rows), children - families);
    // A child with the app is not listed; one without is, with a guardian's phone number.
    auto name = [&](common::ChildId c) {
        return database().Read([&](db::ReadTx& tx) {
            return tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", c).Text(0);
        });
    };
    EXPECT_EQ(reach.body.find("<th scope=\"row\" class=\"nowrap\">" + name(child_) + "</th>"), std::string::npos);
    auto lonely = common::ChildId(One("SELECT MIN(c.id) " + in_grade +
                                      " AND NOT EXISTS (SELECT 1 FROM guardian_account_child l WHERE l.child_id = c.id "
                                      "AND l.ended_at IS NULL)"));
    auto lonely_row = reach.body.find("<th scope=\"row\" class=\"nowrap\">" + name(lonely) + "</th>");
    ASSERT_NE(lonely_row, std::string::npos);
    EXPECT_NE(reach.body.substr(lonely_row, 400).find("href=\"tel:0900000"), std::string::npos);
    EXPECT_GE(AuditCount("message.reach"), 1);
    // The compose page says it for its first choice (the whole site); the form's script asks the page above again.
    auto compose = Get("/sites/1/messages/new");
    EXPECT_NE(compose.body.find("data-qa=\"reach-unreached\""), std::string::npos);
    // Another site's child is nobody here; the city's scopes are the city's; another site's staff may not ask.
    auto elsewhere = Get("/sites/1/messages/reach?scope=children&child=" + other_site_.ToString());
    EXPECT_NE(elsewhere.body.find("data-children=\"0\""), std::string::npos);
    EXPECT_EQ(Get("/sites/1/messages/reach?scope=all").status, 422);
    EXPECT_EQ(Get("/sites/2/messages/reach?scope=site").status, 404);  // another site's, as every page of it
    EXPECT_EQ(Get("/city/messages/reach?scope=all").status, 403);

    // Sent: its page lists the families it did not reach.
    auto id =
        MessageOf(Send("/sites/1/messages",
                       {{"scope", "grade"}, {"grade", std::to_string(grade_)}, {"subject", "遠足"}, {"body", "本文"}}));
    RunJobs();
    auto page = Get("/messages/" + std::to_string(id));
    EXPECT_NE(page.body.find("data-qa=\"reach-unreached\">" + std::to_string(children - families) + "<"),
              std::string::npos);
    SignInStaff("admin");
    auto city = Get("/city/messages/reach?scope=all&emergency=1");
    ASSERT_EQ(city.status, 200);
    EXPECT_NE(city.body.find("（2 施設）"), std::string::npos);
}

TEST_P(Messages, AFamilyWritesInTheChildsConversationAndTheSitesAnswerReachesThem) {
    SignInGuardian("father@example.test", kPassword);
    auto path = "/family/children/" + child_.ToString() + "/messages";
    ASSERT_EQ(Get(path).status, 200);
    EXPECT_EQ(Post(path, {{"site", "1"}, {"body", " "}}).status, 422);
    EXPECT_EQ(Post(path, {{"site", "2"}, {"body", "別の施設へ"}}).status, 400) << "the child does not attend it";
    ASSERT_EQ(Post(path, {{"site", "1"}, {"body", "明日は祖母が迎えに行きます。"}}).status, 303);
    auto thread = std::to_string(One("SELECT id FROM message_thread WHERE child_id = " + child_.ToString()));
    // Another family cannot see it.
    SignInGuardian("neighbour@example.test", kPassword);
    EXPECT_EQ(Get(path).status, 404);

    SignInStaff("staff2");
    EXPECT_EQ(Get("/threads/" + thread).status, 404);
    SignInStaff("staff1");
    auto list = Get("/sites/1/threads");
    ASSERT_EQ(list.status, 200);
    EXPECT_NE(list.body.find("data-qa=\"waiting\""), std::string::npos);
    auto page = Get("/threads/" + thread);
    EXPECT_NE(page.body.find("明日は祖母が迎えに行きます。"), std::string::npos);
    EXPECT_EQ(AuditCount("thread.view"), 1);
    ASSERT_EQ(Post("/threads/" + thread, {{"body", "承知しました。"}}).status, 303);
    EXPECT_EQ(One("SELECT waiting FROM message_thread WHERE id = " + thread), 0);
    RunJobs();
    // Both members are told, in their language; the reply is in the same conversation.
    auto ja = MailsTo("mother@example.test");
    ASSERT_EQ(ja.size(), 1u);
    EXPECT_NE(ja[0].body.find("承知しました。"), std::string::npos);
    EXPECT_NE(MailsTo("father@example.test").at(0).subject.find("Reply from"), std::string::npos);
    SignInGuardian("mother@example.test", kPassword);
    auto conversation = Get(path + "?site=1");
    EXPECT_NE(conversation.body.find("明日は祖母が迎えに行きます。"), std::string::npos);
    EXPECT_NE(conversation.body.find("承知しました。"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM message_thread"), 1) << "one conversation per child and site";
}

INSTANTIATE_TEST_SUITE_P(Db, Messages, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
