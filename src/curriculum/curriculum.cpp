#include "curriculum/curriculum.hpp"

#include <boost/json.hpp>

namespace curriculum {
namespace json = boost::json;
namespace {

constexpr std::pair<Kind, std::string_view> kKinds[] = {{Kind::kAnnual, "annual"},
                                                        {Kind::kMonthly, "monthly"},
                                                        {Kind::kWeekly, "weekly"},
                                                        {Kind::kIndividual, "individual"}};

std::string Seal(const auth::DataKeys& keys, const Sections& s, const auth::SealedField& field, std::int64_t id) {
    json::object o;
    for (const auto& [k, v] : s)
        if (!v.empty()) o[k] = v;
    return keys.Seal(json::serialize(o), auth::PlaceOf(field, id));
}

Sections Open(const auth::DataKeys& keys, const std::string& sealed, const auth::SealedField& field, std::int64_t id) {
    Sections out;
    const auto parsed = json::parse(keys.Open(sealed, auth::PlaceOf(field, id)));  // kept: the loop reads into it
    for (const auto& [k, v] : parsed.as_object())
        if (v.is_string()) out[std::string(k)] = std::string(v.as_string());
    return out;
}

constexpr std::string_view kColumns =
    "SELECT p.id, p.site_id, p.group_id, p.child_id, p.kind, p.period, p.state, p.sealed, p.version, p.submitted_by, "
    "COALESCE(u.display_name, '') FROM curriculum_plan p LEFT JOIN staff_user u ON u.id = p.written_by ";

Plan Load(db::ReadTx& tx, const auth::DataKeys& keys, const db::Row& r) {
    Plan p;
    p.id = r.Int(0);
    p.site = r.Id<common::SiteId>(1);
    p.group = r.Id<common::GroupId>(2);
    if (!r.IsNull(3)) p.child = r.Id<common::ChildId>(3);
    p.kind = ParseKind(r.Text(4)).value_or(Kind::kMonthly);
    p.period = r.Text(5).substr(0, 10);
    p.state = journals::ParseState(r.Text(6)).value_or(State::kDraft);
    p.sections = Open(keys, r.Text(7), auth::kCurriculumField, p.id);
    p.version = static_cast<int>(r.Int(8));
    if (!r.IsNull(9)) p.submitted_by = r.Id<common::UserId>(9);
    p.written_by = r.Text(10);
    p.stamps = journals::LoadStamps(tx, keys, auth::kCurriculumStampField, "plan_id", p.id);
    return p;
}

std::vector<Summary> Summaries(const std::vector<db::Row>& rows) {
    std::vector<Summary> out;
    for (const auto& r : rows) {
        Summary s;
        s.id = r.Int(0);
        s.group = r.Id<common::GroupId>(1);
        if (!r.IsNull(2)) s.child = r.Id<common::ChildId>(2);
        s.kind = ParseKind(r.Text(3)).value_or(Kind::kMonthly);
        s.period = r.Text(4).substr(0, 10);
        s.state = journals::ParseState(r.Text(5)).value_or(State::kDraft);
        out.push_back(s);
    }
    return out;
}

constexpr std::string_view kSummary = "SELECT id, group_id, child_id, kind, period, state FROM curriculum_plan ";

}  // namespace

std::string_view KindName(Kind kind) {
    for (const auto& [k, n] : kKinds)
        if (k == kind) return n;
    return "monthly";
}

std::optional<Kind> ParseKind(std::string_view name) {
    for (const auto& [k, n] : kKinds)
        if (n == name) return k;
    return std::nullopt;
}

std::vector<std::string> SectionKeys(Kind kind) {
    std::vector<std::string> out;
    if (kind != Kind::kAnnual) {
        for (auto s : kSections) out.emplace_back(s);
        return out;
    }
    out.emplace_back("goal");
    for (int t = 1; t <= kTerms; ++t)
        for (auto s : kSections) out.push_back("t" + std::to_string(t) + "_" + std::string(s));
    return out;
}

int SchoolYear(const common::Date& date) {
    const int y = static_cast<int>(date.year());
    return static_cast<unsigned>(date.month()) >= 4 ? y : y - 1;
}

int TermOf(unsigned month) {
    if (month >= 4 && month <= 5) return 1;
    if (month >= 6 && month <= 8) return 2;
    if (month >= 9) return 3;
    return 4;
}

common::Date PeriodStart(Kind kind, const common::Date& date) {
    using namespace std::chrono;
    switch (kind) {
        case Kind::kAnnual:
            return year{SchoolYear(date)} / April / 1;
        case Kind::kMonthly:
        case Kind::kIndividual:
            return date.year() / date.month() / 1;
        case Kind::kWeekly: {
            const sys_days d{date};
            const auto from_monday = (weekday{d} - Monday).count();
            return year_month_day{d - days{from_monday}};
        }
    }
    return date;
}

common::Date PeriodEnd(Kind kind, const common::Date& start) {
    using namespace std::chrono;
    switch (kind) {
        case Kind::kAnnual:
            return (start.year() + years{1}) / March / 31;
        case Kind::kMonthly:
        case Kind::kIndividual:
            return start.year() / start.month() / last;
        case Kind::kWeekly:
            return year_month_day{sys_days{start} + days{6}};
    }
    return start;
}

std::optional<Source> SourceOf(Kind kind, const common::Date& period) {
    switch (kind) {
        case Kind::kAnnual:
            return std::nullopt;
        case Kind::kMonthly:
            return Source{Kind::kAnnual, PeriodStart(Kind::kAnnual, period),
                          "t" + std::to_string(TermOf(static_cast<unsigned>(period.month()))) + "_aims"};
        case Kind::kWeekly:
        case Kind::kIndividual:
            return Source{Kind::kMonthly, PeriodStart(Kind::kMonthly, period), "aims"};
    }
    return std::nullopt;
}

std::optional<Plan> Find(db::ReadTx& tx, const auth::DataKeys& keys, common::GroupId group, Kind kind,
                         const std::string& period, std::optional<common::ChildId> child) {
    auto r = child ? tx.QueryOptional(std::string(kColumns) + "WHERE p.child_id = ? AND p.period = ?", *child, period)
                   : tx.QueryOptional(std::string(kColumns) +
                                          "WHERE p.group_id = ? AND p.kind = ? AND p.period = ? AND p.child_id IS NULL",
                                      group, KindName(kind), period);
    if (!r) return std::nullopt;
    return Load(tx, keys, *r);
}

std::optional<Plan> Get(db::ReadTx& tx, const auth::DataKeys& keys, std::int64_t id) {
    auto r = tx.QueryOptional(std::string(kColumns) + "WHERE p.id = ?", id);
    if (!r) return std::nullopt;
    return Load(tx, keys, *r);
}

bool Save(db::WriteTx& tx, const auth::DataKeys& keys, const Plan& plan, int based_on, common::UserId by,
          const common::Clock& clock, std::int64_t& id) {
    const std::string now = common::FormatInstant(clock.Now());
    if (based_on == 0) {
        // The first save makes it, unless another tablet made it first (then this save is a conflict).
        auto made = tx.QueryOptional(
            "INSERT INTO curriculum_plan (site_id, group_id, child_id, kind, period, state, sealed, version, "
            "written_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', '', 0, ?, ?, ?) ON CONFLICT DO NOTHING "
            "RETURNING id",
            plan.site, plan.group, plan.child, KindName(plan.kind), plan.period, by, now, now);
        if (!made) return false;
        id = made->Int(0);
    } else {
        id = plan.id;
    }
    return tx.Exec(
               "UPDATE curriculum_plan SET sealed = ?, version = version + 1, written_by = ?, updated_at = ? WHERE id "
               "= ? "
               "AND version = ?",
               Seal(keys, plan.sections, auth::kCurriculumField, id), by, now, id, based_on) == 1;
}

bool Advance(db::WriteTx& tx, const auth::DataKeys& keys, std::int64_t id, State from, Step step, State next,
             const std::string& comment, common::UserId by, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    if (tx.Exec("UPDATE curriculum_plan SET state = ?, submitted_by = CASE WHEN ? = 1 THEN ? ELSE submitted_by END, "
                "version = version + 1, updated_at = ? WHERE id = ? AND state = ?",
                journals::StateName(next), step == Step::kSubmit ? 1 : 0, by, now, id, journals::StateName(from)) != 1)
        return false;
    journals::AddStamp(tx, keys, auth::kCurriculumStampField, "plan_id", id, step, comment, by, now);
    return true;
}

std::vector<Summary> Between(db::ReadTx& tx, common::SiteId site, const std::string& from, const std::string& to) {
    return Summaries(tx.Query(
        std::string(kSummary) + "WHERE site_id = ? AND period >= ? AND period <= ? ORDER BY period, group_id, id", site,
        from, to));
}

std::vector<Summary> InState(db::ReadTx& tx, common::SiteId site, std::initializer_list<State> states) {
    std::vector<Summary> out;
    for (auto s : states) {
        auto some = Summaries(tx.Query(std::string(kSummary) + "WHERE site_id = ? AND state = ? ORDER BY period, id",
                                       site, journals::StateName(s)));
        out.insert(out.end(), some.begin(), some.end());
    }
    return out;
}

std::vector<Plan> OfChild(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child, common::SiteId site,
                          const std::string& from) {
    std::vector<Plan> out;
    for (const auto& r : tx.Query(
             std::string(kColumns) + "WHERE p.child_id = ? AND p.site_id = ? AND p.period >= ? ORDER BY p.period DESC",
             child, site, from))
        out.push_back(Load(tx, keys, r));
    return out;
}

std::optional<Sections> Template(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, Kind kind) {
    auto r = tx.QueryOptional("SELECT id, sealed FROM curriculum_template WHERE site_id = ? AND kind = ?", site,
                              KindName(kind));
    if (!r) return std::nullopt;
    return Open(keys, r->Text(1), auth::kCurriculumTemplateField, r->Int(0));
}

void SaveTemplate(db::WriteTx& tx, const auth::DataKeys& keys, common::SiteId site, Kind kind, const Sections& sections,
                  common::UserId by, const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    const auto id = tx.QueryOne(
                          "INSERT INTO curriculum_template (site_id, kind, sealed, updated_by, created_at, updated_at) "
                          "VALUES (?, ?, '', ?, ?, ?) ON CONFLICT (site_id, kind) DO UPDATE SET updated_by = "
                          "excluded.updated_by, updated_at = excluded.updated_at RETURNING id",
                          site, KindName(kind), by, now, now)
                        .Int(0);
    tx.Exec("UPDATE curriculum_template SET sealed = ? WHERE id = ?",
            Seal(keys, sections, auth::kCurriculumTemplateField, id), id);
}

}  // namespace curriculum
