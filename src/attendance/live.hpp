#pragma once
// The live roster's feed: open event streams per site, and what a committed entry or exit sends to them. Events
// carry the child's id, state and times, never a name (the page already shows it). Within one server process; with
// several nodes a roster shows the scans of other nodes on reconnect or reload (a shared feed is future work).
// The city overview's streams hear only which site changed, never what.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "attendance/attendance.hpp"
#include "http/events.hpp"

namespace attendance {

// {"child": 12, "state": "in", "in_at": "15:02", "out_at": ""} as an SSE "state" event with the event id.
std::string StateEvent(common::ChildId child, const DayState& day, std::int64_t event_id);

// {"child": 12, "kind": "not_arrived"} as an SSE "alert" event (no id: a reload shows the alerts anyway).
std::string AlertEvent(common::ChildId child, std::string_view kind);

class LiveFeed {
 public:
    void Subscribe(common::SiteId site, const std::string& date, std::shared_ptr<http::EventChannel> channel);
    // Sends to every open stream of the site that shows this date; forgets streams whose reader has gone.
    // Also tells the city streams that the site changed.
    void Publish(common::SiteId site, const std::string& date, const std::string& formatted);
    std::size_t Subscribers(common::SiteId site);

    // A city overview's stream: hears which of its sites (nullopt: every site) changed on its date, as "site"
    // events ({"site": 3}); the page then asks for those sites' figures.
    void SubscribeCity(const std::string& date, std::optional<std::set<common::SiteId>> sites,
                       std::shared_ptr<http::EventChannel> channel);
    // Tells the city streams that something at the site changed on the date (a mark, an alert, a roll-call step).
    void Touch(common::SiteId site, const std::string& date);
    // How many times each site has been touched since the process started: a cache of a site's figures computed
    // at one version is stale at the next.
    std::map<common::SiteId, std::uint64_t> Versions();

 private:
    struct Listener {
        std::string date;
        std::shared_ptr<http::EventChannel> channel;
    };
    std::mutex mutex_;
    std::map<common::SiteId, std::vector<Listener>> listeners_;
    struct CityListener {
        std::string date;
        std::optional<std::set<common::SiteId>> sites;
        std::shared_ptr<http::EventChannel> channel;
    };
    std::vector<CityListener> city_;
    std::map<common::SiteId, std::uint64_t> versions_;
};

}  // namespace attendance
