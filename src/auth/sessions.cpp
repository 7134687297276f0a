#include "auth/sessions.hpp"

#include <cassert>

#include "common/dates.hpp"
#include "common/random.hpp"

namespace auth {

using common::FormatInstant;

namespace {
std::string Fill(std::string_view text, const SessionTable& kind) {
    std::string out(text);
    for (auto [key, value] :
         {std::pair{std::string_view("{table}"), kind.table}, std::pair{std::string_view("{owner}"), kind.owner}}) {
        for (auto pos = out.find(key); pos != std::string::npos; pos = out.find(key)) {
            out.replace(pos, key.size(), value);
        }
    }
    return out;
}

// Each kind's statements, written out once at start rather than on every request.
struct Statements {
    std::string insert, find, touch, end, end_all;
    explicit Statements(const SessionTable& k)
        : insert(
              Fill(k.has_second_factor
                       ? "INSERT INTO {table} (token_hash, {owner}, csrf_token, created_at, last_seen_at, expires_at, "
                         "address, user_agent, mfa_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                       : "INSERT INTO {table} (token_hash, {owner}, csrf_token, created_at, last_seen_at, expires_at, "
                         "address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   k)),
          find(Fill(k.has_second_factor
                        ? "SELECT id, {owner}, csrf_token, last_seen_at, expires_at, mfa_pending FROM {table} "
                          "WHERE token_hash = ? AND ended_at IS NULL"
                        : "SELECT id, {owner}, csrf_token, last_seen_at, expires_at, 0 FROM {table} "
                          "WHERE token_hash = ? AND ended_at IS NULL",
                    k)),
          touch(Fill("UPDATE {table} SET last_seen_at = ? WHERE id = ?", k)),
          end(Fill("UPDATE {table} SET ended_at = ? WHERE id = ? AND ended_at IS NULL", k)),
          end_all(Fill("UPDATE {table} SET ended_at = ? WHERE {owner} = ? AND ended_at IS NULL", k)) {}
};

const Statements& Sql(const SessionTable& kind) {
    static const Statements staff(kStaffSessions);
    static const Statements guardian(kGuardianSessions);
    assert(kind.table == kStaffSessions.table || kind.table == kGuardianSessions.table);
    return kind.table == kStaffSessions.table ? staff : guardian;
}
}  // namespace

NewSession CreateSessionIn(db::WriteTx& tx, const SessionTable& kind, std::int64_t owner, const common::Clock& clock,
                           const SessionPolicy& policy, const std::string& address, const std::string& user_agent,
                           bool second_factor_pending) {
    NewSession s{common::RandomHex(32), common::RandomHex(32)};
    auto now = FormatInstant(clock.Now());
    auto expires = FormatInstant(clock.Now() + policy.absolute);
    auto hash = common::Sha256Hex(s.token);
    if (kind.has_second_factor) {
        tx.Exec(Sql(kind).insert, hash, owner, s.csrf_token, now, now, expires, address, user_agent.substr(0, 200),
                second_factor_pending ? 1 : 0);
    } else {
        tx.Exec(Sql(kind).insert, hash, owner, s.csrf_token, now, now, expires, address, user_agent.substr(0, 200));
    }
    return s;
}

std::optional<LiveSession> FindSessionIn(db::ReadTx& tx, const SessionTable& kind, std::string_view token,
                                         const common::Clock& clock, const SessionPolicy& policy) {
    if (token.size() != 64) return std::nullopt;
    auto row = tx.QueryOptional(Sql(kind).find, common::Sha256Hex(token));
    if (!row) return std::nullopt;
    auto now = clock.Now();
    auto last_seen = common::ParseInstant(row->Text(3));
    auto expires = common::ParseInstant(row->Text(4));
    if (!last_seen || !expires || now >= *expires || now - *last_seen >= policy.idle) return std::nullopt;
    LiveSession out;
    out.id = row->Id<common::SessionId>(0);
    out.owner = row->Int(1);
    out.csrf_token = row->Text(2);
    out.needs_touch = now - *last_seen >= policy.touch_interval;
    out.second_factor_pending = row->Int(5) != 0;
    return out;
}

void TouchSessionIn(db::WriteTx& tx, const SessionTable& kind, common::SessionId id, const common::Clock& clock) {
    tx.Exec(Sql(kind).touch, FormatInstant(clock.Now()), id);
}

void EndSessionIn(db::WriteTx& tx, const SessionTable& kind, common::SessionId id, const common::Clock& clock) {
    tx.Exec(Sql(kind).end, FormatInstant(clock.Now()), id);
}

void EndAllSessionsIn(db::WriteTx& tx, const SessionTable& kind, std::int64_t owner, const common::Clock& clock) {
    tx.Exec(Sql(kind).end_all, FormatInstant(clock.Now()), owner);
}

NewSession CreateSession(db::WriteTx& tx, common::UserId user, const common::Clock& clock, const SessionPolicy& policy,
                         const std::string& address, const std::string& user_agent, bool second_factor_pending) {
    return CreateSessionIn(tx, kStaffSessions, user.value, clock, policy, address, user_agent, second_factor_pending);
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
            // The higher role counts when someone holds two at one site.
            auto [slot, added] = a.site_roles.try_emplace(site, *role);
            if (!added && RoleRank(*role) > RoleRank(slot->second)) slot->second = *role;
        }
    }
    if (!a.municipal && a.site_roles.empty()) return std::nullopt;  // an account with no role can do nothing
    return a;
}

SessionLookup FindSession(db::ReadTx& tx, std::string_view token, const common::Clock& clock,
                          const SessionPolicy& policy) {
    SessionLookup out;
    auto live = FindSessionIn(tx, kStaffSessions, token, clock, policy);
    if (!live) return out;
    out.actor = LoadActor(tx, common::UserId(live->owner));
    if (!out.actor) return out;
    out.actor->session_id = live->id;
    out.actor->csrf_token = live->csrf_token;
    out.needs_touch = live->needs_touch;
    out.second_factor_pending = live->second_factor_pending;
    return out;
}

void TouchSession(db::WriteTx& tx, common::SessionId id, const common::Clock& clock) {
    TouchSessionIn(tx, kStaffSessions, id, clock);
}

void EndSession(db::WriteTx& tx, common::SessionId id, const common::Clock& clock) {
    EndSessionIn(tx, kStaffSessions, id, clock);
}

void EndAllSessions(db::WriteTx& tx, common::UserId user, const common::Clock& clock) {
    EndAllSessionsIn(tx, kStaffSessions, user.value, clock);
}

}  // namespace auth
