#include "attendance/attendance.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "attendance/cards.hpp"
#include "attendance/kiosks.hpp"
#include "common/dates.hpp"
#include "live/feed.hpp"
#include "notify/notify.hpp"
#include "sites/groups.hpp"

namespace attendance {
namespace {

std::string DisplayName(const std::string& family, const std::string& given) { return family + " " + given; }

common::Instant InstantOf(const std::string& stored) {
    auto t = common::ParseInstant(stored);
    if (!t) throw std::logic_error("attendance: stored instant is not an instant");
    return *t;
}

// A child's effective marks: in/out rows that no later row corrects.
constexpr std::string_view kEffective =
    "e.kind <> 'void' AND NOT EXISTS (SELECT 1 FROM attendance_event c WHERE c.corrects_id = e.id)";

}  // namespace

std::optional<LastMark> LastMarkBefore(db::ReadTx& tx, common::ChildId child, const std::string& date,
                                       const std::string& at) {
    static const std::string sql =
        "SELECT e.id, e.kind, e.occurred_at FROM attendance_event e WHERE e.child_id = ? AND e.facility_date = ? "
        "AND e.occurred_at <= ? AND " +
        std::string(kEffective) + " ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1";
    auto r = tx.QueryOptional(sql, child, date, at);
    if (!r) return std::nullopt;
    return LastMark{r->Id<common::EventId>(0),
                    Mark{*ParseDirection(r->Text(1)), InstantOf(common::CanonicalInstant(r->Text(2)))}};
}

std::string_view DirectionName(Direction d) { return d == Direction::kIn ? "in" : "out"; }

std::optional<Direction> ParseDirection(std::string_view s) {
    if (s == "in") return Direction::kIn;
    if (s == "out") return Direction::kOut;
    return std::nullopt;
}

ScanDecision DecideScan(const std::optional<Mark>& last, common::Instant at, std::chrono::seconds repeat) {
    if (last && at >= last->at && at - last->at < repeat) return {last->direction, true};
    return {last && last->direction == Direction::kIn ? Direction::kOut : Direction::kIn, false};
}

std::string_view StateName(State s) {
    switch (s) {
        case State::kIn:
            return "in";
        case State::kLeft:
            return "left";
        case State::kNotArrived:
            return "not_arrived";
    }
    return "not_arrived";
}

DayState FoldDay(std::vector<Mark> marks) {
    std::stable_sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.at < b.at; });
    DayState d;
    for (const Mark& m : marks) {
        if (m.direction == Direction::kIn) {
            d.state = State::kIn;
            d.in_at = m.at;
            d.out_at.reset();
        } else {
            d.state = State::kLeft;
            d.out_at = m.at;
        }
    }
    return d;
}

std::string_view ScanStatusName(ScanStatus s) {
    switch (s) {
        case ScanStatus::kRecorded:
            return "recorded";
        case ScanStatus::kAlreadyRecorded:
            return "already_recorded";
        case ScanStatus::kUnknownKiosk:
            return "kiosk_unknown";
        case ScanStatus::kKioskRevoked:
            return "kiosk_revoked";
        case ScanStatus::kUnreadable:
            return "card_unreadable";
        case ScanStatus::kUnsupportedVersion:
            return "card_version";
        case ScanStatus::kCardRevoked:
            return "card_revoked";
        case ScanStatus::kOtherSite:
            return "card_other_site";
    }
    return "card_unreadable";
}

std::variant<ScanResult, CheckedScan> CheckScan(db::ReadTx& tx, std::string_view credential, const ScanRequest& scan,
                                                std::string_view secret) {
    ScanResult out;
    auto parsed = ParseCardPayload(secret, scan.card);
    const auto* card_id = std::get_if<common::CardId>(&parsed);
    const auto facility_date = common::FormatDate(common::TokyoDate(scan.scanned_at));
    // One statement for the kiosk, a replay of this scan_id (a retry after a lost answer) and the card with its
    // child: every scan asks all three, and on PostgreSQL each statement is a round trip.
    auto found = FindKioskWith(
        tx, credential,
        "r.id, r.kind, r.occurred_at, r.created_at, r.child_id, r.facility_date, rc.family_name, rc.given_name, "
        "rc.family_kana, rc.given_kana, c.id, c.child_id, c.revoked_at, ch.family_name, ch.given_name, "
        "ch.family_kana, ch.given_kana, ch.deactivated_at, EXISTS (SELECT 1 FROM child_placement p WHERE p.child_id "
        "= c.child_id AND p.site_id = k.site_id AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?))",
        "LEFT JOIN attendance_event r ON r.kiosk_id = k.id AND r.scan_id = ? LEFT JOIN child rc ON rc.id = "
        "r.child_id LEFT JOIN card c ON c.id = ? LEFT JOIN child ch ON ch.id = c.child_id",
        {facility_date, facility_date, scan.scan_id, card_id ? card_id->value : std::int64_t{0}});
    if (!found) {
        out.status = ScanStatus::kUnknownKiosk;
        return out;
    }
    auto& [kiosk, r] = *found;
    out.kiosk = kiosk.id;
    out.site = kiosk.site_id;
    if (kiosk.revoked_at) {
        out.status = ScanStatus::kKioskRevoked;
        return out;
    }
    // The same scan again: the first answer, nothing new.
    if (!r.IsNull(0)) {
        out.status = ScanStatus::kAlreadyRecorded;
        out.replay = true;
        out.event_id = r.Id<common::EventId>(0);
        out.direction = *ParseDirection(r.Text(1));
        out.occurred_at = InstantOf(common::CanonicalInstant(r.Text(2)));
        out.recorded_at = InstantOf(common::CanonicalInstant(r.Text(3)));
        out.delayed = *out.recorded_at - out.occurred_at > kDelayedAfter;
        out.child = r.Id<common::ChildId>(4);
        out.facility_date = r.Text(5);
        out.display_name = DisplayName(r.Text(6), r.Text(7));
        out.kana = DisplayName(r.Text(8), r.Text(9));
        return out;
    }
    if (auto* problem = std::get_if<CardProblem>(&parsed)) {
        out.status =
            *problem == CardProblem::kUnsupportedVersion ? ScanStatus::kUnsupportedVersion : ScanStatus::kUnreadable;
        return out;
    }
    out.facility_date = facility_date;
    if (r.IsNull(10)) {
        out.status = ScanStatus::kUnreadable;  // signed, but no such card here
        return out;
    }
    if (!r.IsNull(12)) {
        out.status = ScanStatus::kCardRevoked;
        return out;
    }
    if (!r.IsNull(17) || !r.Bool(18)) {
        out.status = ScanStatus::kOtherSite;
        return out;
    }
    out.child = r.Id<common::ChildId>(11);
    out.display_name = DisplayName(r.Text(13), r.Text(14));
    out.kana = DisplayName(r.Text(15), r.Text(16));
    return CheckedScan{std::move(kiosk), *card_id, std::move(out)};
}

std::map<std::pair<common::ChildId, std::string>, std::vector<Mark>> SiteMarksBetween(db::ReadTx& tx,
                                                                                      common::SiteId site,
                                                                                      const std::string& from,
                                                                                      const std::string& to) {
    static const std::string sql =
        "SELECT e.child_id, e.facility_date, e.kind, e.occurred_at FROM attendance_event e WHERE e.site_id = ? AND "
        "e.facility_date >= ? AND e.facility_date <= ? AND " +
        std::string(kEffective);
    std::map<std::pair<common::ChildId, std::string>, std::vector<Mark>> out;
    for (const auto& r : tx.Query(sql, site, from, to)) {
        out[{r.Id<common::ChildId>(0), r.Text(1)}].push_back(
            Mark{*ParseDirection(r.Text(2)), InstantOf(common::CanonicalInstant(r.Text(3)))});
    }
    return out;
}

std::vector<DirectoryEntry> KioskDirectory(db::ReadTx& tx, common::SiteId site, const std::string& date) {
    std::vector<DirectoryEntry> out;
    for (const auto& r : tx.Query(
             "SELECT c.id, ch.family_name, ch.given_name, ch.family_kana, ch.given_kana FROM card c JOIN child ch ON "
             "ch.id = c.child_id WHERE c.revoked_at IS NULL AND ch.deactivated_at IS NULL AND EXISTS (SELECT 1 FROM "
             "child_placement p WHERE p.child_id = c.child_id AND p.site_id = ? AND (p.end_date IS NULL OR "
             "p.end_date >= ?)) ORDER BY c.id",
             site, date)) {
        out.push_back({r.Id<common::CardId>(0), DisplayName(r.Text(1), r.Text(2)), DisplayName(r.Text(3), r.Text(4))});
    }
    return out;
}

namespace {
// The family hears of each entry and exit, with its time (and "late" when an offline kiosk sent it later).
// A guardian's stamp at a nursery's entrance says so (`stamped`): its notice then names who stamped and who picked up.
void Notify(db::WriteTx& tx, Direction direction, common::SiteId site, common::ChildId child, common::EventId event,
            const std::string& at, bool delayed, const common::Clock& clock, bool stamped = false) {
    boost::json::object params{{"event", event.value}, {"at", at}, {"delayed", delayed}};
    if (stamped) params["stamped"] = true;
    notify::Notify(tx, {direction == Direction::kIn ? notify::Kind::kEntry : notify::Kind::kExit, site, child, params},
                   clock);
}
}  // namespace

std::optional<InsertedMark> InsertKioskMark(db::WriteTx& tx, const KioskMark& mark, const common::Clock& clock) {
    auto recorded = clock.Now();
    std::string at = common::FormatInstant(mark.at);
    auto row = tx.QueryOptional(
        "INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, kiosk_id, scan_id, "
        "card_id, created_at) VALUES (?, ?, ?, ?, ?, 'kiosk', ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        mark.child, mark.kiosk.site_id, mark.facility_date, DirectionName(mark.direction), at, mark.kiosk.id,
        mark.scan_id, mark.card, common::FormatInstant(recorded));
    if (!row) return std::nullopt;
    auto id = row->Id<common::EventId>(0);
    TouchKiosk(tx, mark.kiosk, clock);
    Notify(tx, mark.direction, mark.kiosk.site_id, mark.child, id, at, recorded - mark.at > kDelayedAfter, clock,
           mark.by_family);
    live::Append(tx, mark.kiosk.site_id, mark.facility_date, live::kState, mark.child, "", clock);
    return InsertedMark{id, recorded};
}

std::optional<ScanResult> RecordCheckedScan(db::WriteTx& tx, const CheckedScan& checked, const ScanRequest& scan,
                                            const common::Clock& clock, bool checked_in_tx) {
    const Kiosk& kiosk = checked.kiosk;
    ScanResult out = checked.result;
    // Both looked up outside this transaction: revoked since, the full check must tell why.
    if (!checked_in_tx && !tx.QueryOne("SELECT (SELECT revoked_at FROM kiosk WHERE id = ?) IS NULL AND (SELECT "
                                       "revoked_at FROM card WHERE id = ?) IS NULL",
                                       kiosk.id, checked.card)
                               .Bool(0))
        return std::nullopt;

    auto last = LastMarkBefore(tx, out.child, out.facility_date, common::FormatInstant(scan.scanned_at));
    auto decision = DecideScan(last ? std::optional(last->mark) : std::nullopt, scan.scanned_at,
                               std::chrono::seconds(kiosk.repeat_scan_seconds));
    out.direction = decision.direction;
    if (decision.repeat) {
        out.status = ScanStatus::kAlreadyRecorded;
        out.event_id = last->id;
        out.occurred_at = last->mark.at;
        return out;
    }
    // No row: the same scan_id was recorded since it was checked (a retry racing the first try).
    auto inserted = InsertKioskMark(
        tx, {kiosk, out.child, out.facility_date, decision.direction, scan.scanned_at, scan.scan_id, checked.card},
        clock);
    if (!inserted) return std::nullopt;
    out.event_id = inserted->id;
    out.status = ScanStatus::kRecorded;
    out.occurred_at = scan.scanned_at;
    out.recorded_at = inserted->recorded_at;
    out.delayed = *out.recorded_at - scan.scanned_at > kDelayedAfter;
    return out;
}

ScanResult RecordScan(db::WriteTx& tx, std::string_view credential, const ScanRequest& scan, std::string_view secret,
                      const common::Clock& clock) {
    // Twice at most: on PostgreSQL a retry of the same scan committing in another transaction makes the insert do
    // nothing, and the check after it (a statement's own snapshot) finds that retry's row and answers with it.
    for (int pass = 0; pass < 2; ++pass) {
        auto checked = CheckScan(tx, credential, scan, secret);
        if (auto* answer = std::get_if<ScanResult>(&checked)) return std::move(*answer);
        if (auto out = RecordCheckedScan(tx, std::get<CheckedScan>(checked), scan, clock, true)) return std::move(*out);
    }
    throw std::logic_error("RecordScan: a scan checked in this transaction changed under it twice");
}

common::EventId RecordByStaff(db::WriteTx& tx, const StaffMark& mark, const common::Clock& clock) {
    auto id =
        tx.QueryOne(
              "INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, "
              "staff_user_id, reason, created_at) VALUES (?, ?, ?, ?, ?, 'staff', ?, ?, ?) RETURNING id",
              mark.child, mark.site, common::FormatDate(common::TokyoDate(mark.at)), DirectionName(mark.direction),
              common::FormatInstant(mark.at), mark.staff, mark.reason, common::FormatInstant(clock.Now()))
            .Id<common::EventId>(0);
    if (mark.notify)
        Notify(tx, mark.direction, mark.site, mark.child, id, common::FormatInstant(mark.at), false, clock);
    live::Append(tx, mark.site, common::FormatDate(common::TokyoDate(mark.at)), live::kState, mark.child, "", clock);
    return id;
}

namespace {
constexpr std::string_view kEventColumns =
    "SELECT e.id, e.child_id, e.site_id, e.facility_date, e.kind, e.occurred_at, e.source, k.name, u.display_name, "
    "e.corrects_id, (SELECT c.id FROM attendance_event c WHERE c.corrects_id = e.id), e.reason, e.created_at, "
    "ga.display_name, pp.name, pp.relation "
    "FROM attendance_event e LEFT JOIN kiosk k ON k.id = e.kiosk_id LEFT JOIN staff_user u ON u.id = e.staff_user_id "
    // A guardian's stamp at a nursery's entrance (entrance/) names who stamped and who took the child home.
    "LEFT JOIN entrance_stamp es ON es.event_id = e.id LEFT JOIN guardian_account ga ON ga.id = es.account_id "
    "LEFT JOIN pickup_person pp ON pp.id = es.pickup_person_id ";

Event EventFromRow(const db::Row& r) {
    Event e;
    e.id = r.Id<common::EventId>(0);
    e.child = r.Id<common::ChildId>(1);
    e.site = r.Id<common::SiteId>(2);
    e.facility_date = r.Text(3);
    e.kind = r.Text(4);
    e.occurred_at = common::CanonicalInstant(r.Text(5));
    e.source = r.Text(6);
    e.kiosk_name = r.OptText(7);
    e.staff_name = r.OptText(8);
    if (!r.IsNull(9)) e.corrects = r.Id<common::EventId>(9);
    if (!r.IsNull(10)) e.corrected_by = r.Id<common::EventId>(10);
    e.reason = r.Text(11);
    e.created_at = common::CanonicalInstant(r.Text(12));
    e.stamped_by = r.OptText(13);
    e.pickup_name = r.OptText(14);
    e.pickup_relation = r.OptText(15);
    return e;
}
}  // namespace

std::optional<Event> GetEvent(db::ReadTx& tx, common::EventId id) {
    auto r = tx.QueryOptional(std::string(kEventColumns) + "WHERE e.id = ?", id);
    if (!r) return std::nullopt;
    return EventFromRow(*r);
}

std::vector<Event> DayHistory(db::ReadTx& tx, common::ChildId child, const std::string& date) {
    std::vector<Event> out;
    for (const auto& r : tx.Query(
             std::string(kEventColumns) + "WHERE e.child_id = ? AND e.facility_date = ? ORDER BY e.id", child, date)) {
        out.push_back(EventFromRow(r));
    }
    return out;
}

std::variant<common::EventId, CorrectionProblem> Correct(db::WriteTx& tx, const Event& event,
                                                         const Correction& correction, const common::Clock& clock) {
    if (event.kind == "void") return CorrectionProblem::kNotAMark;
    if (event.corrected_by) return CorrectionProblem::kAlreadyCorrected;
    std::string kind = correction.new_time ? event.kind : "void";
    std::string at = correction.new_time ? common::FormatInstant(*correction.new_time) : event.occurred_at;
    if (correction.new_time && common::FormatDate(common::TokyoDate(*correction.new_time)) != event.facility_date) {
        return CorrectionProblem::kOtherDay;
    }
    auto id = tx.QueryOne(
                    "INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, "
                    "staff_user_id, corrects_id, reason, created_at) VALUES (?, ?, ?, ?, ?, 'staff', ?, ?, ?, ?) "
                    "RETURNING id",
                    event.child, event.site, event.facility_date, kind, at, correction.staff, event.id,
                    correction.reason, common::FormatInstant(clock.Now()))
                  .Id<common::EventId>(0);
    // The family hears of the correction (what was recorded and what it is now); the reason stays with staff.
    boost::json::object params{
        {"event", id.value}, {"corrects", event.id.value}, {"what", event.kind}, {"old_at", event.occurred_at}};
    if (correction.new_time) params["new_at"] = at;
    notify::Notify(tx, {notify::Kind::kCorrection, event.site, event.child, std::move(params)}, clock);
    live::Append(tx, event.site, event.facility_date, live::kState, event.child, "", clock);
    return id;
}

namespace {

// Effective marks at the site that day, per child.
std::map<common::ChildId, std::vector<Mark>> SiteMarks(db::ReadTx& tx, common::SiteId site, const std::string& date) {
    static const std::string sql =
        "SELECT e.child_id, e.kind, e.occurred_at FROM attendance_event e WHERE e.site_id = ? AND e.facility_date = ? "
        "AND " +
        std::string(kEffective);
    std::map<common::ChildId, std::vector<Mark>> out;
    for (const auto& r : tx.Query(sql, site, date)) {
        out[r.Id<common::ChildId>(0)].push_back(
            Mark{*ParseDirection(r.Text(1)), InstantOf(common::CanonicalInstant(r.Text(2)))});
    }
    return out;
}

}  // namespace

Roster SiteRoster(db::ReadTx& tx, common::SiteId site, const std::string& date, std::optional<common::GroupId> group) {
    Roster roster;
    roster.feed_position = live::Position(tx, site);
    // The site's placements first (IN walks their index on site and period); written as EXISTS, SQLite walked every
    // child of the city in name order: 0.9 s a site with 50,000 children, for the page and the alert sweep alike.
    std::string sql =
        "SELECT ch.id, ch.family_name, ch.given_name, ch.family_kana, ch.given_kana, ch.grade FROM child ch "
        "WHERE ch.deactivated_at IS NULL AND ch.id IN (SELECT p.child_id FROM child_placement p WHERE p.site_id = ? "
        "AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?))";
    std::vector<db::Value> params{site, date, date};
    if (group) {
        sql += sites::kInGroupBetween;
        params.insert(params.end(), {*group, date, date});
    }
    sql += " ORDER BY ch.family_kana, ch.given_kana, ch.id";
    auto marks = SiteMarks(tx, site, date);
    std::map<common::ChildId, std::vector<common::GroupId>> groups;
    for (const auto& r :
         tx.Query("SELECT m.child_id, m.group_id FROM child_group_membership m JOIN child_group g ON g.id = m.group_id "
                  "WHERE g.site_id = ? AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?)",
                  site, date, date)) {
        groups[r.Id<common::ChildId>(0)].push_back(r.Id<common::GroupId>(1));
    }
    for (const auto& r : tx.QueryParams(sql, params)) {
        RosterRow row;
        row.child = r.Id<common::ChildId>(0);
        row.display_name = DisplayName(r.Text(1), r.Text(2));
        row.kana = DisplayName(r.Text(3), r.Text(4));
        if (auto g = r.OptInt(5)) row.grade = static_cast<int>(*g);
        if (auto it = groups.find(row.child); it != groups.end()) row.groups = it->second;
        if (auto it = marks.find(row.child); it != marks.end()) row.day = FoldDay(it->second);
        roster.rows.push_back(std::move(row));
    }
    return roster;
}

std::map<common::ChildId, DayState> SiteChildrenDays(db::ReadTx& tx, common::SiteId site, const std::string& date,
                                                     const std::set<common::ChildId>& children) {
    std::map<common::ChildId, DayState> out;
    if (children.empty()) return out;
    // A few children: their own marks (by child and date); many: the site's day, once.
    std::map<common::ChildId, std::vector<Mark>> marks;
    if (children.size() > 16) {
        marks = SiteMarks(tx, site, date);
    } else {
        static const std::string sql =
            "SELECT e.kind, e.occurred_at FROM attendance_event e WHERE e.child_id = ? AND e.facility_date = ? AND "
            "e.site_id = ? AND " +
            std::string(kEffective);
        for (common::ChildId c : children) {
            auto& list = marks[c];
            for (const auto& r : tx.Query(sql, c, date, site))
                list.push_back(Mark{*ParseDirection(r.Text(0)), InstantOf(common::CanonicalInstant(r.Text(1)))});
        }
    }
    for (common::ChildId c : children) {
        auto it = marks.find(c);
        out.emplace(c, it == marks.end() ? DayState{} : FoldDay(it->second));
    }
    return out;
}

DayState ChildDay(db::ReadTx& tx, common::ChildId child, const std::string& date) {
    static const std::string sql =
        "SELECT e.kind, e.occurred_at FROM attendance_event e WHERE e.child_id = ? AND e.facility_date = ? AND " +
        std::string(kEffective);
    std::vector<Mark> marks;
    for (const auto& r : tx.Query(sql, child, date)) {
        marks.push_back(Mark{*ParseDirection(r.Text(0)), InstantOf(common::CanonicalInstant(r.Text(1)))});
    }
    return FoldDay(std::move(marks));
}

}  // namespace attendance
