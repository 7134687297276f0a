#pragma once
// Typed ids: a ChildId cannot be passed where a GuardianId is expected.
#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace common {

template <class Tag>
struct Id {
    std::int64_t value = 0;
    constexpr Id() = default;
    constexpr explicit Id(std::int64_t v) : value(v) {}
    auto operator<=>(const Id&) const = default;
    std::string ToString() const { return std::to_string(value); }
};

struct CityTag {};
struct SiteTag {};
struct GroupTag {};
struct ChildTag {};
struct GuardianTag {};
struct UserTag {};
struct SessionTag {};
struct AccountTag {};
struct CardTag {};
struct KioskTag {};
struct EventTag {};
struct PickupPersonTag {};
struct ContactTag {};
struct AlertTag {};
struct NotificationTag {};
struct RecipientTag {};
struct MessageTag {};
struct AttachmentTag {};
struct ThreadTag {};
struct RollcallTag {};
struct RollcallSiteTag {};
struct RollcallChildTag {};

using CityId = Id<CityTag>;
using SiteId = Id<SiteTag>;
using GroupId = Id<GroupTag>;
using ChildId = Id<ChildTag>;
using GuardianId = Id<GuardianTag>;
using UserId = Id<UserTag>;
using SessionId = Id<SessionTag>;
using AccountId = Id<AccountTag>;  // a guardian's own account (not the roster's guardian record)
using CardId = Id<CardTag>;
using KioskId = Id<KioskTag>;
using EventId = Id<EventTag>;  // an attendance event (entry, exit or correction)
using PickupPersonId = Id<PickupPersonTag>;
using ContactId = Id<ContactTag>;  // an absence or change a guardian reported (plan_contact)
using AlertId = Id<AlertTag>;
using NotificationId = Id<NotificationTag>;
using RecipientId = Id<RecipientTag>;  // one account's copy of a notification: its inbox entry and deliveries
using MessageId = Id<MessageTag>;      // a message written by staff or the city
using AttachmentId = Id<AttachmentTag>;
using ThreadId = Id<ThreadTag>;                // a child's conversation with a site
using RollcallId = Id<RollcallTag>;            // an emergency roll-call (one site or every site)
using RollcallSiteId = Id<RollcallSiteTag>;    // the roll-call at one site
using RollcallChildId = Id<RollcallChildTag>;  // one child on a site's roll-call list

}  // namespace common

template <class Tag>
struct std::hash<common::Id<Tag>> {
    std::size_t operator()(const common::Id<Tag>& id) const noexcept { return std::hash<std::int64_t>{}(id.value); }
};
