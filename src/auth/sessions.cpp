#include "auth/sessions.hpp"

#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {

using common::FormatInstant;

NewSession CreateSession(db::WriteTx& tx, common::UserId user, const common::Clock& clock, const SessionPolicy& policy,
                         const std::string& address, const std::string& user_agent, bool second_factor_pending) {
    NewSession s{common::RandomHex(32), common::RandomHex(32)};
    auto now = clock.Now();
    tx.Exec(
        "INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address, "
        "user_agent, mfa_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        common::Sha256Hex(s.token), user, s.csrf_token, FormatInstant(now), FormatInstant(now),
        FormatInstant(now + policy.absolute), address, user_agent.substr(0, 200), second_factor_pending ? 1 : 0);
    return s;
}

std::vector<SessionInfo> LiveSessions(db::ReadTx& tx, common::UserId user, const common::Clock& clock,
                                      const SessionPolicy& policy) {
    auto now = clock.Now();
    std::vector<SessionInfo> out;
    for (const auto& r :
         tx.Query("SELECT id, created_at, last_seen_at, address, user_agent FROM user_session "
                  "WHERE user_id = ? AND ended_at IS NULL AND expires_at > ? AND last_seen_at > ? ORDER BY id DESC",
                  user, FormatInstant(now), FormatInstant(now - policy.idle))) {
        out.push_back({r.Id<common::SessionId>(0), common::CanonicalInstant(r.Text(1)),
                       common::CanonicalInstant(r.Text(2)), r.Text(3), r.Text(4)});
    }
    return out;
}

std::optional<Actor> LoadActor(db::ReadTx& tx, common::UserId user) {
    auto row = tx.QueryOptional(
        "SELECT login_id, display_name, language FROM staff_user WHERE id = ? AND deactivated_at IS NULL", user);
    if (!row) return std::nullopt;
    Actor a;
    a.user_id = user;
    a.login_id = row->Text(0);
    a.display_name = row->Text(1);
    a.language = row->Text(2);
    for (const auto& r : tx.Query("SELECT role, site_id FROM staff_role WHERE user_id = ?", user)) {
        auto role = ParseRole(r.Text(0));
        if (!role) continue;
        if (*role == Role::kMunicipalAdmin) {
            a.municipal = true;
        } else {
            auto site = r.Id<common::SiteId>(1);
            auto& slot = a.site_roles[site];
            // Manager outranks staff when someone holds both at one site.
            if (slot != Role::kSiteManager) slot = *role;
        }
    }
    if (!a.municipal && a.site_roles.empty()) return std::nullopt;  // an account with no role can do nothing
    return a;
}

SessionLookup FindSession(db::ReadTx& tx, std::string_view token, const common::Clock& clock,
                          const SessionPolicy& policy) {
    SessionLookup out;
    if (token.size() != 64) return out;
    auto row = tx.QueryOptional(
        "SELECT id, user_id, csrf_token, last_seen_at, expires_at, mfa_pending FROM user_session "
        "WHERE token_hash = ? AND ended_at IS NULL",
        common::Sha256Hex(token));
    if (!row) return out;
    auto now = clock.Now();
    auto last_seen = common::ParseInstant(row->Text(3));
    auto expires = common::ParseInstant(row->Text(4));
    if (!last_seen || !expires || now >= *expires || now - *last_seen >= policy.idle) return out;
    out.actor = LoadActor(tx, row->Id<common::UserId>(1));
    if (!out.actor) return out;
    out.actor->session_id = row->Id<common::SessionId>(0);
    out.actor->csrf_token = row->Text(2);
    out.needs_touch = now - *last_seen >= policy.touch_interval;
    out.second_factor_pending = row->Int(5) != 0;
    return out;
}

void TouchSession(db::WriteTx& tx, common::SessionId id, const common::Clock& clock) {
    tx.Exec("UPDATE user_session SET last_seen_at = ? WHERE id = ?", FormatInstant(clock.Now()), id);
}

void EndSession(db::WriteTx& tx, common::SessionId id, const common::Clock& clock) {
    tx.Exec("UPDATE user_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL", FormatInstant(clock.Now()), id);
}

void EndAllSessions(db::WriteTx& tx, common::UserId user, const common::Clock& clock) {
    tx.Exec("UPDATE user_session SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL", FormatInstant(clock.Now()),
            user);
}

}  // namespace auth
