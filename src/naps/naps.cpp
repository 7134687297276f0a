#include "naps/naps.hpp"

#include <boost/json.hpp>

#include <map>

#include "common/dates.hpp"
#include "live/feed.hpp"

namespace naps {
namespace {

common::Instant InstantOf(const std::string& text) { return *common::ParseInstant(text); }

// `change`: start, check, end, or overdue (the sweep's record of what a screen shows already).
void Tell(db::WriteTx& tx, common::SiteId site, const std::string& date, common::ChildId child, std::string_view change,
          const common::Clock& clock) {
    live::Append(tx, site, date, kLiveKind, child,
                 boost::json::serialize(boost::json::object{{"child", child.value}, {"change", change}}), clock);
}

// Records the dues the nap missed up to `until` (each once); returns how many were new.
int RecordMissed(db::WriteTx& tx, const Nap& nap, common::Instant until, const common::Clock& clock) {
    int added = 0;
    const std::string now = common::FormatInstant(clock.Now());
    for (auto due : nap.Missed(until)) {
        added += static_cast<int>(tx.Exec(
            "INSERT INTO nap_overdue (nap_id, due_at, created_at) VALUES (?, ?, ?) ON CONFLICT (nap_id, due_at) DO "
            "NOTHING",
            nap.id, common::FormatInstant(due), now));
    }
    return added;
}

constexpr std::string_view kNapColumns =
    "SELECT n.id, n.child_id, n.nap_date, n.interval_minutes, n.started_at, n.ended_at, COALESCE(u.display_name, "
    "''), n.site_id FROM nap n LEFT JOIN staff_user u ON u.id = n.started_by ";

// The naps of the rows with their checks and missed dues (two queries for all of them).
std::vector<Nap> Load(db::ReadTx& tx, const std::vector<db::Row>& rows) {
    std::vector<Nap> naps;
    std::map<std::int64_t, std::size_t> at;
    std::string ids;
    for (const auto& r : rows) {
        Nap n;
        n.id = r.Int(0);
        n.child = r.Id<common::ChildId>(1);
        n.date = r.Text(2).substr(0, 10);
        n.interval = static_cast<int>(r.Int(3));
        n.started = InstantOf(r.Text(4));
        if (!r.IsNull(5)) n.ended = InstantOf(r.Text(5));
        n.started_by = r.Text(6);
        n.site = r.Id<common::SiteId>(7);
        at[n.id] = naps.size();
        ids += (ids.empty() ? "" : ",") + std::to_string(n.id);  // ids from the database, not from a request
        naps.push_back(std::move(n));
    }
    if (naps.empty()) return naps;
    for (const auto& r :
         tx.Query("SELECT c.nap_id, c.checked_at, c.position, c.breathing_ok, c.complexion_ok, c.late, "
                  "COALESCE(u.display_name, '') FROM nap_check c LEFT JOIN staff_user u ON u.id = c.checked_by WHERE "
                  "c.nap_id IN (" +
                  ids + ") ORDER BY c.checked_at, c.id")) {
        naps[at.at(r.Int(0))].checks.push_back({InstantOf(r.Text(1)),
                                                ParsePosition(r.Text(2)).value_or(Position::kBack), r.Bool(3),
                                                r.Bool(4), r.Bool(5), r.Text(6)});
    }
    for (const auto& r :
         tx.Query("SELECT nap_id, due_at FROM nap_overdue WHERE nap_id IN (" + ids + ") ORDER BY due_at, id"))
        naps[at.at(r.Int(0))].overdue.push_back(InstantOf(r.Text(1)));
    return naps;
}

}  // namespace

std::vector<common::Instant> Nap::Missed(common::Instant until) const {
    std::vector<common::Instant> at;
    for (const auto& c : checks) at.push_back(c.at);
    return MissedDues(started, at, ended.value_or(until), interval);
}

namespace {

// Naps left open on an earlier day (nobody recorded the waking): a child does not sleep across midnight at a nursery,
// so each ends at the last moment someone saw it asleep (its last check, else its start), without a waker. Of one
// child, or (none) of every child.
void EndForgotten(db::WriteTx& tx, std::optional<common::ChildId> child, const common::Clock& clock) {
    const std::string today = common::FormatDate(common::TokyoDate(clock.Now()));
    tx.Exec(
        "UPDATE nap SET ended_at = COALESCE((SELECT MAX(c.checked_at) FROM nap_check c WHERE c.nap_id = nap.id), "
        "started_at), updated_at = ? WHERE ended_at IS NULL AND nap_date < ? AND (? = 0 OR child_id = ?)",
        common::FormatInstant(clock.Now()), today, child ? 1 : 0, child.value_or(common::ChildId(0)));
}

}  // namespace

common::Instant Nap::NextDue() const {
    return naps::NextDue(started, checks.empty() ? std::nullopt : std::optional(checks.back().at), interval);
}

Intervals GetIntervals(db::ReadTx& tx, common::SiteId site) {
    auto r =
        tx.QueryOptional("SELECT age0_minutes, age12_minutes, age3_minutes FROM nap_setting WHERE site_id = ?", site);
    if (!r) return {};
    return {static_cast<int>(r->Int(0)), static_cast<int>(r->Int(1)), static_cast<int>(r->Int(2))};
}

void SaveIntervals(db::WriteTx& tx, common::SiteId site, const Intervals& i, common::UserId by,
                   const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO nap_setting (site_id, age0_minutes, age12_minutes, age3_minutes, updated_by, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET age0_minutes = "
        "excluded.age0_minutes, age12_minutes = excluded.age12_minutes, age3_minutes = excluded.age3_minutes, "
        "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        site, i.age0, i.age12, i.age3, by, now, now);
}

bool Start(db::WriteTx& tx, common::SiteId site, common::ChildId child, const std::string& date, int interval,
           common::UserId by, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    EndForgotten(tx, child, clock);
    // The partial unique index keeps one open nap per child: a second tablet's start does nothing.
    const auto added = tx.Exec(
        "INSERT INTO nap (child_id, site_id, nap_date, interval_minutes, started_at, started_by, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (child_id) WHERE ended_at IS NULL DO NOTHING",
        child, site, date, interval, now, by, now, now);
    if (added == 0) return false;
    Tell(tx, site, date, child, "start", clock);
    return true;
}

std::optional<Nap> Open(db::ReadTx& tx, common::ChildId child) {
    auto rows = tx.Query(std::string(kNapColumns) + "WHERE n.child_id = ? AND n.ended_at IS NULL", child);
    auto naps = Load(tx, rows);
    if (naps.empty()) return std::nullopt;
    return naps.front();
}

bool AddCheck(db::WriteTx& tx, common::SiteId site, common::ChildId child, const Check& check, common::UserId by,
              const common::Clock& clock) {
    EndForgotten(tx, child, clock);
    auto nap = Open(tx, child);
    if (!nap || check.at < nap->started || check.at > clock.Now()) return false;
    const bool late = StateAt(nap->NextDue(), check.at) == State::kOverdue;
    RecordMissed(tx, *nap, check.at, clock);
    tx.Exec(
        "INSERT INTO nap_check (nap_id, checked_at, position, breathing_ok, complexion_ok, late, checked_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        nap->id, common::FormatInstant(check.at), PositionName(check.position), check.breathing_ok ? 1 : 0,
        check.complexion_ok ? 1 : 0, late ? 1 : 0, by, common::FormatInstant(clock.Now()));
    Tell(tx, site, nap->date, child, "check", clock);
    return true;
}

bool End(db::WriteTx& tx, common::SiteId site, common::ChildId child, common::Instant at, common::UserId by,
         const common::Clock& clock) {
    EndForgotten(tx, child, clock);
    auto nap = Open(tx, child);
    if (!nap || at < nap->started) return false;
    RecordMissed(tx, *nap, at, clock);
    tx.Exec("UPDATE nap SET ended_at = ?, ended_by = ?, updated_at = ? WHERE id = ? AND ended_at IS NULL",
            common::FormatInstant(at), by, common::FormatInstant(clock.Now()), nap->id);
    Tell(tx, site, nap->date, child, "end", clock);
    return true;
}

std::optional<Nap> LastOfDay(db::ReadTx& tx, common::ChildId child, const std::string& date) {
    auto naps = Load(tx, tx.Query(std::string(kNapColumns) +
                                      "WHERE n.child_id = ? AND n.nap_date = ? ORDER BY n.started_at DESC, n.id DESC "
                                      "LIMIT 1",
                                  child, date));
    if (naps.empty()) return std::nullopt;
    return naps.front();
}

std::vector<Nap> OfDay(db::ReadTx& tx, common::SiteId site, const std::string& date) {
    return Load(
        tx, tx.Query(std::string(kNapColumns) + "WHERE n.site_id = ? AND n.nap_date = ? ORDER BY n.started_at, n.id",
                     site, date));
}

std::vector<Nap> OfChild(db::ReadTx& tx, common::ChildId child, common::SiteId site, const std::string& from) {
    return Load(tx,
                tx.Query(std::string(kNapColumns) +
                             "WHERE n.child_id = ? AND n.site_id = ? AND n.nap_date >= ? ORDER BY n.started_at DESC, "
                             "n.id DESC",
                         child, site, from));
}

int RecordOverdue(db::Database& db, const common::Clock& clock) {
    return db.Write([&](db::WriteTx& tx) {
        EndForgotten(tx, std::nullopt, clock);
        int added = 0;
        const auto now = clock.Now();
        for (const auto& nap :
             Load(tx, tx.Query(std::string(kNapColumns) + "WHERE n.ended_at IS NULL ORDER BY n.id"))) {
            const int n = RecordMissed(tx, nap, now, clock);
            if (n == 0) continue;
            added += n;
            Tell(tx, nap.site, nap.date, nap.child, "overdue", clock);
        }
        return added;
    });
}

}  // namespace naps
