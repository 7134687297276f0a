#pragma once
// Server-side sessions. The browser holds a random 256-bit token; the database holds only its SHA-256.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.hpp"
#include "common/clock.hpp"
#include "db/database.hpp"

namespace auth {

inline constexpr std::string_view kSessionCookie = "tadaima_session";

struct SessionPolicy {
    std::chrono::minutes idle{30};
    std::chrono::hours absolute{12};
    // last_seen_at is written at most this often, so most signed-in requests stay read-only.
    std::chrono::seconds touch_interval{60};
};

struct NewSession {
    std::string token;  // goes to the cookie, never to a log or the database
    std::string csrf_token;
};

// A session; `second_factor_pending` ones may reach only the second-factor pages until it is passed.
NewSession CreateSession(db::WriteTx& tx, common::UserId user, const common::Clock& clock, const SessionPolicy& policy,
                         const std::string& address = "", const std::string& user_agent = "",
                         bool second_factor_pending = false);

// Where sessions of one kind live: staff sessions (with the second-factor flag) and guardians' sessions share
// the token, timeout and ending rules. Table and column names are constants, never user text.
struct SessionTable {
    std::string_view table;
    std::string_view owner;  // the account column
    bool has_second_factor;
};
inline constexpr SessionTable kStaffSessions{"user_session", "user_id", true};
inline constexpr SessionTable kGuardianSessions{"guardian_session", "account_id", false};

NewSession CreateSessionIn(db::WriteTx& tx, const SessionTable& kind, std::int64_t owner, const common::Clock& clock,
                           const SessionPolicy& policy, const std::string& address, const std::string& user_agent,
                           bool second_factor_pending = false);
struct LiveSession {
    common::SessionId id;
    std::int64_t owner = 0;
    std::string csrf_token;
    bool needs_touch = false;
    bool second_factor_pending = false;
};
// The live session for a token (not ended, within the idle and absolute limits), if any.
std::optional<LiveSession> FindSessionIn(db::ReadTx& tx, const SessionTable& kind, std::string_view token,
                                         const common::Clock& clock, const SessionPolicy& policy);
void TouchSessionIn(db::WriteTx& tx, const SessionTable& kind, common::SessionId id, const common::Clock& clock);
void EndSessionIn(db::WriteTx& tx, const SessionTable& kind, common::SessionId id, const common::Clock& clock);
void EndAllSessionsIn(db::WriteTx& tx, const SessionTable& kind, std::int64_t owner, const common::Clock& clock);

// An account's sessions that are still live, newest first, for an admin to see and end.
struct SessionInfo {
    common::SessionId id;
    std::string created_at;
    std::string last_seen_at;
    std::string address;
    std::string user_agent;
};
std::vector<SessionInfo> LiveSessions(db::ReadTx& tx, common::UserId user, const common::Clock& clock,
                                      const SessionPolicy& policy);

struct SessionLookup {
    std::optional<Actor> actor;
    bool needs_touch = false;  // last_seen_at is older than the touch interval
    bool second_factor_pending = false;
};
// The signed-in actor for a token, if the session is live and the account active.
SessionLookup FindSession(db::ReadTx& tx, std::string_view token, const common::Clock& clock,
                          const SessionPolicy& policy);
void TouchSession(db::WriteTx& tx, common::SessionId id, const common::Clock& clock);
void EndSession(db::WriteTx& tx, common::SessionId id, const common::Clock& clock);
void EndAllSessions(db::WriteTx& tx, common::UserId user, const common::Clock& clock);

// The actor's identity and roles, for an active user.
std::optional<Actor> LoadActor(db::ReadTx& tx, common::UserId user);

}  // namespace auth
