// Cards, kiosks, scans, staff entries and corrections, and the live roster, through the whole application on
// SQLite and PostgreSQL.
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "attendance/attendance.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "harness.hpp"
#include "sites/sites.hpp"

namespace {

using testing_support::AppTest;

class Attendance : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 12);
        child_ = ChildAt(1, 0);
        other_child_ = ChildAt(2, 0);
        database().Write([&](db::WriteTx& tx) {
            kiosk_ = attendance::CreateKiosk(tx, common::SiteId(1), "正面玄関", clock_);
            card_ =
                attendance::CardPayload(config_.secret, attendance::EnsureCard(tx, common::ChildId(child_), clock_));
            other_card_ = attendance::CardPayload(config_.secret,
                                                  attendance::EnsureCard(tx, common::ChildId(other_child_), clock_));
        });
    }
    std::int64_t ChildAt(int site, int nth) {
        return One("SELECT child_id FROM child_placement WHERE site_id = " + std::to_string(site) +
                   " ORDER BY child_id LIMIT 1 OFFSET " + std::to_string(nth));
    }
    std::int64_t Events() { return One("SELECT COUNT(*) FROM attendance_event"); }
    Result Scan(const std::string& card, const std::string& scan_id, common::Instant at,
                const std::string& credential = "") {
        std::string body = R"({"card":")" + card + R"(","scan_id":")" + scan_id + R"(","scanned_at":")" +
                           common::FormatInstant(at) + R"("})";
        return PostJson("/api/v1/kiosk/scans", body,
                        {{"authorization", "Bearer " + (credential.empty() ? kiosk_.credential : credential)}});
    }
    static std::string Field(const std::string& json, const std::string& name) {
        std::smatch m;
        if (std::regex_search(json, m, std::regex("\"" + name + R"(":("[^"]*"|[^,}]*))"))) {
            std::string v = m[1];
            return v.size() >= 2 && v.front() == '"' ? v.substr(1, v.size() - 2) : v;
        }
        return "";
    }
    common::Instant At(const std::string& tokyo_hhmm) {
        return common::TokyoInstant(common::TokyoDate(clock_.Now()), *common::ParseTimeOfDay(tokyo_hhmm));
    }
    std::int64_t child_ = 0, other_child_ = 0;
    attendance::NewKiosk kiosk_;
    std::string card_, other_card_;
};

TEST_P(Attendance, AScanRecordsAnEntryThenAnExitAndARepeatRecordsNothing) {
    clock_.Set(At("15:05"));
    auto in = Scan(card_, "scan-1", At("15:02"));
    ASSERT_EQ(in.status, 201) << in.body;
    EXPECT_EQ(Field(in.body, "direction"), "in");
    EXPECT_EQ(Field(in.body, "status"), "recorded");
    EXPECT_EQ(Field(in.body, "duplicate"), "false");
    EXPECT_EQ(Field(in.body, "time"), "15:02");
    EXPECT_NE(Field(in.body, "display_name"), "");
    EXPECT_NE(Field(in.body, "kana"), "");
    // The same card 30 seconds later: already recorded, nothing new.
    auto again = Scan(card_, "scan-2", At("15:02") + std::chrono::seconds(30));
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(Field(again.body, "status"), "already_recorded");
    EXPECT_EQ(Field(again.body, "duplicate"), "true");
    EXPECT_EQ(Field(again.body, "event_id"), Field(in.body, "event_id"));
    // The first scan retried (its answer was lost): the first answer, nothing new.
    auto retry = Scan(card_, "scan-1", At("15:02"));
    EXPECT_EQ(retry.status, 200);
    EXPECT_EQ(Field(retry.body, "event_id"), Field(in.body, "event_id"));
    EXPECT_EQ(Events(), 1);
    // Leaving two hours later.
    clock_.Set(At("17:41"));
    auto out = Scan(card_, "scan-3", At("17:40"));
    ASSERT_EQ(out.status, 201);
    EXPECT_EQ(Field(out.body, "direction"), "out");
    EXPECT_EQ(Events(), 2);
    // The roster and the child's day say so.
    SignIn("staff1", "tadaima-demo");
    auto roster = Get("/sites/1/roster");
    ASSERT_EQ(roster.status, 200);
    EXPECT_NE(roster.body.find("data-child=\"" + std::to_string(child_) + "\" data-state=\"left\""), std::string::npos);
    auto day = Get("/children/" + std::to_string(child_) + "/attendance");
    EXPECT_NE(day.body.find("15:02"), std::string::npos);
    EXPECT_NE(day.body.find("17:40"), std::string::npos);
    EXPECT_GE(AuditCount("roster.view"), 1);
    EXPECT_GE(AuditCount("attendance.view"), 1);
}

TEST_P(Attendance, EachRefusalHasItsOwnMessageAndRecordsNothing) {
    auto now = clock_.Now();
    std::string tampered = card_;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(Field(Scan(tampered, "a1", now).body, "code"), "error_card_unreadable");
    EXPECT_EQ(Field(Scan("TD2-1-AAAAAAAAAAAAAAAA", "a2", now).body, "code"), "error_card_version");
    EXPECT_EQ(Field(Scan("hello", "a3", now).body, "code"), "error_card_unreadable");
    EXPECT_EQ(Field(Scan(other_card_, "a4", now).body, "code"), "error_card_other_site");
    EXPECT_EQ(Scan(other_card_, "a4", now).status, 422);
    // A lost card: the manager reissues it; the old card is refused from then on, the new one works.
    SignIn("manager1", "tadaima-demo");
    Get("/children/" + std::to_string(child_));
    EXPECT_EQ(Post("/children/" + std::to_string(child_) + "/card/reissue", {}).status, 303);
    auto old = Scan(card_, "a5", now);
    EXPECT_EQ(old.status, 422);
    EXPECT_EQ(Field(old.body, "code"), "error_card_revoked");
    std::string fresh = database().Read([&](db::ReadTx& tx) {
        return attendance::CardPayload(config_.secret, attendance::ActiveCard(tx, common::ChildId(child_))->id);
    });
    EXPECT_NE(fresh, card_);
    EXPECT_EQ(Scan(fresh, "a6", now).status, 201);
    EXPECT_EQ(Events(), 1);
    // Typed with Caps Lock on, with a stray space: the same card.
    std::string lower = fresh;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    clock_.Advance(std::chrono::minutes(5));
    EXPECT_EQ(Scan(" " + lower + " ", "a7", clock_.Now()).status, 201);
    // No credential, a wrong one, a revoked kiosk.
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", "{}").status, 401);
    EXPECT_EQ(Scan(fresh, "a8", now, "not-a-kiosk").status, 401);
    Get("/sites/1/kiosks");
    EXPECT_EQ(Post("/kiosks/" + kiosk_.id.ToString() + "/revoke", {}).status, 303);
    auto revoked = Scan(fresh, "a9", clock_.Now());
    EXPECT_EQ(revoked.status, 403);
    EXPECT_EQ(Field(revoked.body, "code"), "error_kiosk_revoked");
    EXPECT_EQ(Events(), 2);
    EXPECT_EQ(AuditCount("card.reissue"), 1);
    EXPECT_EQ(AuditCount("kiosk.revoke"), 1);
}

// The scan handler checks kiosk and card in a read transaction and records in the write; what changes in between
// is caught in the write: nothing is recorded for a kiosk or card revoked meanwhile, and a retry that got in first
// is the answer.
TEST_P(Attendance, WhatChangesBetweenTheCheckAndTheWriteIsCaughtInTheWrite) {
    clock_.Set(At("15:05"));
    // Every scan a new mark, so the second try below reaches the insert.
    database().Write([&](db::WriteTx& tx) { tx.Exec("UPDATE site SET repeat_scan_seconds = 0 WHERE id = 1"); });
    attendance::ScanRequest scan{card_, "race-1", At("15:04")};
    auto check = [&] {
        auto c = database().Read(
            [&](db::ReadTx& tx) { return attendance::CheckScan(tx, kiosk_.credential, scan, config_.secret); });
        return std::get<attendance::CheckedScan>(c);
    };
    auto record = [&](const attendance::CheckedScan& c) {
        return database().Write([&](db::WriteTx& tx) { return attendance::RecordCheckedScan(tx, c, scan, clock_); });
    };
    // The same scan_id recorded after the check (a retry racing the first try): no second row.
    auto first = check();
    auto second = check();
    auto recorded = record(first);
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->status, attendance::ScanStatus::kRecorded);
    EXPECT_FALSE(record(second));
    EXPECT_EQ(Events(), 1);

    // The card reissued after the check.
    scan.scan_id = "race-2";
    scan.scanned_at = At("15:05");
    auto before_reissue = check();
    database().Write([&](db::WriteTx& tx) { attendance::IssueCard(tx, common::ChildId(child_), clock_); });
    EXPECT_FALSE(record(before_reissue));
    // The kiosk revoked after the check.
    scan.card = database().Write([&](db::WriteTx& tx) {
        return attendance::CardPayload(config_.secret,
                                       attendance::EnsureCard(tx, common::ChildId(ChildAt(1, 1)), clock_));
    });
    auto before_revoke = check();
    database().Write([&](db::WriteTx& tx) { attendance::RevokeKiosk(tx, kiosk_.id, clock_); });
    EXPECT_FALSE(record(before_revoke));
    EXPECT_EQ(Events(), 1);
    // Through HTTP the full check in the write then says why.
    auto refused = Scan(scan.card, "race-3", At("15:05"));
    EXPECT_EQ(refused.status, 403) << refused.body;
}

TEST_P(Attendance, TheRepeatIntervalIsTheSitesSetting) {
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/edit");
    auto site = database().Read([](db::ReadTx& tx) { return *sites::GetSite(tx, common::SiteId(1)); });
    EXPECT_EQ(site.fields.repeat_scan_seconds, 60);
    std::vector<std::pair<std::string, std::string>> form{{"kind", site.fields.kind},
                                                          {"name", site.fields.name},
                                                          {"name_kana", site.fields.name_kana},
                                                          {"repeat_scan_seconds", "5000"}};
    EXPECT_EQ(Post("/sites/1", form).status, 422);
    form.back().second = "10";
    ASSERT_EQ(Post("/sites/1", form).status, 303);
    EXPECT_NE(Get("/sites/1").body.find("data-qa=\"repeat-scan-seconds\">10<"), std::string::npos);
    // 15 seconds apart: two scans now, an entry and an exit.
    auto now = clock_.Now();
    EXPECT_EQ(Scan(card_, "r1", now - std::chrono::seconds(15)).status, 201);
    auto second = Scan(card_, "r2", now);
    EXPECT_EQ(second.status, 201);
    EXPECT_EQ(Field(second.body, "direction"), "out");
}

TEST_P(Attendance, BadInputIsRefusedInTheUsersLanguage) {
    auto now = clock_.Now();
    std::map<std::string, std::string> bearer{{"authorization", "Bearer " + kiosk_.credential}};
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", "{not json", bearer).status, 400);
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", R"({"card":"x"})", bearer).status, 400);
    EXPECT_EQ(
        PostJson("/api/v1/kiosk/scans", R"({"card":1,"scan_id":"a","scanned_at":"2026-11-22T01:00:00.000Z"})", bearer)
            .status,
        400);
    EXPECT_EQ(Scan(card_, "bad id with spaces", now).status, 400);
    EXPECT_EQ(Scan(card_, std::string(65, 'x'), now).status, 400);
    auto future = Scan(card_, "f1", now + std::chrono::minutes(10));
    EXPECT_EQ(future.status, 422);
    EXPECT_EQ(Field(future.body, "code"), "error_scan_future");
    EXPECT_EQ(Scan(card_, "o1", now - std::chrono::hours(24 * 15)).status, 422);
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", R"({"card":")" + card_ + R"(","scan_id":"t1","scanned_at":"yesterday"})",
                       bearer)
                  .status,
              400);
    // The page's cookie works only with a JSON body (a form from another site cannot post it).
    cookies_["tadaima_kiosk"] = kiosk_.credential;
    auto r = Post("/api/v1/kiosk/scans", {{"card", card_}, {"scan_id", "c1"}, {"scanned_at", "x"}}, false);
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(Events(), 0);
    // English, for a kiosk set to English.
    cookies_["tadaima_lang"] = "en";
    auto en = Scan(other_card_, "e1", now);
    EXPECT_NE(en.body.find("This card is not for this site"), std::string::npos) << en.body;
}

TEST_P(Attendance, ScansHeldByAnOfflineKioskAreRecordedAtTheirScanTimeAndMarkedLate) {
    clock_.Set(At("17:05"));
    auto in = Scan(card_, "off-1", At("15:00"));
    auto out = Scan(card_, "off-2", At("17:00"));
    ASSERT_EQ(in.status, 201);
    ASSERT_EQ(out.status, 201);
    EXPECT_EQ(Field(in.body, "direction"), "in");
    EXPECT_EQ(Field(in.body, "delayed"), "true");
    EXPECT_EQ(Field(out.body, "direction"), "out");
    EXPECT_EQ(Field(out.body, "time"), "17:00");
    // Sent again (the kiosk did not hear the answer): still one each.
    EXPECT_EQ(Scan(card_, "off-1", At("15:00")).status, 200);
    EXPECT_EQ(Events(), 2);
    auto day = database().Read([&](db::ReadTx& tx) {
        return attendance::ChildDay(tx, common::ChildId(child_), common::FormatDate(common::TokyoDate(clock_.Now())));
    });
    EXPECT_EQ(day.state, attendance::State::kLeft);
    EXPECT_EQ(common::FormatTokyoTime(*day.in_at), "15:00");
}

TEST_P(Attendance, StaffRecordByHandAndCorrectWithAReasonAndBothStayInTheDay) {
    clock_.Set(At("16:00"));
    SignIn("staff1", "tadaima-demo");
    std::string base = "/children/" + std::to_string(child_) + "/attendance";
    Get(base);
    // A forgotten card: checked in by hand at 15:10. The harness's day is a Sunday, when the site is closed: the
    // page asks first, with the child and the time, and records nothing until staff say so.
    auto asked = Post(base, {{"direction", "in"}, {"time", "15:10"}, {"reason", "カード忘れ"}});
    ASSERT_EQ(asked.status, 409) << asked.body;
    EXPECT_NE(asked.body.find("今日は休所日です。"), std::string::npos);
    EXPECT_NE(asked.body.find("入室 15:10"), std::string::npos);
    EXPECT_NE(asked.body.find("name=\"off_hours_ok\" value=\"1\""), std::string::npos);
    EXPECT_NE(asked.body.find("value=\"カード忘れ\""), std::string::npos);
    EXPECT_EQ(Events(), 0);
    auto r = Post(base, {{"direction", "in"}, {"time", "15:10"}, {"reason", "カード忘れ"}, {"off_hours_ok", "1"}});
    ASSERT_EQ(r.status, 303) << r.body;
    auto first = One("SELECT MAX(id) FROM attendance_event");
    // A time that has not come, a bad time: refused, nothing recorded.
    Get(base);
    EXPECT_EQ(Post(base, {{"direction", "in"}, {"time", "18:00"}}).status, 422);
    EXPECT_EQ(Post(base, {{"direction", "in"}, {"time", "25:99"}}).status, 422);
    EXPECT_EQ(Post(base, {{"direction", "sideways"}}).status, 422);
    EXPECT_EQ(Events(), 1);
    // The time was wrong: corrected to 15:20 with a reason.
    std::string correct = "/attendance/" + std::to_string(first) + "/correct";
    Get(base);
    EXPECT_EQ(Post(correct, {{"action", "retime"}, {"time", "15:20"}}).status, 422);  // no reason
    ASSERT_EQ(Post(correct, {{"action", "retime"}, {"time", "15:20"}, {"reason", "時刻の誤り"}}).status, 303);
    auto second = One("SELECT MAX(id) FROM attendance_event");
    // The original cannot be corrected again; the correction can.
    Get(base);
    EXPECT_EQ(Post(correct, {{"action", "undo"}, {"reason", "二重"}}).status, 409);
    auto day = Get(base);
    EXPECT_NE(day.body.find("15:10"), std::string::npos);
    EXPECT_NE(day.body.find("15:20"), std::string::npos);
    EXPECT_NE(day.body.find("時刻の誤り"), std::string::npos);
    // The corrected entry stays, marked (struck through), with no internal numbers on the page.
    EXPECT_NE(day.body.find("data-event=\"" + std::to_string(first) + "\" class=\"event-in corrected\""),
              std::string::npos);
    EXPECT_NE(day.body.find("訂正済み"), std::string::npos);
    EXPECT_EQ(day.body.find("#" + std::to_string(first) + "<"), std::string::npos);
    // Undo the corrected entry: the child has not arrived after all.
    ASSERT_EQ(
        Post("/attendance/" + std::to_string(second) + "/correct", {{"action", "undo"}, {"reason", "別の子"}}).status,
        303);
    auto state = database().Read([&](db::ReadTx& tx) {
        return attendance::ChildDay(tx, common::ChildId(child_), common::FormatDate(common::TokyoDate(clock_.Now())));
    });
    EXPECT_EQ(state.state, attendance::State::kNotArrived);
    EXPECT_EQ(Events(), 3);
    EXPECT_EQ(AuditCount("attendance.record"), 1);
    EXPECT_EQ(AuditCount("attendance.correct"), 2);
    // The record is append-only in the database itself.
    EXPECT_ANY_THROW(database().Write([](db::WriteTx& tx) { tx.Exec("UPDATE attendance_event SET reason = 'x'"); }));
    EXPECT_ANY_THROW(database().Write([](db::WriteTx& tx) { tx.Exec("DELETE FROM attendance_event"); }));
}

TEST_P(Attendance, TheRosterFeedSendsEachChangeAndCatchesUpAfterADroppedConnection) {
    clock_.Set(At("15:00"));
    SignIn("staff1", "tadaima-demo");
    auto page = Get("/sites/1/roster");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("/sites/1/roster/events?after=0"), std::string::npos);
    auto stream = Get("/sites/1/roster/events?after=0");
    ASSERT_TRUE(stream.raw.events);
    stream.raw.events->Take();  // the retry line
    ASSERT_EQ(Scan(card_, "live-1", At("14:59")).status, 201);
    auto batch = stream.raw.events->Take().data;
    EXPECT_NE(batch.find("event: state"), std::string::npos);
    EXPECT_NE(batch.find("\"child\":" + std::to_string(child_)), std::string::npos);
    EXPECT_NE(batch.find("\"state\":\"in\""), std::string::npos);
    EXPECT_NE(batch.find("\"in_at\":\"14:59\""), std::string::npos);
    // A name never travels in the feed.
    auto name = database().Read(
        [&](db::ReadTx& tx) { return tx.QueryOne("SELECT family_name FROM child WHERE id = ?", child_).Text(0); });
    EXPECT_EQ(batch.find(name), std::string::npos);
    // The connection drops; meanwhile the child leaves. The reconnect (Last-Event-ID) gets the new state.
    std::string last_id = std::regex_replace(batch, std::regex(R"([\s\S]*id: (\d+)[\s\S]*)"), "$1");
    stream.raw.events->Close();
    clock_.Set(At("17:00"));
    ASSERT_EQ(Scan(card_, "live-2", At("17:00")).status, 201);
    SignIn("staff1", "tadaima-demo");  // two hours on: a new session
    auto resumed = Get("/sites/1/roster/events?after=" + last_id);
    ASSERT_TRUE(resumed.raw.events) << resumed.status << " " << last_id;
    auto caught = resumed.raw.events->Take().data;
    EXPECT_NE(caught.find("\"state\":\"left\""), std::string::npos) << caught;
    // Another site's stream hears nothing of it.
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    auto other = Get("/sites/2/roster/events?after=0");
    ASSERT_TRUE(other.raw.events) << other.status;
    other.raw.events->Take();
    clock_.Set(At("18:00"));
    ASSERT_EQ(Scan(card_, "live-3", At("18:00")).status, 201);
    EXPECT_EQ(other.raw.events->Take().data, "");  // not a byte, though the scan was published:
    EXPECT_NE(resumed.raw.events->Take().data.find("\"state\":\"in\""), std::string::npos);
}

TEST_P(Attendance, AKioskPairsOnceWithACodeAndScansThroughItsCookie) {
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/kiosks");
    auto made = Post("/sites/1/kiosks", {{"name", "裏口"}});
    ASSERT_EQ(made.status, 200);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(made.body, m, std::regex(R"(data-qa="pairing-code">([A-Z2-9]{4}-[A-Z2-9]{4})<)")));
    std::string code = m[1];
    // The device by the door: no staff session.
    cookies_.clear();
    auto pair_page = Get("/kiosk");
    EXPECT_NE(pair_page.body.find("kiosk-pair-form"), std::string::npos);
    EXPECT_EQ(Post("/kiosk/pair", {{"code", "WRONG-CODE"}}).status, 422);
    auto paired = Post("/kiosk/pair", {{"code", code}});
    ASSERT_EQ(paired.status, 303);
    ASSERT_TRUE(cookies_.count("tadaima_kiosk"));
    auto screen = Get("/kiosk");
    EXPECT_NE(screen.body.find("裏口"), std::string::npos);
    EXPECT_NE(screen.body.find("data-scan-url"), std::string::npos);
    bool camera = false;
    for (const auto& [k, v] : screen.raw.headers)
        camera = camera || (k == "Permissions-Policy" && v.find("camera=(self)") != std::string::npos);
    EXPECT_TRUE(camera);
    std::string body =
        R"({"card":")" + card_ + R"(","scan_id":"p1","scanned_at":")" + common::FormatInstant(clock_.Now()) + R"("})";
    EXPECT_EQ(PostJson("/api/v1/kiosk/scans", body).status, 201);
    // The code is used up; a second device cannot take it.
    std::string credential = cookies_["tadaima_kiosk"];
    cookies_.clear();
    Get("/kiosk");
    auto second = Post("/kiosk/pair", {{"code", code}});
    EXPECT_EQ(second.status, 422);
    EXPECT_NE(second.body.find("すでに使われています"), std::string::npos);
    // A code not taken within 15 minutes expires.
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/kiosks");
    made = Post("/sites/1/kiosks", {{"name", "遅い"}});
    ASSERT_TRUE(std::regex_search(made.body, m, std::regex(R"(data-qa="pairing-code">([A-Z2-9]{4}-[A-Z2-9]{4})<)")));
    clock_.Advance(std::chrono::minutes(16));
    cookies_.clear();
    Get("/kiosk");
    EXPECT_NE(Post("/kiosk/pair", {{"code", std::string(m[1])}}).body.find("有効期限"), std::string::npos);
    // Revoked: the kiosk page says so at once.
    SignIn("manager1", "tadaima-demo");
    auto list = Get("/sites/1/kiosks");
    EXPECT_NE(list.body.find("裏口"), std::string::npos);
    auto id = One("SELECT id FROM kiosk WHERE name = '裏口'");
    EXPECT_EQ(Post("/kiosks/" + std::to_string(id) + "/revoke", {}).status, 303);
    cookies_.clear();
    cookies_["tadaima_kiosk"] = credential;
    EXPECT_NE(Get("/kiosk").body.find("kiosk-revoked"), std::string::npos);
}

// The card sheet read back as a phone would: every QR code decoded from the rasterised PDF (pdftoppm, zbarimg)
// and scanned through the API resolves to the right child.
TEST_P(Attendance, EveryCardOnThePrintedSheetScansAsItsChild) {
    SignIn("manager1", "tadaima-demo");
    auto sheet = Get("/sites/1/cards.pdf");
    ASSERT_EQ(sheet.status, 200);
    ASSERT_EQ(sheet.body.substr(0, 5), "%PDF-");
    auto pdf = dir_ / "cards.pdf";
    std::ofstream(pdf, std::ios::binary) << sheet.body;
    std::string cmd = "pdftoppm -r 150 -png " + pdf.string() + " " + (dir_ / "page").string() +
                      " && zbarimg --quiet --raw " + (dir_ / "page").string() + "*.png";
    int rc = 0;
    std::string out = testing_support::CommandOutput(cmd, &rc);
    EXPECT_EQ(rc, 0);
    std::vector<std::string> payloads;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) payloads.push_back(line);
    }
    auto placed = One("SELECT COUNT(DISTINCT child_id) FROM child_placement WHERE site_id = 1");
    ASSERT_EQ(static_cast<std::int64_t>(payloads.size()), placed);
    int n = 0;
    for (const auto& payload : payloads) {
        auto scan = Scan(payload, "sheet-" + std::to_string(++n), clock_.Now());
        ASSERT_EQ(scan.status, 201) << payload;
        auto expected = database().Read([&](db::ReadTx& tx) {
            auto id = std::get<common::CardId>(attendance::ParseCardPayload(config_.secret, payload));
            return attendance::GetCard(tx, id)->child_id.value;
        });
        EXPECT_EQ(Field(scan.body, "id"), std::to_string(expected));
    }
    // One card also as images.
    auto png = Get("/children/" + std::to_string(child_) + "/card.png");
    EXPECT_EQ(png.body.substr(1, 3), "PNG");
    auto svg = Get("/children/" + std::to_string(child_) + "/card.svg");
    EXPECT_NE(svg.body.find("<svg"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Db, Attendance, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

// Group commit: many writers at once share transactions, each keeps its own result, and one that fails undoes only
// its own change.
class GroupCommit : public testing_support::DbTest {};

TEST_P(GroupCommit, ConcurrentWritersShareCommitsAndAFailureStaysItsOwn) {
    database().Write([](db::WriteTx& tx) {
        tx.Exec("INSERT INTO city (name, created_at) VALUES ('g', '2026-01-01T00:00:00.000Z')");
    });
    constexpr int kThreads = 8, kEach = 40;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                try {
                    database().WriteGrouped([&](db::WriteTx& tx) {
                        tx.Exec("INSERT INTO city (name, created_at) VALUES (?, '2026-01-01T00:00:00.000Z')",
                                "c" + std::to_string(t) + "-" + std::to_string(i));
                        if (i % 10 == 3) throw std::runtime_error("refused");
                    });
                } catch (const std::runtime_error&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), kThreads * 4);
    auto rows = database().Read([](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM city").Int(0); });
    EXPECT_EQ(rows, 1 + kThreads * (kEach - 4));
    auto refused = database().Read(
        [](db::ReadTx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM city WHERE name LIKE '%-3'").Int(0); });
    EXPECT_EQ(refused, 0);
}

INSTANTIATE_TEST_SUITE_P(Db, GroupCommit, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
