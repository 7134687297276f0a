#pragma once
// Curriculum plans (指導計画, G5): a class's annual plan (年間指導計画, written by term: Ⅰ期 4–5月, Ⅱ期 6–8月,
// Ⅲ期 9–12月, Ⅳ期 1–3月), its monthly plan (月案) and weekly plan (週案), and a monthly individual plan (個別指導計画)
// for each child under three (its age class, the age on 1 April). Each has the sections nurseries use; a monthly
// plan starts from the annual plan's aims for its term, a weekly plan and an individual plan from the month's aims,
// the rest from the site's template of the kind. Approval is the care journal's state machine (journals/approval);
// saves are compare-and-set on a version. The text is sealed under the data keys: it speaks of children.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/data_keys.hpp"
#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "journals/journals.hpp"

namespace curriculum {

using journals::State;
using journals::Step;

enum class Kind { kAnnual, kMonthly, kWeekly, kIndividual };
std::string_view KindName(Kind kind);
std::optional<Kind> ParseKind(std::string_view name);

// The sections, in the order of the paper form. An annual plan has a year's goal, then the sections for each term.
inline constexpr std::string_view kSections[] = {"children", "aims",   "content",   "environment",
                                                 "family",   "health", "evaluation"};
inline constexpr int kTerms = 4;
// The section keys a plan of this kind holds: "aims", or for an annual plan "goal" and "t1_aims" … "t4_evaluation".
std::vector<std::string> SectionKeys(Kind kind);
// A section's text, at most (characters).
inline constexpr std::size_t kMaxSection = 2000;

// The school year (年度) a date is in: April to March, named by the April's year.
int SchoolYear(const common::Date& date);
// The term (期, 1–4) of a month (1–12).
int TermOf(unsigned month);
// The first day a plan of this kind covering `date` starts on: 1 April, the month's 1st, or the week's Monday.
common::Date PeriodStart(Kind kind, const common::Date& date);
// The last day it covers.
common::Date PeriodEnd(Kind kind, const common::Date& start);

// Where a new plan's aims come from: the annual plan's term (monthly), the month's plan (weekly, individual).
struct Source {
    Kind kind;
    common::Date period;
    std::string key;  // the section to take: "t3_aims" or "aims"
};
std::optional<Source> SourceOf(Kind kind, const common::Date& period);

using Sections = std::map<std::string, std::string>;

using journals::Stamp;

struct Plan {
    std::int64_t id = 0;
    common::SiteId site;
    common::GroupId group;
    std::optional<common::ChildId> child;  // an individual plan's child
    Kind kind = Kind::kMonthly;
    std::string period;  // YYYY-MM-DD
    State state = State::kDraft;
    Sections sections;
    int version = 0;
    std::optional<common::UserId> submitted_by;
    std::string written_by;
    std::vector<Stamp> stamps;
};

struct Summary {
    std::int64_t id = 0;
    common::GroupId group;
    std::optional<common::ChildId> child;
    Kind kind = Kind::kMonthly;
    std::string period;
    State state = State::kDraft;
};

std::optional<Plan> Find(db::ReadTx& tx, const auth::DataKeys& keys, common::GroupId group, Kind kind,
                         const std::string& period, std::optional<common::ChildId> child);
std::optional<Plan> Get(db::ReadTx& tx, const auth::DataKeys& keys, std::int64_t id);
// Saves the sections on `based_on` (0: make it); false when another save came first (nothing written).
bool Save(db::WriteTx& tx, const auth::DataKeys& keys, const Plan& plan, int based_on, common::UserId by,
          const common::Clock& clock, std::int64_t& id);
// Moves the plan from `from` to `next` with a stamp; false when its state changed meanwhile.
bool Advance(db::WriteTx& tx, const auth::DataKeys& keys, std::int64_t id, State from, Step step, State next,
             const std::string& comment, common::UserId by, const common::Clock& clock);
// The site's plans whose period starts in [from, to].
std::vector<Summary> Between(db::ReadTx& tx, common::SiteId site, const std::string& from, const std::string& to);
// Waiting for a stamp (submitted or checked), and returned to be mended.
std::vector<Summary> InState(db::ReadTx& tx, common::SiteId site, std::initializer_list<State> states);
// A child's individual plans at the site from a date on (the child's linked records).
std::vector<Plan> OfChild(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child, common::SiteId site,
                          const std::string& from);

std::optional<Sections> Template(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, Kind kind);
void SaveTemplate(db::WriteTx& tx, const auth::DataKeys& keys, common::SiteId site, Kind kind, const Sections& sections,
                  common::UserId by, const common::Clock& clock);

}  // namespace curriculum
