#include "entrance/entrance.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/dates.hpp"
#include "families/families.hpp"
#include "plans/plans.hpp"
#include "sites/sites.hpp"

namespace entrance {
namespace {

std::string PinPlace(common::AccountId account) { return auth::PlaceOf(auth::kFamilyPinField, account.value); }

// A PIN no other account holds (six digits leave room for a city's families many times over).
std::string UnusedPin(db::ReadTx& tx, std::string_view secret) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string pin = NewPin();
        if (!tx.QueryOptional("SELECT 1 FROM family_entrance WHERE pin_hash = ?", PinKey(secret, pin))) return pin;
    }
    throw std::runtime_error("entrance: no unused PIN found in 100 tries");
}

std::string ByName(const std::string& name, const std::string& relation) { return name + '\x1f' + relation; }

}  // namespace

std::string PinAttemptKey(common::KioskId kiosk) { return "entrance-pin:kiosk:" + kiosk.ToString(); }
std::string PinSiteAttemptKey(common::SiteId site) { return "entrance-pin:site:" + site.ToString(); }

std::optional<std::string> GetPin(db::ReadTx& tx, const auth::DataKeys& keys, common::AccountId account) {
    auto r = tx.QueryOptional("SELECT pin_sealed FROM family_entrance WHERE account_id = ?", account);
    if (!r) return std::nullopt;
    return keys.Open(r->Text(0), PinPlace(account));
}

std::string EnsurePin(db::WriteTx& tx, const auth::DataKeys& keys, std::string_view secret, common::AccountId account,
                      const common::Clock& clock) {
    if (auto pin = GetPin(tx, keys, account)) return *pin;
    std::string pin = UnusedPin(tx, secret);
    std::string now = common::FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO family_entrance (account_id, pin_hash, pin_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        account, PinKey(secret, pin), keys.Seal(pin, PinPlace(account)), now, now);
    return pin;
}

std::string RenewPin(db::WriteTx& tx, const auth::DataKeys& keys, std::string_view secret, common::AccountId account,
                     const common::Clock& clock) {
    EnsurePin(tx, keys, secret, account, clock);
    std::string pin = UnusedPin(tx, secret);
    tx.Exec("UPDATE family_entrance SET pin_hash = ?, pin_sealed = ?, updated_at = ? WHERE account_id = ?",
            PinKey(secret, pin), keys.Seal(pin, PinPlace(account)), common::FormatInstant(clock.Now()), account);
    return pin;
}

std::optional<common::AccountId> FindAccountByPin(db::ReadTx& tx, std::string_view secret, std::string_view digits) {
    auto r = tx.QueryOptional("SELECT account_id FROM family_entrance WHERE pin_hash = ?", PinKey(secret, digits));
    if (!r) return std::nullopt;
    return r->Id<common::AccountId>(0);
}

bool AcceptPass(db::WriteTx& tx, const Pass& pass, const common::Clock& clock) {
    std::string until = common::FormatInstant(common::Instant(std::chrono::seconds(pass.expires)));
    return tx
        .QueryOptional(
            "UPDATE family_entrance SET pass_used_until = ?, updated_at = ? WHERE account_id = ? AND "
            "(pass_used_until IS NULL OR pass_used_until < ?) RETURNING account_id",
            until, common::FormatInstant(clock.Now()), pass.account, until)
        .has_value();
}

namespace {

// The children the account may stamp (auth::FamilyAction::kCheckIn, from its links today) that are placed at the
// kiosk's site today, by name; none when the account is not usable or has no child here.
std::optional<FamilyHere> Stampable(db::ReadTx& tx, common::AccountId account, const attendance::Kiosk& kiosk,
                                    const std::string& today) {
    auto guardian = families::LoadGuardianActor(tx, account);
    if (!guardian) return std::nullopt;
    FamilyHere out;
    out.account = account;
    out.guardian_name = guardian->display_name;
    for (const auto& r :
         tx.Query("SELECT c.id, c.family_name, c.given_name, c.family_kana, c.given_kana FROM guardian_account_child l "
                  "JOIN child c ON c.id = l.child_id WHERE l.account_id = ? AND l.ended_at IS NULL AND "
                  "c.deactivated_at IS NULL AND EXISTS (SELECT 1 FROM child_placement p WHERE p.child_id = c.id AND "
                  "p.site_id = ? AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?)) "
                  "ORDER BY c.birth_date, c.id",
                  account, kiosk.site_id, today, today)) {
        ChildHere c;
        c.id = r.Id<common::ChildId>(0);
        if (!guardian->Can(auth::FamilyAction::kCheckIn, c.id)) continue;
        c.display_name = r.Text(1) + " " + r.Text(2);
        c.kana = r.Text(3) + " " + r.Text(4);
        out.children.push_back(std::move(c));
    }
    if (out.children.empty()) return std::nullopt;
    return out;
}

}  // namespace

std::optional<FamilyHere> FamilyAtSite(db::ReadTx& tx, common::AccountId account, const attendance::Kiosk& kiosk,
                                       common::Instant now) {
    const std::string today = common::FormatDate(common::TokyoDate(now));
    auto out = Stampable(tx, account, kiosk, today);
    if (!out) return std::nullopt;
    std::map<std::string, std::size_t> seen;
    for (auto& child : out->children) {
        child.day = attendance::ChildDay(tx, child.id, today);
        child.next =
            child.day.state == attendance::State::kIn ? attendance::Direction::kOut : attendance::Direction::kIn;
        for (const auto& p : plans::ListPickupPersons(tx, child.id)) {
            auto [it, fresh] = seen.emplace(ByName(p.name, p.relation), out->pickup.size());
            if (fresh) out->pickup.push_back({p.id, p.name, p.relation, {}});
            out->pickup[it->second].children.push_back(child.id);
        }
    }
    return out;
}

std::variant<std::vector<Stamped>, StampProblem> Stamp(db::WriteTx& tx, const attendance::Kiosk& kiosk,
                                                       const StampRequest& request, const common::Clock& clock) {
    if (request.children.empty()) return StampProblem::kNoChildren;
    if (request.stamp_id.empty() || request.stamp_id.size() > 64) return StampProblem::kBadStampId;
    const auto now = clock.Now();
    const std::string today = common::FormatDate(common::TokyoDate(now));
    // Who may be stamped here (the state and the pick-up lists are read below, for the children chosen only).
    auto family = Stampable(tx, request.account, kiosk, today);
    if (!family) return StampProblem::kNotHere;

    // Everything is checked before anything is written.
    std::vector<std::pair<const ChildHere*, attendance::Direction>> chosen;
    std::set<common::ChildId> once;
    bool anyone_leaves = false;
    for (const auto& [id, direction] : request.children) {
        auto it = std::find_if(family->children.begin(), family->children.end(),
                               [&](const ChildHere& c) { return c.id == id; });
        if (it == family->children.end() || !once.insert(id).second) return StampProblem::kNotHere;
        chosen.emplace_back(&*it, direction);
        anyone_leaves |= direction == attendance::Direction::kOut;
    }
    // Who takes each leaving child: the named person's entry on that child's own list.
    std::map<common::ChildId, common::PickupPersonId> pickup_of;
    if (anyone_leaves && !request.pickup_given) return StampProblem::kPickupRequired;
    if (anyone_leaves && request.pickup) {
        auto named = tx.QueryOptional("SELECT name, relation FROM pickup_person WHERE id = ? AND removed_at IS NULL",
                                      *request.pickup);
        if (!named) return StampProblem::kPickupUnknown;
        for (const auto& [child, direction] : chosen) {
            if (direction != attendance::Direction::kOut) continue;
            std::optional<common::PickupPersonId> match;
            for (const auto& p : plans::ListPickupPersons(tx, child->id)) {
                if (p.name == named->Text(0) && p.relation == named->Text(1)) match = p.id;
            }
            if (!match) return StampProblem::kPickupUnknown;
            pickup_of[child->id] = *match;
        }
    }

    const std::string at = common::FormatInstant(now);
    std::vector<Stamped> out;
    for (const auto& [child, direction] : chosen) {
        Stamped s{*child, StampOutcome::kRecorded, direction, now};
        const std::string scan_id = request.stamp_id + "-" + child->id.ToString();
        // The same stamp again (the tablet resent it after a lost answer): what was recorded then.
        if (auto first =
                tx.QueryOptional("SELECT kind, occurred_at FROM attendance_event WHERE kiosk_id = ? AND scan_id = ?",
                                 kiosk.id, scan_id)) {
            s.outcome = StampOutcome::kAlreadyRecorded;
            s.direction = *attendance::ParseDirection(first->Text(0));
            s.at = *common::ParseInstant(common::CanonicalInstant(first->Text(1)));
            out.push_back(std::move(s));
            continue;
        }
        auto last = attendance::LastMarkBefore(tx, child->id, today, at);
        auto decision = attendance::DecideScan(last ? std::optional(last->mark) : std::nullopt, now,
                                               std::chrono::seconds(kiosk.repeat_scan_seconds));
        if (decision.direction != direction) {
            s.outcome = StampOutcome::kChanged;
            s.direction = last ? last->mark.direction : direction;
        } else if (decision.repeat) {
            s.outcome = StampOutcome::kAlreadyRecorded;
            s.at = last->mark.at;
        } else {
            auto inserted = attendance::InsertKioskMark(
                tx, {kiosk, child->id, today, direction, now, scan_id, std::nullopt, true}, clock);
            if (!inserted) throw std::logic_error("entrance: a stamp's scan_id was recorded under this transaction");
            std::optional<common::PickupPersonId> pickup;
            if (auto it = pickup_of.find(child->id); it != pickup_of.end()) pickup = it->second;
            tx.Exec(
                "INSERT INTO entrance_stamp (event_id, account_id, pickup_person_id, created_at) VALUES (?, ?, ?, ?)",
                inserted->id, request.account, pickup, common::FormatInstant(inserted->recorded_at));
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<StampRecord> GetStampRecord(db::ReadTx& tx, common::EventId event) {
    auto r = tx.QueryOptional(
        "SELECT s.account_id, a.display_name, p.name, p.relation FROM entrance_stamp s JOIN guardian_account a ON "
        "a.id = s.account_id LEFT JOIN pickup_person p ON p.id = s.pickup_person_id WHERE s.event_id = ?",
        event);
    if (!r) return std::nullopt;
    return StampRecord{r->Id<common::AccountId>(0), r->Text(1), r->OptText(2), r->OptText(3)};
}

}  // namespace entrance
