#include "guardians/guardians.hpp"

#include "common/dates.hpp"
#include "common/kana.hpp"
#include "db/sql.hpp"
#include "rights/rights.hpp"

namespace guardians {

using common::FormatInstant;

bool IsRelationship(std::string_view r) {
    for (const char* k : kRelationships) {
        if (r == k) return true;
    }
    return false;
}

namespace {

const std::string& From() {
    static const std::string from = std::string(" FROM guardian g WHERE ") + rights::kGuardianInScope +
                                    " AND (? = 1 OR g.deactivated_at IS NULL)"
                                    " AND (? = '' OR g.search_key LIKE ? ESCAPE '\\')";
    return from;
}
constexpr const char* kColumns =
    "SELECT g.id, g.family_name, g.given_name, g.family_kana, g.given_kana, g.email, g.phone, g.language, "
    "g.deactivated_at";

std::vector<db::Value> FilterParams(const GuardianFilter& f) {
    return {f.scope.AllFlag(),          f.today, f.scope.UserValue(),
            f.include_inactive ? 1 : 0, f.query, db::ContainsPattern(f.query)};
}

Guardian FromRow(const db::Row& r) {
    Guardian g;
    g.id = r.Id<common::GuardianId>(0);
    g.fields = {r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)};
    g.active = r.IsNull(8);
    return g;
}

std::string SearchKey(const GuardianInput& in) {
    // Email and phone digits are searchable too: staff often have only those at hand.
    return common::FoldForSearch(in.family_name + in.given_name + "|" + in.family_kana + in.given_kana + "|" +
                                 in.email + "|" + in.phone);
}

}  // namespace

std::vector<Guardian> ListGuardians(db::ReadTx& tx, const GuardianFilter& f, int limit, int offset) {
    auto params = FilterParams(f);
    params.emplace_back(limit);
    params.emplace_back(offset);
    std::vector<Guardian> out;
    for (const auto& r : tx.QueryParams(
             std::string(kColumns) + From() + " ORDER BY g.family_kana, g.given_kana, g.id LIMIT ? OFFSET ?", params)) {
        out.push_back(FromRow(r));
    }
    return out;
}

std::int64_t CountGuardians(db::ReadTx& tx, const GuardianFilter& f) {
    return tx.QueryParams(std::string("SELECT COUNT(*)") + From(), FilterParams(f)).at(0).Int(0);
}

std::optional<Guardian> GetGuardian(db::ReadTx& tx, common::GuardianId id) {
    auto r = tx.QueryOptional(std::string(kColumns) + " FROM guardian g WHERE g.id = ?", id);
    if (!r) return std::nullopt;
    return FromRow(*r);
}

common::GuardianId InsertGuardian(db::WriteTx& tx, const GuardianInput& in, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    return tx
        .QueryOne(
            "INSERT INTO guardian (family_name, given_name, family_kana, given_kana, email, phone, language, "
            "search_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            in.family_name, in.given_name, in.family_kana, in.given_kana, in.email, in.phone, in.language,
            SearchKey(in), now, now)
        .Id<common::GuardianId>(0);
}

void UpdateGuardian(db::WriteTx& tx, common::GuardianId id, const GuardianInput& in, const common::Clock& clock) {
    tx.Exec(
        "UPDATE guardian SET family_name = ?, given_name = ?, family_kana = ?, given_kana = ?, email = ?, phone = ?, "
        "language = ?, search_key = ?, updated_at = ? WHERE id = ?",
        in.family_name, in.given_name, in.family_kana, in.given_kana, in.email, in.phone, in.language, SearchKey(in),
        FormatInstant(clock.Now()), id);
}

void SetGuardianActive(db::WriteTx& tx, common::GuardianId id, bool active, const common::Clock& clock) {
    auto now = FormatInstant(clock.Now());
    tx.Exec("UPDATE guardian SET deactivated_at = ?, updated_at = ? WHERE id = ?",
            active ? std::optional<std::string>() : std::optional<std::string>(now), now, id);
}

void LinkGuardian(db::WriteTx& tx, common::GuardianId g, common::ChildId c, const std::string& relationship,
                  const common::Clock& clock) {
    tx.Exec(
        "INSERT INTO guardian_child (guardian_id, child_id, relationship, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guardian_id, child_id) DO UPDATE SET relationship = excluded.relationship",
        g, c, relationship, FormatInstant(clock.Now()));
}

void UnlinkGuardian(db::WriteTx& tx, common::GuardianId g, common::ChildId c) {
    tx.Exec("DELETE FROM guardian_child WHERE guardian_id = ? AND child_id = ?", g, c);
}

std::map<common::ChildId, std::vector<Link>> GuardiansOfChildren(db::ReadTx& tx,
                                                                 const std::vector<common::ChildId>& ids) {
    std::map<common::ChildId, std::vector<Link>> out;
    if (ids.empty()) return out;
    std::string in;
    std::vector<db::Value> params;
    for (auto id : ids) {
        in += in.empty() ? "?" : ", ?";
        params.emplace_back(id);
    }
    for (const auto& r : tx.QueryParams("SELECT g.id, gc.child_id, gc.relationship, g.family_name || ' ' || "
                                        "g.given_name, g.family_kana || ' ' || g.given_kana, g.deactivated_at, g.phone "
                                        "FROM guardian_child gc JOIN guardian g ON g.id = gc.guardian_id WHERE "
                                        "gc.child_id IN (" +
                                            in + ") ORDER BY gc.id",
                                        params)) {
        auto child = r.Id<common::ChildId>(1);
        out[child].push_back(
            {r.Id<common::GuardianId>(0), child, r.Text(2), r.Text(3), r.Text(4), r.IsNull(5), r.Text(6)});
    }
    return out;
}

std::vector<Link> GuardiansOfChild(db::ReadTx& tx, common::ChildId child) {
    auto all = GuardiansOfChildren(tx, {child});
    return all.empty() ? std::vector<Link>{} : std::move(all.begin()->second);
}

std::string TelTarget(std::string_view phone) {
    std::string tel;
    for (char c : phone) {
        if ((c >= '0' && c <= '9') || (c == '+' && tel.empty())) tel += c;
    }
    return tel;
}

std::vector<Link> ChildrenOfGuardian(db::ReadTx& tx, common::GuardianId guardian) {
    std::vector<Link> out;
    for (const auto& r :
         tx.Query("SELECT c.id, gc.relationship, c.family_name || ' ' || c.given_name, "
                  "c.family_kana || ' ' || c.given_kana, c.deactivated_at FROM guardian_child gc "
                  "JOIN child c ON c.id = gc.child_id WHERE gc.guardian_id = ? ORDER BY c.birth_date, c.id",
                  guardian)) {
        out.push_back({guardian, r.Id<common::ChildId>(0), r.Text(1), r.Text(2), r.Text(3), r.IsNull(4), ""});
    }
    return out;
}

std::optional<std::string> LinkRelationship(db::ReadTx& tx, common::GuardianId g, common::ChildId c) {
    auto r = tx.QueryOptional("SELECT relationship FROM guardian_child WHERE guardian_id = ? AND child_id = ?", g, c);
    if (!r) return std::nullopt;
    return r->Text(0);
}

std::optional<common::GuardianId> FindGuardianByExternalId(db::ReadTx& tx, const std::string& external_id) {
    auto r = tx.QueryOptional("SELECT id FROM guardian WHERE external_id = ?", external_id);
    if (!r) return std::nullopt;
    return r->Id<common::GuardianId>(0);
}

void SetGuardianExternalId(db::WriteTx& tx, common::GuardianId id, const std::string& external_id) {
    tx.Exec("UPDATE guardian SET external_id = ? WHERE id = ?", external_id, id);
}

}  // namespace guardians
