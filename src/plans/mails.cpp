#include "plans/mails.hpp"

#include "common/dates.hpp"
#include "families/families.hpp"
#include "plans/rules.hpp"

namespace plans {

void RegisterPlanMail(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, families::MailSettings settings) {
    runner.Register("mail.plan_reminder", [=, &db, &catalogue](const jobs::Job& job) {
        auto id = families::PayloadId(job, "reminder_id");
        struct Found {
            families::Account account;
            std::int64_t child;
            std::string child_name, month, site;
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
            // The site the child is at that month names the mail (the sender families know).
            auto site = tx.QueryOptional(
                "SELECT s.name FROM child_placement p JOIN site s ON s.id = p.site_id WHERE p.child_id = ? AND "
                "p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) ORDER BY p.start_date DESC LIMIT 1",
                r->Int(1), to, from);
            return Found{*account, r->Int(1), r->Text(2), r->Text(3),
                         site ? site->Text(0) : catalogue.Get(account->language, "app_name")};
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
                            {{"child", found->child_name}, {"month", month_label}, {"site", found->site}}),
             families::Fill(catalogue.Get(lang, "mail_reminder_body"), {{"name", found->account.display_name},
                                                                        {"child", found->child_name},
                                                                        {"month", month_label},
                                                                        {"url", url}}),
             ""});
    });
}

}  // namespace plans
