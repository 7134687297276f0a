#include "rollcall/rollcall.hpp"

#include <boost/json/serialize.hpp>

#include <array>

#include "attendance/attendance.hpp"
#include "common/dates.hpp"
#include "guardians/guardians.hpp"
#include "live/feed.hpp"
#include "notify/notify.hpp"
#include "plans/plans.hpp"

namespace rollcall {

namespace {

constexpr std::array<std::string_view, 4> kReasonNames{"earthquake", "fire", "drill", "other"};
constexpr std::array<std::string_view, 4> kStateNames{"unchecked", "safe", "not_found", "injured"};
constexpr std::array<std::string_view, 3> kHandedNames{"guardian", "pickup", "other"};

template <class E, std::size_t N>
std::optional<E> ParseName(const std::array<std::string_view, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == s) return static_cast<E>(i);
    }
    return std::nullopt;
}

std::optional<common::Instant> OptInstant(const db::Row& r, int i) {
    auto t = r.OptText(i);
    return t ? common::ParseInstant(*t) : std::nullopt;
}

constexpr std::string_view kCallColumns =
    "SELECT rs.id, r.id, rs.site_id, s.name, s.kind, rs.facility_date, r.reason, r.note, r.city_wide, r.started_at, "
    "COALESCE(u.display_name, ''), rs.closed_at, COALESCE(c.display_name, '') FROM rollcall_site rs "
    "JOIN rollcall r ON r.id = rs.rollcall_id JOIN site s ON s.id = rs.site_id "
    "LEFT JOIN staff_user u ON u.id = r.started_by LEFT JOIN staff_user c ON c.id = rs.closed_by ";

SiteCall CallFromRow(const db::Row& r) {
    SiteCall c;
    c.id = r.Id<common::RollcallSiteId>(0);
    c.rollcall = r.Id<common::RollcallId>(1);
    c.site = r.Id<common::SiteId>(2);
    c.site_name = r.Text(3);
    c.site_kind = r.Text(4);
    c.date = r.Text(5).substr(0, 10);
    c.reason = ParseReason(r.Text(6)).value_or(Reason::kOther);
    c.note = r.Text(7);
    c.city_wide = r.Bool(8);
    c.started_at = common::ParseInstant(r.Text(9)).value_or(common::Instant{});
    c.started_by = r.Text(10);
    c.closed_at = OptInstant(r, 11);
    c.closed_by = r.Text(12);
    return c;
}

constexpr std::string_view kChildColumns =
    "SELECT rc.id, rc.child_id, ch.family_name || ' ' || ch.given_name, ch.family_kana || ' ' || ch.given_kana, "
    "ch.grade, rc.entered_at, rc.state, rc.note, rc.checked_at, COALESCE(cu.display_name, ''), rc.handed_to, "
    "rc.handed_name, rc.handed_relation, rc.identity_checked, rc.handed_at, COALESCE(hu.display_name, '') "
    "FROM rollcall_child rc JOIN child ch ON ch.id = rc.child_id "
    "LEFT JOIN staff_user cu ON cu.id = rc.checked_by LEFT JOIN staff_user hu ON hu.id = rc.handed_by ";

ChildLine ChildFromRow(const db::Row& r) {
    ChildLine l;
    l.id = r.Id<common::RollcallChildId>(0);
    l.child = r.Id<common::ChildId>(1);
    l.name = r.Text(2);
    l.kana = r.Text(3);
    if (auto g = r.OptInt(4)) l.grade = static_cast<int>(*g);
    l.entered_at = OptInstant(r, 5);
    l.state = ParseChildState(r.Text(6)).value_or(ChildState::kUnchecked);
    l.note = r.Text(7);
    l.checked_at = OptInstant(r, 8);
    l.checked_by = r.Text(9);
    if (auto h = r.OptText(10)) l.handed_to = ParseHandedTo(*h);
    l.handed_name = r.Text(11);
    l.handed_relation = r.Text(12);
    l.identity_checked = r.Bool(13);
    l.handed_at = OptInstant(r, 14);
    l.handed_by = r.Text(15);
    return l;
}

// The family's notice of a roll-call step (not for a drill): urgent, through quiet hours.
void NotifyFamily(db::WriteTx& tx, const SiteCall& call, common::ChildId child, common::RollcallChildId line,
                  std::string_view what, const common::Clock& clock) {
    if (call.reason == Reason::kDrill) return;
    notify::Notify(tx,
                   {notify::Kind::kAlert,
                    call.site,
                    child,
                    {{"alert_kind", std::string(what)}, {"rollcall_child", line.value}, {"date", call.date}},
                    true},
                   clock);
}

}  // namespace

std::string_view ReasonName(Reason r) { return kReasonNames[static_cast<std::size_t>(r)]; }
std::optional<Reason> ParseReason(std::string_view s) { return ParseName<Reason>(kReasonNames, s); }
std::string_view ChildStateName(ChildState s) { return kStateNames[static_cast<std::size_t>(s)]; }
std::optional<ChildState> ParseChildState(std::string_view s) { return ParseName<ChildState>(kStateNames, s); }
std::string_view HandedToName(HandedTo h) { return kHandedNames[static_cast<std::size_t>(h)]; }
std::optional<HandedTo> ParseHandedTo(std::string_view s) { return ParseName<HandedTo>(kHandedNames, s); }

std::string_view ProblemKey(Problem p) {
    switch (p) {
        case Problem::kClosed:
            return "error_rollcall_closed";
        case Problem::kNotListed:
            return "error_rollcall_not_listed";
        case Problem::kHanded:
            return "error_rollcall_handed";
        case Problem::kNotConfirmed:
            return "error_rollcall_not_confirmed";
        case Problem::kUnknownAdult:
            return "error_rollcall_adult";
        case Problem::kIdentity:
            return "error_rollcall_identity";
    }
    return "error_rollcall_closed";
}

namespace {
// The site's other screens hear of it through the live feed: the roll-call's other tablets (which child; 0: the
// roll-call itself), the city's overview (that the site changed).
void Tell(db::WriteTx& tx, common::SiteId site, common::RollcallSiteId call, std::optional<common::ChildId> child,
          const common::Clock& clock) {
    boost::json::object o{{"call", call.value}, {"child", child ? child->value : 0}};
    live::Append(tx, site, common::FormatDate(common::TokyoDate(clock.Now())), live::kRollcall, child,
                 boost::json::serialize(o), clock);
}
}  // namespace

Started Start(db::WriteTx& tx, const std::vector<common::SiteId>& sites, Reason reason, const std::string& note,
              bool city_wide, common::UserId by, const common::Clock& clock) {
    const auto now = clock.Now();
    const std::string stamp = common::FormatInstant(now), today = common::FormatDate(common::TokyoDate(now));
    Started out;
    out.id = tx.QueryOne(
                   "INSERT INTO rollcall (reason, note, city_wide, started_at, started_by, created_at) VALUES (?, ?, "
                   "?, ?, ?, ?) RETURNING id",
                   std::string(ReasonName(reason)), note, city_wide ? 1 : 0, stamp, by, stamp)
                 .Id<common::RollcallId>(0);
    for (auto site : sites) {
        // One open roll-call per site (the partial unique index holds it under concurrent starts too).
        auto opened = tx.QueryOptional(
            "INSERT INTO rollcall_site (rollcall_id, site_id, facility_date, created_at) SELECT ?, ?, ?, ? WHERE NOT "
            "EXISTS (SELECT 1 FROM rollcall_site WHERE site_id = ? AND closed_at IS NULL) RETURNING id",
            out.id, site, today, stamp, site);
        if (!opened) continue;
        auto id = opened->Id<common::RollcallSiteId>(0);
        out.opened.emplace_back(site, id);
        Tell(tx, site, id, std::nullopt, clock);
        for (const auto& row : attendance::SiteRoster(tx, site, today, std::nullopt).rows) {
            if (row.day.state != attendance::State::kIn) continue;
            tx.Exec(
                "INSERT INTO rollcall_child (rollcall_site_id, child_id, entered_at, created_at) VALUES (?, ?, ?, ?)",
                id, row.child,
                row.day.in_at ? std::optional<std::string>(common::FormatInstant(*row.day.in_at)) : std::nullopt,
                stamp);
        }
    }
    // Nothing opened (every site had one running): no roll-call of its own.
    if (out.opened.empty()) tx.Exec("DELETE FROM rollcall WHERE id = ?", out.id);
    return out;
}

std::optional<SiteCall> GetSiteCall(db::ReadTx& tx, common::RollcallSiteId id) {
    auto r = tx.QueryOptional(std::string(kCallColumns) + "WHERE rs.id = ?", id);
    if (!r) return std::nullopt;
    return CallFromRow(*r);
}

std::optional<SiteCall> OpenAt(db::ReadTx& tx, common::SiteId site) {
    auto r = tx.QueryOptional(std::string(kCallColumns) + "WHERE rs.site_id = ? AND rs.closed_at IS NULL", site);
    if (!r) return std::nullopt;
    return CallFromRow(*r);
}

std::vector<SiteCall> History(db::ReadTx& tx, common::SiteId site, int limit) {
    std::vector<SiteCall> out;
    for (const auto& r :
         tx.Query(std::string(kCallColumns) + "WHERE rs.site_id = ? ORDER BY rs.id DESC LIMIT ?", site, limit))
        out.push_back(CallFromRow(r));
    return out;
}

std::vector<std::pair<common::SiteId, std::string>> OpenInScope(db::ReadTx& tx, const common::SiteScope& scope) {
    std::vector<std::pair<common::SiteId, std::string>> out;
    for (const auto& r : tx.Query("SELECT s.id, s.name FROM rollcall_site rs JOIN site s ON s.id = rs.site_id WHERE "
                                  "rs.closed_at IS NULL AND (? = 1 OR rs.site_id IN (SELECT site_id FROM staff_role "
                                  "WHERE user_id = ?)) ORDER BY s.name_kana, s.id",
                                  scope.AllFlag(), scope.UserValue()))
        out.emplace_back(r.Id<common::SiteId>(0), r.Text(1));
    return out;
}

std::optional<reports::RollcallProgress> OpenProgress(db::ReadTx& tx, common::SiteId site) {
    auto r = tx.QueryOptional(
        "SELECT rs.rollcall_id, COUNT(rc.id), COALESCE(SUM(CASE WHEN rc.state = 'unchecked' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN rc.state = 'safe' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN rc.state IN ('not_found', 'injured') THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN rc.handed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM rollcall_site rs "
        "LEFT JOIN rollcall_child rc ON rc.rollcall_site_id = rs.id WHERE rs.site_id = ? AND rs.closed_at IS NULL "
        "GROUP BY rs.id, rs.rollcall_id",
        site);
    if (!r) return std::nullopt;
    reports::RollcallProgress p;
    p.rollcall = r->Id<common::RollcallId>(0);
    p.children = static_cast<int>(r->Int(1));
    p.unchecked = static_cast<int>(r->Int(2));
    p.safe = static_cast<int>(r->Int(3));
    p.trouble = static_cast<int>(r->Int(4));
    p.handed = static_cast<int>(r->Int(5));
    return p;
}

std::vector<ChildLine> Children(db::ReadTx& tx, common::RollcallSiteId id) {
    std::vector<ChildLine> out;
    for (const auto& r : tx.Query(
             std::string(kChildColumns) + "WHERE rc.rollcall_site_id = ? ORDER BY ch.family_kana, ch.given_kana, ch.id",
             id))
        out.push_back(ChildFromRow(r));
    return out;
}

std::optional<ChildLine> GetChild(db::ReadTx& tx, common::RollcallSiteId id, common::ChildId child) {
    auto r =
        tx.QueryOptional(std::string(kChildColumns) + "WHERE rc.rollcall_site_id = ? AND rc.child_id = ?", id, child);
    if (!r) return std::nullopt;
    return ChildFromRow(*r);
}

std::optional<Problem> Confirm(db::WriteTx& tx, const SiteCall& call, common::ChildId child, ChildState state,
                               const std::string& note, common::UserId by, const common::Clock& clock) {
    if (tx.QueryOne("SELECT closed_at IS NOT NULL FROM rollcall_site WHERE id = ?", call.id).Bool(0))
        return Problem::kClosed;
    auto line = GetChild(tx, call.id, child);
    if (!line) return Problem::kNotListed;
    if (line->handed_at) return Problem::kHanded;
    tx.Exec("UPDATE rollcall_child SET state = ?, note = ?, checked_at = ?, checked_by = ? WHERE id = ?",
            std::string(ChildStateName(state)), note, common::FormatInstant(clock.Now()), by, line->id);
    // The family hears that the child is safe, or hurt; "not found" is the staff's to phone about.
    if (state != line->state && (state == ChildState::kSafe || state == ChildState::kInjured))
        NotifyFamily(tx, call, child, line->id, state == ChildState::kSafe ? "rollcall_safe" : "rollcall_injured",
                     clock);
    Tell(tx, call.site, call.id, child, clock);
    return std::nullopt;
}

std::variant<common::EventId, Problem> HandOver(db::WriteTx& tx, const SiteCall& call, common::ChildId child,
                                                const Handover& h, common::UserId by, const common::Clock& clock) {
    if (tx.QueryOne("SELECT closed_at IS NOT NULL FROM rollcall_site WHERE id = ?", call.id).Bool(0))
        return Problem::kClosed;
    auto line = GetChild(tx, call.id, child);
    if (!line) return Problem::kNotListed;
    if (line->handed_at) return Problem::kHanded;
    if (line->state != ChildState::kSafe && line->state != ChildState::kInjured) return Problem::kNotConfirmed;
    std::string name = h.name, relation = h.relation;
    std::optional<common::GuardianId> guardian;
    std::optional<common::PickupPersonId> pickup;
    switch (h.to) {
        case HandedTo::kGuardian: {
            // One of the child's guardians on record today.
            auto links = guardians::GuardiansOfChildren(tx, {child});
            const guardians::Link* found = nullptr;
            for (const auto& l : links[child]) {
                if (h.guardian && l.guardian_id == *h.guardian && l.active) found = &l;
            }
            if (!found) return Problem::kUnknownAdult;
            guardian = found->guardian_id;
            name = found->name;
            relation = found->relationship;
            break;
        }
        case HandedTo::kPickup: {
            const plans::PickupPerson* found = nullptr;
            auto people = plans::ListPickupPersons(tx, child);
            for (const auto& p : people) {
                if (h.pickup && p.id == *h.pickup) found = &p;
            }
            if (!found) return Problem::kUnknownAdult;
            pickup = found->id;
            name = found->name;
            relation = found->relation;
            break;
        }
        case HandedTo::kOther:
            if (name.empty() || !h.identity_checked) return Problem::kIdentity;
            break;
    }
    const auto now = clock.Now();
    // The exit, as staff record one by hand; in an emergency the family's notice is the hand-over's own.
    auto event = attendance::RecordByStaff(
        tx, {child, call.site, attendance::Direction::kOut, now, by, h.exit_reason, call.reason == Reason::kDrill},
        clock);
    // Guarded on handed_at so two carers handing the same child over at once cannot both succeed.
    auto updated = tx.QueryOptional(
        "UPDATE rollcall_child SET handed_to = ?, handed_guardian_id = ?, handed_pickup_id = ?, handed_name = ?, "
        "handed_relation = ?, identity_checked = ?, handed_at = ?, handed_by = ? WHERE id = ? AND handed_at IS NULL "
        "RETURNING id",
        std::string(HandedToName(h.to)), guardian, pickup, name, relation,
        h.to == HandedTo::kOther || h.identity_checked ? 1 : 0, common::FormatInstant(now), by, line->id);
    if (!updated) throw std::logic_error("HandOver: the child was handed over under this transaction");
    NotifyFamily(tx, call, child, line->id, "rollcall_handed", clock);
    Tell(tx, call.site, call.id, child, clock);
    return event;
}

bool Close(db::WriteTx& tx, const SiteCall& call, common::UserId by, const common::Clock& clock) {
    const bool closed = tx.QueryOptional(
                              "UPDATE rollcall_site SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS "
                              "NULL RETURNING id",
                              common::FormatInstant(clock.Now()), by, call.id)
                            .has_value();
    if (closed) Tell(tx, call.site, call.id, std::nullopt, clock);
    return closed;
}

}  // namespace rollcall
