#include "plans/mails.hpp"

#include "common/dates.hpp"
#include "families/families.hpp"
#include "plans/rules.hpp"

namespace plans {

void RegisterAlertMail(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                       const web::Catalogue& catalogue, families::MailSettings settings) {
    runner.Register("mail.child_alert", [=, &db, &catalogue](const jobs::Job& job) {
        auto alert_id = families::PayloadId(job, "alert_id");
        auto account_id = common::AccountId(families::PayloadId(job, "account_id"));
        struct Found {
            families::Account account;
            std::string child_name, site_name, site_phone, date, kind;
        };
        auto found = db.Read([&](db::ReadTx& tx) -> std::optional<Found> {
            auto r = tx.QueryOptional(
                "SELECT a.kind, a.alert_date, ch.family_name || ' ' || ch.given_name, s.name, s.phone FROM child_alert "
                "a JOIN child ch ON ch.id = a.child_id JOIN site s ON s.id = a.site_id JOIN guardian_account_child l "
                "ON l.child_id = a.child_id AND l.account_id = ? AND l.ended_at IS NULL WHERE a.id = ?",
                account_id, alert_id);
            if (!r) return std::nullopt;
            auto account = families::GetAccount(tx, account_id);
            if (!account || !account->active || !account->confirmed) return std::nullopt;
            return Found{*account, r->Text(2), r->Text(3), r->Text(4), r->Text(1), r->Text(0)};
        });
        if (!found) return;
        const auto& lang = found->account.language;
        const std::string kind = "alert_" + found->kind;
        families::SendForJob(
            transport, settings.public_url, job,
            {found->account.email,
             families::Fill(catalogue.Get(lang, "mail_alert_subject"),
                            {{"child", found->child_name}, {"what", catalogue.Get(lang, kind)}}),
             families::Fill(catalogue.Get(lang, "mail_alert_body"), {{"name", found->account.display_name},
                                                                     {"child", found->child_name},
                                                                     {"what", catalogue.Get(lang, kind)},
                                                                     {"date", found->date},
                                                                     {"site", found->site_name},
                                                                     {"phone", found->site_phone},
                                                                     {"url", settings.public_url + "/family"}}),
             ""});
    });

    runner.Register("mail.plan_reminder", [=, &db, &catalogue](const jobs::Job& job) {
        auto id = families::PayloadId(job, "reminder_id");
        struct Found {
            families::Account account;
            std::int64_t child;
            std::string child_name, month;
        };
        auto found = db.Read([&](db::ReadTx& tx) -> std::optional<Found> {
            auto r = tx.QueryOptional(
                "SELECT r.account_id, r.child_id, ch.family_name || ' ' || ch.given_name, r.plan_month FROM "
                "plan_reminder r JOIN child ch ON ch.id = r.child_id JOIN guardian_account_child l ON l.child_id = "
                "r.child_id AND l.account_id = r.account_id AND l.ended_at IS NULL WHERE r.id = ?",
                id);
            if (!r) return std::nullopt;
            auto account = families::GetAccount(tx, r->Id<common::AccountId>(0));
            if (!account || !account->active || !account->confirmed) return std::nullopt;
            // Entered meanwhile: nothing to remind of.
            auto first = common::ParseDate(r->Text(3) + "-01");
            if (!first) return std::nullopt;
            common::Date last{
                std::chrono::year_month_day_last{first->year(), std::chrono::month_day_last{first->month()}}};
            std::string from = common::FormatDate(*first), to = common::FormatDate(last);
            if (tx.QueryOptional("SELECT 1 FROM attendance_plan WHERE child_id = ? AND plan_date >= ? AND plan_date "
                                 "<= ? LIMIT 1",
                                 r->Int(1), from, to)) {
                return std::nullopt;
            }
            return Found{*account, r->Int(1), r->Text(2), r->Text(3)};
        });
        if (!found) return;
        const auto& lang = found->account.language;
        auto month = common::ParseDate(found->month + "-01");
        std::string month_label = families::Fill(catalogue.Get(lang, "month_label"),
                                                 {{"y", std::to_string(static_cast<int>(month->year()))},
                                                  {"m", std::to_string(static_cast<unsigned>(month->month()))}});
        std::string url =
            settings.public_url + "/family/children/" + std::to_string(found->child) + "/plans?month=" + found->month;
        families::SendForJob(
            transport, settings.public_url, job,
            {found->account.email,
             families::Fill(catalogue.Get(lang, "mail_reminder_subject"),
                            {{"child", found->child_name}, {"month", month_label}}),
             families::Fill(catalogue.Get(lang, "mail_reminder_body"), {{"name", found->account.display_name},
                                                                        {"child", found->child_name},
                                                                        {"month", month_label},
                                                                        {"url", url}}),
             ""});
    });
}

}  // namespace plans
