#pragma once
// Children, their placements at sites over time and their group memberships over time.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"
#include "rights/rights.hpp"

namespace children {

struct ChildInput {
    std::string family_name;
    std::string given_name;
    std::string family_kana;
    std::string given_kana;
    std::string birth_date;    // YYYY-MM-DD
    std::optional<int> grade;  // school grade 1–6; none for nursery children
    common::SiteId site_id;
    std::vector<common::GroupId> group_ids;
    std::string start_date;  // placement period at the site
    std::optional<std::string> end_date;
};

struct GroupRef {
    common::GroupId id;
    std::string name;
};

struct Child {
    common::ChildId id;
    ChildInput fields;  // site and period of the latest placement (in lists: the latest one the viewer may see)
    std::string site_name;
    std::string site_kind;         // gakudo, nursery, … (what the site keeps: a nursery's contact notebook)
    std::vector<GroupRef> groups;  // current group memberships
    bool active = true;
    bool left = false;  // that placement ended before today (a former site's view)
};

// Which children a list shows: those the scope's user reaches today (rights::kChildInScope) — placed at one of
// their sites and not yet left, or with include_former also those who left — optionally at one site.
struct ChildFilter {
    common::SiteScope scope;
    std::string today;  // YYYY-MM-DD, Tokyo
    std::optional<common::SiteId> site;
    std::string query;  // folded; matches names and kana in any kana form
    bool include_inactive = false;
    bool include_former = false;
};

std::vector<Child> ListChildren(db::ReadTx& tx, const ChildFilter& f, int limit, int offset);
std::int64_t CountChildren(db::ReadTx& tx, const ChildFilter& f);
std::optional<Child> GetChild(db::ReadTx& tx, common::ChildId id, const common::Date& today);
bool ChildExists(db::ReadTx& tx, common::ChildId id);
// A page's heading for a child: "family given" in kanji and kana, and the birth date (YYYY-MM-DD).
struct Heading {
    std::string name, kana, birth_date;
};
Heading HeadingOf(db::ReadTx& tx, common::ChildId id);
// Shows the child through one of its placements (the one an actor's access comes through): site, name and period.
void ShowPlacement(db::ReadTx& tx, Child& child, const rights::Period& period, const std::string& today);

common::ChildId InsertChild(db::WriteTx& tx, const ChildInput& in, const common::Clock& clock);
// Updates the child's details; a changed site ends the current placement the day before the new start and opens a
// new one; group changes end or start memberships from today, so history stays.
void UpdateChild(db::WriteTx& tx, common::ChildId id, const ChildInput& in, const common::Clock& clock);
void SetChildActive(db::WriteTx& tx, common::ChildId id, bool active, const common::Clock& clock);

// Names, kana, birth date and grade only; placements and groups stay as they are.
void UpdateChildDetails(db::WriteTx& tx, common::ChildId id, const ChildInput& in, const common::Clock& clock);
// The number a city's system gives the child (roster import).
std::optional<common::ChildId> FindChildByExternalId(db::ReadTx& tx, const std::string& external_id);
void SetChildExternalId(db::WriteTx& tx, common::ChildId id, const std::string& external_id);
// Places the child at the site from `date` unless it is placed there on that date; true when it added one.
bool EnsurePlacement(db::WriteTx& tx, common::ChildId id, common::SiteId site, const std::string& date,
                     const common::Clock& clock);
// Adds the child to the group from `date` unless it is a member then or later; true when it added one.
bool EnsureMembership(db::WriteTx& tx, common::ChildId id, common::GroupId group, const std::string& date,
                      const common::Clock& clock);

std::string ChildSearchKey(const ChildInput& in);

// Periods of placements and memberships (dates "YYYY-MM-DD"). The day before a date.
std::string DayBefore(const std::string& date);
// A membership of `child` in `group` from `start` (to `end`, or open).
void StartMembership(db::WriteTx& tx, common::ChildId child, common::GroupId group, const std::string& start,
                     const std::optional<std::string>& end, const std::string& now);
// Ends a placement or membership row (`table`) as of `from` (the first day it no longer applies): a row that had not
// started by then never applied and is removed; otherwise its end date becomes the day before.
void EndPeriod(db::WriteTx& tx, const char* table, std::int64_t id, const std::string& start, const std::string& from);

}  // namespace children
