#include "ops/erasure.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <set>

#include "auth/audit.hpp"
#include "auth/throttle.hpp"
#include "auth/tokens.hpp"
#include "common/base64.hpp"
#include "common/dates.hpp"
#include "common/random.hpp"
#include "families/families.hpp"
#include "print/pdf.hpp"

namespace ops {

namespace {

namespace json = boost::json;
using common::FormatInstant;

constexpr std::string_view kFormat = "tadaima-erasure-certificate/1";

// One step of an erasure: SQL over the subjects, whose tokens stand for subqueries (each bound to this erasure by a
// parameter): :CH children, :GU guardians, :AC guardian accounts, :ST staff accounts; :S the site (0 when the
// erasure is not of a site, which matches nothing); :NOW the erasure's instant. `table` names what it counts.
struct Step {
    std::string_view table;
    std::string_view sql;
    bool counted = true;  // false: an internal unlinking (a reference set to NULL), not counted as erased
};

// In the order the foreign keys need: what refers to a row goes before it.
constexpr Step kSteps[] = {
    {"rollcall_child", "UPDATE rollcall_child SET handed_guardian_id = NULL WHERE handed_guardian_id IN :GU", false},
    {"rollcall_child",
     "DELETE FROM rollcall_child WHERE child_id IN :CH OR rollcall_site_id IN (SELECT id FROM rollcall_site WHERE "
     "site_id = :S)"},
    {"thread_post",
     "DELETE FROM thread_post WHERE account_id IN :AC OR thread_id IN (SELECT id FROM message_thread WHERE child_id "
     "IN :CH OR site_id = :S)"},
    {"message_thread", "DELETE FROM message_thread WHERE child_id IN :CH OR site_id = :S"},
    {"notification_recipient",
     "DELETE FROM notification_recipient WHERE account_id IN :AC OR notification_id IN (SELECT id FROM notification "
     "WHERE child_id IN :CH OR site_id = :S)"},
    {"notification", "DELETE FROM notification WHERE child_id IN :CH OR site_id = :S"},
    {"message_attachment",
     "DELETE FROM message_attachment WHERE message_id IN (SELECT id FROM message WHERE site_id = :S)"},
    {"message", "DELETE FROM message WHERE site_id = :S"},
    {"child_alert", "DELETE FROM child_alert WHERE child_id IN :CH OR site_id = :S"},
    {"plan_contact", "DELETE FROM plan_contact WHERE child_id IN :CH OR site_id = :S OR account_id IN :AC"},
    {"plan_reminder", "DELETE FROM plan_reminder WHERE child_id IN :CH OR account_id IN :AC"},
    {"attendance_plan", "DELETE FROM attendance_plan WHERE child_id IN :CH OR site_id = :S"},
    {"attendance_plan", "UPDATE attendance_plan SET updated_by = NULL WHERE updated_by IN :AC", false},
    {"live_event", "DELETE FROM live_event WHERE child_id IN :CH OR site_id = :S"},
    {"photo_child",
     "DELETE FROM photo_child WHERE child_id IN :CH OR photo_id IN (SELECT id FROM photo WHERE site_id = :S)"},
    // A photo goes with the last page it was on (one of the class's outing stays on the other children's pages).
    {"photo",
     "DELETE FROM photo WHERE site_id = :S OR NOT EXISTS (SELECT 1 FROM photo_child c WHERE c.photo_id = photo.id)"},
    {"notebook_entry", "DELETE FROM notebook_entry WHERE child_id IN :CH OR site_id = :S"},
    {"health_entry", "DELETE FROM health_entry WHERE child_id IN :CH OR site_id = :S"},
    {"health_entry", "UPDATE health_entry SET reported_by_account = NULL WHERE reported_by_account IN :AC", false},
    {"child_health", "DELETE FROM child_health WHERE child_id IN :CH"},
    {"notebook_entry", "UPDATE notebook_entry SET home_account_id = NULL WHERE home_account_id IN :AC", false},
    {"notebook_setting", "DELETE FROM notebook_setting WHERE site_id = :S"},
    {"health_setting", "DELETE FROM health_setting WHERE site_id = :S"},
    {"nap_overdue",
     "DELETE FROM nap_overdue WHERE nap_id IN (SELECT id FROM nap WHERE child_id IN :CH OR site_id = :S)"},
    {"nap_check", "DELETE FROM nap_check WHERE nap_id IN (SELECT id FROM nap WHERE child_id IN :CH OR site_id = :S)"},
    {"nap", "DELETE FROM nap WHERE child_id IN :CH OR site_id = :S"},
    {"nap_setting", "DELETE FROM nap_setting WHERE site_id = :S"},
    // A child's episodes leave the class's journals; a site's journals go with it.
    {"journal_episode",
     "DELETE FROM journal_episode WHERE child_id IN :CH OR journal_id IN (SELECT id FROM journal WHERE site_id = :S)"},
    {"journal_stamp", "DELETE FROM journal_stamp WHERE journal_id IN (SELECT id FROM journal WHERE site_id = :S)"},
    {"journal", "DELETE FROM journal WHERE site_id = :S"},
    {"journal_setting", "DELETE FROM journal_setting WHERE site_id = :S"},
    // A child's individual plans go with it; a site's plans and templates with the site.
    {"curriculum_stamp",
     "DELETE FROM curriculum_stamp WHERE plan_id IN (SELECT id FROM curriculum_plan WHERE child_id IN :CH OR site_id "
     "= :S)"},
    {"curriculum_plan", "DELETE FROM curriculum_plan WHERE child_id IN :CH OR site_id = :S"},
    {"curriculum_template", "DELETE FROM curriculum_template WHERE site_id = :S"},
    {"entrance_stamp",
     "DELETE FROM entrance_stamp WHERE account_id IN :AC OR event_id IN (SELECT id FROM attendance_event WHERE "
     "child_id IN :CH OR site_id = :S)"},
    {"attendance_event", "DELETE FROM attendance_event WHERE child_id IN :CH OR site_id = :S"},
    {"card", "DELETE FROM card WHERE child_id IN :CH"},
    {"pickup_person", "UPDATE pickup_person SET created_by = NULL WHERE created_by IN :AC", false},
    {"pickup_person", "DELETE FROM pickup_person WHERE child_id IN :CH"},
    {"email_confirmation",
     "UPDATE email_confirmation SET letter_id = NULL WHERE letter_id IN (SELECT id FROM registration_letter WHERE "
     "child_id IN :CH OR site_id = :S)",
     false},
    {"email_confirmation", "DELETE FROM email_confirmation WHERE account_id IN :AC"},
    {"registration_letter", "UPDATE registration_letter SET used_by_account_id = NULL WHERE used_by_account_id IN :AC",
     false},
    {"registration_letter", "DELETE FROM registration_letter WHERE child_id IN :CH OR site_id = :S"},
    {"family_invitation_child",
     "DELETE FROM family_invitation_child WHERE child_id IN :CH OR invitation_id IN (SELECT id FROM "
     "family_invitation WHERE inviter_account_id IN :AC)"},
    {"family_invitation",
     "DELETE FROM family_invitation WHERE inviter_account_id IN :AC OR NOT EXISTS (SELECT 1 FROM "
     "family_invitation_child c WHERE c.invitation_id = family_invitation.id)"},
    {"family_invitation", "UPDATE family_invitation SET accepted_account_id = NULL WHERE accepted_account_id IN :AC",
     false},
    {"guardian_account_child", "DELETE FROM guardian_account_child WHERE child_id IN :CH OR account_id IN :AC"},
    {"guardian_child", "DELETE FROM guardian_child WHERE child_id IN :CH OR guardian_id IN :GU"},
    {"child_group_membership",
     "DELETE FROM child_group_membership WHERE child_id IN :CH OR group_id IN (SELECT id FROM child_group WHERE "
     "site_id = :S)"},
    {"child_placement", "DELETE FROM child_placement WHERE child_id IN :CH OR site_id = :S"},
    {"rollover_child", "DELETE FROM rollover_child WHERE child_id IN :CH"},
    {"child", "DELETE FROM child WHERE id IN :CH"},
    {"guardian", "DELETE FROM guardian WHERE id IN :GU"},
    {"guardian_session", "DELETE FROM guardian_session WHERE account_id IN :AC"},
    {"family_entrance", "DELETE FROM family_entrance WHERE account_id IN :AC"},
    {"notification_choice", "DELETE FROM notification_choice WHERE account_id IN :AC"},
    {"push_subscription", "DELETE FROM push_subscription WHERE account_id IN :AC"},
    {"login_attempt",
     "DELETE FROM login_attempt WHERE user_id IN :ST OR device_id IN (SELECT id FROM trusted_device WHERE "
     "(owner_kind = 'guardian' AND owner_id IN :AC) OR (owner_kind = 'staff' AND owner_id IN :ST))"},
    {"trusted_device",
     "DELETE FROM trusted_device WHERE (owner_kind = 'guardian' AND owner_id IN :AC) OR (owner_kind = 'staff' AND "
     "owner_id IN :ST)"},
    {"guardian_account", "DELETE FROM guardian_account WHERE id IN :AC"},
    {"user_session", "DELETE FROM user_session WHERE user_id IN :ST"},
    {"staff_mfa", "DELETE FROM staff_mfa WHERE user_id IN :ST"},
    {"staff_recovery_code", "DELETE FROM staff_recovery_code WHERE user_id IN :ST"},
    {"staff_role", "DELETE FROM staff_role WHERE site_id = :S"},
    {"staff_user",
     "UPDATE staff_user SET login_id = 'erased-' || id, display_name = '', password_hash = '', locked_until = NULL, "
     "deactivated_at = COALESCE(deactivated_at, :NOW), updated_at = :NOW WHERE id IN :ST"},
    {"kiosk_pairing", "DELETE FROM kiosk_pairing WHERE site_id = :S"},
    {"kiosk", "UPDATE kiosk SET revoked_at = :NOW WHERE site_id = :S AND revoked_at IS NULL", false},
    {"child_group", "UPDATE child_group SET deactivated_at = :NOW WHERE site_id = :S AND deactivated_at IS NULL",
     false},
    {"site", "UPDATE site SET deactivated_at = :NOW WHERE id = :S AND deactivated_at IS NULL", false},
};

// Every table an erasure may change: what `erase scrub` rewrites on PostgreSQL, not knowing which erasure it follows.
std::vector<std::string> TouchedTables() {
    std::set<std::string> names;
    for (const auto& s : kSteps) names.insert(std::string(s.table));
    names.insert("job");
    return {names.begin(), names.end()};
}

// The SQL with its tokens replaced by parameterised subqueries, and the parameters in order.
struct Bound {
    std::string sql;
    std::vector<db::Value> params;
};
Bound Bind(std::string_view sql, std::int64_t erasure, std::int64_t site, const std::string& now) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSubjects{{
        {":CH", "child"},
        {":GU", "guardian"},
        {":AC", "account"},
        {":ST", "staff"},
    }};
    Bound out;
    for (std::size_t i = 0; i < sql.size();) {
        if (sql[i] != ':') {
            out.sql += sql[i++];
            continue;
        }
        auto rest = sql.substr(i);
        bool done = false;
        for (const auto& [token, kind] : kSubjects) {
            if (rest.starts_with(token)) {
                out.sql += "(SELECT subject_id FROM erasure_subject WHERE erasure_id = ? AND kind = '";
                out.sql += kind;
                out.sql += "')";
                out.params.emplace_back(erasure);
                i += token.size();
                done = true;
                break;
            }
        }
        if (done) continue;
        if (rest.starts_with(":NOW")) {
            out.sql += "?";
            out.params.emplace_back(now);
            i += 4;
        } else if (rest.starts_with(":S")) {
            out.sql += "?";
            out.params.emplace_back(site);
            i += 2;
        } else {
            throw std::logic_error("erasure step: unknown token in " + std::string(sql));
        }
    }
    return out;
}

std::vector<std::int64_t> Ids(db::ReadTx& tx, std::string_view sql, const std::vector<db::Value>& params) {
    std::vector<std::int64_t> out;
    for (const auto& r : tx.QueryParams(sql, params)) out.push_back(r.Int(0));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// Records the subjects of erasure `id` in erasure_subject (children first: the others are found from them).
ErasurePreview ChooseSubjects(db::WriteTx& tx, std::int64_t id, const ErasureRequest& r, const std::string& now) {
    ErasurePreview p;
    const db::Value target(r.target);
    switch (r.scope) {
        case ErasureScope::kChild:
            if (tx.Query("SELECT 1 FROM child WHERE id = ?", r.target).empty())
                throw ErasureNotFound("no child with id " + std::to_string(r.target));
            p.children = {r.target};
            break;
        case ErasureScope::kFamily:
            if (tx.Query("SELECT 1 FROM guardian WHERE id = ?", r.target).empty())
                throw ErasureNotFound("no guardian with id " + std::to_string(r.target));
            p.children = Ids(tx, "SELECT child_id FROM guardian_child WHERE guardian_id = ?", {target});
            break;
        case ErasureScope::kSite:
            if (tx.Query("SELECT 1 FROM site WHERE id = ?", r.target).empty())
                throw ErasureNotFound("no site with id " + std::to_string(r.target));
            // Children who were only ever placed here; the others keep their records elsewhere.
            p.children = Ids(tx,
                             "SELECT child_id FROM child_placement p WHERE site_id = ? AND NOT EXISTS (SELECT 1 FROM "
                             "child_placement o WHERE o.child_id = p.child_id AND o.site_id <> ?)",
                             {target, target});
            break;
    }
    auto add = [&](std::string_view kind, const std::vector<std::int64_t>& ids) {
        for (auto s : ids)
            tx.Exec("INSERT INTO erasure_subject (erasure_id, kind, subject_id, created_at) VALUES (?, ?, ?, ?)", id,
                    kind, s, now);
    };
    add("child", p.children);
    // Guardians and accounts with no child left once these are gone (and the family's guardian in any case).
    auto left_without_child = [&](const std::string& links, const std::string& who) {
        const std::string ch = "(SELECT subject_id FROM erasure_subject WHERE erasure_id = ? AND kind = 'child')";
        return Ids(tx,
                   "SELECT " + who + " FROM " + links + " l WHERE child_id IN " + ch +
                       " AND NOT EXISTS (SELECT 1 FROM " + links + " o WHERE o." + who + " = l." + who +
                       " AND o.child_id NOT IN " + ch + ")",
                   {db::Value(id), db::Value(id)});
    };
    p.guardians = left_without_child("guardian_child", "guardian_id");
    if (r.scope == ErasureScope::kFamily && !std::binary_search(p.guardians.begin(), p.guardians.end(), r.target)) {
        p.guardians.push_back(r.target);
        std::sort(p.guardians.begin(), p.guardians.end());
    }
    p.accounts = left_without_child("guardian_account_child", "account_id");
    if (r.scope == ErasureScope::kSite) {
        // Staff who worked only at this site (a municipal admin works everywhere and stays).
        p.staff = Ids(tx,
                      "SELECT user_id FROM staff_role r WHERE site_id = ? AND NOT EXISTS (SELECT 1 FROM staff_role o "
                      "WHERE o.user_id = r.user_id AND (o.site_id IS NULL OR o.site_id <> ?))",
                      {target, target});
    }
    add("guardian", p.guardians);
    add("account", p.accounts);
    add("staff", p.staff);
    return p;
}

// Keys of sign-in attempts (hashes of what was typed) for the accounts about to go: read before they go.
std::vector<std::string> SignInKeys(db::ReadTx& tx, std::int64_t id) {
    std::vector<std::string> keys;
    for (const auto& r : tx.Query("SELECT email FROM guardian_account WHERE id IN (SELECT subject_id FROM "
                                  "erasure_subject WHERE erasure_id = ? AND kind = 'account')",
                                  id))
        keys.push_back(families::SignInKey(r.Text(0)));
    for (const auto& r : tx.Query("SELECT login_id FROM staff_user WHERE id IN (SELECT subject_id FROM "
                                  "erasure_subject WHERE erasure_id = ? AND kind = 'staff')",
                                  id))
        keys.push_back(auth::StaffLoginKey(r.Text(0)));
    return keys;
}

// Emails of the people about to go, to clear from job errors (a mail server's refusal may quote an address).
std::vector<std::string> Emails(db::ReadTx& tx, std::int64_t id) {
    std::vector<std::string> out;
    for (const auto& r : tx.Query(
             "SELECT email FROM guardian_account WHERE id IN (SELECT subject_id FROM erasure_subject WHERE erasure_id "
             "= ? AND kind = 'account') UNION SELECT email FROM guardian WHERE email <> '' AND id IN (SELECT "
             "subject_id FROM erasure_subject WHERE erasure_id = ? AND kind = 'guardian')",
             id, id))
        out.push_back(r.Text(0));
    return out;
}

// Jobs that name a row that is gone (a mail to a removed recipient, a reminder, an invitation) go too.
std::int64_t RemoveOrphanJobs(db::WriteTx& tx) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kRefs{{
        {"recipient", "notification_recipient"},
        {"reminder_id", "plan_reminder"},
        {"account_id", "guardian_account"},
        {"confirmation_id", "email_confirmation"},
        {"invitation_id", "family_invitation"},
        {"message", "message"},
    }};
    std::int64_t removed = 0;
    for (const auto& r : tx.Query("SELECT id, payload FROM job WHERE state <> 'done'")) {
        boost::system::error_code ec;
        auto v = json::parse(r.Text(1), ec);
        if (ec || !v.is_object()) continue;
        for (const auto& [key, table] : kRefs) {
            const auto* ref = v.as_object().if_contains(key);
            if (!ref || !ref->is_int64()) continue;
            if (tx.Query("SELECT 1 FROM " + std::string(table) + " WHERE id = ?", ref->as_int64()).empty()) {
                removed += tx.Exec("DELETE FROM job WHERE id = ?", r.Int(0));
                break;
            }
        }
    }
    return removed;
}

ErasurePreview RunSteps(db::WriteTx& tx, std::int64_t id, const ErasureRequest& r, const std::string& now) {
    ErasurePreview p = ChooseSubjects(tx, id, r, now);
    const auto keys = SignInKeys(tx, id);
    const auto emails = Emails(tx, id);
    const std::int64_t site = r.scope == ErasureScope::kSite ? r.target : 0;
    for (const auto& step : kSteps) {
        auto bound = Bind(step.sql, id, site, now);
        const auto n = tx.ExecParams(bound.sql, bound.params);
        if (n == 0) continue;
        p.changed.insert(std::string(step.table));
        if (step.counted) p.rows[std::string(step.table)] += n;
    }
    std::int64_t attempts = 0;
    for (const auto& k : keys) attempts += tx.Exec("DELETE FROM login_attempt WHERE login_key = ?", k);
    if (attempts > 0) p.rows["login_attempt"] += attempts;
    std::int64_t jobs = RemoveOrphanJobs(tx);
    if (jobs > 0) p.rows["job"] += jobs;
    for (const auto& e : emails)
        jobs += tx.Exec("UPDATE job SET last_error = '' WHERE last_error LIKE ?", "%" + e + "%");
    if (attempts > 0) p.changed.insert("login_attempt");
    if (jobs > 0) p.changed.insert("job");
    return p;
}

// ---- the certificate ----

struct KeyPair {
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk;
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk;
};

KeyPair DeriveKey(const std::string& secret) {
    common::InitCrypto();
    const std::string seed = auth::HmacSha256(secret, "tadaima erasure certificate v1");
    KeyPair k;
    crypto_sign_seed_keypair(k.pk.data(), k.sk.data(), reinterpret_cast<const unsigned char*>(seed.data()));
    return k;
}

json::array IdArray(const std::vector<std::int64_t>& ids) {
    json::array a;
    for (auto i : ids) a.emplace_back(i);
    return a;
}

// The signed text: {"certificate":{…},"signature":"…"} on one line. Verification rebuilds it from the parsed
// certificate and demands the same bytes, so no byte of the file can change unnoticed.
std::string Sign(const json::object& payload, const std::string& secret) {
    const auto key = DeriveKey(secret);
    const std::string body = json::serialize(payload);
    std::array<unsigned char, crypto_sign_BYTES> sig;
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                         key.sk.data());
    json::object whole;
    whole["certificate"] = payload;
    whole["signature"] = common::Base64Encode(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
    return json::serialize(whole) + "\n";
}

json::object Payload(db::ReadTx& tx, std::int64_t id, const ErasureRequest& r, const ErasurePreview& p,
                     common::Instant at, const std::vector<std::string>& steps, const std::string& secret) {
    json::object o;
    o["format"] = kFormat;
    o["erasure_id"] = id;
    o["city"] = tx.QueryOne("SELECT COALESCE(MIN(name), '') FROM city").Text(0);
    o["scope"] = ScopeName(r.scope);
    o["target_id"] = r.target;
    if (r.scope == ErasureScope::kSite) {
        o["site_name"] = tx.QueryOne("SELECT name FROM site WHERE id = ?", r.target).Text(0);
    }
    o["request"] = r.reference;
    o["erased_at"] = FormatInstant(at);
    o["erased_at_tokyo"] = common::FormatDate(common::TokyoDate(at)) + " " + common::FormatTokyoTime(at);
    json::object by;
    if (r.by_user) {
        by["kind"] = "staff";
        by["user_id"] = r.by_user->value;
    } else {
        by["kind"] = "operator";
    }
    by["name"] = r.by_name;
    o["by"] = by;
    json::object subjects;
    subjects["children"] = IdArray(p.children);
    subjects["guardians"] = IdArray(p.guardians);
    subjects["guardian_accounts"] = IdArray(p.accounts);
    subjects["staff_accounts"] = IdArray(p.staff);
    o["subjects"] = subjects;
    json::object rows;
    for (const auto& [table, n] : p.rows) rows[table] = n;
    o["rows"] = rows;
    json::array storage;
    storage.emplace_back(std::string("secure_delete while deleting"));
    for (const auto& s : steps) storage.emplace_back(s);
    o["storage"] = storage;
    o["public_key"] = CertificatePublicKey(secret);
    return o;
}

std::string Text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string_view ScopeName(ErasureScope scope) {
    switch (scope) {
        case ErasureScope::kChild:
            return "child";
        case ErasureScope::kFamily:
            return "family";
        case ErasureScope::kSite:
            return "site";
    }
    return "child";
}

std::optional<ErasureScope> ParseScope(std::string_view name) {
    if (name == "child") return ErasureScope::kChild;
    if (name == "family") return ErasureScope::kFamily;
    if (name == "site") return ErasureScope::kSite;
    return std::nullopt;
}

ErasurePreview PreviewErasure(db::Database& db, const ErasureRequest& request) {
    // The erasure itself, rolled back: the same steps count exactly what would go.
    struct Rollback {};
    ErasurePreview preview;
    try {
        db.WriteCheckedAtEnd([&](db::WriteTx& tx) {
            const auto now = FormatInstant(common::Instant{});
            const auto id = tx.QueryOne(
                                  "INSERT INTO erasure (scope, target_id, reference, state, created_at) VALUES "
                                  "(?, ?, '', 'running', ?) RETURNING id",
                                  ScopeName(request.scope), request.target, now)
                                .Int(0);
            preview = RunSteps(tx, id, request, now);
            throw Rollback{};
        });
    } catch (const Rollback&) {
    }
    return preview;
}

ErasureResult Erase(db::Database& db, const ErasureRequest& request, const std::string& secret,
                    const common::Clock& clock) {
    if (request.reference.empty()) throw std::invalid_argument("an erasure needs the request it answers (--request)");
    const auto at = clock.Now();
    const auto now = FormatInstant(at);
    ErasureResult out;
    db.WriteCheckedAtEnd([&](db::WriteTx& tx) {
        out.id = tx.QueryOne(
                       "INSERT INTO erasure (scope, target_id, reference, by_user_id, state, created_at) VALUES "
                       "(?, ?, ?, ?, 'running', ?) RETURNING id",
                       ScopeName(request.scope), request.target, request.reference, request.by_user, now)
                     .Int(0);
        if (tx.kind() == db::Kind::kSqlite) tx.Exec("PRAGMA secure_delete = ON");
        out.erased = RunSteps(tx, out.id, request, now);
        if (tx.kind() == db::Kind::kSqlite) tx.Exec("PRAGMA secure_delete = OFF");
        tx.Exec("UPDATE erasure SET state = 'done', finished_at = ? WHERE id = ?", now, out.id);
        auth::AuditEvent ev;
        ev.actor = request.by_user;
        ev.actor_role = request.by_user ? "municipal_admin" : "operator";
        if (request.scope == ErasureScope::kSite) ev.site = common::SiteId(request.target);
        ev.action = "erasure.done";
        ev.target_kind = "erasure";
        ev.target_id = out.id;
        ev.outcome = "ok";
        auth::WriteAudit(tx, ev, clock);
    });
    std::vector<std::string> steps;
    try {
        // Only what changed: on PostgreSQL each rewrite locks its table (scans wait for attendance_event's).
        steps = db.Scrub({out.erased.changed.begin(), out.erased.changed.end()});
    } catch (const std::runtime_error& e) {
        out.scrub_problem = e.what();
        steps.push_back(std::string("NOT SCRUBBED: ") + e.what());
    }
    db.Write([&](db::WriteTx& tx) {
        out.certificate = Sign(Payload(tx, out.id, request, out.erased, at, steps, secret), secret);
        tx.Exec("UPDATE erasure SET certificate = ? WHERE id = ?", out.certificate, out.id);
    });
    return out;
}

std::optional<std::string> StoredCertificate(db::Database& db, std::int64_t id) {
    auto row = db.Read([&](db::ReadTx& tx) {
        return tx.QueryOptional(
            "SELECT certificate FROM erasure WHERE id = ? AND state = 'done' AND scope <> 'retention'", id);
    });
    if (!row || row->IsNull(0)) return std::nullopt;
    return row->Text(0);
}

std::vector<std::string> ScrubFiles(db::Database& db) { return db.Scrub(TouchedTables()); }

std::string CertificatePublicKey(const std::string& secret) {
    const auto key = DeriveKey(secret);
    return common::Base64Encode(std::string_view(reinterpret_cast<const char*>(key.pk.data()), key.pk.size()));
}

CertificateCheck VerifyCertificate(const std::string& text, const std::string& secret, db::Database* db) {
    CertificateCheck out;
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object() || !v.as_object().contains("certificate") ||
        !v.as_object().at("certificate").is_object()) {
        out.problem = "not an erasure certificate (no signed JSON)";
        return out;
    }
    const auto& whole = v.as_object();
    const auto& payload = whole.at("certificate").as_object();
    if (Text(payload, "format") != kFormat) {
        out.problem = "not an erasure certificate of this format";
        return out;
    }
    const std::string body = json::serialize(payload);
    if (json::serialize(whole) + "\n" != text) {
        out.problem = "the file has been changed (it is not byte for byte as it was signed)";
        return out;
    }
    auto sig = common::Base64Decode(Text(whole, "signature"));
    auto pk = common::Base64Decode(Text(payload, "public_key"));
    if (!sig || !pk || sig->size() != crypto_sign_BYTES || pk->size() != crypto_sign_PUBLICKEYBYTES ||
        crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                    reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                                    reinterpret_cast<const unsigned char*>(pk->data())) != 0) {
        out.problem = "the signature does not match its contents";
        return out;
    }
    if (Text(payload, "public_key") != CertificatePublicKey(secret)) {
        out.problem = "it was signed by another installation's key";
        return out;
    }
    const auto* id = payload.if_contains("erasure_id");
    out.erasure_id = id && id->is_int64() ? id->as_int64() : 0;
    if (db) {
        auto recorded = db->Read([&](db::ReadTx& tx) {
            return tx.QueryOptional("SELECT certificate FROM erasure WHERE id = ? AND state = 'done'", out.erasure_id);
        });
        if (!recorded || recorded->OptText(0).value_or("") != text)
            out.problem = "this database holds no such certificate for erasure " + std::to_string(out.erasure_id);
    }
    return out;
}

std::string CertificatePdf(const std::string& certificate) {
    auto v = json::parse(certificate).as_object();
    const auto& p = v.at("certificate").as_object();
    print::PdfDocument pdf("消去証明書 / Certificate of erasure");
    const double left = 20, width = 170;
    double y = 20;
    y += pdf.Text(left, y, "個人情報消去証明書", {20, true, width, true});
    y += pdf.Text(left, y, "Certificate of erasure of personal data", {11, false, width, true}) + 8;
    auto row = [&](std::string_view ja, std::string_view en, const std::string& value) {
        if (y > 235) {
            pdf.NextPage();
            y = 20;
        }
        pdf.Text(left, y, std::string(ja), {10.5, true, 48});
        pdf.Text(left, y + 5, std::string(en), {8, false, 48});
        const double h = pdf.Text(left + 52, y, value, {10.5, false, width - 52});
        y += std::max(h, 10.0) + 3;
        pdf.Line(left, y - 1.5, left + width, y - 1.5, 0.3);
    };
    // Ids as runs ("8–11"), at most 120 runs on paper; the JSON holds every one.
    auto ids = [&](std::string_view key) {
        const auto& a = p.at("subjects").as_object().at(key).as_array();
        if (a.empty()) return std::string("—");
        std::string s = std::to_string(a.size()) + " 件 / ";
        std::size_t runs = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::size_t j = i;
            while (j + 1 < a.size() && a[j + 1].as_int64() == a[j].as_int64() + 1) ++j;
            if (++runs > 120) {
                s += ", … (JSON)";
                break;
            }
            s += (runs > 1 ? ", " : "") + std::to_string(a[i].as_int64());
            if (j > i) s += "–" + std::to_string(a[j].as_int64());
            i = j;
        }
        return s;
    };
    const std::string scope = Text(p, "scope");
    const std::string scope_words = scope == "site"     ? "施設の終了 (site) — " + Text(p, "site_name")
                                    : scope == "family" ? "世帯 (family)"
                                                        : "児童 (child)";
    row("自治体", "City", Text(p, "city"));
    row("消去番号", "Erasure no.", std::to_string(p.at("erasure_id").as_int64()));
    row("依頼", "Request", Text(p, "request"));
    row("範囲", "Scope", scope_words + " / id " + std::to_string(p.at("target_id").as_int64()));
    row("消去日時", "Erased at", Text(p, "erased_at_tokyo") + " (JST) / " + Text(p, "erased_at"));
    const auto& by = p.at("by").as_object();
    row("実施者", "By",
        Text(by, "kind") == "staff"
            ? Text(by, "name") + " (staff id " + std::to_string(by.at("user_id").as_int64()) + ")"
            : "operator: " + Text(by, "name"));
    row("児童 id", "Children", ids("children"));
    row("保護者 id", "Guardians", ids("guardians"));
    row("保護者アカウント id", "Guardian accounts", ids("guardian_accounts"));
    row("職員アカウント id", "Staff accounts", ids("staff_accounts"));
    std::string rows;
    for (const auto& [table, n] : p.at("rows").as_object())
        rows += std::string(table) + ": " + std::to_string(n.as_int64()) + "\n";
    row("消去した記録 (件数)", "Records erased", rows.empty() ? "—" : rows);
    std::string storage;
    for (const auto& s : p.at("storage").as_array()) storage += std::string(s.as_string()) + "\n";
    row("ファイルの処理", "Storage", storage);
    y += 2;
    if (y > 230) {
        pdf.NextPage();
        y = 20;
    }
    y += pdf.Text(left, y,
                  "監査記録は id のみを記録しており、鎖は保たれています。この消去より前に取ったバックアップには"
                  "消去した記録が残ります。バックアップの保存期間が過ぎた時点で完全に消去されます。",
                  {9.5, false, width}) +
         2;
    y += pdf.Text(left, y,
                  "The audit trail names ids only and keeps its chain. Backups taken before this erasure still hold "
                  "what it erased, until they expire.",
                  {8.5, false, width}) +
         4;
    y += pdf.Text(left, y, "署名 (Ed25519) / Signature: " + Text(v, "signature"), {7.5, false, width}) + 1;
    y += pdf.Text(left, y, "公開鍵 / Public key: " + Text(p, "public_key"), {7.5, false, width}) + 1;
    pdf.Text(left, y, "確認: tadaima erase verify FILE.json", {8, false, width});
    return pdf.Finish();
}

}  // namespace ops
