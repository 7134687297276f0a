#include "families/families.hpp"

#include <algorithm>

#include "auth/passwords.hpp"
#include "common/dates.hpp"
#include "common/kana.hpp"
#include "common/random.hpp"
#include "jobs/jobs.hpp"

namespace families {

using common::FormatInstant;

namespace {
bool Expired(const std::string& instant, const common::Clock& clock) {
    auto t = common::ParseInstant(instant);
    return !t || clock.Now() >= *t;
}

}  // namespace

std::string SignInKey(std::string_view email) { return common::Sha256Hex("guardian:" + NormaliseEmail(email)); }

std::string NewLetterCode() { return FormatCode(common::RandomCode(12)); }

std::string NormaliseCode(std::string_view typed) {
    std::string folded = common::FoldForSearch(typed);  // NFKC: full-width letters and digits become ASCII
    std::string out;
    for (char c : folded) {
        if (c >= 'a' && c <= 'z') out += static_cast<char>(c - 'a' + 'A');
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += c;
    }
    return out.substr(0, 64);
}

std::string FormatCode(std::string_view normalised) {
    std::string out;
    for (std::size_t i = 0; i < normalised.size(); ++i) {
        if (i && i % 4 == 0) out += '-';
        out += normalised[i];
    }
    return out;
}

IssuedLetter IssueLetter(db::WriteTx& tx, common::ChildId child, common::SiteId site, std::optional<common::UserId> by,
                         int days, const common::Clock& clock) {
    auto now = clock.Now();
    tx.Exec(
        "UPDATE registration_letter SET revoked_at = ? WHERE child_id = ? AND used_at IS NULL AND revoked_at IS NULL",
        FormatInstant(now), child);
    IssuedLetter out;
    out.code = NewLetterCode();
    out.expires_at = now + std::chrono::hours(24) * std::clamp(days, 1, kMaxLetterDays);
    out.id = tx.QueryOne(
                   "INSERT INTO registration_letter (child_id, site_id, code_hash, issued_by, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                   child, site, common::Sha256Hex(NormaliseCode(out.code)), by, FormatInstant(now),
                   FormatInstant(out.expires_at))
                 .Int(0);
    return out;
}

LetterLookup FindLetter(db::ReadTx& tx, std::string_view typed_code, const common::Clock& clock) {
    LetterLookup out;
    std::string code = NormaliseCode(typed_code);
    if (code.size() != 12) return out;
    auto row = tx.QueryOptional(
        "SELECT id, child_id, site_id, expires_at, used_at, revoked_at FROM registration_letter WHERE code_hash = ?",
        common::Sha256Hex(code));
    if (!row) return out;
    out.letter_id = row->Int(0);
    out.child = row->Id<common::ChildId>(1);
    out.site = row->Id<common::SiteId>(2);
    if (row->OptText(4)) {
        out.state = CodeState::kUsed;
    } else if (row->OptText(5)) {
        out.state = CodeState::kRevoked;
    } else if (Expired(row->Text(3), clock)) {
        out.state = CodeState::kExpired;
    } else {
        out.state = CodeState::kUsable;
    }
    return out;
}

bool CodeAttemptsThrottled(db::ReadTx& tx, const std::string& address, const common::Clock& clock, int limit,
                           std::chrono::minutes window) {
    auto since = FormatInstant(clock.Now() - window);
    return tx.QueryOne("SELECT COUNT(*) FROM code_attempt WHERE address = ? AND succeeded = 0 AND created_at >= ?",
                       address, since)
               .Int(0) >= limit;
}

void RecordCodeAttempt(db::WriteTx& tx, const std::string& address, bool succeeded, const common::Clock& clock) {
    tx.Exec("INSERT INTO code_attempt (address, succeeded, created_at) VALUES (?, ?, ?)", address, succeeded ? 1 : 0,
            FormatInstant(clock.Now()));
}

std::optional<LetterStatus> LatestLetter(db::ReadTx& tx, common::ChildId child, const common::Clock& clock) {
    auto row = tx.QueryOptional(
        "SELECT created_at, expires_at, used_at, revoked_at FROM registration_letter WHERE child_id = ? "
        "ORDER BY id DESC LIMIT 1",
        child);
    if (!row) return std::nullopt;
    LetterStatus s;
    s.created_at = common::CanonicalInstant(row->Text(0));
    s.expires_at = common::CanonicalInstant(row->Text(1));
    s.used = row->OptText(2).has_value();
    s.revoked = row->OptText(3).has_value();
    s.expired = Expired(row->Text(1), clock);
    return s;
}

std::string NormaliseEmail(std::string_view email) {
    std::string out;
    for (char c : email) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

namespace {
constexpr const char* kAccountColumns =
    "SELECT id, email, display_name, language, confirmed_at, deactivated_at FROM guardian_account ";

Account AccountFrom(const db::Row& r) {
    Account a;
    a.id = r.Id<common::AccountId>(0);
    a.email = r.Text(1);
    a.display_name = r.Text(2);
    a.language = r.Text(3);
    a.confirmed = r.OptText(4).has_value();
    a.active = !r.OptText(5).has_value();
    return a;
}
}  // namespace

std::optional<Account> GetAccount(db::ReadTx& tx, common::AccountId id) {
    auto row = tx.QueryOptional(std::string(kAccountColumns) + "WHERE id = ?", id);
    if (!row) return std::nullopt;
    return AccountFrom(*row);
}

std::optional<Account> FindAccountByEmail(db::ReadTx& tx, std::string_view email) {
    auto row = tx.QueryOptional(std::string(kAccountColumns) + "WHERE email = ?", NormaliseEmail(email));
    if (!row) return std::nullopt;
    return AccountFrom(*row);
}

RegistrationStart StartRegistration(db::WriteTx& tx, std::string_view email, const std::string& display_name,
                                    const std::string& password_hash, const std::string& language,
                                    std::optional<std::int64_t> letter_id, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    RegistrationStart out;
    auto existing = FindAccountByEmail(tx, email);
    if (existing && existing->confirmed) {
        out.already_registered = true;
        out.account = existing->id;
        jobs::Plan(tx, "mail.account_exists", {{"account_id", existing->id.value}}, clock);
        return out;
    }
    if (existing) {
        // An unconfirmed account proved nothing: whoever confirms this address now sets its password. Links sent
        // before stop working.
        tx.Exec(
            "UPDATE guardian_account SET display_name = ?, password_hash = ?, language = ?, updated_at = ? "
            "WHERE id = ?",
            display_name, password_hash, language, now, existing->id);
        tx.Exec("UPDATE email_confirmation SET used_at = ? WHERE account_id = ? AND used_at IS NULL", now,
                existing->id);
        out.account = existing->id;
    } else {
        out.account = tx.QueryOne(
                            "INSERT INTO guardian_account (email, display_name, password_hash, language, created_at, "
                            "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                            NormaliseEmail(email), display_name, password_hash, language, now, now)
                          .Id<common::AccountId>(0);
    }
    auto confirmation =
        tx.QueryOne(
              "INSERT INTO email_confirmation (account_id, letter_id, created_at, expires_at) VALUES (?, ?, ?, ?) "
              "RETURNING id",
              out.account, letter_id, now, FormatInstant(clock.Now() + kConfirmationValid))
            .Int(0);
    jobs::Plan(tx, "mail.confirm_email", {{"confirmation_id", confirmation}}, clock);
    return out;
}

bool ConfirmationUsable(db::ReadTx& tx, std::int64_t confirmation_id, const common::Clock& clock) {
    auto row = tx.QueryOptional("SELECT expires_at, used_at FROM email_confirmation WHERE id = ?", confirmation_id);
    return row && !row->OptText(1) && !Expired(row->Text(0), clock);
}

ConfirmResult ConfirmEmail(db::WriteTx& tx, std::int64_t confirmation_id, const common::Clock& clock) {
    ConfirmResult out;
    auto row = tx.QueryOptional(
        "SELECT account_id, letter_id, expires_at, used_at FROM email_confirmation WHERE id = ?", confirmation_id);
    if (!row) return out;
    out.account = row->Id<common::AccountId>(0);
    if (row->OptText(3)) {
        out.outcome = ConfirmOutcome::kUsed;
        return out;
    }
    if (Expired(row->Text(2), clock)) {
        out.outcome = ConfirmOutcome::kExpired;
        return out;
    }
    auto now = FormatInstant(clock.Now());
    tx.Exec("UPDATE email_confirmation SET used_at = ? WHERE id = ?", now, confirmation_id);
    tx.Exec("UPDATE guardian_account SET confirmed_at = COALESCE(confirmed_at, ?), updated_at = ? WHERE id = ?", now,
            now, out.account);
    out.outcome = ConfirmOutcome::kConfirmed;
    if (auto letter = row->OptInt(1)) {
        out.child = UseLetter(tx, *letter, out.account, clock);
        if (!out.child) out.outcome = ConfirmOutcome::kConfirmedLetterUnusable;
    }
    return out;
}

std::optional<common::ChildId> UseLetter(db::WriteTx& tx, std::int64_t letter_id, common::AccountId account,
                                         const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    // Marking the letter used only if it is still unused makes two racing registrations with one code safe: the
    // second updates no row.
    auto n = tx.Exec(
        "UPDATE registration_letter SET used_at = ?, used_by_account_id = ? "
        "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
        now, account, letter_id, now);
    if (n != 1) return std::nullopt;
    auto child = tx.QueryOne("SELECT child_id FROM registration_letter WHERE id = ?", letter_id).Id<common::ChildId>(0);
    LinkChild(tx, account, child, auth::FamilyRole::kFull, clock);
    return child;
}

void LinkChild(db::WriteTx& tx, common::AccountId account, common::ChildId child, auth::FamilyRole role,
               const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    auto row = tx.QueryOptional(
        "SELECT id, role, ended_at FROM guardian_account_child WHERE account_id = ? AND child_id = ?", account, child);
    std::string name(auth::FamilyRoleName(role));
    if (!row) {
        tx.Exec("INSERT INTO guardian_account_child (account_id, child_id, role, created_at) VALUES (?, ?, ?, ?)",
                account, child, name, now);
        return;
    }
    bool ended = row->OptText(2).has_value();
    // A live link keeps the stronger role and the full guardian's choices; an ended one starts again with the new
    // role and no leave to report absences (a choice made for the old link is not one made today).
    std::string keep = (!ended && row->Text(1) == "full") ? "full" : name;
    if (ended) {
        tx.Exec("UPDATE guardian_account_child SET role = ?, ended_at = NULL, may_report = 0 WHERE id = ?", keep,
                row->Int(0));
    } else {
        tx.Exec("UPDATE guardian_account_child SET role = ?, ended_at = NULL WHERE id = ?", keep, row->Int(0));
    }
}

bool EndChildLink(db::WriteTx& tx, common::AccountId account, common::ChildId child, const common::Clock& clock) {
    return tx.Exec(
               "UPDATE guardian_account_child SET ended_at = ? WHERE account_id = ? AND child_id = ? AND ended_at IS "
               "NULL",
               FormatInstant(clock.Now()), account, child) == 1;
}

std::optional<auth::GuardianActor> LoadGuardianActor(db::ReadTx& tx, common::AccountId account) {
    auto a = GetAccount(tx, account);
    if (!a || !a->confirmed || !a->active) return std::nullopt;
    auth::GuardianActor g;
    g.account_id = a->id;
    g.email = a->email;
    g.display_name = a->display_name;
    g.language = a->language;
    for (const auto& r :
         tx.Query("SELECT l.child_id, l.role, l.may_report FROM guardian_account_child l JOIN child c ON "
                  "c.id = l.child_id WHERE l.account_id = ? AND l.ended_at IS NULL AND c.deactivated_at IS NULL",
                  account)) {
        if (auto role = auth::ParseFamilyRole(r.Text(1))) g.children[r.Id<common::ChildId>(0)] = *role;
        if (r.Bool(2)) g.reporting.insert(r.Id<common::ChildId>(0));
    }
    return g;
}

GuardianSessionLookup FindGuardianSession(db::ReadTx& tx, std::string_view token, const common::Clock& clock,
                                          const auth::SessionPolicy& policy) {
    GuardianSessionLookup out;
    auto live = auth::FindSessionIn(tx, auth::kGuardianSessions, token, clock, policy);
    if (!live) return out;
    out.guardian = LoadGuardianActor(tx, common::AccountId(live->owner));
    if (!out.guardian) return out;
    out.guardian->session_id = live->id;
    out.guardian->csrf_token = live->csrf_token;
    out.needs_touch = live->needs_touch;
    return out;
}

std::vector<FamilyChild> ChildrenOfAccount(db::ReadTx& tx, common::AccountId account, const std::string& today) {
    std::vector<FamilyChild> out;
    for (const auto& r :
         tx.Query("SELECT c.id, c.family_name, c.given_name, c.family_kana, c.given_kana, l.role, s.name, s.kind "
                  "FROM guardian_account_child l JOIN child c ON c.id = l.child_id "
                  // Today's site: the latest placement that covers today.
                  "LEFT JOIN site s ON s.id = (SELECT p.site_id FROM child_placement p WHERE p.child_id = c.id AND "
                  "p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) ORDER BY p.start_date DESC LIMIT 1) "
                  "WHERE l.account_id = ? AND l.ended_at IS NULL AND c.deactivated_at IS NULL "
                  "ORDER BY c.birth_date, c.id",
                  today, today, account)) {
        FamilyChild c;
        c.id = r.Id<common::ChildId>(0);
        c.name = r.Text(1) + " " + r.Text(2);
        c.kana = r.Text(3) + " " + r.Text(4);
        c.role = auth::ParseFamilyRole(r.Text(5)).value_or(auth::FamilyRole::kFamily);
        c.site_name = r.OptText(6).value_or("");
        c.site_kind = r.OptText(7).value_or("");
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<LinkedAccount> AccountsOfChild(db::ReadTx& tx, common::ChildId child) {
    std::vector<LinkedAccount> out;
    for (const auto& r :
         tx.Query("SELECT a.id, a.display_name, l.role, l.created_at, l.may_report FROM guardian_account_child l "
                  "JOIN guardian_account a ON a.id = l.account_id "
                  "WHERE l.child_id = ? AND l.ended_at IS NULL AND a.deactivated_at IS NULL ORDER BY l.id",
                  child)) {
        out.push_back({r.Id<common::AccountId>(0), r.Text(1),
                       auth::ParseFamilyRole(r.Text(2)).value_or(auth::FamilyRole::kFamily),
                       common::CanonicalInstant(r.Text(3)), r.Bool(4)});
    }
    return out;
}

bool SetMayReport(db::WriteTx& tx, common::ChildId child, common::AccountId account, bool allowed) {
    return tx.Exec(
               "UPDATE guardian_account_child SET may_report = ? WHERE child_id = ? AND account_id = ? AND role = "
               "'family' AND ended_at IS NULL",
               allowed ? 1 : 0, child, account) == 1;
}

SignInCheck CheckSignIn(db::ReadTx& tx, std::string_view email, std::string_view password,
                        std::string_view device_token, const common::Clock& clock, const auth::ThrottlePolicy& policy) {
    SignInCheck out;
    auto row = tx.QueryOptional(
        "SELECT id, password_hash FROM guardian_account WHERE email = ? AND confirmed_at IS NOT NULL "
        "AND deactivated_at IS NULL",
        NormaliseEmail(email));
    if (row) out.device = auth::TrustedDevice(tx, auth::OwnerKind::kGuardian, row->Int(0), device_token);
    out.locked = out.device ? auth::DeviceHeldBack(tx, *out.device, clock, policy)
                            : auth::LoginKeyHeldBack(tx, SignInKey(email), clock, policy);
    bool ok = auth::VerifyPasswordOrDummy(row ? row->OptText(1) : std::nullopt, password);
    if (row && ok && !out.locked) out.account = row->Id<common::AccountId>(0);
    return out;
}

std::optional<std::int64_t> TrustedGuardianDevice(db::ReadTx& tx, std::string_view email, std::string_view token) {
    auto row = tx.QueryOptional("SELECT id FROM guardian_account WHERE email = ?", NormaliseEmail(email));
    if (!row) return std::nullopt;
    return auth::TrustedDevice(tx, auth::OwnerKind::kGuardian, row->Int(0), token);
}

void RecordSignIn(db::WriteTx& tx, std::string_view email, const std::string& address,
                  std::optional<std::int64_t> device, bool succeeded, const common::Clock& clock) {
    tx.Exec("INSERT INTO login_attempt (login_key, address, device_id, succeeded, created_at) VALUES (?, ?, ?, ?, ?)",
            SignInKey(email), address, device, succeeded ? 1 : 0, FormatInstant(clock.Now()));
}

std::int64_t CreateInvitation(db::WriteTx& tx, common::AccountId inviter, std::string_view email, auth::FamilyRole role,
                              const std::vector<common::ChildId>& children, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    auto id = tx.QueryOne(
                    "INSERT INTO family_invitation (inviter_account_id, email, role, created_at, expires_at) "
                    "VALUES (?, ?, ?, ?, ?) RETURNING id",
                    inviter, NormaliseEmail(email), std::string(auth::FamilyRoleName(role)), now,
                    FormatInstant(clock.Now() + kInvitationValid))
                  .Int(0);
    for (auto child : children) {
        tx.Exec("INSERT INTO family_invitation_child (invitation_id, child_id, created_at) VALUES (?, ?, ?)", id, child,
                now);
    }
    jobs::Plan(tx, "mail.family_invitation", {{"invitation_id", id}}, clock);
    return id;
}

std::optional<Invitation> GetInvitation(db::ReadTx& tx, std::int64_t id, const common::Clock& clock) {
    auto row = tx.QueryOptional(
        "SELECT i.inviter_account_id, a.display_name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at "
        "FROM family_invitation i JOIN guardian_account a ON a.id = i.inviter_account_id WHERE i.id = ?",
        id);
    if (!row) return std::nullopt;
    Invitation inv;
    inv.id = id;
    inv.inviter = row->Id<common::AccountId>(0);
    inv.inviter_name = row->Text(1);
    inv.email = row->Text(2);
    inv.role = auth::ParseFamilyRole(row->Text(3)).value_or(auth::FamilyRole::kFamily);
    inv.expires_at = common::ParseInstant(row->Text(4)).value_or(common::Instant{});
    inv.expired = clock.Now() >= inv.expires_at;
    inv.accepted = row->OptText(5).has_value();
    inv.revoked = row->OptText(6).has_value();
    for (const auto& r :
         tx.Query("SELECT child_id FROM family_invitation_child WHERE invitation_id = ? ORDER BY id", id)) {
        inv.children.push_back(r.Id<common::ChildId>(0));
    }
    return inv;
}

std::optional<std::vector<common::ChildId>> AcceptInvitation(db::WriteTx& tx, const Invitation& invitation,
                                                             common::AccountId account, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    // Only while it is open, decided by the row itself: two people racing with one link cannot both accept.
    if (tx.Exec("UPDATE family_invitation SET accepted_at = ?, accepted_account_id = ? WHERE id = ? "
                "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
                now, account, invitation.id, now) != 1) {
        return std::nullopt;
    }
    // The inviter's own access may have ended since: only children they still hold with the full role.
    auto inviter = LoadGuardianActor(tx, invitation.inviter);
    std::vector<common::ChildId> linked;
    for (auto child : invitation.children) {
        if (!inviter || !inviter->Can(auth::FamilyAction::kFamilyInvite, child)) continue;
        LinkChild(tx, account, child, invitation.role, clock);
        linked.push_back(child);
    }
    return linked;
}

common::AccountId CreateConfirmedAccount(db::WriteTx& tx, std::string_view email, const std::string& display_name,
                                         const std::string& password_hash, const std::string& language,
                                         const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    return tx
        .QueryOne(
            "INSERT INTO guardian_account (email, display_name, password_hash, language, confirmed_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            NormaliseEmail(email), display_name, password_hash, language, now, now, now)
        .Id<common::AccountId>(0);
}

}  // namespace families
