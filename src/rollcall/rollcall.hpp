#pragma once
// The emergency roll-call and hand-over (I6). A municipal admin or a site manager starts one for a site, or the city
// for every site at once (an earthquake, a fire, a drill). Each site's list is the children inside at that instant
// (from the attendance record), fixed when it starts; staff confirm each one (safe, not found, injured, with a
// note) and then hand each over to an adult — one of the child's guardians, an authorised pick-up person from the
// child's list, or someone else named whose identity staff checked — which records the child's exit. The family
// hears of the confirmation and the hand-over through the notification jobs (a drill sends only the ordinary exit
// notice). One open roll-call per site at a time; a child is handed over once, and only after being confirmed.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"
#include "reports/overview.hpp"

namespace rollcall {

enum class Reason { kEarthquake, kFire, kDrill, kOther };
inline constexpr Reason kReasons[] = {Reason::kEarthquake, Reason::kFire, Reason::kDrill, Reason::kOther};
std::string_view ReasonName(Reason r);
std::optional<Reason> ParseReason(std::string_view s);

enum class ChildState { kUnchecked, kSafe, kNotFound, kInjured };
std::string_view ChildStateName(ChildState s);
std::optional<ChildState> ParseChildState(std::string_view s);

enum class HandedTo { kGuardian, kPickup, kOther };
std::string_view HandedToName(HandedTo h);
std::optional<HandedTo> ParseHandedTo(std::string_view s);

struct Started {
    common::RollcallId id;
    std::vector<std::pair<common::SiteId, common::RollcallSiteId>> opened;  // the sites it opened at
};
// Opens a roll-call at each site that has none open, listing the children inside now; a site with one open keeps
// it (and is not in `opened`).
Started Start(db::WriteTx& tx, const std::vector<common::SiteId>& sites, Reason reason, const std::string& note,
              bool city_wide, common::UserId by, const common::Clock& clock);

struct SiteCall {
    common::RollcallSiteId id;
    common::RollcallId rollcall;
    common::SiteId site;
    std::string site_name, site_kind;
    std::string date;  // the facility date it started on
    Reason reason = Reason::kOther;
    std::string note;
    bool city_wide = false;
    common::Instant started_at;
    std::string started_by;  // display name
    std::optional<common::Instant> closed_at;
    std::string closed_by;
};
std::optional<SiteCall> GetSiteCall(db::ReadTx& tx, common::RollcallSiteId id);
std::optional<SiteCall> OpenAt(db::ReadTx& tx, common::SiteId site);
// The roll-calls of a site, newest first.
std::vector<SiteCall> History(db::ReadTx& tx, common::SiteId site, int limit);
// The sites in scope with a roll-call open now (for the banner on every staff page), in kana order.
std::vector<std::pair<common::SiteId, std::string>> OpenInScope(db::ReadTx& tx, const common::SiteScope& scope);
// The progress of the site's open roll-call, if any.
std::optional<reports::RollcallProgress> OpenProgress(db::ReadTx& tx, common::SiteId site);

struct ChildLine {
    common::RollcallChildId id;
    common::ChildId child;
    std::string name, kana;
    std::optional<int> grade;
    std::optional<common::Instant> entered_at;
    ChildState state = ChildState::kUnchecked;
    std::string note;
    std::optional<common::Instant> checked_at;
    std::string checked_by;
    std::optional<HandedTo> handed_to;
    std::string handed_name, handed_relation;
    bool identity_checked = false;
    std::optional<common::Instant> handed_at;
    std::string handed_by;
};
// The list, in kana order.
std::vector<ChildLine> Children(db::ReadTx& tx, common::RollcallSiteId id);
std::optional<ChildLine> GetChild(db::ReadTx& tx, common::RollcallSiteId id, common::ChildId child);

enum class Problem {
    kClosed,        // the roll-call is closed
    kNotListed,     // the child is not on this list
    kHanded,        // handed over already: the record stands
    kNotConfirmed,  // a hand-over before the child was confirmed safe or injured
    kUnknownAdult,  // a guardian or pick-up person who is not the child's
    kIdentity,      // someone else, without a name or without their identity checked
};
std::string_view ProblemKey(Problem p);

// Confirms a child's state (safe, not found, injured) with a note; again to change it, until handed over.
std::optional<Problem> Confirm(db::WriteTx& tx, const SiteCall& call, common::ChildId child, ChildState state,
                               const std::string& note, common::UserId by, const common::Clock& clock);

struct Handover {
    HandedTo to = HandedTo::kGuardian;
    std::optional<common::GuardianId> guardian;
    std::optional<common::PickupPersonId> pickup;
    std::string name, relation;  // someone else
    bool identity_checked = false;
    std::string exit_reason;  // the exit's reason on the child's day record, in the carer's words
};
// Hands a confirmed child over: records who took the child, records the exit and plans the family's notice.
// Returns the exit's attendance event.
std::variant<common::EventId, Problem> HandOver(db::WriteTx& tx, const SiteCall& call, common::ChildId child,
                                                const Handover& h, common::UserId by, const common::Clock& clock);

// Closes the site's roll-call (the children still listed stay in the record as they are).
bool Close(db::WriteTx& tx, const SiteCall& call, common::UserId by, const common::Clock& clock);

}  // namespace rollcall
