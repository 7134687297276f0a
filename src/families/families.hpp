#pragma once
// Guardians' own accounts and how they come to see a child: a registration letter's one-time code, a confirmed
// email address, and invitations to other family members. Queries and rules only; pages are in handlers.cpp,
// mails in mails.cpp.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auth/permissions.hpp"
#include "auth/sessions.hpp"
#include "auth/throttle.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace families {

inline constexpr int kDefaultLetterDays = 30;
inline constexpr int kMaxLetterDays = 90;
inline constexpr std::chrono::hours kConfirmationValid{48};
inline constexpr std::chrono::hours kInvitationValid{24 * 7};

// ---- Registration letters -------------------------------------------------------------------------------------

// A new one-time code: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as XXXX-XXXX-XXXX.
std::string NewLetterCode();
// What a guardian typed, as stored: full-width folded, upper case, without hyphens and spaces.
std::string NormaliseCode(std::string_view typed);
std::string FormatCode(std::string_view normalised);

struct IssuedLetter {
    std::int64_t id = 0;
    std::string code;  // formatted; exists only in the printed letter
    common::Instant expires_at;
};
// A letter for the child at the site, valid for `days`. Earlier unused letters for the child stop working.
IssuedLetter IssueLetter(db::WriteTx& tx, common::ChildId child, common::SiteId site, std::optional<common::UserId> by,
                         int days, const common::Clock& clock);

enum class CodeState { kUsable, kUnknown, kUsed, kExpired, kRevoked };
struct LetterLookup {
    CodeState state = CodeState::kUnknown;
    std::int64_t letter_id = 0;
    common::ChildId child;
    common::SiteId site;
};
LetterLookup FindLetter(db::ReadTx& tx, std::string_view typed_code, const common::Clock& clock);

// True when the address entered `limit` wrong codes within the window (an hour unless told).
bool CodeAttemptsThrottled(db::ReadTx& tx, const std::string& address, const common::Clock& clock, int limit,
                           std::chrono::minutes window = std::chrono::minutes(60));
void RecordCodeAttempt(db::WriteTx& tx, const std::string& address, bool succeeded, const common::Clock& clock);

struct LetterStatus {
    std::string created_at;
    std::string expires_at;
    bool used = false;
    bool expired = false;
    bool revoked = false;
};
// The newest letter printed for a child, for staff.
std::optional<LetterStatus> LatestLetter(db::ReadTx& tx, common::ChildId child, const common::Clock& clock);

// ---- Accounts ---------------------------------------------------------------------------------------------------

std::string NormaliseEmail(std::string_view email);
// The key sign-in attempts are kept under for an email (a hash, never the address).
std::string SignInKey(std::string_view email);

struct Account {
    common::AccountId id;
    std::string email;
    std::string display_name;
    std::string language;
    bool confirmed = false;
    bool active = true;
};
std::optional<Account> GetAccount(db::ReadTx& tx, common::AccountId id);
std::optional<Account> FindAccountByEmail(db::ReadTx& tx, std::string_view email);

struct RegistrationStart {
    bool already_registered = false;  // a confirmed account has this address: it was told by mail to sign in
    common::AccountId account;
};
// A new account waiting for its address to be confirmed (an unconfirmed one with the address is taken over: it
// proved nothing). Plans the confirmation mail; with a letter, confirming also uses it. If a confirmed account
// has the address, nothing changes but a mail telling its owner to sign in and enter the code there.
RegistrationStart StartRegistration(db::WriteTx& tx, std::string_view email, const std::string& display_name,
                                    const std::string& password_hash, const std::string& language,
                                    std::optional<std::int64_t> letter_id, const common::Clock& clock);

enum class ConfirmOutcome { kConfirmed, kConfirmedLetterUnusable, kExpired, kUsed, kUnknown };
struct ConfirmResult {
    ConfirmOutcome outcome = ConfirmOutcome::kUnknown;
    common::AccountId account;
    std::optional<common::ChildId> child;
};
ConfirmResult ConfirmEmail(db::WriteTx& tx, std::int64_t confirmation_id, const common::Clock& clock);
// Whether a confirmation link is still good (for the page before the button).
bool ConfirmationUsable(db::ReadTx& tx, std::int64_t confirmation_id, const common::Clock& clock);

// A letter used by a signed-in account (a sibling's letter). Returns the child, or nullopt when the letter is no
// longer usable.
std::optional<common::ChildId> UseLetter(db::WriteTx& tx, std::int64_t letter_id, common::AccountId account,
                                         const common::Clock& clock);

// Links (or re-links) an account to a child; an existing link keeps the stronger role.
void LinkChild(db::WriteTx& tx, common::AccountId account, common::ChildId child, auth::FamilyRole role,
               const common::Clock& clock);
// Staff end a link (custody changed, a wrong letter); returns false when there was none.
bool EndChildLink(db::WriteTx& tx, common::AccountId account, common::ChildId child, const common::Clock& clock);

// The signed-in guardian for an account that is confirmed and active.
std::optional<auth::GuardianActor> LoadGuardianActor(db::ReadTx& tx, common::AccountId account);

struct GuardianSessionLookup {
    std::optional<auth::GuardianActor> guardian;  // with its session id and CSRF token
    bool needs_touch = false;
};
// The guardian behind a session token, in one read (as auth::FindSession does for staff).
GuardianSessionLookup FindGuardianSession(db::ReadTx& tx, std::string_view token, const common::Clock& clock,
                                          const auth::SessionPolicy& policy);

struct FamilyChild {
    common::ChildId id;
    std::string name;
    std::string kana;
    std::string site_name;
    std::string site_kind;  // of today's site (empty: placed nowhere today)
    auth::FamilyRole role = auth::FamilyRole::kFamily;
};
std::vector<FamilyChild> ChildrenOfAccount(db::ReadTx& tx, common::AccountId account, const std::string& today);

struct LinkedAccount {
    common::AccountId id;
    std::string display_name;
    auth::FamilyRole role = auth::FamilyRole::kFamily;
    std::string since;
    bool may_report = false;  // a family member the full guardian lets report absences
};
std::vector<LinkedAccount> AccountsOfChild(db::ReadTx& tx, common::ChildId child);
// The full guardian's choice for a family member of the child (role family, linked now): may they report absences
// and changes? False when there is no such member.
bool SetMayReport(db::WriteTx& tx, common::ChildId child, common::AccountId account, bool allowed);

struct SignInCheck {
    std::optional<common::AccountId> account;  // set only when the password is right and the attempt not held back
    std::optional<std::int64_t> device;        // this browser, when trusted for that account
    bool locked = false;
};
// Same hashing work for unknown, unconfirmed, held back and wrong. Throttled as staff are (auth/throttle.hpp): from
// a browser the account signed in from before, by that browser's failures; from anywhere else, after ten untrusted
// failures in an hour until they age out.
SignInCheck CheckSignIn(db::ReadTx& tx, std::string_view email, std::string_view password,
                        std::string_view device_token, const common::Clock& clock, const auth::ThrottlePolicy& policy);
// The browser trusted for the account with this e-mail address, if any (before the password is checked).
std::optional<std::int64_t> TrustedGuardianDevice(db::ReadTx& tx, std::string_view email, std::string_view token);
void RecordSignIn(db::WriteTx& tx, std::string_view email, const std::string& address,
                  std::optional<std::int64_t> device, bool succeeded, const common::Clock& clock);

// ---- Family invitations -----------------------------------------------------------------------------------------

struct Invitation {
    std::int64_t id = 0;
    common::AccountId inviter;
    std::string inviter_name;
    std::string email;
    auth::FamilyRole role = auth::FamilyRole::kFamily;
    std::vector<common::ChildId> children;
    common::Instant expires_at;
    bool expired = false;
    bool accepted = false;
    bool revoked = false;
    bool Usable() const { return !expired && !accepted && !revoked; }
};
// Invites `email` to the children (each must be one the inviter may invite to); plans the invitation mail.
std::int64_t CreateInvitation(db::WriteTx& tx, common::AccountId inviter, std::string_view email, auth::FamilyRole role,
                              const std::vector<common::ChildId>& children, const common::Clock& clock);
std::optional<Invitation> GetInvitation(db::ReadTx& tx, std::int64_t id, const common::Clock& clock);
// Links the account to the invitation's children the inviter still holds with the full role and marks it
// accepted; nullopt (and nothing written) when it is no longer open: accepted, revoked or expired meanwhile.
std::optional<std::vector<common::ChildId>> AcceptInvitation(db::WriteTx& tx, const Invitation& invitation,
                                                             common::AccountId account, const common::Clock& clock);
// A new account whose address is proven by the invitation link.
common::AccountId CreateConfirmedAccount(db::WriteTx& tx, std::string_view email, const std::string& display_name,
                                         const std::string& password_hash, const std::string& language,
                                         const common::Clock& clock);

}  // namespace families
