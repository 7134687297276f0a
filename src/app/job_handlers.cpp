#include "app/job_handlers.hpp"

#include "families/mails.hpp"
#include "plans/alerts.hpp"
#include "plans/mails.hpp"

namespace app {

void RegisterJobHandlers(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                         const web::Catalogue& catalogue, const Config& config, const common::Clock& clock) {
    families::MailSettings mail{config.public_url, config.secret};
    families::RegisterMailJobs(runner, db, transport, catalogue, mail, clock);
    plans::RegisterAlertMail(runner, db, transport, catalogue, mail);
    plans::RegisterAlertSweep(runner, db, clock);
}

}  // namespace app
