#include "app/job_handlers.hpp"

#include "auth/audit.hpp"
#include "children/rollover.hpp"
#include "common/log.hpp"
#include "families/mails.hpp"
#include "live/feed.hpp"
#include "messages/messages.hpp"
#include "naps/naps.hpp"
#include "notify/deliver.hpp"
#include "ops/retention.hpp"
#include "plans/alerts.hpp"
#include "plans/mails.hpp"

namespace app {

namespace {
constexpr std::string_view kStatistics = "db.statistics";
constexpr auto kStatisticsEvery = std::chrono::hours(1);
// The audit chain's head goes to the log this often, so that a cut-off tail shows against the log a city keeps.
constexpr std::string_view kAuditHead = "audit.head";
constexpr auto kAuditHeadEvery = std::chrono::hours(1);
// The live feed's entries are kept two days (a reconnecting stream's catch-up); older ones go every six hours.
constexpr std::string_view kFeedTrim = "live.trim";
constexpr auto kFeedTrimEvery = std::chrono::hours(6);
// A sleeping child's missed check is recorded within half a minute of becoming overdue, whether or not a class's
// screen is open.
constexpr std::string_view kNapSweep = "naps.sweep";
constexpr auto kNapSweepEvery = std::chrono::seconds(30);
}  // namespace

void LogAuditHead(db::Database& db) {
    if (auto head = db.Read([](db::ReadTx& tx) { return auth::GetAuditHead(tx); })) {
        common::LogInfo("audit head", {{"audit_head_id", head->id}, {"audit_head_hash", head->hash}});
    }
}

void RegisterJobHandlers(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                         const web::Catalogue& catalogue, const Config& config, const common::Clock& clock) {
    families::MailSettings mail{config.public_url, config.secret};
    families::RegisterMailJobs(runner, db, transport, catalogue, mail, clock);
    plans::RegisterPlanMail(runner, db, transport, catalogue, mail);
    notify::PushSettings push{
        push::MakeCurlClient(std::chrono::milliseconds(config.push_timeout_ms), config.push_insecure_endpoints),
        push::EnsureVapidKey(db, clock), config.vapid_subject};
    notify::RegisterDelivery(runner, db, transport, catalogue, mail, push, clock);
    messages::RegisterJobs(runner, clock);
    children::RegisterRolloverJob(runner, db, clock);
    ops::RegisterRetentionJob(runner, db, clock);
    plans::RegisterAlertSweep(runner, db, clock);
    // The planner's statistics follow the city as it grows (an import of a ward's children, a year's scans).
    runner.Register(std::string(kStatistics), [&db, &clock](const jobs::Job&) {
        db.RefreshStatistics();
        db.Write([&](db::WriteTx& tx) { jobs::PlanRecurring(tx, kStatistics, clock.Now() + kStatisticsEvery, clock); });
    });
    runner.Register(std::string(kFeedTrim), [&db, &clock](const jobs::Job&) {
        db.Write([&](db::WriteTx& tx) {
            live::Trim(tx, clock);
            jobs::PlanRecurring(tx, kFeedTrim, clock.Now() + kFeedTrimEvery, clock);
        });
    });
    runner.Register(std::string(kNapSweep), [&db, &clock](const jobs::Job&) {
        naps::RecordOverdue(db, clock);
        db.Write([&](db::WriteTx& tx) { jobs::PlanRecurring(tx, kNapSweep, clock.Now() + kNapSweepEvery, clock); });
    });
    runner.Register(std::string(kAuditHead), [&db, &clock](const jobs::Job&) {
        LogAuditHead(db);
        db.Write([&](db::WriteTx& tx) { jobs::PlanRecurring(tx, kAuditHead, clock.Now() + kAuditHeadEvery, clock); });
    });
}

void EnsureRecurringJobs(db::Database& db, const common::Clock& clock) {
    plans::EnsureAlertSweep(db, clock);
    db.Write([&](db::WriteTx& tx) {
        jobs::PlanRecurring(tx, kStatistics, clock.Now(), clock);
        jobs::PlanRecurring(tx, kNapSweep, clock.Now(), clock);
        jobs::PlanRecurring(tx, kAuditHead, clock.Now() + kAuditHeadEvery, clock);
        jobs::PlanRecurring(tx, kFeedTrim, clock.Now() + kFeedTrimEvery, clock);
        ops::PlanRetentionJob(tx, clock);
    });
}

}  // namespace app
