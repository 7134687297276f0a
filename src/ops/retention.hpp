#pragma once
// Retention (J7): how long the city keeps each kind of record, and the nightly job that removes what has passed it.
// A record dated D (a facility date, or the Tokyo date of when it was written) goes once D is before today minus
// the kind's months. Kinds, with the tables they cover:
//   attendance     entries and exits, emergency roll-calls                    default 60 months, at least 13
//   plans          planned attendance, absence contacts, alerts, reminders    default 24 months, at least 13
//   notifications  families' notifications and who got them                   default 13 months, at least 1
//   messages       messages with their files and notifications, threads' posts default 36 months, at least 1
//   audit          the audit trail (its chain goes on from an anchor)          default 84 months, at least 13
// Each run is one transaction (SQLite's secure_delete on), recorded as an erasure of scope 'retention' with the
// rows removed per table, and audited. People, placements and accounts are not records of a kind: they go by
// erasure (ops/erasure.hpp).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/dates.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "jobs/jobs.hpp"

namespace ops {

struct RetentionKind {
    const char* name;
    int default_months;
    int min_months;
};
inline constexpr RetentionKind kRetentionKinds[] = {
    {"attendance", 60, 13}, {"plans", 24, 13}, {"notifications", 13, 1},
    {"messages", 36, 1},    {"audit", 84, 13}, {"notebook", 36, 13},
};
inline constexpr int kRetentionMaxMonths = 1200;

struct RetentionSetting {
    std::string kind;
    int months = 0;
    bool is_default = true;
    common::Date cutoff;  // records dated before this go
};
// Every kind's period and, for `today`, its cutoff.
std::vector<RetentionSetting> RetentionSettings(db::ReadTx& tx, const common::Date& today);

// Sets a kind's period; throws std::invalid_argument (an unknown kind, or months outside min…1200) and changes
// nothing. Audited.
void SetRetention(db::WriteTx& tx, std::string_view kind, int months, std::optional<common::UserId> by,
                  const common::Clock& clock);

struct RetentionRun {
    std::int64_t erasure_id = 0;               // 0 for a preview
    std::map<std::string, std::int64_t> rows;  // table → rows removed
    std::int64_t total() const;
};
// What a run now would remove (the run itself, rolled back).
RetentionRun PreviewRetention(db::Database& db, const common::Clock& clock);
// Removes what has passed its period, in one transaction.
RetentionRun RunRetention(db::Database& db, const common::Clock& clock);

// The nightly job: at 03:00 JST, planning the next night's.
inline constexpr std::string_view kRetentionJob = "retention.sweep";
void RegisterRetentionJob(jobs::Runner& runner, db::Database& db, const common::Clock& clock);
void PlanRetentionJob(db::WriteTx& tx, const common::Clock& clock);

}  // namespace ops
