#pragma once
// The reminder to enter next month's plans, by mail in each family member's language (alerts are notifications:
// notify/).
#include "db/database.hpp"
#include "families/mails.hpp"
#include "jobs/jobs.hpp"
#include "mail/mail.hpp"
#include "web/catalogue.hpp"

namespace plans {

// Registers mail.plan_reminder ({reminder_id}); nothing is sent when the plans were entered meanwhile.
void RegisterPlanMail(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, families::MailSettings settings);

}  // namespace plans
