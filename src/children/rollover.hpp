#pragma once
// The school-year rollover (I8). On 1 April, for every child placed somewhere on 31 March:
//   - the grade goes up by one (a sixth grader keeps 6: they have finished elementary school);
//   - at each site where the placement goes on past 31 March, a child past the site's last grade leaves it: the
//     placement and its group memberships end on 31 March. A site's last grade is the highest grade among its
//     active grade groups (6 when it has none); a nursery keeps children until they reach school age;
//   - a child who stays and belongs to a grade group or an age class (a group with a grade number) moves to the
//     site's one active group of the same kind a grade up; with none or several to choose from, the old membership
//     ends and the child is listed for a carer to place by hand.
// Children whose placements all begin on the day itself (next year's newcomers, entered in March) are left as
// they are, and so is every record of the old year: entries, plans and registers keep their dates, and the grade
// a child had is kept beside the rollover so that an old month's register still shows it (kGradeOn).
//
// One rollover per school year, in one transaction, audited. A date still to come is planned and applied by a
// job at 00:00 JST on the day; applying a rollover that is done already changes nothing.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "jobs/jobs.hpp"

namespace children {

// A date that is not 1 April; → 422 on the page, exit 2 on the command line.
class RolloverDateError : public std::invalid_argument {
 public:
    using std::invalid_argument::invalid_argument;
};

// What the rollover does at one site.
struct RolloverSite {
    common::SiteId site;
    std::string name;
    int last_grade = 6;                     // 0 at a nursery: children leave when they reach school age
    int staying = 0;                        // children who stay (a grade or an age class up)
    std::vector<common::ChildId> leaving;   // placements ending the day before
    int group_moves = 0;                    // memberships moved to the next grade's group
    std::vector<common::ChildId> to_place;  // stayed, but no single group to move to: placed by hand
    int starting = 0;                       // placements that begin on the day (left as they are)
};

struct RolloverPlan {
    common::Date date;
    int grades_up = 0;                // children whose grade goes up
    std::vector<RolloverSite> sites;  // sites with anything to do, by name
    int leaving() const;
    int to_place() const;
};

// 1 April of a year, or throws RolloverDateError.
common::Date RolloverDate(std::string_view text);

// A rollover applies until the end of April of its year; later, children entered since with the grades they have
// now would be moved up wrongly, so it is refused (RolloverDateError).
bool RolloverTooLate(const common::Date& date, const common::Date& today);
// The date to offer: this year's 1 April during April while its rollover is not done or planned, else the next.
common::Date NextRolloverDate(db::ReadTx& tx, const common::Date& today);

// What a rollover at `date` would do, read now.
RolloverPlan PlanRollover(db::ReadTx& tx, const common::Date& date);

struct RolloverRecord {
    std::int64_t id = 0;
    std::string effective_date, state, by, created_at, finished_at;
    int grades_up = 0, leaving = 0, to_place = 0;
};
// Rollovers planned, done or cancelled, newest first; and the one (not cancelled) for a date.
std::vector<RolloverRecord> ListRollovers(db::ReadTx& tx);
std::optional<RolloverRecord> RolloverFor(db::ReadTx& tx, const common::Date& date);

enum class RolloverOutcome { kApplied, kPlanned, kAlreadyDone, kAlreadyPlanned };
struct RolloverResult {
    RolloverOutcome outcome = RolloverOutcome::kApplied;
    std::int64_t id = 0;
    RolloverPlan plan;  // what was done (kApplied), or what would be done today (kPlanned)
};

// Applies the rollover now when its date has come (one transaction with its audit entry), or plans it for 00:00
// JST on the day. A second call for the same date changes nothing and says so; one after April of its year
// throws RolloverDateError.
inline constexpr std::string_view kRolloverJob = "rollover.apply";
RolloverResult RequestRollover(db::Database& db, const common::Date& date, std::optional<common::UserId> by,
                               const common::Clock& clock);

// Cancels a planned rollover (not one done); false when there is none to cancel.
bool CancelRollover(db::Database& db, std::int64_t id, std::optional<common::UserId> by, const common::Clock& clock);

// The job that applies a planned rollover on its day.
void RegisterRolloverJob(jobs::Runner& runner, db::Database& db, const common::Clock& clock);

// SQL for a child `ch`'s grade on a date (one bound parameter: the date): the grade before the first rollover
// after that date, or the grade now.
inline constexpr std::string_view kGradeOn =
    "COALESCE((SELECT rc.grade_before FROM rollover_child rc JOIN rollover r ON r.id = rc.rollover_id WHERE "
    "rc.child_id = ch.id AND r.state = 'done' AND r.effective_date > ? ORDER BY r.effective_date LIMIT 1), ch.grade)";

}  // namespace children
