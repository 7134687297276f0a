// Plans, absence and change contact, pick-up persons, the site's day and alerts on SQLite and PostgreSQL.
#include <algorithm>
#include <regex>
#include <thread>

#include "app/job_handlers.hpp"
#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "plans/alerts.hpp"
#include "plans/plans.hpp"

namespace {

using plans::ContactKind;
using plans::PlanInput;
using plans::PlanProblem;
using plans::WayHome;
using testing_support::AppTest;

common::Date D(const char* text) { return *common::ParseDate(text); }

class Plans : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 12);
        // Sunday 2026-11-22, 10:00 in Tokyo (the harness's clock); site 1 is a 学童 open Mon–Sat.
        child_ = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1"));
        other_child_ = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 2"));
        database().Write([&](db::WriteTx& tx) {
            account_ = families::CreateConfirmedAccount(tx, "plans@example.test", "計画 花子", "x", "ja", clock_);
            families::LinkChild(tx, account_, child_, auth::FamilyRole::kFull, clock_);
        });
    }
    plans::PlanResult Set(const std::vector<common::Date>& dates, const PlanInput& in,
                          ContactKind kind = ContactKind::kPlan, bool skip_closed = false,
                          std::optional<common::ChildId> child = std::nullopt) {
        return database().Write([&](db::WriteTx& tx) {
            return plans::SetPlans(tx, account_, child.value_or(child_), dates, in, kind, skip_closed, clock_);
        });
    }
    static PlanInput Attend(const char* leave = "17:00") { return {true, *common::ParseTimeOfDay(leave)}; }
    void SetTokyo(const char* date, const char* hhmm) {
        clock_.Set(common::TokyoInstant(D(date), *common::ParseTimeOfDay(hhmm)));
    }
    common::ChildId child_, other_child_;
    common::AccountId account_;
};

TEST_P(Plans, AWeeklyPatternOverARangeSkipsClosureDaysAndNeedsNoStaffBeforeTheDeadline) {
    database().Write(
        [&](db::WriteTx& tx) { plans::AddClosure(tx, common::SiteId(1), D("2026-12-02"), "研修", clock_); });
    auto days = plans::DatesOnWeekdays(D("2026-11-23"), D("2026-12-31"), {1, 3, 5});
    auto r = Set(days, Attend("17:30"), ContactKind::kPlan, true);
    ASSERT_TRUE(r.problems.empty());
    EXPECT_EQ(r.skipped_closed, std::vector<std::string>{"2026-12-02"});
    EXPECT_EQ(r.saved, static_cast<int>(days.size()) - 1);
    EXPECT_EQ(r.late, 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact"), 0);
    auto stored = database().Read(
        [&](db::ReadTx& tx) { return plans::PlansOfChild(tx, child_, D("2026-11-01"), D("2026-11-30")); });
    ASSERT_EQ(stored.size(), 4u);  // 23, 25, 27, 30 November
    EXPECT_EQ(stored[0].date, "2026-11-23");
    EXPECT_EQ(stored[3].date, "2026-11-30");
    EXPECT_TRUE(stored[0].plan.attending);
    EXPECT_EQ(stored[0].plan.leave_minutes, 17 * 60 + 30);
    // The same again changes nothing.
    EXPECT_EQ(Set(days, Attend("17:30"), ContactKind::kPlan, true).saved, 0);
}

TEST_P(Plans, BadDaysAreRefusedByDateAndNothingIsWritten) {
    database().Write([&](db::WriteTx& tx) { plans::AddClosure(tx, common::SiteId(1), D("2026-11-26"), "", clock_); });
    auto problems = [&](const std::vector<common::Date>& dates, const PlanInput& in) {
        auto r = Set(dates, in);
        EXPECT_EQ(r.saved, 0);
        std::vector<std::pair<std::string, PlanProblem>> out;
        for (const auto& p : r.problems) out.emplace_back(p.date, p.problem);
        return out;
    };
    using P = std::vector<std::pair<std::string, PlanProblem>>;
    // One good day beside each bad one: the good one is not written either.
    EXPECT_EQ(problems({D("2026-11-24"), D("2026-11-21")}, Attend()), (P{{"2026-11-21", PlanProblem::kPastDate}}));
    EXPECT_EQ(problems({D("2026-11-24"), D("2026-11-26")}, Attend()), (P{{"2026-11-26", PlanProblem::kClosed}}));
    EXPECT_EQ(problems({D("2026-11-24"), D("2026-11-29")}, Attend()), (P{{"2026-11-29", PlanProblem::kClosed}}));
    EXPECT_EQ(problems({D("2026-11-24")}, Attend("20:00")), (P{{"2026-11-24", PlanProblem::kLeaveOutsideHours}}));
    EXPECT_EQ(problems({D("2026-11-24")}, Attend("12:00")), (P{{"2026-11-24", PlanProblem::kLeaveOutsideHours}}));
    EXPECT_EQ(problems({D("2028-01-05")}, Attend()), (P{{"2028-01-05", PlanProblem::kTooFar}}));
    PlanInput pickup = Attend();
    pickup.way_home = WayHome::kPickup;
    EXPECT_EQ(problems({D("2026-11-24")}, pickup), (P{{"", PlanProblem::kUnknownPickupPerson}}));
    // Someone on another child's list is nobody for this one.
    pickup.pickup_person = database().Write([&](db::WriteTx& tx) {
        return plans::AddPickupPerson(tx, other_child_, {{}, "祖母 一", "祖母", "090-0000-0000"}, account_, clock_);
    });
    EXPECT_EQ(problems({D("2026-11-24")}, pickup), (P{{"", PlanProblem::kUnknownPickupPerson}}));
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_plan"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact"), 0);
}

TEST_P(Plans, PickUpIsBySomeoneOnTheChildsListAndARemovedPersonIsNoLongerChosen) {
    auto person = database().Write([&](db::WriteTx& tx) {
        return plans::AddPickupPerson(tx, child_, {{}, "祖父 太郎", "祖父", "090-1111-2222"}, account_, clock_);
    });
    PlanInput in = Attend("18:00");
    in.way_home = WayHome::kPickup;
    in.pickup_person = person;
    ASSERT_TRUE(Set({D("2026-11-24")}, in).problems.empty());
    auto stored = database().Read(
        [&](db::ReadTx& tx) { return plans::PlansOfChild(tx, child_, D("2026-11-24"), D("2026-11-24")); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].plan.way_home, WayHome::kPickup);
    EXPECT_EQ(stored[0].pickup_name, "祖父 太郎");
    EXPECT_TRUE(
        database().Write([&](db::WriteTx& tx) { return plans::RemovePickupPerson(tx, child_, person, clock_); }));
    EXPECT_TRUE(database().Read([&](db::ReadTx& tx) { return plans::ListPickupPersons(tx, child_); }).empty());
    EXPECT_FALSE(Set({D("2026-11-25")}, in).problems.empty());
}

TEST_P(Plans, AbsencesAndChangesReachStaffWithTheirDateAndLateChangesAreFlagged) {
    ASSERT_TRUE(Set({D("2026-11-24")}, Attend()).problems.empty());
    // Monday evening, after the 17:00 deadline for Tuesday: a changed leaving time is a late request.
    SetTokyo("2026-11-23", "17:01");
    auto change = Set({D("2026-11-24")}, Attend("18:00"), ContactKind::kPlan);
    EXPECT_EQ(change.saved, 1);
    EXPECT_EQ(change.late, 1);
    // Tuesday 07:40: an absence for the same day.
    SetTokyo("2026-11-24", "07:40");
    PlanInput absent{false};
    absent.absence_reason = "illness";
    absent.note = "熱が38度あります";
    auto r = Set({D("2026-11-24")}, absent, ContactKind::kAbsence);
    ASSERT_TRUE(r.problems.empty());
    auto contacts =
        database().Read([&](db::ReadTx& tx) { return plans::ContactsForDay(tx, common::SiteId(1), D("2026-11-24")); });
    ASSERT_EQ(contacts.size(), 2u);
    EXPECT_EQ(contacts[0].kind, "absence");  // newest first
    EXPECT_EQ(contacts[0].date, "2026-11-24");
    EXPECT_FALSE(contacts[0].attending);
    EXPECT_EQ(contacts[0].absence_reason, std::optional<std::string>("illness"));
    EXPECT_EQ(contacts[0].note, "熱が38度あります");
    EXPECT_EQ(contacts[0].account_name, "計画 花子");
    EXPECT_TRUE(contacts[0].after_deadline);
    EXPECT_EQ(contacts[1].kind, "late_plan");
    EXPECT_EQ(contacts[1].leave_minutes, 18 * 60);
    EXPECT_FALSE(contacts[1].confirmed_at);
    // Nothing for another day or another site.
    EXPECT_TRUE(database()
                    .Read([&](db::ReadTx& tx) { return plans::ContactsForDay(tx, common::SiteId(1), D("2026-11-25")); })
                    .empty());
    EXPECT_TRUE(database()
                    .Read([&](db::ReadTx& tx) { return plans::ContactsForDay(tx, common::SiteId(2), D("2026-11-24")); })
                    .empty());
    // A carer confirms it once.
    auto staff = common::UserId(One("SELECT MIN(id) FROM staff_user"));
    EXPECT_TRUE(
        database().Write([&](db::WriteTx& tx) { return plans::ConfirmContact(tx, contacts[0].id, staff, clock_); }));
    EXPECT_FALSE(
        database().Write([&](db::WriteTx& tx) { return plans::ConfirmContact(tx, contacts[0].id, staff, clock_); }));
    common::SiteId site;
    auto confirmed = database().Read([&](db::ReadTx& tx) { return plans::GetContact(tx, contacts[0].id, &site); });
    ASSERT_TRUE(confirmed);
    EXPECT_TRUE(confirmed->confirmed_at);
    EXPECT_NE(confirmed->confirmed_by_name, "");
    EXPECT_EQ(site, common::SiteId(1));
    auto stored = database().Read(
        [&](db::ReadTx& tx) { return plans::PlansOfChild(tx, child_, D("2026-11-24"), D("2026-11-24")); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_FALSE(stored[0].plan.attending);
    EXPECT_FALSE(stored[0].plan.leave_minutes);
}

TEST_P(Plans, TodayEndsAtMidnightInTokyo) {
    SetTokyo("2026-11-24", "23:59");
    EXPECT_TRUE(Set({D("2026-11-24")}, Attend()).problems.empty());
    SetTokyo("2026-11-25", "00:00");
    auto r = Set({D("2026-11-24")}, Attend("18:00"));
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].problem, PlanProblem::kPastDate);
}

TEST_P(Plans, TheSiteDayHasHoursClosuresAndTheGradesDismissal) {
    database().Write([&](db::WriteTx& tx) {
        plans::SetDismissal(tx, common::SiteId(1), 0, 2, 15 * 60, clock_);       // every grade, Tuesdays
        plans::SetDismissal(tx, common::SiteId(1), 1, 2, 14 * 60 + 30, clock_);  // 1st grade, Tuesdays
        plans::AddClosure(tx, common::SiteId(1), D("2026-12-29"), "年末", clock_);
    });
    auto day = [&](const char* date, std::optional<int> grade) {
        return database().Read([&](db::ReadTx& tx) {
            return plans::LoadSiteDay(tx, common::SiteId(1), plans::GetSiteRules(tx, common::SiteId(1)), D(date),
                                      grade);
        });
    };
    auto first = day("2026-11-24", 1);
    EXPECT_FALSE(first.closed);
    EXPECT_EQ(first.opens, 13 * 60);
    EXPECT_EQ(first.closes, 19 * 60);
    EXPECT_EQ(first.dismissal, 14 * 60 + 30);
    EXPECT_EQ(first.late_after, std::chrono::minutes(30));
    EXPECT_EQ(day("2026-11-24", 3).dismissal, 15 * 60);
    EXPECT_FALSE(day("2026-11-25", 1).dismissal);  // nothing set for Wednesdays
    EXPECT_TRUE(day("2026-11-22", 1).closed);      // Sunday: no opening hours
    EXPECT_TRUE(day("2026-12-29", 1).closed);
    database().Write([&](db::WriteTx& tx) {
        plans::SetDismissal(tx, common::SiteId(1), 1, 2, std::nullopt, clock_);
        EXPECT_TRUE(plans::RemoveClosure(tx, common::SiteId(1), D("2026-12-29")));
    });
    EXPECT_EQ(day("2026-11-24", 1).dismissal, 15 * 60);
    EXPECT_FALSE(day("2026-12-29", 1).closed);
}

INSTANTIATE_TEST_SUITE_P(Db, Plans, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

class Alerts : public Plans {
 protected:
    void SetUp() override {
        Plans::SetUp();
        absent_child_ =
            common::ChildId(One("SELECT child_id FROM child_placement WHERE site_id = 1 ORDER BY child_id "
                                "LIMIT 1 OFFSET 1"));
        database().Write([&](db::WriteTx& tx) {
            plans::SetDismissal(tx, common::SiteId(1), 0, 2, 15 * 60, clock_);  // Tuesdays, every grade
            families::LinkChild(tx, account_, absent_child_, auth::FamilyRole::kFull, clock_);
        });
        ASSERT_TRUE(Set({D("2026-11-24")}, Attend("17:00")).problems.empty());
        ASSERT_TRUE(
            Set({D("2026-11-24")}, PlanInput{false}, ContactKind::kPlan, false, absent_child_).problems.empty());
        staff_ = common::UserId(One("SELECT MIN(id) FROM staff_user"));
    }
    std::map<common::ChildId, plans::ChildOutlook> Outlook() {
        return database().Read([&](db::ReadTx& tx) {
            auto roster = attendance::SiteRoster(tx, common::SiteId(1), "2026-11-24", std::nullopt);
            return plans::SiteOutlook(tx, common::SiteId(1), D("2026-11-24"), clock_.Now(), roster.rows);
        });
    }
    int Raise() { return plans::RaiseAllAlerts(database(), clock_); }
    common::ChildId absent_child_;
    common::UserId staff_;
};

TEST_P(Alerts, APlannedChildWithNoEntryByDismissalPlusTheThresholdIsMissingOnceAndTheFamilyIsTold) {
    SetTokyo("2026-11-24", "15:29");
    EXPECT_EQ(Raise(), 0);
    auto before = Outlook();
    EXPECT_EQ(before.at(child_).outlook.expectation, plans::Expectation::kExpected);
    EXPECT_TRUE(before.at(child_).outlook.alerts.empty());
    EXPECT_EQ(before.at(absent_child_).outlook.expectation, plans::Expectation::kAbsent);
    auto unplanned =
        common::ChildId(One("SELECT child_id FROM child_placement WHERE site_id = 1 ORDER BY child_id "
                            "LIMIT 1 OFFSET 2"));
    EXPECT_EQ(before.at(unplanned).outlook.expectation, plans::Expectation::kNotPlanned);

    SetTokyo("2026-11-24", "15:30");
    auto now = Outlook();
    EXPECT_EQ(now.at(child_).outlook.alerts, std::vector<plans::AlertKind>{plans::AlertKind::kNotArrived});
    EXPECT_TRUE(now.at(absent_child_).outlook.alerts.empty());
    EXPECT_EQ(Raise(), 1);
    EXPECT_EQ(Raise(), 0);  // recorded once
    // One mail per family member of the child (the demo city links some already, and this test's account).
    auto members =
        One("SELECT COUNT(*) FROM guardian_account_child WHERE ended_at IS NULL AND child_id = " + child_.ToString());
    ASSERT_GE(members, 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'alert' AND urgent = 1"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'notify.email'"), members);
    EXPECT_EQ(RunJobs(), members);
    auto mails = Mails();
    ASSERT_EQ(static_cast<std::int64_t>(mails.size()), members);
    auto mine = std::find_if(mails.begin(), mails.end(), [](const auto& m) { return m.to == "plans@example.test"; });
    ASSERT_NE(mine, mails.end());
    EXPECT_NE(mine->subject.find("到着していません"), std::string::npos) << mine->subject;
    EXPECT_NE(mine->body.find("11月24日（火）"), std::string::npos) << mine->body;
    EXPECT_NE(mine->body.find("計画 花子"), std::string::npos) << mine->body;

    // Staff resolve it: it stays in the day's record and is no longer open.
    EXPECT_TRUE(database().Write([&](db::WriteTx& tx) {
        return plans::ResolveAlert(tx, common::SiteId(1), child_, D("2026-11-24"), plans::AlertKind::kNotArrived,
                                   plans::Resolution::kAbsentWithoutNotice, "祖母宅にいた", staff_, clock_);
    }));
    EXPECT_FALSE(database().Write([&](db::WriteTx& tx) {
        return plans::ResolveAlert(tx, common::SiteId(1), child_, D("2026-11-24"), plans::AlertKind::kNotArrived,
                                   plans::Resolution::kFound, "", staff_, clock_);
    }));
    EXPECT_TRUE(Outlook().at(child_).outlook.alerts.empty());
    auto record = database().Read([&](db::ReadTx& tx) { return plans::AlertsOfChildDay(tx, child_, D("2026-11-24")); });
    ASSERT_EQ(record.size(), 1u);
    EXPECT_EQ(record[0].resolution, std::optional<std::string>("absent_without_notice"));
    EXPECT_EQ(record[0].resolution_note, "祖母宅にいた");
    EXPECT_NE(record[0].resolved_by_name, "");
    EXPECT_EQ(Raise(), 0);
}

TEST_P(Alerts, AChildStillInsideAtClosingRaisesItsOwnAlertAndASiteMayKeepFamiliesOutOfIt) {
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE site SET notify_guardians_on_alert = 0 WHERE id = 1");
        attendance::RecordByStaff(tx,
                                  {child_, common::SiteId(1), attendance::Direction::kIn,
                                   common::TokyoInstant(D("2026-11-24"), 15 * 60 + 5), staff_, "カード忘れ"},
                                  clock_);
    });
    SetTokyo("2026-11-24", "18:59");
    EXPECT_EQ(Raise(), 0);
    SetTokyo("2026-11-24", "19:00");
    EXPECT_EQ(Outlook().at(child_).outlook.alerts, std::vector<plans::AlertKind>{plans::AlertKind::kAfterClosing});
    EXPECT_EQ(Raise(), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE kind = 'alert'"), 0);
    EXPECT_TRUE(plans::ResolutionFits(plans::AlertKind::kAfterClosing, plans::Resolution::kLeft));
    EXPECT_FALSE(plans::ResolutionFits(plans::AlertKind::kAfterClosing, plans::Resolution::kArrivedLate));
    EXPECT_FALSE(plans::ResolutionFits(plans::AlertKind::kNotArrived, plans::Resolution::kPickedUp));
}

TEST_P(Alerts, TheSweepIsOneJobThatPlansItsNextRun) {
    // Reminders (which the sweep also plans) are another test's matter.
    database().Write([&](db::WriteTx& tx) { tx.Exec("UPDATE site SET plan_reminder_day = 0"); });
    // An open roster of site 1 for that day hears of the alert as it is raised.
    auto roster = std::make_shared<http::EventChannel>();
    live_->Subscribe(common::SiteId(1), "2026-11-24", 0, roster);
    plans::EnsureAlertSweep(database(), clock_);
    plans::EnsureAlertSweep(database(), clock_);  // a restart: still one
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'alerts.sweep' AND state = 'queued'"), 1);
    SetTokyo("2026-11-24", "15:31");
    auto members =
        One("SELECT COUNT(*) FROM guardian_account_child WHERE ended_at IS NULL AND child_id = " + child_.ToString());
    EXPECT_EQ(RunJobs(), 1 + members);  // the sweep, then the mails it planned
    EXPECT_EQ(One("SELECT COUNT(*) FROM child_alert"), 1);
    auto sent = roster->Take().data;
    EXPECT_NE(sent.find("event: alert"), std::string::npos) << sent;
    EXPECT_NE(sent.find("\"child\":" + child_.ToString()), std::string::npos) << sent;
    EXPECT_NE(sent.find("not_arrived"), std::string::npos) << sent;
    // Numbered in the site's feed: a roster that reconnects after it is not sent it again, one that missed it is.
    EXPECT_TRUE(std::regex_search(sent, std::regex(R"(id: \d+\nevent: alert\n)"))) << sent;
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'alerts.sweep' AND state = 'queued'"), 1);
    EXPECT_EQ(RunJobs(), 0);  // the next one is a minute away
    clock_.Advance(std::chrono::seconds(60));
    EXPECT_EQ(RunJobs(), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM child_alert"), 1);
}

TEST_P(Alerts, EachSelfPlanningJobIsQueuedOnceAtStartAndPlansItsNextRun) {
    database().Write([&](db::WriteTx& tx) { tx.Exec("UPDATE site SET plan_reminder_day = 0"); });
    app::EnsureRecurringJobs(database(), clock_);
    app::EnsureRecurringJobs(database(), clock_);  // a restart: still one of each
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'db.statistics' AND state = 'queued'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'alerts.sweep' AND state = 'queued'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'naps.sweep' AND state = 'queued'"), 1);
    EXPECT_EQ(RunJobs(), 3);  // the statistics, the alerts' sweep and the naps'
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'db.statistics' AND state = 'done'"), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'naps.sweep' AND state = 'queued'"), 1);  // in 30 s
    clock_.Advance(std::chrono::minutes(59));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'db.statistics' AND state = 'done'"), 1);
    clock_.Advance(std::chrono::minutes(1));
    RunJobs();
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'db.statistics' AND state = 'done'"), 2);
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'db.statistics' AND state = 'queued'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Db, Alerts, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

using RosterPlans = Alerts;

// The roster as a carer sees it: absences, the missing child in red with a way to record what happened, and
// today's changes to confirm, each once.
TEST_P(RosterPlans, TheRosterShowsAbsencesAlertsAndTodaysChangesToConfirm) {
    SetTokyo("2026-11-24", "07:45");
    PlanInput absent{false};
    absent.absence_reason = "family";
    absent.note = "祖父母宅へ";
    ASSERT_TRUE(Set({D("2026-11-24")}, absent, ContactKind::kAbsence, false, absent_child_).problems.empty());
    SetTokyo("2026-11-24", "15:31");
    SignIn("staff1", "tadaima-demo");
    auto page = Get("/sites/1/roster");
    ASSERT_EQ(page.status, 200);
    auto row = [&](common::ChildId c) {
        auto start = page.body.find("<tr id=\"child-" + c.ToString() + "\"");
        EXPECT_NE(start, std::string::npos);
        return page.body.substr(start, page.body.find("</tr>", start) - start);
    };
    EXPECT_NE(row(absent_child_).find("data-standing=\"absent\""), std::string::npos);
    EXPECT_NE(row(child_).find("data-qa=\"alert-badge\""), std::string::npos);
    EXPECT_NE(page.body.find("data-alert=\"not_arrived\""), std::string::npos);
    EXPECT_NE(row(child_).find("17:00"), std::string::npos);  // the plan's leaving time
    EXPECT_NE(page.body.find("data-qa=\"roster-alerts\""), std::string::npos);
    EXPECT_NE(page.body.find("祖父母宅へ"), std::string::npos);
    EXPECT_NE(page.body.find("data-qa=\"unconfirmed-count\""), std::string::npos);

    auto contact = One("SELECT MAX(id) FROM plan_contact");
    auto confirm = Post("/contacts/" + std::to_string(contact) + "/confirm", {{"next", "/sites/1/roster"}});
    EXPECT_EQ(confirm.status, 303);
    EXPECT_NE(confirm.location.find("notice=contact_confirmed"), std::string::npos) << confirm.location;
    EXPECT_EQ(One("SELECT COUNT(confirmed_at) FROM plan_contact"), 1);
    EXPECT_EQ(AuditCount("contact.confirm"), 1);
    page = Get("/sites/1/roster");
    EXPECT_EQ(page.body.find("data-qa=\"unconfirmed-count\""), std::string::npos);
    EXPECT_NE(page.body.find("data-qa=\"confirmed\""), std::string::npos);

    // A resolution that does not fit the alert is refused, in the carer's language.
    auto wrong = Post("/children/" + child_.ToString() + "/alerts/resolve",
                      {{"kind", "not_arrived"}, {"resolution", "picked_up"}, {"next", "/sites/1/roster"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_NE(wrong.body.find("対応の内容を選んでください"), std::string::npos);
    auto resolve = Post(
        "/children/" + child_.ToString() + "/alerts/resolve",
        {{"kind", "not_arrived"}, {"resolution", "arrived_late"}, {"note", "15:50 到着"}, {"next", "/sites/1/roster"}});
    EXPECT_EQ(resolve.status, 303);
    EXPECT_EQ(AuditCount("alert.resolve"), 1);
    page = Get("/sites/1/roster");
    EXPECT_EQ(row(child_).find("data-qa=\"alert-badge\""), std::string::npos);
    EXPECT_EQ(page.body.find("data-qa=\"roster-alerts\""), std::string::npos);
    // The day's record keeps the plan, the alert and what was done about it; the absent child's, the contact.
    auto day = Get("/children/" + child_.ToString() + "/attendance");
    ASSERT_EQ(day.status, 200);
    EXPECT_NE(day.body.find("data-qa=\"day-alert\""), std::string::npos);
    EXPECT_NE(day.body.find("遅れて到着"), std::string::npos);
    EXPECT_NE(day.body.find("15:50 到着"), std::string::npos);
    EXPECT_NE(day.body.find("利用する 17:00"), std::string::npos);
    auto other_day = Get("/children/" + absent_child_.ToString() + "/attendance");
    EXPECT_NE(other_day.body.find("祖父母宅へ"), std::string::npos);
    EXPECT_NE(other_day.body.find("確認済み"), std::string::npos);
}

// The counts add up (here, gone home, not arrived, absent, no plan), each is a filter, a name finds a child, and a
// child staff found absent without notice is counted absent, not still expected.
TEST_P(RosterPlans, TheCountsAddUpEachIsAFilterAndAChildFoundAbsentCountsAsAbsent) {
    const common::ChildId other_in(
        One("SELECT child_id FROM child_placement WHERE site_id = 1 ORDER BY child_id LIMIT 1 OFFSET 3"));
    database().Write([&](db::WriteTx& tx) {
        attendance::RecordByStaff(tx,
                                  {other_in, common::SiteId(1), attendance::Direction::kIn,
                                   common::TokyoInstant(D("2026-11-24"), 15 * 60 + 5), staff_, ""},
                                  clock_);
    });
    SetTokyo("2026-11-24", "15:31");
    SignIn("staff1", "tadaima-demo");
    auto counts = [&](const std::string& body) {
        std::map<std::string, int> out;
        for (const char* k : {"alert", "in", "left", "expected", "absent", "no_plan", "total"}) {
            std::string mark = std::string("data-count=\"") + k + "\">";
            auto at = body.find(mark);
            out[k] = at == std::string::npos ? -1 : std::stoi(body.substr(at + mark.size()));
        }
        return out;
    };
    auto row = [&](const std::string& body, common::ChildId c) {
        auto start = body.find("<tr id=\"child-" + c.ToString() + "\"");
        EXPECT_NE(start, std::string::npos);
        return body.substr(start, body.find('>', start) - start);
    };
    auto page = Get("/sites/1/roster");
    ASSERT_EQ(page.status, 200);
    auto c = counts(page.body);
    const int children = static_cast<int>(One("SELECT COUNT(*) FROM child_placement WHERE site_id = 1"));
    EXPECT_EQ(c["total"], children);
    EXPECT_EQ(c["in"] + c["left"] + c["expected"] + c["absent"] + c["no_plan"], children);
    EXPECT_EQ(c["alert"], 1);
    EXPECT_EQ(c["expected"], 1);
    EXPECT_EQ(c["absent"], 1);
    EXPECT_EQ(c["in"], 1);
    EXPECT_NE(row(page.body, child_).find("data-standing=\"expected\""), std::string::npos);
    // The family's phone number is with the alert (and showing it is audited).
    auto phone = database().Read([&](db::ReadTx& tx) {
        return tx
            .QueryOne(
                "SELECT g.phone FROM guardian g JOIN guardian_child gc ON gc.guardian_id = g.id WHERE "
                "gc.child_id = ? AND g.phone <> '' ORDER BY gc.id LIMIT 1",
                child_)
            .Text(0);
    });
    EXPECT_NE(page.body.find(">母 " + phone), std::string::npos);
    EXPECT_GE(AuditCount("roster.phones"), 1);

    // Each count shows its children only; the others stay in the page, hidden.
    auto absent = Get("/sites/1/roster?state=absent");
    EXPECT_EQ(row(absent.body, absent_child_).find(" hidden"), std::string::npos);
    EXPECT_NE(row(absent.body, child_).find(" hidden"), std::string::npos);
    EXPECT_NE(absent.body.find("data-qa=\"filter-line\""), std::string::npos);
    auto alerted = Get("/sites/1/roster?state=alert");
    EXPECT_EQ(row(alerted.body, child_).find(" hidden"), std::string::npos);
    EXPECT_NE(row(alerted.body, absent_child_).find(" hidden"), std::string::npos);
    EXPECT_EQ(counts(Get("/sites/1/roster?state=nonsense").body)["total"], children);
    // A name (or its kana) finds the child.
    auto kana = database().Read(
        [&](db::ReadTx& tx) { return tx.QueryOne("SELECT given_kana FROM child WHERE id = ?", child_).Text(0); });
    auto found = Get("/sites/1/roster?q=" + http::UrlEncode(kana));
    EXPECT_EQ(row(found.body, child_).find(" hidden"), std::string::npos);

    // Staff found the child absent without notice: absent, no longer expected, and the counts still add up.
    auto resolve =
        Post("/children/" + child_.ToString() + "/alerts/resolve",
             {{"kind", "not_arrived"}, {"resolution", "absent_without_notice"}, {"next", "/sites/1/roster"}});
    EXPECT_EQ(resolve.status, 303);
    page = Get("/sites/1/roster");
    auto after = counts(page.body);
    EXPECT_EQ(after["alert"], -1);  // no alerts: no such count
    EXPECT_EQ(after["expected"], 0);
    EXPECT_EQ(after["absent"], 2);
    EXPECT_EQ(after["in"] + after["left"] + after["expected"] + after["absent"] + after["no_plan"], children);
    EXPECT_NE(row(page.body, child_).find("data-standing=\"absent\""), std::string::npos);
}

// Any date: tomorrow's plans and absences ahead (with tomorrow's count on today's page), a past day's record; the
// hand record names the child and can be taken back.
TEST_P(RosterPlans, TomorrowAndPastDaysAndAHandRecordThatNamesTheChildAndCanBeUndone) {
    ASSERT_TRUE(Set({D("2026-11-25")}, Attend("17:00")).problems.empty());
    ASSERT_TRUE(Set({D("2026-11-25")}, PlanInput{false}, ContactKind::kPlan, false, absent_child_).problems.empty());
    SetTokyo("2026-11-24", "15:00");
    SignIn("staff1", "tadaima-demo");
    auto page = Get("/sites/1/roster");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("data-qa=\"tomorrow-expected\">1<"), std::string::npos);
    auto ahead = Get("/sites/1/roster?date=2026-11-25");
    ASSERT_EQ(ahead.status, 200);
    EXPECT_NE(ahead.body.find("2026-11-25（水）"), std::string::npos);
    EXPECT_NE(ahead.body.find("data-count=\"expected\">1<"), std::string::npos);
    EXPECT_NE(ahead.body.find("data-count=\"absent\">1<"), std::string::npos);
    EXPECT_EQ(ahead.body.find("id=\"hand-entry\""), std::string::npos);  // nothing to record ahead
    EXPECT_EQ(ahead.body.find("data-field=\"button\""), std::string::npos);
    auto garbage = Get("/sites/1/roster?date=2026-13-40");
    EXPECT_NE(garbage.body.find("2026-11-24（火）"), std::string::npos);

    auto record =
        Post("/children/" + child_.ToString() + "/attendance", {{"direction", "in"}, {"next", "/sites/1/roster"}});
    ASSERT_EQ(record.status, 303);
    EXPECT_NE(record.location.find("recorded="), std::string::npos) << record.location;
    EXPECT_NE(record.location.find("#child-" + child_.ToString()), std::string::npos) << record.location;
    auto back = Get(record.location.substr(0, record.location.find('#')));
    auto name = database().Read([&](db::ReadTx& tx) {
        return tx.QueryOne("SELECT family_name || ' ' || given_name FROM child WHERE id = ?", child_).Text(0);
    });
    auto recorded = back.body.substr(back.body.find("data-qa=\"recorded\""), 600);
    EXPECT_NE(recorded.find(name), std::string::npos);
    EXPECT_NE(recorded.find("入室 15:00"), std::string::npos);
    auto event = One("SELECT MAX(id) FROM attendance_event");
    auto undo = Post("/attendance/" + std::to_string(event) + "/correct",
                     {{"action", "undo"}, {"reason", "押し間違い"}, {"next", "/sites/1/roster"}});
    ASSERT_EQ(undo.status, 303);
    EXPECT_NE(undo.location.find("notice=undone"), std::string::npos) << undo.location;
    page = Get("/sites/1/roster");
    EXPECT_NE(page.body.find("<tr id=\"child-" + child_.ToString() + "\" data-child=\"" + child_.ToString() +
                             "\" data-state=\"not_arrived\""),
              std::string::npos);
    // A past day's record: nothing to record or resolve there.
    auto past = Get("/sites/1/roster?date=2026-11-23");
    EXPECT_NE(past.body.find("2026-11-23（月）"), std::string::npos);
    EXPECT_EQ(past.body.find("data-field=\"button\""), std::string::npos);
    EXPECT_EQ(past.body.find("alerts/resolve"), std::string::npos);
}

// The staff home says what to do now at the account's sites: open alerts, contacts to confirm, who is here.
TEST_P(RosterPlans, TheStaffHomeListsWhatToDoNowAtTheirSites) {
    SetTokyo("2026-11-24", "07:45");
    PlanInput absent{false};
    absent.absence_reason = "illness";
    ASSERT_TRUE(Set({D("2026-11-24")}, absent, ContactKind::kAbsence, false, absent_child_).problems.empty());
    SetTokyo("2026-11-24", "15:31");
    ASSERT_EQ(Raise(), 1);
    SignIn("staff1", "tadaima-demo");
    auto home = Get("/");
    ASSERT_EQ(home.status, 200);
    EXPECT_NE(home.body.find("data-qa=\"home-todo\""), std::string::npos);
    EXPECT_NE(home.body.find("data-qa=\"todo-alerts\">要対応 1名<"), std::string::npos);
    EXPECT_NE(home.body.find("data-qa=\"todo-contacts\">未確認の連絡 1<"), std::string::npos);
    EXPECT_EQ(home.body.find("data-site=\"2\""), std::string::npos) << "only the account's own sites";
    // Resolved and confirmed: nothing left to do there.
    Post("/children/" + child_.ToString() + "/alerts/resolve",
         {{"kind", "not_arrived"}, {"resolution", "found"}, {"next", "/"}});
    Post("/contacts/" + std::to_string(One("SELECT MAX(id) FROM plan_contact")) + "/confirm", {{"next", "/"}});
    home = Get("/");
    EXPECT_EQ(home.body.find("data-qa=\"todo-alerts\""), std::string::npos);
    EXPECT_NE(home.body.find("対応が必要なことはありません"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Db, RosterPlans, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

using Schedule = Plans;

TEST_P(Schedule, AManagerSetsTheDeadlineThresholdDismissalTimesAndClosureDays) {
    SignIn("manager1", "tadaima-demo");
    auto page = Get("/sites/1/schedule");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("value=\"17:00\""), std::string::npos);  // the default deadline time
    auto saved = Post("/sites/1/schedule", {{"deadline_days_before", "2"},
                                            {"deadline_time", "12:00"},
                                            {"late_after_minutes", "15"},
                                            {"reminder_day", "25"},
                                            {"dis_0_2", "15:00"},
                                            {"dis_1_2", "14:10"}});
    ASSERT_EQ(saved.status, 303) << saved.body;
    auto rules = database().Read([&](db::ReadTx& tx) { return plans::GetSiteRules(tx, common::SiteId(1)); });
    EXPECT_EQ(rules.deadline_days_before, 2);
    EXPECT_EQ(rules.deadline_minutes, 12 * 60);
    EXPECT_EQ(rules.late_after, std::chrono::minutes(15));
    EXPECT_EQ(rules.reminder_day, 25);
    EXPECT_FALSE(rules.notify_guardians);  // the box was not ticked
    auto day = database().Read([&](db::ReadTx& tx) {
        return plans::LoadSiteDay(tx, common::SiteId(1), plans::GetSiteRules(tx, common::SiteId(1)), D("2026-11-24"),
                                  1);
    });
    EXPECT_EQ(day.dismissal, 14 * 60 + 10);
    EXPECT_EQ(AuditCount("site.schedule"), 1);

    // A time that is not a time: 422, the field marked, nothing changed, in the manager's language.
    auto bad = Post("/sites/1/schedule", {{"deadline_days_before", "1"},
                                          {"deadline_time", "17:00"},
                                          {"late_after_minutes", "30"},
                                          {"reminder_day", "20"},
                                          {"dis_3_4", "放課後"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_NE(bad.body.find("時刻は「15:30」の形で入力してください"), std::string::npos);
    EXPECT_NE(bad.body.find("value=\"放課後\""), std::string::npos);
    EXPECT_EQ(database()
                  .Read([&](db::ReadTx& tx) { return plans::GetSiteRules(tx, common::SiteId(1)); })
                  .deadline_days_before,
              2);

    auto added = Post("/sites/1/closures", {{"date", "2026-12-29"}, {"reason", "年末休所"}});
    EXPECT_EQ(added.status, 303);
    EXPECT_NE(Get("/sites/1/schedule").body.find("年末休所"), std::string::npos);
    // A plan for it is now refused.
    auto r = Set({D("2026-12-29")}, Attend());
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].problem, PlanProblem::kClosed);
    EXPECT_EQ(Post("/sites/1/closures", {{"date", "2026-11-01"}}).status, 422);  // passed
    EXPECT_EQ(Post("/sites/1/closures/remove", {{"date", "2026-12-29"}}).status, 303);
    EXPECT_EQ(Post("/sites/1/closures/remove", {{"date", "2026-12-29"}}).status, 404);
    EXPECT_TRUE(Set({D("2026-12-29")}, Attend()).problems.empty());
}

INSTANTIATE_TEST_SUITE_P(Db, Schedule, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

// The guardian app's plan pages through HTTP: the deadline rule, bad input with clear messages in the guardian's
// language, and nothing of another family.
class FamilyPlans : public Plans {
 protected:
    void SetUp() override {
        Plans::SetUp();
        database().Write([&](db::WriteTx& tx) {
            tx.Exec("UPDATE guardian_account SET password_hash = ? WHERE id = ?",
                    auth::HashPassword("a family passphrase 1"), account_);
        });
        Get("/family/login");
        ASSERT_EQ(
            Post("/family/login", {{"email", "plans@example.test"}, {"password", "a family passphrase 1"}}).status,
            303);
        base_ = "/family/children/" + child_.ToString();
        ASSERT_EQ(Get(base_ + "/plans").status, 200);  // a page of the app, for the form's CSRF token
    }
    std::string base_;
};

TEST_P(FamilyPlans, AWeeklyPatternFillsTheMonthAndTheCalendarShowsIt) {
    auto page = Get(base_ + "/plans?month=2026-12");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("2026年12月"), std::string::npos);
    auto saved = Post(base_ + "/plans", {{"month", "2026-12"},
                                         {"weekday", "1"},
                                         {"weekday", "3"},
                                         {"weekday", "5"},
                                         {"from", "2026-12-01"},
                                         {"to", "2026-12-31"},
                                         {"attending", "1"},
                                         {"leave_time", "17:30"},
                                         {"way_home", "alone"}});
    ASSERT_EQ(saved.status, 303) << saved.body;
    // Mondays 7–28 (4), Wednesdays 2–30 (5), Fridays 4–25 (4) of December 2026.
    EXPECT_NE(saved.location.find("saved=13"), std::string::npos) << saved.location;
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_plan"), 13);
    page = Get(saved.location);
    EXPECT_NE(page.body.find("13日分を保存しました"), std::string::npos);
    auto cell = page.body.find("data-date=\"2026-12-02\"");
    ASSERT_NE(cell, std::string::npos);
    auto td = page.body.substr(cell, page.body.find("</td>", cell) - cell);
    EXPECT_NE(td.find("利用する 17:30"), std::string::npos) << td;  // the whole plan, for screen readers
    EXPECT_NE(td.find("<span class=\"time\">17:30</span>"), std::string::npos) << td;  // what fits the cell
    // The home page shows the next days.
    auto home = Get("/family");
    EXPECT_NE(home.body.find("data-qa=\"today-state\""), std::string::npos);
}

TEST_P(FamilyPlans, BadInputIsRefusedWithTheDateAndAReasonAndNothingIsSaved) {
    database().Write([&](db::WriteTx& tx) { plans::AddClosure(tx, common::SiteId(1), D("2026-11-26"), "", clock_); });
    auto r = Post(base_ + "/plans", {{"month", "2026-11"},
                                     {"day", "2026-11-24"},
                                     {"day", "2026-11-26"},
                                     {"attending", "1"},
                                     {"leave_time", "17:00"},
                                     {"way_home", "alone"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("11月26日（木）：休所日です。"), std::string::npos) << r.body.substr(0, 3000);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_plan"), 0);
    r = Post(base_ + "/plans", {{"month", "2026-11"},
                                {"day", "2026-11-24"},
                                {"attending", "1"},
                                {"leave_time", "21:00"},
                                {"way_home", "alone"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("帰る時刻が開所時間外です"), std::string::npos);
    r = Post(base_ + "/plans", {{"month", "2026-11"}, {"attending", "1"}, {"way_home", "alone"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("日付を選ぶか、曜日を選んでください"), std::string::npos);
    // An absence for a day that has passed.
    r = Post(base_ + "/contact", {{"date", "2026-11-20"}, {"kind", "absence"}, {"absence_reason", "illness"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("過ぎた日は選べません"), std::string::npos);
    // In English for a guardian who chose English.
    database().Write(
        [&](db::WriteTx& tx) { tx.Exec("UPDATE guardian_account SET language = 'en' WHERE id = ?", account_); });
    Get("/lang/en");
    r = Post(base_ + "/contact", {{"date", "2026-11-26"}, {"kind", "absence"}, {"absence_reason", "illness"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("The site is closed on this day."), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_plan"), 0);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact"), 0);
    // Another family's child does not exist here.
    EXPECT_EQ(Get("/family/children/" + other_child_.ToString() + "/plans").status, 404);
    EXPECT_EQ(
        Post("/family/children/" + other_child_.ToString() + "/contact", {{"date", "2026-11-24"}, {"kind", "absence"}})
            .status,
        404);
}

TEST_P(FamilyPlans, TheDeadlineDecidesWhetherAChangeIsFlaggedForStaff) {
    auto plan = [&](const char* leave) {
        return Post(base_ + "/plans", {{"month", "2026-11"},
                                       {"day", "2026-11-24"},
                                       {"attending", "1"},
                                       {"leave_time", leave},
                                       {"way_home", "alone"}});
    };
    // Monday 16:59: before the 17:00 deadline for Tuesday, a free change.
    SetTokyo("2026-11-23", "16:59");
    EXPECT_EQ(plan("17:00").status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact"), 0);
    // 17:00 exactly is still the deadline; a second later the change is a request.
    SetTokyo("2026-11-23", "17:00");
    EXPECT_EQ(plan("17:30").status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact"), 0);
    clock_.Advance(std::chrono::seconds(1));
    auto late = plan("18:00");
    EXPECT_EQ(late.status, 303);
    EXPECT_NE(late.location.find("late=1"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact WHERE after_deadline = 1 AND kind = 'late_plan'"), 1);
    // An absence is accepted at any hour, and staff always see it.
    SetTokyo("2026-11-24", "06:10");
    auto absent = Post(base_ + "/contact",
                       {{"date", "2026-11-24"}, {"kind", "absence"}, {"absence_reason", "illness"}, {"note", "発熱"}});
    EXPECT_EQ(absent.status, 303);
    EXPECT_NE(absent.location.find("notice=absence_sent"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact WHERE kind = 'absence'"), 1);
}

TEST_P(FamilyPlans, PickUpPersonsAreKeptByTheFamilyAndChosenForAPickUpDay) {
    auto added = Post(base_ + "/pickup", {{"name", "祖母 花"}, {"relation", "祖母"}, {"phone", "090-1234-5678"}});
    EXPECT_EQ(added.status, 303);
    auto missing = Post(base_ + "/pickup", {{"name", ""}, {"relation", "祖父"}, {"phone", ""}});
    EXPECT_EQ(missing.status, 422);
    auto person = One("SELECT MAX(id) FROM pickup_person");
    auto r = Post(base_ + "/contact", {{"date", "2026-11-24"},
                                       {"kind", "change"},
                                       {"leave_time", "18:00"},
                                       {"way_home", "pickup"},
                                       {"pickup_person", std::to_string(person)}});
    EXPECT_EQ(r.status, 303) << r.body.substr(0, 2000);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_plan WHERE way_home = 'pickup' AND pickup_person_id = " +
                  std::to_string(person)),
              1);
    EXPECT_NE(Get(base_ + "/pickup").body.find("祖母 花"), std::string::npos);
    EXPECT_EQ(Post(base_ + "/pickup/" + std::to_string(person) + "/remove", {}).status, 303);
    EXPECT_EQ(Get(base_ + "/pickup").body.find("祖母 花"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Db, FamilyPlans, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

using Reminders = Plans;

// From the site's reminder day on, each full-role family member of a child without next month's plans is
// reminded once; a child with plans, or a member who may not plan, is not.
TEST_P(Reminders, FamiliesWithoutNextMonthsPlansAreRemindedOnceFromTheSitesDay) {
    database().Write([&](db::WriteTx& tx) {
        tx.Exec("UPDATE site SET plan_reminder_day = 20");
        auto other = families::CreateConfirmedAccount(tx, "other@example.test", "別 家族", "x", "ja", clock_);
        families::LinkChild(tx, other, other_child_, auth::FamilyRole::kFull, clock_);
    });
    auto due = [&] { return plans::PlanReminders(database(), clock_); };
    SetTokyo("2026-11-19", "12:00");
    EXPECT_EQ(due(), 0);  // before the day
    SetTokyo("2026-11-20", "08:59");
    EXPECT_EQ(due(), 0);  // not before 09:00
    SetTokyo("2026-11-20", "09:00");
    auto expected = One(
        "SELECT COUNT(DISTINCT l.account_id || '-' || l.child_id) FROM guardian_account_child l JOIN guardian_account "
        "a ON a.id = l.account_id JOIN child_placement p ON p.child_id = l.child_id WHERE l.ended_at IS NULL AND "
        "l.role = 'full' AND a.confirmed_at IS NOT NULL AND a.deactivated_at IS NULL");
    ASSERT_GE(expected, 1);
    EXPECT_EQ(due(), expected);
    EXPECT_EQ(due(), 0);  // once
    EXPECT_EQ(One("SELECT COUNT(*) FROM job WHERE kind = 'mail.plan_reminder'"), expected);
    // Our account's child: a plan for December entered now means no mail goes after all, to any of its family.
    ASSERT_TRUE(Set({D("2026-12-01")}, Attend()).problems.empty());
    auto of_child =
        One("SELECT COUNT(*) FROM guardian_account_child WHERE ended_at IS NULL AND role = 'full' AND "
            "child_id = " +
            child_.ToString());
    EXPECT_EQ(RunJobs(), expected);
    auto mails = Mails();
    EXPECT_EQ(static_cast<std::int64_t>(mails.size()), expected - of_child);
    ASSERT_GE(mails.size(), 1u);
    EXPECT_TRUE(std::any_of(mails.begin(), mails.end(), [](const auto& m) { return m.to == "other@example.test"; }));
    for (const auto& m : mails) {
        EXPECT_NE(m.to, "plans@example.test");
        EXPECT_NE(m.subject.find("2026年12月"), std::string::npos) << m.subject;
        EXPECT_NE(m.body.find("/plans?month=2026-12"), std::string::npos) << m.body;
    }
    // The next month's round starts on its own day.
    SetTokyo("2026-12-20", "10:00");
    EXPECT_GE(due(), expected);
}

INSTANTIATE_TEST_SUITE_P(Db, Reminders, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace

namespace {

using Races = Alerts;

// A guardian changing the day's plan while the child scans in and out: every scan and every change is kept, the
// day has one plan, and what the roster says follows from both.
TEST_P(Races, APlanEditAndScansRacingLeaveAConsistentDay) {
    SetTokyo("2026-11-24", "15:40");
    database().Write([&](db::WriteTx& tx) { tx.Exec("UPDATE site SET repeat_scan_seconds = 0"); });
    auto [kiosk, card] = database().Write([&](db::WriteTx& tx) {
        auto k = attendance::CreateKiosk(tx, common::SiteId(1), "race", clock_);
        return std::pair{k, attendance::CardPayload(config_.secret, attendance::EnsureCard(tx, child_, clock_))};
    });
    constexpr int kRounds = 40;
    std::thread planner([&] {
        for (int i = 0; i < kRounds; ++i) {
            PlanInput in = i % 2 ? PlanInput{false} : Attend("17:00");
            auto r = database().Write([&](db::WriteTx& tx) {
                return plans::SetPlans(tx, account_, child_, {D("2026-11-24")}, in,
                                       i % 2 ? ContactKind::kAbsence : ContactKind::kChange, false, clock_);
            });
            EXPECT_TRUE(r.problems.empty());
        }
    });
    std::thread door([&] {
        for (int i = 0; i < kRounds; ++i) {
            attendance::ScanRequest scan{card, "race-" + std::to_string(i),
                                         common::TokyoInstant(D("2026-11-24"), 15 * 60) + std::chrono::seconds(i)};
            auto r = database().WriteGrouped([&](db::WriteTx& tx) {
                return attendance::RecordScan(tx, kiosk.credential, scan, config_.secret, clock_);
            });
            EXPECT_EQ(r.status, attendance::ScanStatus::kRecorded);
        }
    });
    planner.join();
    door.join();
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_event WHERE child_id = " + child_.ToString()), kRounds);
    EXPECT_EQ(One("SELECT COUNT(*) FROM attendance_plan WHERE child_id = " + child_.ToString()), 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM plan_contact WHERE child_id = " + child_.ToString()), kRounds);
    // The last plan change was an absence; the 40 scans alternate in/out, so the child has left.
    auto o = Outlook().at(child_);
    EXPECT_EQ(o.outlook.expectation, plans::Expectation::kAbsent);
    EXPECT_TRUE(o.outlook.alerts.empty());
    auto day = database().Read([&](db::ReadTx& tx) { return attendance::ChildDay(tx, child_, "2026-11-24"); });
    EXPECT_EQ(day.state, attendance::State::kLeft);
}

INSTANTIATE_TEST_SUITE_P(Db, Races, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
