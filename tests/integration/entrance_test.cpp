// A nursery's entrance: guardians stamp their children's arrival and departure with the family pass or PIN, through
// the whole application on SQLite and PostgreSQL.
#include <boost/json.hpp>

#include "attendance/attendance.hpp"
#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "entrance/entrance.hpp"
#include "entrance/pass.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "plans/plans.hpp"

namespace {

using testing_support::AppTest;

class Entrance : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(3, 18);             // site 3 is a nursery, site 1 a 学童
        SetTokyo("2026-11-24", "08:00");  // a Tuesday morning
        older_ = ChildAt(3, 0);
        younger_ = ChildAt(3, 1);
        club_child_ = ChildAt(1, 0);
        database().Write([&](db::WriteTx& tx) {
            account_ = families::CreateConfirmedAccount(tx, "door@example.test", "玄関 花子",
                                                        auth::HashPassword("a door passphrase"), "ja", clock_);
            for (auto c : {older_, younger_, club_child_})
                families::LinkChild(tx, account_, c, auth::FamilyRole::kFull, clock_);
            other_account_ = families::CreateConfirmedAccount(tx, "other@example.test", "他家 一郎", "x", "ja", clock_);
            families::LinkChild(tx, other_account_, ChildAt(3, 2), auth::FamilyRole::kFull, clock_);
            nursery_kiosk_ = attendance::CreateKiosk(tx, common::SiteId(3), "玄関", clock_);
            club_kiosk_ = attendance::CreateKiosk(tx, common::SiteId(1), "入口", clock_);
            pin_ = entrance::EnsurePin(tx, *config_.data_keys, config_.secret, account_, clock_);
            entrance::EnsurePin(tx, *config_.data_keys, config_.secret, other_account_, clock_);
            grandma_older_ =
                plans::AddPickupPerson(tx, older_, {{}, "玄関 祖母", "祖母", "090-0000-0001"}, account_, clock_);
            grandma_younger_ =
                plans::AddPickupPerson(tx, younger_, {{}, "玄関 祖母", "祖母", "090-0000-0001"}, account_, clock_);
            neighbour_ =
                plans::AddPickupPerson(tx, older_, {{}, "近所 次郎", "近所", "090-0000-0002"}, account_, clock_);
        });
    }
    void SetTokyo(const char* date, const char* hhmm) {
        clock_.Set(common::TokyoInstant(*common::ParseDate(date), *common::ParseTimeOfDay(hhmm)));
    }
    common::ChildId ChildAt(int site, int nth) {
        return common::ChildId(One("SELECT child_id FROM child_placement WHERE site_id = " + std::to_string(site) +
                                   " ORDER BY child_id LIMIT 1 OFFSET " + std::to_string(nth)));
    }
    Result Kiosk(const std::string& path, const boost::json::object& body,
                 const attendance::NewKiosk* kiosk = nullptr) {
        return PostJson(path, boost::json::serialize(body),
                        {{"authorization", "Bearer " + (kiosk ? kiosk : &nursery_kiosk_)->credential}});
    }
    Result Lookup(const boost::json::object& body, const attendance::NewKiosk* kiosk = nullptr) {
        return Kiosk("/api/v1/kiosk/family", body, kiosk);
    }
    std::string Pass(common::AccountId account) { return entrance::MakePass(config_.secret, account, clock_.Now()); }
    static boost::json::object Json(const Result& r) { return boost::json::parse(r.body).as_object(); }
    static std::string Error(const Result& r) {
        auto j = boost::json::parse(r.body);
        return std::string(j.at("error").at("code").as_string());
    }
    // The ticket from a lookup with the account's pass.
    std::string Ticket(common::AccountId account) {
        auto r = Lookup({{"pass", Pass(account)}});
        EXPECT_EQ(r.status, 200) << r.body;
        return std::string(Json(r).at("ticket").as_string());
    }
    Result Stamp(const std::string& ticket, const std::string& stamp_id,
                 const std::vector<std::pair<common::ChildId, const char*>>& children,
                 std::optional<boost::json::value> pickup = std::nullopt) {
        boost::json::array list;
        for (const auto& [id, direction] : children) list.push_back({{"id", id.value}, {"direction", direction}});
        boost::json::object body{{"ticket", ticket}, {"stamp_id", stamp_id}, {"children", list}};
        if (pickup) body["pickup"] = *pickup;
        return Kiosk("/api/v1/kiosk/family/stamp", body);
    }
    std::int64_t Events() { return One("SELECT COUNT(*) FROM attendance_event"); }
    std::string State(common::ChildId child) {
        return database().Read([&](db::ReadTx& tx) {
            return std::string(attendance::StateName(attendance::ChildDay(tx, child, "2026-11-24").state));
        });
    }

    common::ChildId older_, younger_, club_child_;
    common::AccountId account_, other_account_;
    attendance::NewKiosk nursery_kiosk_, club_kiosk_;
    std::string pin_;
    common::PickupPersonId grandma_older_, grandma_younger_, neighbour_;
};

TEST_P(Entrance, AFamilyPassNamesTheFamilysChildrenHereAndOneStampRecordsTheSiblingsArrival) {
    auto r = Lookup({{"pass", Pass(account_)}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto family = Json(r);
    EXPECT_EQ(family.at("guardian").as_string(), "玄関 花子");
    auto& children = family.at("children").as_array();
    ASSERT_EQ(children.size(), 2u);  // not the child at the 学童
    for (const auto& c : children) {
        EXPECT_NE(c.at("id").as_int64(), club_child_.value);
        EXPECT_EQ(c.at("next").as_string(), "in");
        EXPECT_EQ(c.at("state").as_string(), "not_arrived");
    }
    // The grandmother is on both children's lists: one choice covering both.
    auto& pickup = family.at("pickup").as_array();
    ASSERT_EQ(pickup.size(), 2u);
    EXPECT_EQ(pickup[0].at("name").as_string(), "玄関 祖母");
    EXPECT_EQ(pickup[0].at("children").as_array().size(), 2u);
    EXPECT_EQ(pickup[1].at("children").as_array().size(), 1u);

    const std::string ticket(family.at("ticket").as_string());
    auto stamped = Stamp(ticket, "s1", {{older_, "in"}, {younger_, "in"}});
    ASSERT_EQ(stamped.status, 201) << stamped.body;
    auto answer = Json(stamped);
    for (const auto& x : answer.at("results").as_array()) {
        EXPECT_EQ(x.at("status").as_string(), "recorded");
        EXPECT_EQ(x.at("direction").as_string(), "in");
        EXPECT_EQ(x.at("time").as_string(), "08:00");
    }
    EXPECT_EQ(State(older_), "in");
    EXPECT_EQ(State(younger_), "in");
    // As a kiosk's entry (the roster, registers and counts read these), without a card, with who stamped it.
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event WHERE source = 'kiosk' AND card_id IS NULL AND kiosk_id = " +
                  nursery_kiosk_.id.ToString()),
              2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM entrance_stamp WHERE account_id = " + account_.ToString() +
                  " AND pickup_person_id IS NULL"),
              2);
    // The family hears of each arrival as of a scan, and the site's live feed has both.
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'entry' AND child_id IN (" + older_.ToString() +
                  ", " + younger_.ToString() + ")"),
              2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM live_event WHERE site_id = 3 AND kind = 'state'"), 2);

    // The tablet resends the same stamp after a lost answer: the first answer, nothing new.
    auto again = Stamp(ticket, "s1", {{older_, "in"}, {younger_, "in"}});
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(Json(again).at("results").as_array()[0].at("status").as_string(), "already_recorded");
    EXPECT_EQ(Events(), 2);
}

TEST_P(Entrance, APassIsGoodOnceAndForAMinuteAndCannotBeForged) {
    std::string pass = Pass(account_);
    std::string older_pass = entrance::MakePass(config_.secret, account_, clock_.Now() - std::chrono::seconds(10));
    ASSERT_EQ(Lookup({{"pass", pass}}).status, 200);
    // The same code again (a photo of the phone's screen), or one shown before it: used.
    auto used = Lookup({{"pass", pass}});
    EXPECT_EQ(used.status, 422);
    EXPECT_EQ(Error(used), "error_pass_used");
    EXPECT_EQ(Error(Lookup({{"pass", older_pass}})), "error_pass_used");
    // A pass made a minute and a bit ago.
    auto stale = entrance::MakePass(config_.secret, account_, clock_.Now() - std::chrono::seconds(61));
    EXPECT_EQ(Error(Lookup({{"pass", stale}})), "error_pass_expired");
    EXPECT_EQ(Error(Lookup({{"pass", entrance::MakePass("not-this-servers-secret-0123456789", account_,
                                                        clock_.Now() + std::chrono::seconds(5))}})),
              "error_pass_unreadable");
    // A new code from the app works.
    clock_.Advance(std::chrono::seconds(20));
    EXPECT_EQ(Lookup({{"pass", Pass(account_)}}).status, 200);
    // Bodies that are not a lookup.
    EXPECT_EQ(Lookup({{"card", "x"}}).status, 400);
    EXPECT_EQ(Events(), 0);
}

TEST_P(Entrance, AtPickUpTheTabletIsToldWhoTakesTheChildrenFromTheirLists) {
    ASSERT_EQ(Stamp(Ticket(account_), "a", {{older_, "in"}, {younger_, "in"}}).status, 201);
    SetTokyo("2026-11-24", "16:45");
    auto ticket = Ticket(account_);
    const auto before = Events();
    // Nobody named: refused, nothing written.
    auto unnamed = Stamp(ticket, "b", {{older_, "out"}, {younger_, "out"}});
    EXPECT_EQ(unnamed.status, 422);
    EXPECT_EQ(Error(unnamed), "error_entrance_pickup_required");
    // The neighbour is on the older child's list only: refused for both, nothing half-written.
    auto partly = Stamp(ticket, "c", {{older_, "out"}, {younger_, "out"}}, boost::json::value(neighbour_.value));
    EXPECT_EQ(Error(partly), "error_entrance_pickup_unknown");
    EXPECT_EQ(Events(), before);
    EXPECT_EQ(State(older_), "in");
    // The grandmother is on both: each child's exit names her entry on its own list.
    auto fetched = Stamp(ticket, "d", {{older_, "out"}, {younger_, "out"}}, boost::json::value(grandma_older_.value));
    ASSERT_EQ(fetched.status, 201) << fetched.body;
    EXPECT_EQ(State(older_), "left");
    EXPECT_EQ(State(younger_), "left");
    EXPECT_EQ(One("SELECT pickup_person_id FROM entrance_stamp s JOIN attendance_event e ON e.id = s.event_id WHERE "
                  "e.kind = 'out' AND e.child_id = " +
                  younger_.ToString()),
              grandma_younger_.value);
    auto event =
        common::EventId(One("SELECT id FROM attendance_event WHERE kind = 'out' AND child_id = " + older_.ToString()));
    auto record = database().Read([&](db::ReadTx& tx) { return entrance::GetStampRecord(tx, event); });
    ASSERT_TRUE(record);
    EXPECT_EQ(record->guardian_name, "玄関 花子");
    EXPECT_EQ(record->pickup_name.value_or(""), "玄関 祖母");
    // Staff see on the child's day who stamped and who took the child; the family's notice says the same.
    SignIn("admin", "tadaima-demo");
    auto day = Get("/children/" + older_.ToString() + "/attendance?date=2026-11-24");
    ASSERT_EQ(day.status, 200);
    EXPECT_NE(day.body.find("お迎え：玄関 祖母（祖母）"), std::string::npos);
    EXPECT_NE(day.body.find("保護者：玄関 花子"), std::string::npos);
    EXPECT_NE(day.body.find("入口のタブレット（玄関）"), std::string::npos);  // not "a card": the guardian's stamp
    RunJobs();
    bool told = false;
    for (const auto& m : MailsTo("door@example.test")) {
        told |= m.body.find("お迎え: 玄関 祖母（祖母）") != std::string::npos &&
                m.body.find("玄関 花子 さんが記録しました") != std::string::npos;
    }
    EXPECT_TRUE(told);
}

TEST_P(Entrance, AChildWhoseStateChangedSinceTheTabletShowedItIsNotFlipped) {
    auto ticket = Ticket(account_);
    // The other parent stamped the older child in a few minutes ago from their own phone: the tablet still offers
    // "in" for it.
    database().Write([&](db::WriteTx& tx) {
        attendance::RecordByStaff(tx,
                                  {older_, common::SiteId(3), attendance::Direction::kIn,
                                   clock_.Now() - std::chrono::minutes(3), common::UserId(1), "", false},
                                  clock_);
    });
    auto r = Stamp(ticket, "x", {{older_, "in"}, {younger_, "in"}});
    ASSERT_EQ(r.status, 201) << r.body;
    auto results = Json(r).at("results").as_array();
    EXPECT_EQ(results[0].at("status").as_string(), "changed");
    EXPECT_EQ(results[1].at("status").as_string(), "recorded");
    EXPECT_EQ(State(older_), "in");  // not checked out by an arrival
}

TEST_P(Entrance, APinOpensTheFamilyAndWrongPinsAreAuditedAndSoonStopped) {
    auto r = Lookup({{"pin", pin_.substr(0, 3) + " " + pin_.substr(3)}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Json(r).at("children").as_array().size(), 2u);
    // Another family's PIN whose child is not at this site is as wrong as any (nothing said of other sites).
    std::string club_pin;
    database().Write([&](db::WriteTx& tx) {
        auto club_only = families::CreateConfirmedAccount(tx, "club@example.test", "学童 母", "x", "ja", clock_);
        families::LinkChild(tx, club_only, ChildAt(1, 1), auth::FamilyRole::kFull, clock_);
        club_pin = entrance::EnsurePin(tx, *config_.data_keys, config_.secret, club_only, clock_);
    });
    EXPECT_EQ(Error(Lookup({{"pin", club_pin}})), "error_pin_wrong");
    std::string wrong = pin_ == "000000" ? "000001" : "000000";
    if (wrong == club_pin) wrong = "999999";
    for (int i = 0; i < entrance::kPinFailuresPerKiosk - 2; ++i)
        EXPECT_EQ(Error(Lookup({{"pin", wrong}})), "error_pin_wrong");
    EXPECT_EQ(Error(Lookup({{"pin", "12"}})), "error_pin_wrong");
    EXPECT_EQ(AuditCount("entrance.pin_wrong"), entrance::kPinFailuresPerKiosk);
    // Five wrong at this kiosk: it stops taking PINs, even the right one, for a while; the family pass still works.
    auto held = Lookup({{"pin", pin_}});
    EXPECT_EQ(held.status, 429);
    EXPECT_EQ(Error(held), "error_pin_throttled");
    EXPECT_EQ(Lookup({{"pass", Pass(account_)}}).status, 200);
    clock_.Advance(std::chrono::minutes(11));
    EXPECT_EQ(Lookup({{"pin", pin_}}).status, 200);
}

TEST_P(Entrance, ANewPinReplacesTheOldAndIsShownOnTheFamilysPassPage) {
    SignInGuardian("door@example.test", "a door passphrase");
    auto page = Get("/family/pass");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find(pin_.substr(0, 3) + " " + pin_.substr(3)), std::string::npos);
    EXPECT_NE(page.body.find("/family/pass/code.svg"), std::string::npos);
    auto code = Get("/family/pass/code.svg");
    EXPECT_EQ(code.status, 200);
    EXPECT_NE(code.body.find("<svg"), std::string::npos);
    ASSERT_EQ(Post("/family/pass/pin", {}).status, 303);
    auto fresh = database().Read([&](db::ReadTx& tx) { return entrance::GetPin(tx, *config_.data_keys, account_); });
    ASSERT_TRUE(fresh);
    EXPECT_NE(*fresh, pin_);
    EXPECT_EQ(Error(Lookup({{"pin", pin_}})), "error_pin_wrong");
    EXPECT_EQ(Lookup({{"pin", *fresh}}).status, 200);
    // Kept sealed, never in plain text.
    EXPECT_EQ(One("SELECT COUNT(*) FROM family_entrance WHERE pin_sealed LIKE 'enc:v1:%'"), 2);
}

TEST_P(Entrance, OnlyANurserysKioskTakesFamiliesAndATicketIsItsKiosksAlone) {
    auto r = Lookup({{"pass", Pass(account_)}}, &club_kiosk_);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(Error(r), "error_entrance_not_nursery");
    auto ticket = Ticket(account_);
    // Another nursery kiosk, or this one with a ticket altered to another family: refused.
    attendance::NewKiosk second;
    database().Write([&](db::WriteTx& tx) { second = attendance::CreateKiosk(tx, common::SiteId(3), "裏口", clock_); });
    boost::json::array one{{{"id", older_.value}, {"direction", "in"}}};
    auto elsewhere =
        Kiosk("/api/v1/kiosk/family/stamp", {{"ticket", ticket}, {"stamp_id", "t"}, {"children", one}}, &second);
    EXPECT_EQ(Error(elsewhere), "error_entrance_ticket");
    std::string forged = other_account_.ToString() + ticket.substr(ticket.find('.'));
    EXPECT_EQ(Error(Stamp(forged, "t", {{older_, "in"}})), "error_entrance_ticket");
    // Another family's child, or the family's own child at the 学童, with this family's ticket: refused whole.
    EXPECT_EQ(Error(Stamp(ticket, "u", {{older_, "in"}, {ChildAt(3, 2), "in"}})), "error_entrance_not_here");
    EXPECT_EQ(Error(Stamp(ticket, "v", {{club_child_, "in"}})), "error_entrance_not_here");
    EXPECT_EQ(Error(Stamp(ticket, "w", {})), "error_entrance_no_children");
    EXPECT_EQ(Events(), 0);
    // Without a kiosk's credential: nothing.
    EXPECT_EQ(PostJson("/api/v1/kiosk/family", R"({"pin":"123456"})").status, 401);
}

TEST_P(Entrance, WhatIsTrueTodayDecidesAChildWhoLeftTheNurseryOrALinkThatEnded) {
    auto ticket = Ticket(account_);
    // The younger child moved to the 学童 from today, and the family's link to the older one was ended by staff.
    MoveChild(younger_, common::SiteId(1));
    database().Write([&](db::WriteTx& tx) { families::EndChildLink(tx, account_, older_, clock_); });
    EXPECT_EQ(Error(Stamp(ticket, "m", {{younger_, "in"}})), "error_entrance_not_here");
    EXPECT_EQ(Error(Stamp(ticket, "n", {{older_, "in"}})), "error_entrance_not_here");
    clock_.Advance(std::chrono::seconds(30));
    EXPECT_EQ(Error(Lookup({{"pass", Pass(account_)}})), "error_entrance_no_child_here");
    EXPECT_EQ(Events(), 0);
}

INSTANTIATE_TEST_SUITE_P(Db, Entrance, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
