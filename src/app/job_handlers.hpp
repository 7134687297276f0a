#pragma once
// Every kind of job the server runs, registered in one place for the server and for the tests.
#include "app/config.hpp"
#include "attendance/live.hpp"
#include "common/clock.hpp"
#include "db/database.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "web/catalogue.hpp"

namespace app {

void RegisterJobHandlers(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                         const web::Catalogue& catalogue, const Config& config, const common::Clock& clock,
                         attendance::LiveFeed* live);
// Plans the jobs that plan their own next run (the alert sweep, the planner's statistics) if none is queued: at
// every start, so that each runs soon after it.
void EnsureRecurringJobs(db::Database& db, const common::Clock& clock);

}  // namespace app
