#include "live/feed.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

#include "common/dates.hpp"
#include "common/log.hpp"

namespace live {

namespace {
constexpr auto kKeep = std::chrono::hours(48);
// Entries read for one site at a time (a stream far behind is sent the rest in the next round).
constexpr int kReadAtOnce = 2000;
}  // namespace

void Append(db::WriteTx& tx, common::SiteId site, const std::string& date, std::string_view kind,
            std::optional<common::ChildId> child, std::string data, const common::Clock& clock) {
    tx.AppendFeed(db::FeedEntry{site.value, date, std::string(kind),
                                child ? std::optional<std::int64_t>(child->value) : std::nullopt, std::move(data),
                                common::FormatInstant(clock.Now())});
}

std::int64_t Position(db::ReadTx& tx, common::SiteId site) {
    auto r = tx.QueryOptional("SELECT seq FROM live_site WHERE site_id = ?", site);
    return r ? r->Int(0) : 0;
}

std::int64_t Trim(db::WriteTx& tx, const common::Clock& clock) {
    return tx.Exec("DELETE FROM live_event WHERE created_at < ?", common::FormatInstant(clock.Now() - kKeep));
}

Feed::Feed(db::Database& db, StateReader states) : db_(db), states_(std::move(states)) {}

Feed::~Feed() { Stop(); }

void Feed::Start(std::chrono::milliseconds poll_every) {
    db_.SetFeedHook([this](const std::vector<db::FeedMark>& marks) { Heard(marks); });
    Poll();
    std::lock_guard lock(mutex_);
    started_ = true;
    follower_ = std::thread([this, poll_every] { Follow(poll_every); });
    listener_ = std::thread([this] { Listen(); });
}

void Feed::Stop() {
    {
        std::lock_guard lock(mutex_);
        if (!started_) return;
        started_ = false;
        stop_ = true;
    }
    db_.SetFeedHook({});
    wake_.notify_all();
    if (follower_.joinable()) follower_.join();
    if (listener_.joinable()) listener_.join();
    std::lock_guard lock(mutex_);
    idle_.notify_all();
}

void Feed::Subscribe(common::SiteId site, const std::string& date, std::int64_t after,
                     std::shared_ptr<http::EventChannel> channel) {
    std::lock_guard lock(mutex_);
    listeners_[site].push_back(Listener{date, after, std::move(channel)});
    dirty_.insert(site);
    wake_.notify_all();
}

void Feed::SubscribeCity(std::optional<std::set<common::SiteId>> sites, std::shared_ptr<http::EventChannel> channel) {
    std::lock_guard lock(mutex_);
    city_.push_back(CityListener{std::move(sites), std::move(channel)});
}

std::map<common::SiteId, std::uint64_t> Feed::Versions() {
    std::lock_guard lock(mutex_);
    std::map<common::SiteId, std::uint64_t> out;
    for (const auto& [site, seq] : known_) out.emplace(site, static_cast<std::uint64_t>(seq));
    return out;
}

void Feed::Heard(const std::vector<db::FeedMark>& marks) {
    std::lock_guard lock(mutex_);
    bool any = false;
    for (const auto& m : marks) {
        if (m.seq == 0) {  // committed unnumbered: this server numbers it (PostgreSQL)
            unnumbered_ = any = true;
            continue;
        }
        const common::SiteId site(m.site);
        auto& known = known_[site];
        if (m.seq <= known) continue;
        known = m.seq;
        if (listeners_.contains(site)) {
            dirty_.insert(site);
            any = true;
        }
        if (city_.empty()) continue;
        const std::string event =
            http::FormatEvent("site", boost::json::serialize(boost::json::object{{"site", site.value}}));
        std::erase_if(city_, [&](const CityListener& l) {
            if (l.sites && !l.sites->contains(site)) return l.channel->closed();
            return !l.channel->Push(event);
        });
    }
    if (any) wake_.notify_all();
}

void Feed::Settle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return stop_ || !started_ || (dirty_.empty() && !busy_ && !unnumbered_); });
}

void Feed::Poll() {
    std::vector<db::FeedMark> marks;
    try {
        db_.Read([&](db::ReadTx& tx) {
            for (const auto& r : tx.Query("SELECT site_id, seq FROM live_site")) marks.push_back({r.Int(0), r.Int(1)});
        });
        // Entries a server committed but did not live to number.
        if (db_.FeedUnnumbered()) marks.push_back({0, 0});
    } catch (const db::Unavailable& e) {
        common::LogWarn("live feed: cannot read the sites' positions", {{"error", e.what()}});
        return;
    }
    Heard(marks);
}

void Feed::Sequence() {
    try {
        auto marks = db_.SequenceFeed();
        if (!marks) {
            // Another server is numbering: again shortly, for what it did not see.
            std::lock_guard lock(mutex_);
            unnumbered_ = true;
            return;
        }
        Heard(*marks);
    } catch (const std::exception& e) {
        // The database is away: the next poll finds the entries still unnumbered.
        common::LogWarn("live feed: cannot number the feed's entries", {{"error", e.what()}});
    }
}

void Feed::Follow(std::chrono::milliseconds poll_every) {
    auto next_poll = std::chrono::steady_clock::now() + poll_every;
    // One numbering every few milliseconds at most: each is a transaction with a durable commit of its own, and
    // under load one per batch of scans cost PostgreSQL as much as a fifth of the scans' own statements. A live
    // screen hears of a change that much later, no more.
    constexpr auto kSequenceEvery = std::chrono::milliseconds(10);
    auto last_sequenced = std::chrono::steady_clock::now() - kSequenceEvery;
    std::unique_lock lock(mutex_);
    while (!stop_) {
        if (unnumbered_) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= last_sequenced + kSequenceEvery) {
                unnumbered_ = false;
                busy_ = true;
                last_sequenced = now;
                lock.unlock();
                Sequence();
                lock.lock();
                busy_ = false;
                continue;
            }
            if (dirty_.empty()) {
                wake_.wait_until(lock, last_sequenced + kSequenceEvery, [&] { return stop_ || !dirty_.empty(); });
                continue;
            }
            // Sites to deliver meanwhile.
        }
        if (dirty_.empty()) {
            idle_.notify_all();
            if (wake_.wait_until(lock, next_poll, [&] { return stop_ || !dirty_.empty() || unnumbered_; }) == false) {
                lock.unlock();
                Poll();
                lock.lock();
                next_poll = std::chrono::steady_clock::now() + poll_every;
            }
            continue;
        }
        std::set<common::SiteId> sites;
        sites.swap(dirty_);
        busy_ = true;
        lock.unlock();
        for (auto site : sites) {
            try {
                Deliver(site);
            } catch (const std::exception& e) {
                // The database is away: the next poll finds the site again.
                common::LogWarn("live feed: cannot read a site's entries",
                                {{"site_id", site.value}, {"error", e.what()}});
            }
        }
        lock.lock();
        busy_ = false;
        if (std::chrono::steady_clock::now() >= next_poll) {
            lock.unlock();
            Poll();
            lock.lock();
            next_poll = std::chrono::steady_clock::now() + poll_every;
        }
    }
    idle_.notify_all();
}

void Feed::Listen() {
    std::unique_ptr<db::Database::Listener> listener;
    bool warned = false;
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        if (!listener) {
            try {
                listener = db_.ListenFeed();
                if (!listener) return;  // SQLite: one process writes; the poll finds commands run beside it
                if (warned) common::LogInfo("live feed: listening again", {});
                warned = false;
                // Whatever was committed while nobody listened.
                Poll();
                std::lock_guard relock(mutex_);
                for (const auto& [site, _] : listeners_) dirty_.insert(site);
                wake_.notify_all();
            } catch (const std::exception& e) {
                if (!warned) common::LogWarn("live feed: cannot listen", {{"error", e.what()}});
                warned = true;
                lock.lock();
                wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
                continue;
            }
        }
        try {
            for (const auto& payload : listener->Wait(std::chrono::milliseconds(250)))
                Heard(db::ParseFeedPayload(payload));
        } catch (const std::exception& e) {
            common::LogWarn("live feed: the listening connection was lost", {{"error", e.what()}});
            warned = true;
            listener.reset();
        }
        lock.lock();
    }
}

void Feed::Deliver(common::SiteId site) {
    for (;;) {
        std::int64_t from = 0;
        std::set<std::string> dates;
        std::set<const http::EventChannel*> asked;  // a stream that comes meanwhile is sent its own round
        {
            std::lock_guard lock(mutex_);
            auto it = listeners_.find(site);
            if (it == listeners_.end()) return;
            std::erase_if(it->second, [](const Listener& l) { return l.channel->closed(); });
            if (it->second.empty()) {
                listeners_.erase(it);
                return;
            }
            from = it->second.front().last;
            for (const auto& l : it->second) {
                from = std::min(from, l.last);
                dates.insert(l.date);
                asked.insert(l.channel.get());
            }
        }
        struct Entry {
            std::int64_t seq;
            std::string date, kind;
            std::optional<common::ChildId> child;
            std::string data;
        };
        std::vector<Entry> entries;
        std::map<std::string, std::map<common::ChildId, std::string>> states;  // date → child → JSON
        db_.Read([&](db::ReadTx& tx) {
            for (const auto& r : tx.Query("SELECT seq, facility_date, kind, child_id, data FROM live_event WHERE "
                                          "site_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                                          site, from, kReadAtOnce)) {
                Entry e{r.Int(0), r.Text(1), r.Text(2), std::nullopt, r.Text(4)};
                if (!r.IsNull(3)) e.child = r.Id<common::ChildId>(3);
                entries.push_back(std::move(e));
            }
            std::map<std::string, std::set<common::ChildId>> wanted;
            for (const auto& e : entries)
                if (e.kind == kState && e.child && dates.contains(e.date)) wanted[e.date].insert(*e.child);
            for (const auto& [date, children] : wanted) states[date] = states_(tx, site, date, children);
        });
        if (entries.empty()) return;
        // A child's state is sent once, with the number of its last entry here (it is the state as it is now).
        std::map<std::pair<std::string, common::ChildId>, std::int64_t> last_state;
        for (const auto& e : entries)
            if (e.kind == kState && e.child) last_state[{e.date, *e.child}] = e.seq;
        std::vector<std::pair<const Entry*, std::string>> events;
        for (const auto& e : entries) {
            if (!dates.contains(e.date)) continue;
            std::string id = std::to_string(e.seq);
            if (e.kind == kState) {
                if (!e.child || last_state[{e.date, *e.child}] != e.seq) continue;
                auto& of_date = states[e.date];
                auto s = of_date.find(*e.child);
                if (s == of_date.end()) continue;
                events.emplace_back(&e, http::FormatEvent("state", s->second, id));
            } else {
                events.emplace_back(&e, http::FormatEvent(e.kind, e.data, id));
            }
        }
        const std::int64_t newest = entries.back().seq;
        {
            std::lock_guard lock(mutex_);
            auto it = listeners_.find(site);
            if (it == listeners_.end()) return;
            for (auto& l : it->second) {
                if (!asked.contains(l.channel.get())) continue;
                for (const auto& [e, text] : events) {
                    if (e->seq > l.last && e->date == l.date) l.channel->Push(text);
                }
                l.last = std::max(l.last, newest);
            }
        }
        if (entries.size() < static_cast<std::size_t>(kReadAtOnce)) return;
    }
}

}  // namespace live
