#include "rights/rights.hpp"

#include <algorithm>

#include "db/sql.hpp"
#include "http/errors.hpp"

namespace rights {

using auth::Action;

namespace {

// Actions that change what every site of the child sees: the child's own record, its card, the accounts that
// registration letters link to it, and its guardians' details.
bool ChangesSharedRecord(Action action) {
    return action == Action::kChildEdit || action == Action::kCardIssue || action == Action::kLetterIssue ||
           action == Action::kGuardianEdit;
}

// What a site the child has left may still do: read the child's name and the days it was there.
bool HistoryAllows(Action action) { return action == Action::kChildView || action == Action::kAttendanceView; }

bool HasRoleAt(const auth::Actor& actor, common::SiteId site) { return actor.RoleAt(site).has_value(); }

void Append(std::vector<common::SiteId>& sites, common::SiteId site) {
    if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
}

Standing FromRows(const std::vector<db::Row>& rows, std::size_t from, std::size_t to) {
    Standing s;
    for (std::size_t i = from; i < to; ++i) {
        const auto& r = rows[i];
        s.periods.push_back({r.Id<common::SiteId>(1), r.Text(2), r.OptText(3)});
    }
    return s;
}

constexpr const char* kPlacementColumns = "SELECT child_id, site_id, start_date, end_date FROM child_placement";

}  // namespace

std::vector<common::SiteId> Standing::CurrentSites(const std::string& today) const {
    std::vector<common::SiteId> out;
    for (const auto& p : periods) {
        if (!p.EndedBefore(today)) Append(out, p.site);
    }
    return out;
}

bool Standing::CurrentAt(common::SiteId site, const std::string& today) const {
    return std::any_of(periods.begin(), periods.end(),
                       [&](const Period& p) { return p.site == site && !p.EndedBefore(today); });
}

bool Standing::PlacedOn(common::SiteId site, const std::string& date) const {
    return std::any_of(periods.begin(), periods.end(),
                       [&](const Period& p) { return p.site == site && p.Covers(date); });
}

bool ChildGrant::HistoryCovers(common::SiteId at, const std::string& date) const {
    return std::any_of(history_periods.begin(), history_periods.end(),
                       [&](const Period& p) { return p.site == at && p.Covers(date); });
}

Standing LoadStanding(db::ReadTx& tx, common::ChildId child) {
    auto rows = tx.Query(std::string(kPlacementColumns) + " WHERE child_id = ? ORDER BY start_date, id", child);
    return FromRows(rows, 0, rows.size());
}

std::map<common::ChildId, Standing> LoadStandings(db::ReadTx& tx, const std::vector<common::ChildId>& children) {
    std::map<common::ChildId, Standing> out;
    // In slices, so that a site's five thousand children do not make one statement with five thousand parameters.
    constexpr std::size_t kSlice = 500;
    for (std::size_t at = 0; at < children.size(); at += kSlice) {
        std::vector<db::Value> ids;
        std::string marks;
        for (std::size_t i = at; i < std::min(children.size(), at + kSlice); ++i) {
            marks += ids.empty() ? "?" : ", ?";
            ids.emplace_back(children[i]);
        }
        auto rows = tx.QueryParams(
            std::string(kPlacementColumns) + " WHERE child_id IN (" + marks + ") ORDER BY child_id, start_date, id",
            ids);
        for (std::size_t i = 0; i < rows.size();) {
            std::size_t j = i;
            while (j < rows.size() && rows[j].Int(0) == rows[i].Int(0)) ++j;
            out[rows[i].Id<common::ChildId>(0)] = FromRows(rows, i, j);
            i = j;
        }
    }
    for (auto c : children) out.try_emplace(c);
    return out;
}

ChildDecision DecideChild(const auth::Actor& actor, Action action, const Standing& standing, const std::string& today) {
    ChildDecision d;
    const auto current = standing.CurrentSites(today);
    if (actor.municipal) {
        d.verdict = auth::RoleAllows(auth::Role::kMunicipalAdmin, action) ? Verdict::kAllowed : Verdict::kForbidden;
        // The latest placement that has not ended, else the latest of all.
        for (const auto& p : standing.periods) {
            if (!p.EndedBefore(today) || current.empty()) d.grant.site = p.site;
        }
        return d;
    }
    std::vector<common::SiteId> mine;
    for (auto s : current) {
        if (HasRoleAt(actor, s)) mine.push_back(s);
    }
    if (!mine.empty()) {
        d.grant.site = mine.front();
        if (ChangesSharedRecord(action)) {
            bool everywhere = std::all_of(current.begin(), current.end(),
                                          [&](common::SiteId s) { return auth::Can(actor, action, s); });
            d.verdict = everywhere ? Verdict::kAllowed : Verdict::kForbidden;
            return d;
        }
        auto where =
            std::find_if(mine.begin(), mine.end(), [&](common::SiteId s) { return auth::Can(actor, action, s); });
        d.verdict = where != mine.end() ? Verdict::kAllowed : Verdict::kForbidden;
        if (where != mine.end()) d.grant.site = *where;
        return d;
    }
    // Not current at any of the actor's sites: the history of the ones it left, if any.
    for (const auto& p : standing.periods) {
        if (p.EndedBefore(today) && HasRoleAt(actor, p.site)) d.grant.history_periods.push_back(p);
    }
    if (d.grant.history_periods.empty()) return d;  // hidden
    d.grant.history = true;
    d.grant.site = d.grant.history_periods.back().site;
    d.verdict =
        HistoryAllows(action) && auth::Can(actor, action, d.grant.site) ? Verdict::kAllowed : Verdict::kForbidden;
    return d;
}

ChildGrant RequireChild(db::ReadTx& tx, const auth::Actor& actor, common::ChildId child, Action action,
                        const std::string& today) {
    auto d = DecideChild(actor, action, LoadStanding(tx, child), today);
    if (d.verdict == Verdict::kHidden) throw http::NotFound();
    if (d.verdict == Verdict::kForbidden) throw http::Forbidden();
    return d.grant;
}

Verdict DecideAtSite(const auth::Actor& actor, Action action, common::SiteId site, const Standing& standing,
                     const std::string& today, bool change) {
    if (actor.municipal) {
        return auth::RoleAllows(auth::Role::kMunicipalAdmin, action) ? Verdict::kAllowed : Verdict::kForbidden;
    }
    if (!HasRoleAt(actor, site)) return Verdict::kHidden;
    if (!auth::Can(actor, action, site)) return Verdict::kForbidden;
    if (change && !standing.CurrentAt(site, today)) return Verdict::kForbidden;
    return Verdict::kAllowed;
}

void RequireAtSite(db::ReadTx& tx, const auth::Actor& actor, Action action, common::SiteId site, common::ChildId child,
                   const std::string& today, bool change) {
    auto v = DecideAtSite(actor, action, site, LoadStanding(tx, child), today, change);
    if (v == Verdict::kHidden) throw http::NotFound();
    if (v == Verdict::kForbidden) throw http::Forbidden();
}

std::vector<common::SiteId> GuardianSites(db::ReadTx& tx, common::GuardianId guardian, const std::string& today) {
    std::vector<common::SiteId> out;
    for (const auto& r : tx.Query("SELECT DISTINCT p.site_id FROM guardian_child gc JOIN child_placement p ON "
                                  "p.child_id = gc.child_id WHERE gc.guardian_id = ? AND (p.end_date IS NULL OR "
                                  "p.end_date >= ?) ORDER BY p.site_id",
                                  guardian, today)) {
        out.push_back(r.Id<common::SiteId>(0));
    }
    return out;
}

Verdict DecideGuardian(const auth::Actor& actor, Action action, const std::vector<common::SiteId>& sites) {
    if (actor.municipal) {
        return auth::RoleAllows(auth::Role::kMunicipalAdmin, action) ? Verdict::kAllowed : Verdict::kForbidden;
    }
    bool visible = std::any_of(sites.begin(), sites.end(), [&](common::SiteId s) { return HasRoleAt(actor, s); });
    if (!visible) return Verdict::kHidden;
    bool allowed =
        ChangesSharedRecord(action)
            ? std::all_of(sites.begin(), sites.end(), [&](common::SiteId s) { return auth::Can(actor, action, s); })
            : std::any_of(sites.begin(), sites.end(), [&](common::SiteId s) { return auth::Can(actor, action, s); });
    return allowed ? Verdict::kAllowed : Verdict::kForbidden;
}

std::vector<common::SiteId> RequireGuardian(db::ReadTx& tx, const auth::Actor& actor, common::GuardianId guardian,
                                            Action action, const std::string& today) {
    auto sites = GuardianSites(tx, guardian, today);
    auto v = DecideGuardian(actor, action, sites);
    if (v == Verdict::kHidden) throw http::NotFound();
    if (v == Verdict::kForbidden) throw http::Forbidden();
    return sites;
}

Verdict DecideAccount(const auth::Actor& actor, Action action, const Account& account) {
    if (actor.municipal) {
        return auth::RoleAllows(auth::Role::kMunicipalAdmin, action) ? Verdict::kAllowed : Verdict::kForbidden;
    }
    bool visible = std::any_of(account.site_roles.begin(), account.site_roles.end(),
                               [&](const auto& kv) { return auth::Can(actor, Action::kStaffView, kv.first); });
    if (!visible) return Verdict::kHidden;
    if (action == Action::kStaffView) return Verdict::kAllowed;
    bool everywhere =
        !account.municipal && std::all_of(account.site_roles.begin(), account.site_roles.end(),
                                          [&](const auto& kv) { return auth::Can(actor, action, kv.first); });
    return everywhere ? Verdict::kAllowed : Verdict::kForbidden;
}

bool MayChangeRoleAt(const auth::Actor& actor, common::SiteId site) {
    return auth::Can(actor, Action::kStaffEdit, site);
}

}  // namespace rights
