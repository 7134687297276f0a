#include "ops/export.hpp"

#include <zip.h>

#include <boost/json.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/files.hpp"
#include "common/random.hpp"
#include "ops/backup.hpp"

namespace ops {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// Which rows of a table belong to one site: a condition whose every `?` is the site's id.
constexpr std::string_view kChildrenOfSite = "(SELECT child_id FROM child_placement WHERE site_id = ?)";

struct Table {
    std::string_view name;
    std::string_view description;
    std::string_view site_where;  // "" : the table is not part of a site's export
};

// Every table a city keeps, with what it holds. `{C}` stands for the children placed at the site.
const Table kTables[] = {
    {"city", "The city (自治体).", "1 = 1"},
    {"site", "Sites: 学童クラブ (gakudo), 放課後子どもひろば (hiroba), 保育園 (nursery), school; settings.", "id = ?"},
    {"site_opening_hours", "Regular opening hours per weekday (0 Sunday … 6 Saturday).", "site_id = ?"},
    {"site_closure", "Days a site is closed.", "site_id = ?"},
    {"site_dismissal", "School dismissal times per grade and weekday (when children are expected).", "site_id = ?"},
    {"child_group", "Groups at a site: grades (学年), classes (クラス), custom.", "site_id = ?"},
    {"child", "Children (names, kana, birth date, grade).", "id IN {C}"},
    {"child_placement", "Enrolment periods of a child at a site (end_date empty: open).", "site_id = ?"},
    {"child_group_membership", "Periods of a child in a group.",
     "group_id IN (SELECT id FROM child_group WHERE site_id = ?)"},
    {"guardian", "Guardians on the roster (保護者), with contact details.",
     "id IN (SELECT guardian_id FROM guardian_child WHERE child_id IN {C})"},
    {"guardian_child", "Which guardian is whose, and how (relationship).", "child_id IN {C}"},
    {"guardian_account", "Guardians' own accounts in the app (email, display name, language, quiet hours).",
     "id IN (SELECT account_id FROM guardian_account_child WHERE child_id IN {C})"},
    {"guardian_account_child", "Which account may see which child (full or family), and since when.",
     "child_id IN {C}"},
    {"registration_letter", "Registration letters printed for families (the code itself is not kept).", "site_id = ?"},
    {"family_invitation", "Invitations a guardian sent to a family member.",
     "id IN (SELECT invitation_id FROM family_invitation_child WHERE child_id IN {C})"},
    {"family_invitation_child", "The children an invitation covers.", "child_id IN {C}"},
    {"staff_user", "Staff accounts (login id, name, language; never the password).",
     "id IN (SELECT user_id FROM staff_role WHERE site_id = ?)"},
    {"staff_role", "Roles of staff: municipal_admin (every site), site_manager, staff.", "site_id = ?"},
    {"card", "QR cards issued to children (the card's payload is derived, not kept).", "child_id IN {C}"},
    {"kiosk", "Kiosks (entrance tablets) paired to a site.", "site_id = ?"},
    {"attendance_event", "Entries and exits (in, out; void undoes one; corrects_id points at what it corrects).",
     "site_id = ?"},
    {"pickup_person", "People a family allows to pick a child up.", "child_id IN {C}"},
    {"notebook_setting", "A nursery's choice of contact-notebook items shown and required, per side and age class.",
     "site_id = ?"},
    {"notebook_entry",
     "The contact notebook: a page per child and day; home_sealed and nursery_sealed hold each side as JSON "
     "(opened in this export), with their versions, who wrote them and when, and when the nursery side was published.",
     "site_id = ?"},
    {"photo",
     "Photos on the contact notebook's pages: the JPEG as served (display_base64, the longer side 1280 px) and its "
     "thumbnail (thumb_base64), both in base64 and without metadata; the site and day of the pages it is on.",
     "site_id = ?"},
    {"photo_child", "The children's pages a photo is on (the child's page of the photo's day).",
     "photo_id IN (SELECT id FROM photo WHERE site_id = ?)"},
    {"child_health",
     "The health part of a child's record (児童票): record_sealed holds allergies, the family doctor and notes as JSON "
     "(opened in this export), with its version and who saved it.",
     "child_id IN {C}"},
    {"health_entry",
     "Health records by day: temperature checks, growth (height, weight) and illnesses; sealed holds each as JSON "
     "(opened in this export), recorded by staff (recorded_by) or reported by a guardian (reported_by_account).",
     "site_id = ?"},
    {"health_setting",
     "A nursery's choice of telling families of a fever staff measure: from which temperature (tenths of °C; empty: "
     "not told).",
     "site_id = ?"},
    {"nap_setting", "A nursery's nap-check intervals in minutes for the 0歳児, 1–2歳児 and 3歳児+ classes.",
     "site_id = ?"},
    {"nap", "Naps (午睡): a child laid down and woken, with the check interval fixed when it began.", "site_id = ?"},
    {"nap_check",
     "Nap checks: when, the position (back, left, right, front), breathing and complexion, who checked, and whether "
     "it came late.",
     "nap_id IN (SELECT id FROM nap WHERE site_id = ?)"},
    {"nap_overdue", "Checks that were due and missed (the due instant; recorded by the sweep or the late check).",
     "nap_id IN (SELECT id FROM nap WHERE site_id = ?)"},
    {"journal_setting", "A nursery's rule: whether a journal's writer may check or approve it themselves.",
     "site_id = ?"},
    {"journal",
     "Care journals (保育日誌): a class's day (group_id) or the site's (empty), its approval state and version; sealed "
     "holds the weather, activities, health and reflection as JSON (opened in this export).",
     "site_id = ?"},
    {"journal_episode", "A child's episode of the day in its class's journal; sealed holds the text (opened).",
     "journal_id IN (SELECT id FROM journal WHERE site_id = ?)"},
    {"journal_stamp",
     "Each approval step of a journal: submit, check (主任), approve (園長), return (with a comment, sealed) or "
     "reopen; "
     "who and when.",
     "journal_id IN (SELECT id FROM journal WHERE site_id = ?)"},
    {"curriculum_plan",
     "Curriculum plans (指導計画): a class's annual, monthly or weekly plan, or a child's individual plan, from the "
     "first day it covers; its approval state and version; sealed holds the sections as JSON (opened).",
     "site_id = ?"},
    {"curriculum_stamp", "Each approval step of a plan, as journal_stamp (the comment sealed, opened).",
     "plan_id IN (SELECT id FROM curriculum_plan WHERE site_id = ?)"},
    {"curriculum_template", "A nursery's template of a kind of plan: the sections a new plan starts from (opened).",
     "site_id = ?"},
    {"entrance_stamp",
     "Who stamped an entry or exit at a nursery's entrance (a guardian account) and who picked the child up (a pick-up "
     "person; empty: that guardian).",
     "event_id IN (SELECT id FROM attendance_event WHERE site_id = ?)"},
    {"attendance_plan", "Planned attendance per child and day: attending, leave time, way home, absence reason.",
     "site_id = ?"},
    {"plan_contact", "Absence and change contacts from families, with staff confirmation.", "site_id = ?"},
    {"child_alert", "Alerts: a child not arrived, still there after closing, pick-up unconfirmed; resolutions.",
     "site_id = ?"},
    {"plan_reminder", "Reminders sent to families to enter next month's plans.", "child_id IN {C}"},
    {"notification",
     "Notices to families (entry, exit, correction, alert, contact, message, notebook, health); params as JSON.",
     "site_id = ?"},
    {"notification_recipient", "Who received a notice, by mail and push, and when it was read.",
     "notification_id IN (SELECT id FROM notification WHERE site_id = ?)"},
    {"notification_choice", "Each account's choice of mail and push per topic.",
     "account_id IN (SELECT account_id FROM guardian_account_child WHERE child_id IN {C})"},
    {"message", "Messages from staff or the city to families (subject, body, scope, targets as JSON).", "site_id = ?"},
    {"message_attachment", "PDF files attached to messages (content in base64).",
     "message_id IN (SELECT id FROM message WHERE site_id = ?)"},
    {"message_thread", "Conversations between a family and a site about a child.", "site_id = ?"},
    {"thread_post", "Posts in a conversation (by a guardian account or a staff account).",
     "thread_id IN (SELECT id FROM message_thread WHERE site_id = ?)"},
    {"rollcall", "Emergency roll-calls (earthquake, fire, drill, other).",
     "id IN (SELECT rollcall_id FROM rollcall_site WHERE site_id = ?)"},
    {"rollcall_site", "A roll-call at one site, and when it was closed.", "site_id = ?"},
    {"rollcall_child", "Each child's state in a roll-call and to whom it was handed over.",
     "rollcall_site_id IN (SELECT id FROM rollcall_site WHERE site_id = ?)"},
    {"audit_event", "The audit trail (ids only, keyed hash chain): who read or changed what, when, from where.",
     "site_id = ?"},
    {"rollover", "School-year rollovers (planned, done, cancelled) with their counts.", "1 = 1"},
    {"rollover_child", "Each child's grade before and after a rollover.", "child_id IN {C}"},
    {"retention_setting", "How long the city keeps each kind of record (months), where it is not the default.",
     "1 = 1"},
    {"audit_anchor", "Where the audit trail starts after its oldest entries passed their retention (id, hash, MAC).",
     "1 = 0"},
    {"erasure", "Erasures done (scope, request, when, by whom) with their signed certificates.",
     "scope = 'site' AND target_id = ?"},
    {"erasure_subject", "The ids each erasure removed.",
     "erasure_id IN (SELECT id FROM erasure WHERE scope = 'site' AND target_id = ?)"},
};

// Not exported, and why.
const std::map<std::string_view, std::string_view> kExcluded = {
    {"schema_migrations", "the schema version is in schema.json"},
    {"user_session", "staff sessions: credentials"},
    {"guardian_session", "guardian sessions: credentials"},
    {"staff_mfa", "second-factor secrets: credentials"},
    {"staff_recovery_code", "second-factor recovery codes: credentials"},
    {"trusted_device", "browsers trusted for sign-in: credentials"},
    {"login_attempt", "sign-in attempts: the server's throttling, not the city's records"},
    {"code_attempt", "registration code attempts: throttling"},
    {"family_entrance", "guardians' entrance PINs and the last family pass accepted: credentials"},
    {"email_confirmation", "address confirmations in progress: tokens"},
    {"kiosk_pairing", "kiosk pairing codes: credentials"},
    {"push_subscription", "browser push endpoints and keys: credentials of the families' devices"},
    {"server_key", "the server's private keys"},
    {"live_site", "the live feed's position per site: the servers' own bookkeeping"},
    {"live_event", "the live feed (what changed, for open screens; kept two days): the attendance record holds it"},
    {"secret_check", "the fingerprint of the server secret"},
    {"job", "the server's work queue (mails and pushes to send): internal"},
};

// Columns left out of exported tables: credentials.
const std::set<std::string_view> kSecretColumns = {"password_hash", "token_hash", "code_hash", "csrf_token"};

std::vector<std::pair<std::string, std::string>> Columns(db::ReadTx& tx, std::string_view table) {
    std::vector<std::pair<std::string, std::string>> out;
    if (tx.kind() == db::Kind::kSqlite) {
        for (const auto& r : tx.Query("SELECT name, type FROM pragma_table_info(?) ORDER BY cid", table))
            out.emplace_back(r.Text(0), r.Text(1));
    } else {
        for (const auto& r : tx.Query("SELECT column_name, data_type FROM information_schema.columns WHERE "
                                      "table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                                      table))
            out.emplace_back(r.Text(0), r.Text(1));
    }
    return out;
}

std::vector<std::string> TableNames(db::ReadTx& tx) {
    std::vector<std::string> out;
    const auto rows = tx.kind() == db::Kind::kSqlite
                          ? tx.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                          : tx.Query(
                                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                "current_schema() AND table_type = 'BASE TABLE'");
    for (const auto& r : rows) out.push_back(r.Text(0));
    return out;
}

void Field(std::string& line, const std::optional<std::string>& v) {
    if (!v) return;  // NULL: an empty field
    if (!v->empty() && v->find_first_of(",\"\r\n") == std::string::npos) {
        line += *v;
        return;
    }
    line += '"';
    for (char c : *v) {
        if (c == '"') line += '"';
        line += c;
    }
    line += '"';
}

// Rows of one table into `file`, a page at a time by id; returns how many. Sealed columns are opened with `keys`.
std::int64_t WriteCsv(db::ReadTx& tx, std::string_view table, const std::vector<std::string>& columns,
                      const std::string& where, int site_params, std::int64_t site, const fs::path& file,
                      const auth::DataKeys* keys) {
    std::ofstream out(file, std::ios::binary);
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) line += ',';
        line += columns[i];
    }
    out << line << "\r\n";
    std::string select;
    for (std::size_t i = 0; i < columns.size(); ++i) select += (i ? ", " : "") + columns[i];
    const std::string sql =
        "SELECT " + select + " FROM " + std::string(table) + " WHERE (" + where + ") AND id > ? ORDER BY id LIMIT 5000";
    std::int64_t rows = 0, after = 0;
    std::size_t id_column = 0;
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == "id") id_column = i;
    // Which columns are sealed, and by the value of which column their place names the row.
    std::vector<std::pair<std::size_t, const auth::SealedField*>> sealed;
    for (const auto& f : auth::kSealedFields) {
        if (table != f.table) continue;
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i] == f.column) sealed.emplace_back(i, &f);
    }
    for (;;) {
        std::vector<db::Value> params(static_cast<std::size_t>(site_params), db::Value(site));
        params.emplace_back(after);
        const auto page = tx.QueryParams(sql, params);
        for (const auto& r : page) {
            line.clear();
            for (std::size_t i = 0; i < r.size(); ++i) {
                if (i) line += ',';
                auto value = r.OptText(i);
                for (const auto& [column, field] : sealed) {
                    if (column != i || !value || auth::DataKeys::KeyIdOf(*value).empty()) continue;
                    if (!keys)
                        throw std::runtime_error(std::string("export: ") + field->table + "." + field->column +
                                                 " is sealed: the data keys file is needed");
                    std::size_t row_column = 0;
                    for (std::size_t c = 0; c < columns.size(); ++c)
                        if (columns[c] == field->row) row_column = c;
                    value = keys->Open(*value, auth::PlaceOf(*field, r.Int(row_column)));
                }
                Field(line, value);
            }
            out << line << "\r\n";
        }
        rows += static_cast<std::int64_t>(page.size());
        if (page.size() < 5000) break;
        after = page.back().Int(id_column);
    }
    out.close();
    if (!out) throw std::runtime_error("could not write " + file.string());
    return rows;
}

constexpr std::string_view kReadme =
    "tadaima export\r\n"
    "==============\r\n"
    "\r\n"
    "このファイルには、自治体（または1施設）の記録が表ごとの CSV で入っています。各表と列の説明は schema.json "
    "にあります。\r\n"
    "This archive holds the city's (or one site's) records as one CSV file per table; schema.json describes every "
    "table and column.\r\n"
    "\r\n"
    "CSV: UTF-8 (no BOM), RFC 4180, CRLF, a header row. An empty field is NULL; \"\" is an empty text.\r\n"
    "Dates (YYYY-MM-DD) are facility dates in Asia/Tokyo; instants are UTC.\r\n"
    "Ids link the tables: child_placement.child_id is child.id, and so on (a column named x_id or x points at "
    "x.id).\r\n"
    "Credentials and the server's internal tables are not exported; schema.json lists them.\r\n";

}  // namespace

ExportSummary Export(db::Database& db, std::optional<common::SiteId> site, const std::string& out,
                     const std::string& now, const auth::DataKeys* keys) {
    const fs::path work = common::TemporaryBeside(out, "export-files");  // the CSV files until the ZIP takes them
    ExportSummary summary;
    try {
        summary.bytes = common::WriteWhole(out, [&](const std::string& partial) {
            fs::create_directories(work);
            json::object schema;
            json::array tables;
            db.Read([&](db::ReadTx& tx) {
                if (site && tx.Query("SELECT 1 FROM site WHERE id = ?", site->value).empty())
                    throw std::runtime_error("no site with id " + site->ToString());
                std::set<std::string> known;
                for (const auto& t : kTables) known.insert(std::string(t.name));
                for (const auto& name : TableNames(tx)) {
                    if (!known.contains(name) && !kExcluded.contains(name))
                        throw std::logic_error("export: table " + name + " is neither exported nor excluded");
                }
                schema["format"] = "tadaima-export/1";
                schema["scope"] = site ? "site" : "city";
                if (site) schema["site_id"] = site->value;
                schema["exported_at"] = now;
                schema["database"] = db::KindName(tx.kind());
                schema["schema_version"] =
                    tx.QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Int(0);
                schema["csv"] =
                    "UTF-8 without BOM, RFC 4180 quoting, CRLF line ends, a header row; an empty field is NULL and "
                    "\"\" an "
                    "empty text; dates YYYY-MM-DD in Asia/Tokyo, instants in UTC";
                for (const auto& t : kTables) {
                    std::string where(site ? t.site_where : "1 = 1");
                    int params = 0;
                    if (site) {
                        if (auto c = where.find("{C}"); c != std::string::npos)
                            where.replace(c, 3, std::string(kChildrenOfSite));
                        for (char ch : where) params += ch == '?';
                    }
                    std::vector<std::string> names;
                    json::array cols;
                    for (const auto& [name, type] : Columns(tx, t.name)) {
                        if (kSecretColumns.contains(name)) continue;
                        names.push_back(name);
                        cols.push_back(json::object{{"name", name}, {"type", type}});
                    }
                    const std::string file = std::string(t.name) + ".csv";
                    const auto rows =
                        WriteCsv(tx, t.name, names, where, params, site ? site->value : 0, work / file, keys);
                    summary.rows += rows;
                    ++summary.tables;
                    tables.push_back(json::object{{"name", t.name},
                                                  {"file", file},
                                                  {"rows", rows},
                                                  {"description", t.description},
                                                  {"columns", cols}});
                }
            });
            schema["tables"] = tables;
            json::array excluded;
            for (const auto& [name, why] : kExcluded) excluded.push_back(json::object{{"name", name}, {"why", why}});
            schema["not_exported"] = excluded;
            json::array secret_columns;
            for (const auto& c : kSecretColumns) secret_columns.emplace_back(c);
            schema["not_exported_columns"] = secret_columns;

            int error = 0;
            zip_t* zip = zip_open(partial.c_str(), ZIP_CREATE | ZIP_EXCL, &error);
            if (!zip) throw std::runtime_error("cannot create " + partial);
            std::deque<std::string> buffers;  // alive until zip_close reads them
            auto add_buffer = [&](const std::string& name, std::string data) {
                buffers.push_back(std::move(data));
                zip_source_t* src = zip_source_buffer(zip, buffers.back().data(), buffers.back().size(), 0);
                if (!src || zip_file_add(zip, name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
                    if (src) zip_source_free(src);
                    throw std::runtime_error("cannot add " + name + " to the archive");
                }
            };
            try {
                add_buffer("README.txt", std::string(kReadme));
                add_buffer("schema.json", json::serialize(schema) + "\n");
                for (const auto& t : tables) {
                    const std::string file(t.as_object().at("file").as_string());
                    zip_source_t* src = zip_source_file(zip, (work / file).c_str(), 0, -1);
                    if (!src || zip_file_add(zip, file.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
                        if (src) zip_source_free(src);
                        throw std::runtime_error("cannot add " + file + " to the archive");
                    }
                }
            } catch (...) {
                zip_discard(zip);
                throw;
            }
            if (zip_close(zip) != 0) {
                const std::string why = zip_strerror(zip);
                zip_discard(zip);
                throw std::runtime_error("cannot write " + out + ": " + why);
            }
        });
    } catch (...) {
        std::error_code ec;
        fs::remove_all(work, ec);
        throw;
    }
    std::error_code ec;
    fs::remove_all(work, ec);
    return summary;
}

}  // namespace ops
