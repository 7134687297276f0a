#include "plans/plans.hpp"

#include <stdexcept>

#include "notify/notify.hpp"

namespace plans {
namespace {

int MinutesOf(const std::string& hhmm) {
    auto m = common::ParseTimeOfDay(hhmm);
    if (!m) throw std::logic_error("plans: stored time is not HH:MM: " + hhmm);
    return *m;
}

std::optional<int> OptMinutes(const std::optional<std::string>& hhmm) {
    if (!hhmm) return std::nullopt;
    return MinutesOf(*hhmm);
}

std::optional<std::string> OptTime(const std::optional<int>& minutes) {
    if (!minutes) return std::nullopt;
    return common::FormatTimeOfDay(*minutes);
}

std::string_view ContactKindName(ContactKind k) {
    switch (k) {
        case ContactKind::kAbsence:
            return "absence";
        case ContactKind::kChange:
            return "change";
        case ContactKind::kPlan:
            return "late_plan";
    }
    return "late_plan";
}

}  // namespace

std::string_view PlanProblemName(PlanProblem p) {
    switch (p) {
        case PlanProblem::kPastDate:
            return "past_date";
        case PlanProblem::kTooFar:
            return "too_far";
        case PlanProblem::kNotEnrolled:
            return "not_enrolled";
        case PlanProblem::kClosed:
            return "closed";
        case PlanProblem::kLeaveOutsideHours:
            return "leave_outside_hours";
        case PlanProblem::kUnknownPickupPerson:
            return "unknown_pickup_person";
    }
    return "past_date";
}

// ---- The site's rules and day ----------------------------------------------------------------------------------

SiteRules GetSiteRules(db::ReadTx& tx, common::SiteId site) {
    auto r = tx.QueryOne(
        "SELECT plan_deadline_days_before, plan_deadline_time, late_after_minutes, notify_guardians_on_alert, "
        "plan_reminder_day, extended_after, extended_unit_minutes, extended_rounding FROM site WHERE id = ?",
        site);
    SiteRules out;
    out.deadline_days_before = static_cast<int>(r.Int(0));
    out.deadline_minutes = MinutesOf(r.Text(1));
    out.late_after = std::chrono::minutes(r.Int(2));
    out.notify_guardians = r.Int(3) == 1;
    out.reminder_day = static_cast<int>(r.Int(4));
    if (auto after = OptMinutes(r.OptText(5))) {
        out.extended =
            ExtendedHours{*after, static_cast<int>(r.Int(6)), ParseRounding(r.Text(7)).value_or(Rounding::kUp)};
    }
    return out;
}

void UpdateSiteRules(db::WriteTx& tx, common::SiteId site, const SiteRules& rules, const common::Clock& clock) {
    tx.Exec(
        "UPDATE site SET plan_deadline_days_before = ?, plan_deadline_time = ?, late_after_minutes = ?, "
        "notify_guardians_on_alert = ?, plan_reminder_day = ?, extended_after = ?, extended_unit_minutes = ?, "
        "extended_rounding = ?, updated_at = ? WHERE id = ?",
        rules.deadline_days_before, common::FormatTimeOfDay(rules.deadline_minutes),
        static_cast<std::int64_t>(rules.late_after.count()), rules.notify_guardians ? 1 : 0, rules.reminder_day,
        OptTime(rules.extended ? std::optional<int>(rules.extended->after) : std::nullopt),
        rules.extended ? rules.extended->unit : 30,
        std::string(RoundingName(rules.extended ? rules.extended->rounding : Rounding::kUp)),
        common::FormatInstant(clock.Now()), site);
}

std::map<std::pair<int, int>, int> ListDismissals(db::ReadTx& tx, common::SiteId site) {
    std::map<std::pair<int, int>, int> out;
    for (const auto& r :
         tx.Query("SELECT grade, weekday, dismissal_time FROM site_dismissal WHERE site_id = ?", site)) {
        out[{static_cast<int>(r.Int(0)), static_cast<int>(r.Int(1))}] = MinutesOf(r.Text(2));
    }
    return out;
}

SiteDay LoadSiteDay(db::ReadTx& tx, common::SiteId site, const SiteRules& rules, const common::Date& date,
                    std::optional<int> grade) {
    SiteDay out;
    const std::string day = common::FormatDate(date);
    const int weekday = Weekday(date);
    out.late_after = rules.late_after;
    auto hours = tx.QueryOptional(
        "SELECT opens_at, closes_at FROM site_opening_hours WHERE site_id = ? AND weekday = ?", site, weekday);
    bool closure =
        tx.QueryOptional("SELECT 1 FROM site_closure WHERE site_id = ? AND closed_on = ?", site, day).has_value();
    out.closed = closure || !hours;
    if (hours) {
        out.opens = MinutesOf(hours->Text(0));
        out.closes = MinutesOf(hours->Text(1));
    }
    auto dismissal = tx.QueryOptional(
        "SELECT dismissal_time FROM site_dismissal WHERE site_id = ? AND weekday = ? AND grade IN (?, 0) "
        "ORDER BY grade DESC LIMIT 1",
        site, weekday, grade.value_or(0));
    if (dismissal) out.dismissal = MinutesOf(dismissal->Text(0));
    return out;
}

void AddClosure(db::WriteTx& tx, common::SiteId site, const common::Date& date, const std::string& reason,
                const common::Clock& clock) {
    tx.Exec(
        "INSERT INTO site_closure (site_id, closed_on, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT "
        "(site_id, closed_on) DO UPDATE SET reason = excluded.reason",
        site, common::FormatDate(date), reason, common::FormatInstant(clock.Now()));
}

bool RemoveClosure(db::WriteTx& tx, common::SiteId site, const common::Date& date) {
    return tx.Exec("DELETE FROM site_closure WHERE site_id = ? AND closed_on = ?", site, common::FormatDate(date)) > 0;
}

std::set<std::string> ClosedDays(db::ReadTx& tx, common::SiteId site, const common::Date& from,
                                 const common::Date& to) {
    std::set<int> open_weekdays;
    for (const auto& r : tx.Query("SELECT weekday FROM site_opening_hours WHERE site_id = ?", site))
        open_weekdays.insert(static_cast<int>(r.Int(0)));
    std::set<std::string> out;
    for (const auto& c : ListClosures(tx, site, from, to)) out.insert(c.date);
    for (auto d = std::chrono::sys_days(from); d <= std::chrono::sys_days(to); d += std::chrono::days(1)) {
        if (!open_weekdays.count(Weekday(common::Date{d}))) out.insert(common::FormatDate(common::Date{d}));
    }
    return out;
}

std::vector<Closure> ListClosures(db::ReadTx& tx, common::SiteId site, const common::Date& from,
                                  const common::Date& to) {
    std::vector<Closure> out;
    for (const auto& r : tx.Query("SELECT closed_on, reason FROM site_closure WHERE site_id = ? AND closed_on >= ? "
                                  "AND closed_on <= ? ORDER BY closed_on",
                                  site, common::FormatDate(from), common::FormatDate(to))) {
        out.push_back({r.Text(0), r.Text(1)});
    }
    return out;
}

void SetDismissal(db::WriteTx& tx, common::SiteId site, int grade, int weekday, std::optional<int> minutes,
                  const common::Clock& clock) {
    if (!minutes) {
        tx.Exec("DELETE FROM site_dismissal WHERE site_id = ? AND grade = ? AND weekday = ?", site, grade, weekday);
        return;
    }
    tx.Exec(
        "INSERT INTO site_dismissal (site_id, grade, weekday, dismissal_time, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (site_id, grade, weekday) DO UPDATE SET dismissal_time = excluded.dismissal_time",
        site, grade, weekday, common::FormatTimeOfDay(*minutes), common::FormatInstant(clock.Now()));
}

std::optional<common::SiteId> PlacementOn(db::ReadTx& tx, common::ChildId child, const common::Date& date) {
    const std::string day = common::FormatDate(date);
    auto r = tx.QueryOptional(
        "SELECT site_id FROM child_placement WHERE child_id = ? AND start_date <= ? AND (end_date IS NULL OR "
        "end_date >= ?) ORDER BY start_date DESC LIMIT 1",
        child, day, day);
    if (!r) return std::nullopt;
    return r->Id<common::SiteId>(0);
}

// ---- Pick-up persons -------------------------------------------------------------------------------------------

std::vector<PickupPerson> ListPickupPersons(db::ReadTx& tx, common::ChildId child) {
    std::vector<PickupPerson> out;
    for (const auto& r : tx.Query("SELECT id, name, relation, phone FROM pickup_person WHERE child_id = ? AND "
                                  "removed_at IS NULL ORDER BY id",
                                  child)) {
        out.push_back({r.Id<common::PickupPersonId>(0), r.Text(1), r.Text(2), r.Text(3)});
    }
    return out;
}

common::PickupPersonId AddPickupPerson(db::WriteTx& tx, common::ChildId child, const PickupPerson& p,
                                       std::optional<common::AccountId> by, const common::Clock& clock) {
    return tx
        .QueryOne(
            "INSERT INTO pickup_person (child_id, name, relation, phone, created_by, created_at) VALUES (?, ?, ?, ?, "
            "?, ?) RETURNING id",
            child, p.name, p.relation, p.phone, by, common::FormatInstant(clock.Now()))
        .Id<common::PickupPersonId>(0);
}

bool RemovePickupPerson(db::WriteTx& tx, common::ChildId child, common::PickupPersonId id, const common::Clock& clock) {
    return tx.Exec("UPDATE pickup_person SET removed_at = ? WHERE id = ? AND child_id = ? AND removed_at IS NULL",
                   common::FormatInstant(clock.Now()), id, child) > 0;
}

// ---- Plans and contact -----------------------------------------------------------------------------------------

PlanResult SetPlans(db::WriteTx& tx, common::AccountId account, common::ChildId child,
                    const std::vector<common::Date>& dates, const PlanInput& input, ContactKind kind, bool skip_closed,
                    const common::Clock& clock) {
    PlanResult out;
    const auto now = clock.Now();
    const auto today = std::chrono::sys_days(common::TokyoDate(now));
    auto grade_row = tx.QueryOne("SELECT grade FROM child WHERE id = ?", child);
    std::optional<int> grade;
    if (auto g = grade_row.OptInt(0)) grade = static_cast<int>(*g);
    if (input.pickup_person && input.way_home == WayHome::kPickup) {
        if (!tx.QueryOptional("SELECT 1 FROM pickup_person WHERE id = ? AND child_id = ? AND removed_at IS NULL",
                              *input.pickup_person, child)) {
            out.problems.push_back({"", PlanProblem::kUnknownPickupPerson});
            return out;
        }
    } else if (input.attending && input.way_home == WayHome::kPickup) {
        out.problems.push_back({"", PlanProblem::kUnknownPickupPerson});
        return out;
    }
    struct Day {
        std::string date;
        common::SiteId site;
        common::Date d;
    };
    std::vector<Day> days;
    std::map<common::SiteId, SiteRules> rules_of;  // read once per site, not once per day
    for (const auto& d : dates) {
        std::string date = common::FormatDate(d);
        auto sd = std::chrono::sys_days(d);
        if (sd < today) {
            out.problems.push_back({date, PlanProblem::kPastDate});
            continue;
        }
        if (sd > today + std::chrono::days(366)) {
            out.problems.push_back({date, PlanProblem::kTooFar});
            continue;
        }
        auto site = PlacementOn(tx, child, d);
        if (!site) {
            out.problems.push_back({date, PlanProblem::kNotEnrolled});
            continue;
        }
        auto rules = rules_of.find(*site);
        if (rules == rules_of.end()) rules = rules_of.emplace(*site, GetSiteRules(tx, *site)).first;
        auto site_day = LoadSiteDay(tx, *site, rules->second, d, grade);
        if (site_day.closed) {
            if (skip_closed) {
                out.skipped_closed.push_back(date);
            } else {
                out.problems.push_back({date, PlanProblem::kClosed});
            }
            continue;
        }
        if (input.attending && input.leave_minutes &&
            (*input.leave_minutes < site_day.opens.value_or(0) ||
             *input.leave_minutes > site_day.closes.value_or(24 * 60))) {
            out.problems.push_back({date, PlanProblem::kLeaveOutsideHours});
            continue;
        }
        days.push_back({date, *site, d});
    }
    if (!out.problems.empty()) return out;

    const std::string stamp = common::FormatInstant(now);
    const bool pickup = input.attending && input.way_home == WayHome::kPickup;
    // Absent: no leaving time, whatever the form held. As stored (HH:MM), so a day's plan compares as text.
    const std::optional<std::string> leave_time = input.attending ? OptTime(input.leave_minutes) : std::nullopt;
    const std::optional<std::string> reason = input.attending ? std::nullopt : input.absence_reason;
    for (const auto& day : days) {
        auto before = tx.QueryOptional(
            "SELECT attending, leave_time, way_home, pickup_person_id, absence_reason, note FROM attendance_plan "
            "WHERE child_id = ? AND plan_date = ?",
            child, day.date);
        bool same = before && before->Bool(0) == input.attending && before->OptText(1) == leave_time &&
                    before->Text(2) == (pickup ? "pickup" : "alone") &&
                    before->OptInt(3) == (pickup ? std::optional(input.pickup_person->value) : std::nullopt) &&
                    before->OptText(4) == reason && before->Text(5) == input.note;
        if (same && kind == ContactKind::kPlan) continue;
        tx.Exec(
            "INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, leave_time, way_home, "
            "pickup_person_id, absence_reason, note, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?) ON CONFLICT (child_id, plan_date) DO UPDATE SET site_id = excluded.site_id, attending = "
            "excluded.attending, leave_time = excluded.leave_time, way_home = excluded.way_home, pickup_person_id = "
            "excluded.pickup_person_id, absence_reason = excluded.absence_reason, note = excluded.note, updated_by = "
            "excluded.updated_by, updated_at = excluded.updated_at",
            child, day.site, day.date, input.attending ? 1 : 0, leave_time, pickup ? "pickup" : "alone",
            pickup ? input.pickup_person : std::nullopt, reason, input.note, account, stamp, stamp);
        ++out.saved;
        const auto& rules = rules_of.at(day.site);
        bool late = now > PlanDeadline(day.d, rules.deadline_days_before, rules.deadline_minutes);
        if (late) ++out.late;
        // Staff see every absence and change, and a plan changed once the deadline has passed.
        if (kind != ContactKind::kPlan || late) {
            tx.Exec(
                "INSERT INTO plan_contact (child_id, site_id, plan_date, kind, attending, leave_time, way_home, "
                "pickup_person_id, absence_reason, note, after_deadline, account_id, created_at) VALUES (?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?)",
                child, day.site, day.date, ContactKindName(kind), input.attending ? 1 : 0, leave_time,
                pickup ? "pickup" : "alone", pickup ? input.pickup_person : std::nullopt, reason, input.note,
                late ? 1 : 0, account, stamp);
        }
    }
    return out;
}

std::vector<StoredPlan> PlansOfChild(db::ReadTx& tx, common::ChildId child, const common::Date& from,
                                     const common::Date& to) {
    std::vector<StoredPlan> out;
    for (const auto& r :
         tx.Query("SELECT p.plan_date, p.site_id, p.attending, p.leave_time, p.way_home, p.pickup_person_id, "
                  "COALESCE(pp.name, ''), p.absence_reason, p.note FROM attendance_plan p LEFT JOIN pickup_person pp "
                  "ON pp.id = p.pickup_person_id WHERE p.child_id = ? AND p.plan_date >= ? AND p.plan_date <= ? "
                  "ORDER BY p.plan_date",
                  child, common::FormatDate(from), common::FormatDate(to))) {
        StoredPlan p;
        p.date = r.Text(0);
        p.site = r.Id<common::SiteId>(1);
        p.plan.attending = r.Bool(2);
        p.plan.leave_minutes = OptMinutes(r.OptText(3));
        p.plan.way_home = ParseWayHome(r.Text(4)).value_or(WayHome::kAlone);
        if (auto id = r.OptInt(5)) p.pickup_person = common::PickupPersonId(*id);
        p.pickup_name = r.Text(6);
        p.absence_reason = r.OptText(7);
        p.note = r.Text(8);
        out.push_back(std::move(p));
    }
    return out;
}

namespace {

constexpr std::string_view kContactColumns =
    "SELECT c.id, c.child_id, ch.family_name || ' ' || ch.given_name, c.plan_date, c.kind, c.attending, "
    "c.leave_time, c.way_home, COALESCE(pp.name, ''), c.absence_reason, c.note, c.after_deadline, "
    "a.display_name, c.created_at, c.confirmed_at, COALESCE(s.display_name, ''), c.site_id FROM plan_contact c "
    "JOIN child ch ON ch.id = c.child_id JOIN guardian_account a ON a.id = c.account_id "
    "LEFT JOIN pickup_person pp ON pp.id = c.pickup_person_id LEFT JOIN staff_user s ON s.id = c.confirmed_by ";

Contact ContactFromRow(const db::Row& r) {
    Contact c;
    c.id = r.Id<common::ContactId>(0);
    c.child = r.Id<common::ChildId>(1);
    c.child_name = r.Text(2);
    c.date = r.Text(3);
    c.kind = r.Text(4);
    c.attending = r.Bool(5);
    c.leave_minutes = OptMinutes(r.OptText(6));
    c.way_home = ParseWayHome(r.Text(7)).value_or(WayHome::kAlone);
    c.pickup_name = r.Text(8);
    c.absence_reason = r.OptText(9);
    c.note = r.Text(10);
    c.after_deadline = r.Bool(11);
    c.account_name = r.Text(12);
    c.created_at = common::CanonicalInstant(r.Text(13));
    if (auto at = r.OptText(14)) c.confirmed_at = common::CanonicalInstant(*at);
    c.confirmed_by_name = r.Text(15);
    return c;
}

}  // namespace

std::vector<Contact> ContactsForDay(db::ReadTx& tx, common::SiteId site, const common::Date& date) {
    std::vector<Contact> out;
    for (const auto& r : tx.Query(std::string(kContactColumns) +
                                      "WHERE c.site_id = ? AND c.plan_date = ? ORDER BY c.created_at DESC, c.id DESC",
                                  site, common::FormatDate(date))) {
        out.push_back(ContactFromRow(r));
    }
    return out;
}

std::vector<Contact> ContactsOfChild(db::ReadTx& tx, common::ChildId child, const common::Date& date) {
    std::vector<Contact> out;
    for (const auto& r :
         tx.Query(std::string(kContactColumns) + "WHERE c.child_id = ? AND c.plan_date = ? ORDER BY c.created_at, c.id",
                  child, common::FormatDate(date))) {
        out.push_back(ContactFromRow(r));
    }
    return out;
}

std::optional<Contact> GetContact(db::ReadTx& tx, common::ContactId id, common::SiteId* site) {
    auto r = tx.QueryOptional(std::string(kContactColumns) + "WHERE c.id = ?", id);
    if (!r) return std::nullopt;
    if (site) *site = r->Id<common::SiteId>(16);
    return ContactFromRow(*r);
}

bool ConfirmContact(db::WriteTx& tx, common::ContactId id, common::UserId by, const common::Clock& clock) {
    auto row = tx.QueryOptional(
        "UPDATE plan_contact SET confirmed_at = ?, confirmed_by = ? WHERE id = ? AND confirmed_at IS NULL RETURNING "
        "child_id, site_id, plan_date, kind",
        common::FormatInstant(clock.Now()), by, id);
    if (!row) return false;
    // The family learns that the site has it: the reason they wrote it.
    notify::Notify(tx,
                   {notify::Kind::kContactConfirmed,
                    row->Id<common::SiteId>(1),
                    row->Id<common::ChildId>(0),
                    {{"contact", id.value}, {"date", row->Text(2)}, {"contact_kind", row->Text(3)}}},
                   clock);
    return true;
}

}  // namespace plans
