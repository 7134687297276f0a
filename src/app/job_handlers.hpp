#pragma once
// Every kind of job the server runs, registered in one place for the server and for the tests.
#include "app/config.hpp"
#include "common/clock.hpp"
#include "db/database.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "web/catalogue.hpp"

namespace app {

void RegisterJobHandlers(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                         const web::Catalogue& catalogue, const Config& config, const common::Clock& clock);
// Plans the jobs that plan their own next run (the alert sweep, the planner's statistics) if none is queued: at
// every start, so that each runs soon after it.
void EnsureRecurringJobs(db::Database& db, const common::Clock& clock);
// The audit chain's head in the log (id and hash), for a city's log store to keep beside the trail: at start, at
// stop and hourly (job audit.head).
void LogAuditHead(db::Database& db);

}  // namespace app
