#include "roster/import.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <map>

#include "app/validate.hpp"
#include "children/children.hpp"
#include "common/dates.hpp"
#include "guardians/guardians.hpp"
#include "rights/rights.hpp"
#include "roster/csv.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace roster {
namespace {

// The import runs in a write transaction either way; a dry run throws this at the end to roll it back, so it
// reports exactly what applying would do.
struct DryRun {};

// Width and compatibility forms folded (ｼｹﾝ → シケン, ２０１９ → 2019), for kana, dates, numbers, phones and mail.
// Not for names in kanji: NFKC would turn 﨑 into 崎, which is not the person's name.
std::string Nfkc(const std::string& s) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) return s;
    auto out = nfkc->normalize(icu::UnicodeString::fromUTF8(s), status);
    std::string r;
    out.toUTF8String(r);
    return U_FAILURE(status) ? s : r;
}

// "2019/5/5" and "2019-05-05" both become 2019-05-05; anything else is left for the date check to refuse.
std::string NormaliseDate(std::string s) {
    std::replace(s.begin(), s.end(), '/', '-');
    auto a = s.find('-'), b = s.rfind('-');
    if (a == std::string::npos || a == b) return s;
    std::string y = s.substr(0, a), m = s.substr(a + 1, b - a - 1), d = s.substr(b + 1);
    if (m.size() == 1) m = "0" + m;
    if (d.size() == 1) d = "0" + d;
    return y + "-" + m + "-" + d;
}

const std::map<std::string, std::string>& Relationships() {
    static const std::map<std::string, std::string> m = {{"母", "mother"},        {"父", "father"},
                                                         {"祖母", "grandmother"}, {"祖父", "grandfather"},
                                                         {"後見人", "guardian"},  {"その他", "other"}};
    return m;
}

struct Row {
    int line = 0;
    std::string child_id;
    children::ChildInput child;
    std::string group;
    std::string guardian_id;
    guardians::GuardianInput guardian;
    std::string relationship;
};

// Field name in the validators → column in the file, for error messages.
const std::map<std::string, std::string>& ColumnOf() {
    static const std::map<std::string, std::string> m = {{"child_id", "児童番号"},
                                                         {"family_name", "姓"},
                                                         {"given_name", "名"},
                                                         {"family_kana", "せい"},
                                                         {"given_kana", "めい"},
                                                         {"birth_date", "生年月日"},
                                                         {"grade", "学年"},
                                                         {"group", "グループ"},
                                                         {"guardian_id", "保護者番号"},
                                                         {"g_family_name", "保護者姓"},
                                                         {"g_given_name", "保護者名"},
                                                         {"g_family_kana", "保護者せい"},
                                                         {"g_given_kana", "保護者めい"},
                                                         {"relationship", "続柄"},
                                                         {"email", "メール"},
                                                         {"phone", "電話"}};
    return m;
}

std::optional<Row> ValidateRow(const CsvRecord& rec, const std::string& today, std::vector<ImportError>& errors) {
    if (rec.fields.size() != kColumns.size()) {
        errors.push_back({rec.line, "", "error_import_column_count"});
        return std::nullopt;
    }
    const auto& f = rec.fields;
    http::Params p;
    auto add = [&](const char* name, const std::string& v) { p.Add(name, v); };
    add("child_id", Nfkc(f[0]));
    add("family_name", f[1]);
    add("given_name", f[2]);
    add("family_kana", Nfkc(f[3]));
    add("given_kana", Nfkc(f[4]));
    add("birth_date", NormaliseDate(Nfkc(app::Trimmed(f[5]))));
    add("grade", Nfkc(f[6]));
    add("group", f[7]);
    add("guardian_id", Nfkc(f[8]));
    add("g_family_name", f[9]);
    add("g_given_name", f[10]);
    add("g_family_kana", Nfkc(f[11]));
    add("g_given_kana", Nfkc(f[12]));
    add("relationship", app::Trimmed(f[13]));
    add("email", Nfkc(f[14]));
    add("phone", Nfkc(f[15]));

    app::FormErrors e;
    Row row;
    row.line = rec.line;
    row.child_id = app::TextField(p, "child_id", e, true, 64);
    row.child.family_name = app::TextField(p, "family_name", e, true, 50);
    row.child.given_name = app::TextField(p, "given_name", e, true, 50);
    row.child.family_kana = app::KanaField(p, "family_kana", e, true);
    row.child.given_kana = app::KanaField(p, "given_kana", e, true);
    if (auto d = app::DateField(p, "birth_date", e, true)) {
        if (*d > today) {
            e.Add("birth_date", "error_birth_date_future");
        } else {
            row.child.birth_date = *d;
        }
    }
    row.child.grade = app::IntField(p, "grade", e, 1, 6);
    row.group = app::TextField(p, "group", e, false, 50);
    row.guardian_id = app::TextField(p, "guardian_id", e, false, 64);
    bool any_guardian = !row.guardian_id.empty();
    for (const char* k :
         {"g_family_name", "g_given_name", "g_family_kana", "g_given_kana", "relationship", "email", "phone"}) {
        any_guardian = any_guardian || !app::Trimmed(p.GetOr(k)).empty();
    }
    if (any_guardian) {
        if (row.guardian_id.empty()) e.Add("guardian_id", "error_required");
        row.guardian.family_name = app::TextField(p, "g_family_name", e, true, 50);
        row.guardian.given_name = app::TextField(p, "g_given_name", e, true, 50);
        row.guardian.family_kana = app::KanaField(p, "g_family_kana", e, true);
        row.guardian.given_kana = app::KanaField(p, "g_given_kana", e, true);
        row.guardian.email = app::EmailField(p, "email", e, false);
        row.guardian.phone = app::PhoneField(p, "phone", e);
        auto rel = Relationships().find(p.GetOr("relationship"));
        if (rel == Relationships().end()) {
            e.Add("relationship", "error_import_relationship");
        } else {
            row.relationship = rel->second;
        }
    }
    for (const auto& [field, key] : e.map()) errors.push_back({rec.line, ColumnOf().at(field), key});
    if (!e.empty()) return std::nullopt;
    return row;
}

// The columns whose values differ (empty: the same person as recorded).
std::vector<std::string> ChildDiff(const children::ChildInput& a, const children::ChildInput& b) {
    std::vector<std::string> out;
    if (a.family_name != b.family_name) out.push_back("姓");
    if (a.given_name != b.given_name) out.push_back("名");
    if (a.family_kana != b.family_kana) out.push_back("せい");
    if (a.given_kana != b.given_kana) out.push_back("めい");
    if (a.birth_date != b.birth_date) out.push_back("生年月日");
    if (a.grade != b.grade) out.push_back("学年");
    return out;
}
bool SameChild(const children::ChildInput& a, const children::ChildInput& b) { return ChildDiff(a, b).empty(); }

std::vector<std::string> GuardianDiff(const guardians::GuardianInput& a, const guardians::GuardianInput& b) {
    std::vector<std::string> out;
    if (a.family_name != b.family_name) out.push_back("保護者姓");
    if (a.given_name != b.given_name) out.push_back("保護者名");
    if (a.family_kana != b.family_kana) out.push_back("保護者せい");
    if (a.given_kana != b.given_kana) out.push_back("保護者めい");
    if (a.email != b.email) out.push_back("メール");
    if (a.phone != b.phone) out.push_back("電話");
    return out;
}

void Apply(db::WriteTx& tx, common::SiteId site, const std::vector<Row>& rows, const common::Clock& clock,
           const auth::Actor* importer, ImportReport& r) {
    const std::string today = common::FormatDate(common::TokyoDate(clock.Now()));
    std::map<std::string, common::GroupId> groups;
    for (const auto& g : sites::ListGroups(tx, site, false)) groups.emplace(g.fields.name, g.id);
    std::map<std::string, common::ChildId> seen_children;
    std::map<std::string, common::GuardianId> seen_guardians;
    for (const auto& row : rows) {
        std::optional<common::GroupId> group;
        if (!row.group.empty()) {
            auto it = groups.find(row.group);
            if (it == groups.end()) {
                it = groups.emplace(row.group, sites::InsertGroup(tx, site, {"custom", row.group, std::nullopt}, clock))
                         .first;
                ++r.groups_new;
            }
            group = it->second;
        }
        // The child, once per number however many guardian rows it has.
        common::ChildId child;
        if (auto s = seen_children.find(row.child_id); s != seen_children.end()) {
            child = s->second;
        } else {
            auto existing = children::FindChildByExternalId(tx, row.child_id);
            std::optional<rights::Standing> standing;
            if (existing) standing = rights::LoadStanding(tx, *existing);
            if (existing && !standing->CurrentAt(site, today)) {
                // Another site's child, or one who left: not this import's to touch, nor to say where it is.
                r.errors.push_back({row.line, "児童番号", "error_import_number_elsewhere"});
                continue;
            }
            if (!existing) {
                auto in = row.child;
                in.site_id = site;
                in.start_date = today;
                if (group) in.group_ids = {*group};
                child = children::InsertChild(tx, in, clock);
                children::SetChildExternalId(tx, child, row.child_id);
                ++r.children_new;
                r.changes.push_back(
                    {row.line, false, true, row.child_id, row.child.family_name + " " + row.child.given_name, {}});
                if (group) ++r.memberships_new;
            } else {
                child = *existing;
                auto current = children::GetChild(tx, child, common::TokyoDate(clock.Now()));
                auto fields = ChildDiff(current->fields, row.child);
                bool changed = !fields.empty();
                if (changed && importer &&
                    rights::DecideChild(*importer, auth::Action::kChildEdit, *standing, today).verdict !=
                        rights::Verdict::kAllowed) {
                    r.errors.push_back({row.line, "児童番号", "error_import_child_shared"});
                    continue;
                }
                if (changed) children::UpdateChildDetails(tx, child, row.child, clock);
                if (children::EnsurePlacement(tx, child, site, today, clock)) {
                    changed = true;
                    fields.push_back(kPlacementField);
                }
                if (group && children::EnsureMembership(tx, child, *group, today, clock)) ++r.memberships_new;
                changed ? ++r.children_changed : ++r.children_unchanged;
                if (changed) {
                    r.changes.push_back({row.line, false, false, row.child_id,
                                         row.child.family_name + " " + row.child.given_name, std::move(fields)});
                }
            }
            seen_children.emplace(row.child_id, child);
        }
        if (row.guardian_id.empty()) continue;
        common::GuardianId guardian;
        if (auto s = seen_guardians.find(row.guardian_id); s != seen_guardians.end()) {
            guardian = s->second;
        } else {
            auto existing = guardians::FindGuardianByExternalId(tx, row.guardian_id);
            std::vector<common::SiteId> guardian_sites;
            if (existing) guardian_sites = rights::GuardianSites(tx, *existing, today);
            if (existing && std::find(guardian_sites.begin(), guardian_sites.end(), site) == guardian_sites.end()) {
                r.errors.push_back({row.line, "保護者番号", "error_import_number_elsewhere"});
                continue;
            }
            if (!existing) {
                guardian = guardians::InsertGuardian(tx, row.guardian, clock);
                guardians::SetGuardianExternalId(tx, guardian, row.guardian_id);
                ++r.guardians_new;
                r.changes.push_back({row.line,
                                     true,
                                     true,
                                     row.guardian_id,
                                     row.guardian.family_name + " " + row.guardian.given_name,
                                     {}});
            } else {
                guardian = *existing;
                auto current = guardians::GetGuardian(tx, guardian);
                auto wanted = row.guardian;
                wanted.language = current->fields.language;  // the file does not carry a language: keep it
                auto fields = GuardianDiff(current->fields, wanted);
                if (fields.empty()) {
                    ++r.guardians_unchanged;
                } else if (importer && rights::DecideGuardian(*importer, auth::Action::kGuardianEdit, guardian_sites) !=
                                           rights::Verdict::kAllowed) {
                    // Also a guardian at a site this importer may not edit: their mail and phone are that site's too.
                    r.errors.push_back({row.line, "保護者番号", "error_import_guardian_shared"});
                    continue;
                } else {
                    guardians::UpdateGuardian(tx, guardian, wanted, clock);
                    ++r.guardians_changed;
                    r.changes.push_back({row.line, true, false, row.guardian_id,
                                         wanted.family_name + " " + wanted.given_name, std::move(fields)});
                }
            }
            seen_guardians.emplace(row.guardian_id, guardian);
        }
        if (guardians::LinkRelationship(tx, guardian, child) != row.relationship) {
            guardians::LinkGuardian(tx, guardian, child, row.relationship, clock);
            ++r.links_new;
        }
    }
}

}  // namespace

ImportReport ImportRoster(db::Database& db, common::SiteId site, std::string_view csv_bytes, bool apply,
                          const common::Clock& clock, const auth::Actor* importer) {
    ImportReport r;
    auto parsed = ParseCsv(csv_bytes);
    if (auto* err = std::get_if<CsvError>(&parsed)) {
        r.errors.push_back({err->line, "", err->message_key});
        return r;
    }
    auto& file = std::get<CsvFile>(parsed);
    r.encoding = file.encoding;
    if (file.records.empty()) {
        r.errors.push_back({1, "", "error_import_empty"});
        return r;
    }
    // The header names the columns; a missing, extra or misspelt one is reported by name.
    const auto& header = file.records.front();
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
        if (i >= header.fields.size() || Nfkc(app::Trimmed(header.fields[i])) != kColumns[i]) {
            r.errors.push_back({header.line, kColumns[i], "error_import_header"});
        }
    }
    if (!r.errors.empty()) return r;
    const std::string today = common::FormatDate(common::TokyoDate(clock.Now()));
    std::vector<Row> rows;
    std::map<std::string, const Row*> first_of_child;
    for (std::size_t i = 1; i < file.records.size(); ++i) {
        if (auto row = ValidateRow(file.records[i], today, r.errors)) rows.push_back(std::move(*row));
    }
    r.records = static_cast<int>(file.records.size()) - 1;
    for (const auto& row : rows) {
        auto [it, fresh] = first_of_child.emplace(row.child_id, &row);
        if (!fresh && (!SameChild(it->second->child, row.child) || it->second->group != row.group)) {
            r.errors.push_back({row.line, "児童番号", "error_import_child_differs"});
        }
    }
    if (!r.errors.empty()) return r;
    try {
        db.Write([&](db::WriteTx& tx) {
            auto target = sites::GetSite(tx, site);
            if (!target || !target->active) {
                r.errors.push_back({0, "", "error_import_site"});
                throw DryRun{};
            }
            Apply(tx, site, rows, clock, importer, r);
            if (!apply || !r.errors.empty()) throw DryRun{};
        });
        r.applied = true;
    } catch (const DryRun&) {
    }
    return r;
}

std::string FormatReport(const ImportReport& r, const web::Catalogue& c, std::string_view lang) {
    auto t = [&](const char* key) { return c.Get(lang, key); };
    std::string out;
    for (const auto& e : r.errors) {
        std::string where = e.line > 0 ? std::to_string(e.line) + t("import_line") : "";
        if (!e.column.empty()) where += " " + (lang == "ja" ? "「" + e.column + "」" : e.column);
        out += where + (where.empty() ? "" : ": ") + t(e.message_key.c_str()) + "\n";
    }
    if (!r.errors.empty()) {
        out += t("import_nothing_written") + std::string("\n");
        return out;
    }
    auto line = [&](const char* key, int a, int b, int c2) {
        out += std::string(t(key)) + ": " + std::to_string(a) + " / " + std::to_string(b) + " / " + std::to_string(c2) +
               "\n";
    };
    out += t("import_encoding") + std::string(": ") + r.encoding + ", " + t("import_records") + ": " +
           std::to_string(r.records) + "\n";
    out += t("import_legend") + std::string("\n");
    line("import_children", r.children_new, r.children_changed, r.children_unchanged);
    line("import_guardians", r.guardians_new, r.guardians_changed, r.guardians_unchanged);
    out += t("import_links") + std::string(": ") + std::to_string(r.links_new) + ", " + t("import_groups") + ": " +
           std::to_string(r.groups_new) + ", " + t("import_memberships") + ": " + std::to_string(r.memberships_new) +
           "\n";
    // Who is added (+) or changed (~, with the columns), one per line.
    for (const auto& ch : r.changes) {
        out += std::string(ch.added ? "+ " : "~ ") + t(ch.guardian ? "import_guardians" : "import_children") + " " +
               ch.number + " " + ch.name;
        std::string fields;
        for (const auto& f : ch.fields) {
            fields += (fields.empty() ? "" : ", ") + (f == kPlacementField ? t("import_change_placement") : f);
        }
        if (!fields.empty()) out += " (" + fields + ")";
        out += "\n";
    }
    out += t(r.applied ? "import_applied" : "import_dry_run") + std::string("\n");
    return out;
}

}  // namespace roster
