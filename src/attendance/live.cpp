#include "attendance/live.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

#include "common/dates.hpp"

namespace attendance {

std::string StateEvent(common::ChildId child, const DayState& day, std::int64_t event_id) {
    boost::json::object o{{"child", child.value},
                          {"state", std::string(StateName(day.state))},
                          {"in_at", day.in_at ? common::FormatTokyoTime(*day.in_at) : ""},
                          {"out_at", day.out_at ? common::FormatTokyoTime(*day.out_at) : ""}};
    return http::FormatEvent("state", boost::json::serialize(o), std::to_string(event_id));
}

std::string AlertEvent(common::ChildId child, std::string_view kind) {
    boost::json::object o{{"child", child.value}, {"kind", std::string(kind)}};
    return http::FormatEvent("alert", boost::json::serialize(o));
}

void LiveFeed::Subscribe(common::SiteId site, const std::string& date, std::shared_ptr<http::EventChannel> channel) {
    std::lock_guard lock(mutex_);
    listeners_[site].push_back(Listener{date, std::move(channel)});
}

void LiveFeed::Publish(common::SiteId site, const std::string& date, const std::string& formatted) {
    Touch(site, date);
    std::lock_guard lock(mutex_);
    auto it = listeners_.find(site);
    if (it == listeners_.end()) return;
    auto& list = it->second;
    std::erase_if(
        list, [&](const Listener& l) { return l.date == date ? !l.channel->Push(formatted) : l.channel->closed(); });
    if (list.empty()) listeners_.erase(it);
}

void LiveFeed::SubscribeCity(const std::string& date, std::optional<std::set<common::SiteId>> sites,
                             std::shared_ptr<http::EventChannel> channel) {
    std::lock_guard lock(mutex_);
    city_.push_back(CityListener{date, std::move(sites), std::move(channel)});
}

void LiveFeed::Touch(common::SiteId site, const std::string& date) {
    std::lock_guard lock(mutex_);
    ++versions_[site];
    if (city_.empty()) return;
    const std::string event =
        http::FormatEvent("site", boost::json::serialize(boost::json::object{{"site", site.value}}));
    std::erase_if(city_, [&](const CityListener& l) {
        if (l.date != date || (l.sites && !l.sites->contains(site))) return l.channel->closed();
        return !l.channel->Push(event);
    });
}

std::map<common::SiteId, std::uint64_t> LiveFeed::Versions() {
    std::lock_guard lock(mutex_);
    return versions_;
}

std::size_t LiveFeed::Subscribers(common::SiteId site) {
    std::lock_guard lock(mutex_);
    auto it = listeners_.find(site);
    return it == listeners_.end() ? 0 : it->second.size();
}

}  // namespace attendance
