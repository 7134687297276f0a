// The live feed (live/feed.hpp) on both databases: numbered in commit order, so a stream that reconnects with the
// last number it saw misses nothing, even when two transactions commit out of the order of their rows' ids; group
// commit (WriteGrouped) keeps each caller's entries with its own changes.
#include <future>
#include <regex>
#include <thread>

#include "attendance/attendance.hpp"
#include "harness.hpp"
#include "live/feed.hpp"

namespace {

using testing_support::AppTest;

class Feed : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 12);
        a_ = common::ChildId(One("SELECT child_id FROM child_placement WHERE site_id = 1 ORDER BY child_id LIMIT 1"));
        b_ = common::ChildId(
            One("SELECT child_id FROM child_placement WHERE site_id = 1 ORDER BY child_id LIMIT 1 OFFSET 1"));
        staff_ = common::UserId(One("SELECT id FROM staff_user WHERE login_id = 'staff1'"));
        today_ = common::FormatDate(common::TokyoDate(clock_.Now()));
    }
    common::EventId Mark(db::WriteTx& tx, common::ChildId child) {
        return attendance::RecordByStaff(
            tx, {child, common::SiteId(1), attendance::Direction::kIn, clock_.Now(), staff_, "feed test"}, clock_);
    }
    // The site's number once the feed has numbered what committed (on PostgreSQL just after the commit).
    std::int64_t Position() {
        live_->Settle();
        return database().Read([](db::ReadTx& tx) { return live::Position(tx, common::SiteId(1)); });
    }
    // The ids of the events in a batch, in order.
    static std::vector<std::int64_t> Ids(const std::string& batch) {
        std::vector<std::int64_t> out;
        static const std::regex kId(R"(id: (\d+))");
        for (auto it = std::sregex_iterator(batch.begin(), batch.end(), kId); it != std::sregex_iterator(); ++it)
            out.push_back(std::stoll((*it)[1]));
        return out;
    }
    std::shared_ptr<http::EventChannel> Stream(std::int64_t after) {
        auto channel = std::make_shared<http::EventChannel>();
        live_->Subscribe(common::SiteId(1), today_, after, channel);
        live_->Settle();
        return channel;
    }
    common::ChildId a_, b_;
    common::UserId staff_;
    std::string today_;
};

TEST_P(Feed, EntriesAreNumberedPerSiteInCommitOrderAndOnlyWhenTheyCommit) {
    const auto start = Position();
    database().Write([&](db::WriteTx& tx) { Mark(tx, a_); });
    EXPECT_EQ(Position(), start + 1);
    // A transaction that fails leaves no entry and no number behind.
    EXPECT_ANY_THROW(database().Write([&](db::WriteTx& tx) {
        Mark(tx, b_);
        throw std::runtime_error("undone");
    }));
    EXPECT_EQ(Position(), start + 1);
    EXPECT_EQ(One("SELECT COUNT(*) FROM live_event WHERE site_id = 1 AND child_id = " + b_.ToString()), 0);
    // In a shared commit, the caller that failed takes its entry with it; the others keep theirs.
    std::vector<std::thread> callers;
    std::atomic<int> failed = 0;
    for (int i = 0; i < 6; ++i) {
        callers.emplace_back([&, i] {
            try {
                database().WriteGrouped([&](db::WriteTx& tx) {
                    Mark(tx, i % 2 ? a_ : b_);
                    if (i == 3) throw std::runtime_error("this one only");
                });
            } catch (const std::runtime_error&) {
                ++failed;
            }
        });
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(failed, 1);
    EXPECT_EQ(Position(), start + 6);
    EXPECT_EQ(One("SELECT COUNT(*) FROM live_event WHERE site_id = 1"), 6);
    EXPECT_EQ(One("SELECT COUNT(DISTINCT seq) FROM live_event WHERE site_id = 1"), 6);
    EXPECT_EQ(One("SELECT MAX(seq) - MIN(seq) FROM live_event WHERE site_id = 1"), 5);  // no gap
    // Another site's numbers are its own.
    EXPECT_EQ(One("SELECT COUNT(*) FROM live_site WHERE site_id = 2"), 0);
}

// The case an id cannot get right: T1 writes first (the lower attendance_event id) but commits last. A stream that
// read after T2's commit and reconnects with that number still gets T1's change.
TEST_P(Feed, ACommitThatFinishesLateIsNotSkippedByAStreamThatReconnects) {
    if (GetParam() == db::Kind::kSqlite) GTEST_SKIP() << "SQLite has one writer: its commits are in id order";
    auto stream = Stream(Position());
    std::promise<void> written, release;
    auto go = release.get_future().share();
    common::EventId first_id{0};
    std::thread t1([&] {
        database().Write([&](db::WriteTx& tx) {
            first_id = Mark(tx, a_);
            written.set_value();
            go.wait();  // holds its transaction open until the other has committed
        });
    });
    written.get_future().wait();
    common::EventId second_id{0};
    database().Write([&](db::WriteTx& tx) { second_id = Mark(tx, b_); });
    ASSERT_GT(second_id.value, first_id.value);  // T2's row has the higher id, and committed first
    live_->Settle();
    const auto seen = stream->Take().data;
    EXPECT_NE(seen.find("\"child\":" + b_.ToString()), std::string::npos) << seen;
    EXPECT_EQ(seen.find("\"child\":" + a_.ToString()), std::string::npos) << seen;
    ASSERT_EQ(Ids(seen).size(), 1u);
    const std::int64_t last_seen = Ids(seen).back();
    stream->Close();  // the connection drops here
    release.set_value();
    t1.join();
    // The reconnect asks for what came after the last number it saw: T1's change, numbered after T2's.
    auto again = Stream(last_seen);
    const auto caught = again->Take().data;
    EXPECT_NE(caught.find("\"child\":" + a_.ToString()), std::string::npos) << caught;
    EXPECT_EQ(caught.find("\"child\":" + b_.ToString()), std::string::npos) << caught;
    ASSERT_EQ(Ids(caught).size(), 1u);
    EXPECT_GT(Ids(caught).front(), last_seen);
    // By attendance_event id the reconnect would have asked for ids after T2's, and never sent T1's.
    EXPECT_LT(first_id.value, second_id.value);
}

// What a server cannot hear (a command run beside it, another server whose NOTIFY was lost) is found by its poll.
TEST_P(Feed, AChangeNotHeardAtCommitIsFoundByThePoll) {
    auto stream = Stream(Position());
    stream->Take();
    // Numbered by hand, as another process's commit whose notification went astray: no hook, no NOTIFY.
    database().Write([&](db::WriteTx& tx) {
        Mark(tx, a_);
        tx.feed().clear();
        const auto seq = tx.QueryOne(
                               "INSERT INTO live_site (site_id, seq, created_at, updated_at) VALUES (1, 1, ?, ?) ON "
                               "CONFLICT (site_id) DO UPDATE SET seq = live_site.seq + 1 RETURNING seq",
                               common::FormatInstant(clock_.Now()), common::FormatInstant(clock_.Now()))
                             .Int(0);
        tx.Exec(
            "INSERT INTO live_event (site_id, seq, facility_date, kind, child_id, created_at) VALUES (1, ?, ?, "
            "'state', ?, ?)",
            seq, today_, a_, common::FormatInstant(clock_.Now()));
    });
    live_->Settle();
    EXPECT_EQ(stream->Take().data, "");
    live_->Poll();
    live_->Settle();
    const auto found = stream->Take().data;
    EXPECT_NE(found.find("\"child\":" + a_.ToString()), std::string::npos) << found;
    EXPECT_NE(found.find("\"state\":\"in\""), std::string::npos) << found;
}

// On PostgreSQL one server numbers at a time: while another holds the numbering lock a server does not wait for it
// (it tries again shortly), and the numbering reaches the other servers as a notification sent with its commit.
TEST_P(Feed, OneServerNumbersAtATimeAndTellsTheOthersWithItsCommit) {
    if (GetParam() == db::Kind::kSqlite) GTEST_SKIP() << "SQLite numbers at commit: one process writes";
    auto other = db::Database::Open({url_, 2});  // another server's connections
    auto listener = other->ListenFeed();
    ASSERT_TRUE(listener);
    std::promise<void> locked, release;
    auto go = release.get_future().share();
    std::thread holder([&] {
        database().Write([&](db::WriteTx& tx) {
            tx.Query("SELECT pg_advisory_xact_lock(7273)");
            locked.set_value();
            go.wait();  // a third server, numbering
        });
    });
    locked.get_future().wait();
    database().Write([&](db::WriteTx& tx) { Mark(tx, a_); });
    EXPECT_FALSE(other->SequenceFeed().has_value()) << "it should not number while another server does";
    EXPECT_EQ(One("SELECT COUNT(*) FROM live_event WHERE seq IS NULL"), 1);
    release.set_value();
    holder.join();
    const auto position = Position();  // this server's feed numbers it once the lock is free
    EXPECT_EQ(One("SELECT COUNT(*) FROM live_event WHERE seq IS NULL"), 0);
    bool heard = false;
    for (int i = 0; i < 20 && !heard; ++i) {  // bounded: 20 waits of at most 250 ms
        for (const auto& payload : listener->Wait(std::chrono::milliseconds(250))) {
            for (const auto& mark : db::ParseFeedPayload(payload))
                heard = heard || (mark.site == 1 && mark.seq == position);
        }
    }
    EXPECT_TRUE(heard) << "the other server was not told of site 1's number " << position;
}

TEST(FeedPayload, RoundTripsAndSkipsWhatIsMalformed) {
    const std::vector<db::FeedMark> marks{{3, 17}, {5, 2}};
    EXPECT_EQ(db::FeedPayload(marks), "3:17,5:2");
    auto back = db::ParseFeedPayload("3:17,5:2");
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[1].site, 5);
    EXPECT_EQ(back[1].seq, 2);
    EXPECT_EQ(db::ParseFeedPayload("x,3:,:4,7:8:9,2:5").size(), 1u);
    EXPECT_TRUE(db::ParseFeedPayload("").empty());
}

INSTANTIATE_TEST_SUITE_P(Both, Feed, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
