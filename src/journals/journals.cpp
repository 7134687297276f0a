#include "journals/journals.hpp"

#include <boost/json.hpp>

#include <map>

#include "common/dates.hpp"

namespace journals {
namespace json = boost::json;
namespace {

std::string Seal(const auth::DataKeys& keys, const Content& c, std::int64_t id) {
    json::object o{
        {"weather", c.weather}, {"activities", c.activities}, {"health", c.health}, {"reflection", c.reflection}};
    return keys.Seal(json::serialize(o), auth::PlaceOf(auth::kJournalField, id));
}

std::string Text(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

constexpr std::string_view kColumns =
    "SELECT j.id, j.site_id, j.group_id, j.journal_date, j.state, j.sealed, j.version, j.submitted_by, "
    "COALESCE(u.display_name, ''), j.updated_at FROM journal j LEFT JOIN staff_user u ON u.id = j.written_by ";

std::optional<Journal> Load(db::ReadTx& tx, const auth::DataKeys& keys, std::optional<db::Row> r) {
    if (!r) return std::nullopt;
    Journal j;
    j.id = r->Int(0);
    j.site = r->Id<common::SiteId>(1);
    if (!r->IsNull(2)) j.group = r->Id<common::GroupId>(2);
    j.date = r->Text(3).substr(0, 10);
    j.state = ParseState(r->Text(4)).value_or(State::kDraft);
    const auto o = json::parse(keys.Open(r->Text(5), auth::PlaceOf(auth::kJournalField, j.id))).as_object();
    j.content = {Text(o, "weather"), Text(o, "activities"), Text(o, "health"), Text(o, "reflection")};
    j.version = static_cast<int>(r->Int(6));
    if (!r->IsNull(7)) j.submitted_by = r->Id<common::UserId>(7);
    j.written_by = r->Text(8);
    j.updated_at = common::ParseInstant(r->Text(9));
    for (const auto& e :
         tx.Query("SELECT id, child_id, sealed FROM journal_episode WHERE journal_id = ? ORDER BY child_id", j.id))
        j.episodes.push_back(
            {e.Id<common::ChildId>(1), keys.Open(e.Text(2), auth::PlaceOf(auth::kJournalEpisodeField, e.Int(0)))});
    j.stamps = LoadStamps(tx, keys, auth::kJournalStampField, "journal_id", j.id);
    return j;
}

std::vector<Summary> Summaries(const std::vector<db::Row>& rows) {
    std::vector<Summary> out;
    for (const auto& r : rows) {
        Summary s;
        s.id = r.Int(0);
        if (!r.IsNull(1)) s.group = r.Id<common::GroupId>(1);
        s.date = r.Text(2).substr(0, 10);
        s.state = ParseState(r.Text(3)).value_or(State::kDraft);
        out.push_back(s);
    }
    return out;
}

}  // namespace

std::vector<Stamp> LoadStamps(db::ReadTx& tx, const auth::DataKeys& keys, const auth::SealedField& field,
                              std::string_view owner, std::int64_t id) {
    std::vector<Stamp> out;
    for (const auto& s :
         tx.Query("SELECT s.id, s.step, s.stamped_by, COALESCE(u.display_name, ''), s.stamped_at, s.comment_sealed "
                  "FROM " +
                      std::string(field.table) + " s LEFT JOIN staff_user u ON u.id = s.stamped_by WHERE s." +
                      std::string(owner) + " = ? ORDER BY s.stamped_at, s.id",
                  id)) {
        Stamp st;
        st.step = ParseStep(s.Text(1)).value_or(Step::kSubmit);
        if (!s.IsNull(2)) st.by_id = s.Id<common::UserId>(2);
        st.by = s.Text(3);
        st.at = *common::ParseInstant(s.Text(4));
        st.comment = keys.Open(s.Text(5), auth::PlaceOf(field, s.Int(0)));
        out.push_back(std::move(st));
    }
    return out;
}

void AddStamp(db::WriteTx& tx, const auth::DataKeys& keys, const auth::SealedField& field, std::string_view owner,
              std::int64_t id, Step step, const std::string& comment, common::UserId by, const std::string& now) {
    const auto stamp = tx.QueryOne("INSERT INTO " + std::string(field.table) + " (" + std::string(owner) +
                                       ", step, comment_sealed, stamped_by, stamped_at, created_at) VALUES (?, ?, '', "
                                       "?, ?, ?) RETURNING id",
                                   id, StepName(step), by, now, now)
                           .Int(0);
    tx.Exec("UPDATE " + std::string(field.table) + " SET comment_sealed = ? WHERE id = ?",
            keys.Seal(comment, auth::PlaceOf(field, stamp)), stamp);
}

std::optional<Journal> Find(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site,
                            std::optional<common::GroupId> group, const std::string& date) {
    if (group)
        return Load(tx, keys,
                    tx.QueryOptional(std::string(kColumns) + "WHERE j.group_id = ? AND j.journal_date = ? AND "
                                                             "j.site_id = ?",
                                     *group, date, site));
    return Load(tx, keys,
                tx.QueryOptional(std::string(kColumns) + "WHERE j.site_id = ? AND j.journal_date = ? AND j.group_id "
                                                         "IS NULL",
                                 site, date));
}

std::optional<Journal> Get(db::ReadTx& tx, const auth::DataKeys& keys, std::int64_t id) {
    return Load(tx, keys, tx.QueryOptional(std::string(kColumns) + "WHERE j.id = ?", id));
}

bool Save(db::WriteTx& tx, const auth::DataKeys& keys, const Journal& journal, int based_on, common::UserId by,
          const common::Clock& clock, std::int64_t& id) {
    const std::string now = common::FormatInstant(clock.Now());
    if (based_on == 0) {
        // The first save makes it, unless another tablet made it first (then this save is a conflict).
        auto made = tx.QueryOptional(
            "INSERT INTO journal (site_id, group_id, journal_date, state, sealed, version, written_by, created_at, "
            "updated_at) VALUES (?, ?, ?, 'draft', '', 0, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            journal.site, journal.group, journal.date, by, now, now);
        if (!made) return false;
        id = made->Int(0);
    } else {
        id = journal.id;
    }
    if (tx.Exec("UPDATE journal SET sealed = ?, version = version + 1, written_by = ?, updated_at = ? WHERE id = ? "
                "AND version = ?",
                Seal(keys, journal.content, id), by, now, id, based_on) != 1)
        return false;
    for (const auto& e : journal.episodes) {
        if (e.text.empty()) {
            tx.Exec("DELETE FROM journal_episode WHERE journal_id = ? AND child_id = ?", id, e.child);
            continue;
        }
        const auto row = tx.QueryOne(
                               "INSERT INTO journal_episode (journal_id, child_id, sealed, created_at, updated_at) "
                               "VALUES (?, ?, '', ?, ?) ON CONFLICT (journal_id, child_id) DO UPDATE SET updated_at = "
                               "excluded.updated_at RETURNING id",
                               id, e.child, now, now)
                             .Int(0);
        tx.Exec("UPDATE journal_episode SET sealed = ? WHERE id = ?",
                keys.Seal(e.text, auth::PlaceOf(auth::kJournalEpisodeField, row)), row);
    }
    return true;
}

bool Advance(db::WriteTx& tx, const auth::DataKeys& keys, std::int64_t id, State from, Step step, State next,
             const std::string& comment, common::UserId by, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    if (tx.Exec("UPDATE journal SET state = ?, submitted_by = CASE WHEN ? = 1 THEN ? ELSE submitted_by END, "
                "version = version + 1, updated_at = ? WHERE id = ? AND state = ?",
                StateName(next), step == Step::kSubmit ? 1 : 0, by, now, id, StateName(from)) != 1)
        return false;
    AddStamp(tx, keys, auth::kJournalStampField, "journal_id", id, step, comment, by, now);
    return true;
}

std::vector<Summary> OfDay(db::ReadTx& tx, common::SiteId site, const std::string& date) {
    return Summaries(tx.Query(
        "SELECT id, group_id, journal_date, state FROM journal WHERE site_id = ? AND journal_date = ? ORDER BY id",
        site, date));
}

std::vector<Summary> Waiting(db::ReadTx& tx, common::SiteId site) {
    return Summaries(
        tx.Query("SELECT id, group_id, journal_date, state FROM journal WHERE site_id = ? AND state IN "
                 "('submitted', 'checked') ORDER BY journal_date, id",
                 site));
}

std::vector<Journal> Between(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, const std::string& from,
                             const std::string& to) {
    std::vector<Journal> out;
    for (const auto& r : tx.Query(std::string(kColumns) +
                                      "WHERE j.site_id = ? AND j.journal_date >= ? AND j.journal_date <= ? ORDER BY "
                                      "j.journal_date, j.group_id IS NULL, j.group_id",
                                  site, from, to))
        out.push_back(*Load(tx, keys, r));
    return out;
}

std::vector<ChildEpisode> EpisodesOf(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child,
                                     common::SiteId site, const std::string& from) {
    std::vector<ChildEpisode> out;
    for (const auto& r :
         tx.Query("SELECT e.id, e.sealed, j.id, j.group_id, j.journal_date FROM journal_episode e JOIN journal j ON "
                  "j.id = e.journal_id WHERE e.child_id = ? AND j.site_id = ? AND j.journal_date >= ? ORDER BY "
                  "j.journal_date DESC, j.id",
                  child, site, from)) {
        ChildEpisode e;
        e.text = keys.Open(r.Text(1), auth::PlaceOf(auth::kJournalEpisodeField, r.Int(0)));
        e.journal_id = r.Int(2);
        if (!r.IsNull(3)) e.group = r.Id<common::GroupId>(3);
        e.date = r.Text(4).substr(0, 10);
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<Summary> Returned(db::ReadTx& tx, common::SiteId site) {
    return Summaries(tx.Query(
        "SELECT id, group_id, journal_date, state FROM journal WHERE site_id = ? AND state = 'returned' ORDER BY "
        "journal_date, id",
        site));
}

bool SelfApproval(db::ReadTx& tx, common::SiteId site) {
    auto r = tx.QueryOptional("SELECT self_approval FROM journal_setting WHERE site_id = ?", site);
    return r && r->Bool(0);
}

void SaveSelfApproval(db::WriteTx& tx, common::SiteId site, bool allowed, common::UserId by,
                      const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    tx.Exec(
        "INSERT INTO journal_setting (site_id, self_approval, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
        "?) ON CONFLICT (site_id) DO UPDATE SET self_approval = excluded.self_approval, updated_by = "
        "excluded.updated_by, updated_at = excluded.updated_at",
        site, allowed ? 1 : 0, by, now, now);
}

}  // namespace journals
