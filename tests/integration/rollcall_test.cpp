// The city's overview and the emergency roll-call on both databases: the overview's figures follow the record and
// the user's scope; a roll-call lists the children inside when it starts, cannot run twice at a site, confirms
// before it hands over, hands over once, records the exit and plans the family's notices; every read is audited.
#include <boost/json.hpp>

#include "attendance/attendance.hpp"
#include "auth/passwords.hpp"
#include "families/families.hpp"
#include "harness.hpp"
#include "reports/overview.hpp"
#include "rollcall/rollcall.hpp"

namespace {

using testing_support::AppTest;

class Rollcall : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 12);
        staff_ = common::UserId(One("SELECT id FROM staff_user WHERE login_id = 'staff1'"));
        auto ids = [&](int site) {
            std::vector<common::ChildId> out;
            database().Read([&](db::ReadTx& tx) {
                for (const auto& r : tx.Query("SELECT child_id FROM child_placement WHERE site_id = ? ORDER BY "
                                              "child_id LIMIT 3",
                                              site))
                    out.push_back(r.Id<common::ChildId>(0));
            });
            return out;
        };
        here_ = ids(1);
        // Two inside, one gone home already: the roll-call lists the two.
        Mark(here_[0], attendance::Direction::kIn);
        Mark(here_[1], attendance::Direction::kIn);
        Mark(here_[2], attendance::Direction::kIn);
        Mark(here_[2], attendance::Direction::kOut);
        database().Write([&](db::WriteTx& tx) {
            auto a = families::CreateConfirmedAccount(tx, "rollcall-mother@example.test", "点呼 母",
                                                      auth::HashPassword("tadaima-demo"), "ja", clock_);
            families::LinkChild(tx, a, here_[0], auth::FamilyRole::kFull, clock_);
        });
    }
    void Mark(common::ChildId child, attendance::Direction d) {
        database().Write([&](db::WriteTx& tx) {
            attendance::RecordByStaff(tx, {child, common::SiteId(1), d, clock_.Now(), staff_, ""}, clock_);
        });
    }
    std::string Path(const std::string& call, common::ChildId child, const std::string& what) {
        return "/sites/1/rollcall/" + call + "/children/" + child.ToString() + "/" + what;
    }
    common::UserId staff_;
    std::vector<common::ChildId> here_;
};

TEST_P(Rollcall, TheOverviewCountsEachSiteOfTheUsersScope) {
    SignIn("admin", "tadaima-demo");
    auto page = Get("/overview");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("data-site=\"1\""), std::string::npos);
    EXPECT_NE(page.body.find("data-site=\"2\""), std::string::npos);
    EXPECT_EQ(AuditCount("overview.view"), 1);
    auto figures = Get("/overview/figures?sites=1");
    ASSERT_EQ(figures.status, 200);
    auto json = boost::json::parse(figures.body).as_object();
    const auto& sites = json.at("sites").as_array();
    ASSERT_EQ(sites.size(), 1u) << "only the site asked for";
    const auto& site = sites[0].as_object();
    EXPECT_EQ(site.at("site").as_int64(), 1);
    EXPECT_EQ(site.at("in").as_int64(), 2);
    EXPECT_EQ(site.at("left").as_int64(), 1);
    EXPECT_EQ(site.at("enrolled").as_int64(),
              One("SELECT COUNT(*) FROM child_placement WHERE site_id = 1 AND end_date IS NULL"));
    // Figures only: no child's name travels to the overview.
    auto name = Text("SELECT family_name FROM child WHERE id = " + here_[0].ToString());
    EXPECT_EQ(figures.body.find(name), std::string::npos);
    // A past day is that day's final figures; a day ahead is not an overview.
    EXPECT_EQ(Get("/overview?date=2026-11-20").status, 200);

    // A manager sees their own site only; staff have no overview.
    Post("/logout", {});
    SignIn("manager2", "tadaima-demo");
    auto theirs = boost::json::parse(Get("/overview/figures").body).as_object();
    ASSERT_EQ(theirs.at("sites").as_array().size(), 1u);
    EXPECT_EQ(theirs.at("sites").as_array()[0].as_object().at("site").as_int64(), 2);
    EXPECT_EQ(Get("/overview/figures?sites=1").body.find("\"site\":1"), std::string::npos);
    Post("/logout", {});
    SignIn("staff1", "tadaima-demo");
    auto refused = Get("/overview");
    EXPECT_EQ(refused.status, 403) << refused.body.substr(0, 3000);
}

TEST_P(Rollcall, StartConfirmHandOverAndClose) {
    // Staff may confirm and hand over, not start.
    SignIn("staff1", "tadaima-demo");
    Get("/sites/1/rollcall");
    EXPECT_EQ(Post("/rollcall", {{"site", "1"}, {"reason", "earthquake"}}).status, 403);

    Post("/logout", {});
    SignIn("manager1", "tadaima-demo");
    Get("/rollcall/new?site=1");
    EXPECT_EQ(Post("/rollcall", {{"site", "2"}, {"reason", "earthquake"}}).status, 404) << "another site's";
    EXPECT_EQ(Post("/rollcall", {{"scope", "all"}, {"reason", "earthquake"}}).status, 403) << "the city's alone";
    EXPECT_EQ(Post("/rollcall", {{"site", "1"}, {"reason", "flood"}}).status, 422);
    auto started = Post("/rollcall", {{"site", "1"}, {"reason", "earthquake"}, {"note", "震度5弱"}});
    ASSERT_EQ(started.status, 303);
    const std::string call = started.location.substr(started.location.find("call=") + 5);
    EXPECT_EQ(One("SELECT COUNT(*) FROM rollcall_child WHERE rollcall_site_id = " + call), 2)
        << "the two inside, not the one gone home";
    EXPECT_EQ(AuditCount("rollcall.start"), 1);
    // Started again while it runs: the same one, not a second.
    auto again = Post("/rollcall", {{"site", "1"}, {"reason", "fire"}});
    EXPECT_NE(again.location.find("rollcall_already_open"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM rollcall_site WHERE site_id = 1 AND closed_at IS NULL"), 1);

    Post("/logout", {});
    SignIn("staff1", "tadaima-demo");
    auto page = Get("/sites/1/rollcall");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("data-child=\"" + here_[0].ToString() + "\""), std::string::npos);
    EXPECT_EQ(page.body.find("data-child=\"" + here_[2].ToString() + "\""), std::string::npos);
    EXPECT_EQ(AuditCount("rollcall.view"), 1);
    // The banner on other pages while it runs.
    EXPECT_NE(Get("/sites/1/roster").body.find("data-qa=\"rollcall-banner\""), std::string::npos);

    const auto child = here_[0];
    // Not before being confirmed.
    EXPECT_EQ(
        Post(Path(call, child, "handover"), {{"to", "other"}, {"other_name", "田中 一郎"}, {"identity_checked", "1"}})
            .status,
        409);
    EXPECT_EQ(Post(Path(call, child, "confirm"), {{"state", "maybe"}}).status, 422);
    EXPECT_EQ(Post(Path(call, child, "confirm"), {{"state", "safe"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE child_id = " + child.ToString() +
                  " AND kind = 'alert' AND params LIKE '%rollcall_safe%'"),
              1)
        << "the family hears the child is safe";
    // A child not on the list, and someone else without an identity check.
    EXPECT_EQ(Post(Path(call, here_[2], "confirm"), {{"state", "safe"}}).status, 404);
    EXPECT_EQ(Post(Path(call, child, "handover"), {{"to", "other"}, {"other_name", "田中 一郎"}}).status, 422);
    EXPECT_EQ(Post(Path(call, child, "handover"), {{"to", "guardian:999999"}}).status, 422);

    // Handed over to one of the child's guardians: the exit is recorded and the family told.
    auto form = Get(Path(call, child, "handover"));
    ASSERT_EQ(form.status, 200);
    auto guardian = One("SELECT MIN(guardian_id) FROM guardian_child WHERE child_id = " + child.ToString());
    EXPECT_EQ(Post(Path(call, child, "handover"), {{"to", "guardian:" + std::to_string(guardian)}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM rollcall_child WHERE child_id = " + child.ToString() +
                  " AND handed_to = 'guardian' AND handed_guardian_id = " + std::to_string(guardian) +
                  " AND handed_at IS NOT NULL AND handed_name <> ''"),
              1);
    auto state = database().Read([&](db::ReadTx& tx) {
        return attendance::ChildDay(tx, child, common::FormatDate(common::TokyoDate(clock_.Now())));
    });
    EXPECT_EQ(state.state, attendance::State::kLeft) << "the hand-over is the child's exit";
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE child_id = " + child.ToString() +
                  " AND params LIKE '%rollcall_handed%'"),
              1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE child_id = " + child.ToString() + " AND kind = 'exit'"), 0)
        << "the hand-over's notice instead of the ordinary exit notice";
    // Once only.
    EXPECT_EQ(Post(Path(call, child, "handover"), {{"to", "guardian:" + std::to_string(guardian)}}).status, 409);
    EXPECT_EQ(Post(Path(call, child, "confirm"), {{"state", "injured"}}).status, 409);

    // Someone else, named and checked.
    const auto second = here_[1];
    EXPECT_EQ(Post(Path(call, second, "confirm"), {{"state", "injured"}, {"note", "膝をすりむいた"}}).status, 303);
    EXPECT_EQ(
        Post(Path(call, second, "handover"),
             {{"to", "other"}, {"other_name", "田中 一郎"}, {"other_relation", "祖父"}, {"identity_checked", "1"}})
            .status,
        303);
    EXPECT_EQ(Text("SELECT handed_name FROM rollcall_child WHERE child_id = " + second.ToString()), "田中 一郎");

    // The list on paper.
    auto pdf = Get("/sites/1/rollcall/" + call + "/print");
    EXPECT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.body.rfind("%PDF", 0), 0u);

    // Staff cannot close it; the manager can, once; then nothing more is recorded on it.
    EXPECT_EQ(Post("/sites/1/rollcall/" + call + "/close", {}).status, 403);
    Post("/logout", {});
    SignIn("manager1", "tadaima-demo");
    Get("/sites/1/rollcall");
    EXPECT_EQ(Post("/sites/1/rollcall/" + call + "/close", {}).status, 303);
    EXPECT_EQ(Post("/sites/1/rollcall/" + call + "/close", {}).status, 409);
    EXPECT_EQ(Get("/sites/1/roster").body.find("data-qa=\"rollcall-banner\""), std::string::npos);
    // Another site's staff do not find it.
    Post("/logout", {});
    SignIn("staff2", "tadaima-demo");
    EXPECT_EQ(Get("/sites/1/rollcall?call=" + call).status, 404);
    EXPECT_EQ(Get("/sites/2/rollcall?call=" + call).status, 404);
}

TEST_P(Rollcall, TheCityStartsOneAtEverySiteAndADrillSendsNoAlarm) {
    SignIn("admin", "tadaima-demo");
    Get("/rollcall/new");
    auto started = Post("/rollcall", {{"scope", "all"}, {"reason", "drill"}});
    ASSERT_EQ(started.status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM rollcall_site WHERE closed_at IS NULL"), 2);
    auto figures = boost::json::parse(Get("/overview/figures?sites=1").body).as_object();
    EXPECT_NE(std::string(figures.at("sites").as_array()[0].as_object().at("rollcall").as_string()), "")
        << "the overview shows the site's progress";
    auto call = One("SELECT id FROM rollcall_site WHERE site_id = 1");
    Get("/sites/1/rollcall");
    EXPECT_EQ(Post(Path(std::to_string(call), here_[0], "confirm"), {{"state", "safe"}}).status, 303);
    EXPECT_EQ(One("SELECT COUNT(*) FROM notification WHERE params LIKE '%rollcall%'"), 0)
        << "a drill does not alarm the families";
}

// The overview draws a site again when its feed says it changed (an entry recorded through the server shows once
// the drawing before it is FigureCache::kSettle old, and the figures given meanwhile say they are behind, so the
// page asks again), and what no event announces (a row written behind the server's back, as a plan change would be)
// shows once the cached figures are older than FigureCache::kFresh.
TEST_P(Rollcall, TheOverviewRedrawsATouchedSiteAtOnceAndTheRestWithinFreshness) {
    SignIn("manager1", "tadaima-demo");
    auto figures_of_1 = [&] {
        auto json = boost::json::parse(Get("/overview/figures?sites=1").body).as_object();
        return json.at("sites").as_array().at(0).as_object();
    };
    auto in_at_1 = [&] { return figures_of_1().at("in").as_int64(); };
    ASSERT_EQ(in_at_1(), 2);
    // Through the server: a hand entry for a child outside, from the roster.
    ASSERT_EQ(Get("/sites/1/roster").status, 200);
    auto out = Post("/children/" + here_[2].ToString() + "/attendance", {{"direction", "in"}, {"off_hours_ok", "1"}});
    ASSERT_EQ(out.status, 303);
    auto settling = figures_of_1();
    EXPECT_EQ(settling.at("in").as_int64(), 2);
    EXPECT_TRUE(settling.contains("behind")) << "the page is told to ask again";
    clock_.Advance(reports::FigureCache::kSettle);
    auto drawn = figures_of_1();
    EXPECT_EQ(drawn.at("in").as_int64(), 3) << "a touched site is read again";
    EXPECT_FALSE(drawn.contains("behind"));
    // Behind the server's back: the figures stay as drawn until they are no longer fresh.
    Mark(here_[2], attendance::Direction::kOut);
    EXPECT_EQ(in_at_1(), 3);
    clock_.Advance(reports::FigureCache::kFresh);
    EXPECT_EQ(in_at_1(), 2);
}

// An account that manages one site and is staff at another sees only the managed site on the overview (staff have
// no overview): the sites come from the one permission rule, not from every site the account works at.
TEST_P(Rollcall, TheOverviewShowsOnlyTheSitesWhereTheRoleGivesIt) {
    database().Write([&](db::WriteTx& tx) {
        tx.Exec(
            "INSERT INTO staff_role (user_id, site_id, role, created_at) SELECT id, 2, 'staff', ? FROM staff_user "
            "WHERE login_id = 'manager1'",
            common::FormatInstant(clock_.Now()));
    });
    SignIn("manager1", "tadaima-demo");
    auto page = Get("/overview");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("data-site=\"1\""), std::string::npos);
    EXPECT_EQ(page.body.find("data-site=\"2\""), std::string::npos) << "staff at site 2: no overview of it";
    auto all = boost::json::parse(Get("/overview/figures").body).as_object();
    ASSERT_EQ(all.at("sites").as_array().size(), 1u);
    EXPECT_EQ(all.at("sites").as_array().at(0).at("site").as_int64(), 1);
}

INSTANTIATE_TEST_SUITE_P(Both, Rollcall, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
