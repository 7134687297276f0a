#pragma once
// The live feed: what changed at a site (an entry or exit, an alert, a roll-call step), shared by every server on
// the database. A change is added to the feed in the transaction that makes it (Append), so it is in the feed if
// and only if it committed; each site's entries are numbered in commit order (SQLite as it commits; PostgreSQL just
// after, by db::Database::SequenceFeed, which this server runs for its own commits and for any left unnumbered).
// Each server's Feed sends the entries to its open event streams: it hears of its own commits at once, of other
// servers' through PostgreSQL's LISTEN/NOTIFY, and looks at every site's newest number each second in case a
// notification was lost (a server killed before its NOTIFY, a dropped listening connection).
// A stream carries the site's numbers as event ids: one that reconnects with Last-Event-ID n gets exactly what
// came after n, whichever server it reaches. Events carry ids, states and times, never a name.
// The city overview's streams hear only which site changed, never what.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "http/events.hpp"

namespace live {

// What kind of change an entry is: its event name on the streams.
inline constexpr std::string_view kState = "state";
inline constexpr std::string_view kAlert = "alert";
inline constexpr std::string_view kRollcall = "rollcall";

// Adds an entry to the site's feed in this transaction. `data` is the event's JSON (ids only); a state entry's
// data is read when it is sent (the child's day as it is then), so it is empty here.
void Append(db::WriteTx& tx, common::SiteId site, const std::string& date, std::string_view kind,
            std::optional<common::ChildId> child, std::string data, const common::Clock& clock);

// The site's newest number: a page read in the same transaction continues its stream after it.
std::int64_t Position(db::ReadTx& tx, common::SiteId site);

// Removes entries older than two days (kept for a reconnect's catch-up); returns how many.
std::int64_t Trim(db::WriteTx& tx, const common::Clock& clock);

class Feed {
 public:
    // The JSON of a state event for each of the children, read when the entries are sent (attendance's part).
    using StateReader = std::function<std::map<common::ChildId, std::string>(
        db::ReadTx&, common::SiteId, const std::string& date, const std::set<common::ChildId>&)>;

    Feed(db::Database& db, StateReader states);
    ~Feed();
    Feed(const Feed&) = delete;
    Feed& operator=(const Feed&) = delete;

    // Hears this process's commits (the database's feed hook), reads every site's number once, and starts the
    // thread that sends entries to streams and the one that listens for other servers' commits (PostgreSQL).
    void Start(std::chrono::milliseconds poll_every = std::chrono::milliseconds(1000));
    void Stop();

    // A roster's (or roll-call's) stream for the site and date: gets every entry of that date numbered after
    // `after`, first what is in the feed already, then each as it commits.
    void Subscribe(common::SiteId site, const std::string& date, std::int64_t after,
                   std::shared_ptr<http::EventChannel> channel);
    // A city overview's stream: hears which of its sites (nullopt: every site) changed, as "site" events
    // ({"site": 3}); the page then asks for those sites' figures. Any date: the figures say what changed.
    void SubscribeCity(std::optional<std::set<common::SiteId>> sites, std::shared_ptr<http::EventChannel> channel);

    // Each site's newest number as this server knows it: a cache of a site's figures drawn at one version is stale
    // at the next.
    std::map<common::SiteId, std::uint64_t> Versions();

    // Sites whose feed moved on (from the database's hook, the listener, the poll).
    void Heard(const std::vector<db::FeedMark>& marks);
    // Waits until everything heard so far has been numbered and sent to the streams (tests: no sleeping for a
    // thread). Returns at once when the feed is not started.
    void Settle();
    // Looks at every site's number now (what the poll does each second).
    void Poll();

 private:
    struct Listener {
        std::string date;
        std::int64_t last;
        std::shared_ptr<http::EventChannel> channel;
    };
    struct CityListener {
        std::optional<std::set<common::SiteId>> sites;
        std::shared_ptr<http::EventChannel> channel;
    };
    void Follow(std::chrono::milliseconds poll_every);
    void Listen();
    void Deliver(common::SiteId site);
    void Sequence();

    db::Database& db_;
    StateReader states_;
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::map<common::SiteId, std::vector<Listener>> listeners_;
    std::vector<CityListener> city_;
    std::map<common::SiteId, std::int64_t> known_;
    std::set<common::SiteId> dirty_;
    bool busy_ = false;
    bool unnumbered_ = false;  // committed entries wait for SequenceFeed (PostgreSQL)
    bool stop_ = false;
    bool started_ = false;
    std::thread follower_, listener_;
};

}  // namespace live
