#include "notify/deliver.hpp"

#include <boost/json/serialize.hpp>

#include <variant>

#include "common/base64.hpp"
#include "common/dates.hpp"
#include "common/log.hpp"
#include "notify/notify.hpp"
#include "notify/render.hpp"

namespace notify {

namespace {

void SetState(db::WriteTx& tx, common::RecipientId id, Channel channel, std::string_view state, common::Instant at) {
    tx.Exec(channel == Channel::kEmail ? "UPDATE notification_recipient SET email_state = ?, email_at = ? WHERE id = ?"
                                       : "UPDATE notification_recipient SET push_state = ?, push_at = ? WHERE id = ?",
            state, common::FormatInstant(at), id);
}

std::optional<common::RecipientId> RecipientOf(const jobs::Job& job) {
    auto it = job.payload.find("recipient");
    if (it == job.payload.end() || !it->value().is_int64()) return std::nullopt;
    return common::RecipientId(it->value().as_int64());
}

// A reminder of an unread message (its subject says so).
bool Reminder(const jobs::Job& job) {
    auto it = job.payload.find("reminder");
    return it != job.payload.end() && it->value().is_bool() && it->value().as_bool();
}

// The copy with its words in the recipient's language (only when they may still see it).
struct Written {
    Copy copy;
    Text text;
};

std::optional<Written> LoadCopy(db::Database& db, const web::Catalogue& catalogue, common::RecipientId id) {
    return db.Read([&](db::ReadTx& tx) -> std::optional<Written> {
        auto copy = GetCopy(tx, id);
        if (!copy) return std::nullopt;
        Written w{std::move(*copy), {}};
        if (w.copy.may_see) w.text = Render(tx, catalogue, w.copy.lang, w.copy.notification);
        return w;
    });
}

// The job's recipient and their copy; or, when they may no longer see it, what records that nothing was sent.
std::variant<Written, jobs::Finish> Begin(db::Database& db, const web::Catalogue& catalogue, const jobs::Job& job,
                                          Channel channel, const common::Clock& clock) {
    const auto id = RecipientOf(job);
    if (!id) throw jobs::PermanentError("payload lacks a recipient");
    auto written = LoadCopy(db, catalogue, *id);
    if (!written) throw jobs::PermanentError("no such recipient");
    if (!written->copy.may_see) {
        return jobs::Finish(
            [id, channel, &clock](db::WriteTx& tx) { SetState(tx, *id, channel, "withdrawn", clock.Now()); });
    }
    return std::move(*written);
}

// A push service keeps one pending message per topic: a child's newer entry or exit replaces an older one the
// phone has not fetched yet.
std::string TopicHeader(const Stored& n) {
    if ((n.kind == Kind::kEntry || n.kind == Kind::kExit) && n.child) return "attendance-" + n.child->ToString();
    return "notice-" + n.id.ToString();
}

}  // namespace

void RegisterDelivery(jobs::Runner& runner, db::Database& db, mail::Transport* transport,
                      const web::Catalogue& catalogue, families::MailSettings settings, PushSettings push,
                      const common::Clock& clock) {
    runner.RegisterTracked(
        std::string(kEmailJob),
        [=, &db, &catalogue, &clock](const jobs::Job& job) -> jobs::Finish {
            auto begun = Begin(db, catalogue, job, Channel::kEmail, clock);
            if (auto* withdrawn = std::get_if<jobs::Finish>(&begun)) return std::move(*withdrawn);
            const auto& [copy, text] = std::get<Written>(begun);
            const auto id = RecipientOf(job);
            const auto& lang = copy.lang;
            std::string body = families::Fill(catalogue.Get(lang, "nt_mail_greeting"), {{"name", copy.name}}) + "\n\n" +
                               text.body + "\n\n" +
                               (text.attachments > 0 ? catalogue.Get(lang, "nt_mail_attachments") + "\n\n" : "") +
                               families::Fill(catalogue.Get(lang, "nt_mail_footer"),
                                              {{"inbox", settings.public_url + "/family/inbox/" + id->ToString()},
                                               {"settings", settings.public_url + "/family/settings"}});
            families::SendForJob(transport, settings.public_url, job,
                                 {copy.email,
                                  families::Fill(catalogue.Get(lang, "nt_mail_prefix"), {{"sender", text.sender}}) +
                                      (Reminder(job) ? catalogue.Get(lang, "nt_reminder_prefix") : "") + text.subject,
                                  body, ""});
            return [id, &clock](db::WriteTx& tx) { SetState(tx, *id, Channel::kEmail, "sent", clock.Now()); };
        },
        [&clock](db::WriteTx& tx, const jobs::Job& job) {
            if (auto id = RecipientOf(job)) SetState(tx, *id, Channel::kEmail, "failed", clock.Now());
        });

    runner.RegisterTracked(
        std::string(kPushJob),
        [=, &db, &catalogue, &clock](const jobs::Job& job) -> jobs::Finish {
            auto begun = Begin(db, catalogue, job, Channel::kPush, clock);
            if (auto* withdrawn = std::get_if<jobs::Finish>(&begun)) return std::move(*withdrawn);
            const auto& [copy, text] = std::get<Written>(begun);
            const auto id = RecipientOf(job);
            auto subscriptions = db.Read([&](db::ReadTx& tx) { return push::SubscriptionsOf(tx, copy.account); });
            auto give_up = [id, &clock](std::vector<std::int64_t> gone) {
                return [id, gone, &clock](db::WriteTx& tx) {
                    for (auto s : gone) tx.Exec("DELETE FROM push_subscription WHERE id = ?", s);
                    SetState(tx, *id, Channel::kPush, "failed", clock.Now());
                    FallBackToMail(tx, *id, clock);
                };
            };
            if (subscriptions.empty() || !push.client) return give_up({});

            const auto& n = copy.notification;
            const std::string message = boost::json::serialize(boost::json::object{
                {"title",
                 (Reminder(job) ? catalogue.Get(copy.lang, "nt_reminder_prefix") : std::string()) + text.subject},
                {"body", text.body},
                {"url", "/family/inbox/" + id->ToString()},
                {"tag", "notice-" + n.id.ToString()}});
            // Attendance is stale after a couple of hours; alerts and messages keep for a day.
            const bool lasting = n.urgent || n.kind == Kind::kMessage;
            const std::vector<std::string> common_headers{"TTL: " + std::to_string(lasting ? 86400 : 7200),
                                                          std::string("Urgency: ") + (n.urgent ? "high" : "normal"),
                                                          "Topic: " + TopicHeader(n), "Content-Encoding: aes128gcm",
                                                          "Content-Type: application/octet-stream"};
            std::vector<std::int64_t> delivered, gone;
            std::optional<std::chrono::seconds> retry_after;
            std::string last_error;
            for (const auto& s : subscriptions) {
                auto key = common::Base64UrlDecode(s.p256dh);
                auto auth = common::Base64UrlDecode(s.auth);
                if (!key || !auth) {
                    gone.push_back(s.id);
                    continue;
                }
                auto headers = common_headers;
                headers.push_back("Authorization: " + push::VapidAuthorization(push.vapid, push::OriginOf(s.endpoint),
                                                                               push.subject,
                                                                               clock.Now() + std::chrono::hours(12)));
                auto r = push.client->Post(s.endpoint, headers, push::Encrypt(message, *key, *auth));
                if (r.status >= 200 && r.status < 300) {
                    delivered.push_back(s.id);
                } else if (r.status == 404 || r.status == 410 || r.forbidden) {
                    // The subscription expired or was withdrawn on the phone — or names a place the server may not
                    // reach (a non-public address): not tried again.
                    gone.push_back(s.id);
                } else {
                    if (r.status == 429 && r.retry_after)
                        retry_after = std::max(retry_after.value_or(*r.retry_after), *r.retry_after);
                    last_error = r.status ? "push service answered " + std::to_string(r.status) : r.error;
                }
                common::LogInfo("push", {{"recipient_id", id->value}, {"subscription_id", s.id}, {"status", r.status}});
            }
            if (!delivered.empty()) {
                return [id, delivered, gone, &clock](db::WriteTx& tx) {
                    auto now = common::FormatInstant(clock.Now());
                    for (auto s : gone) tx.Exec("DELETE FROM push_subscription WHERE id = ?", s);
                    for (auto s : delivered)
                        tx.Exec("UPDATE push_subscription SET last_sent_at = ? WHERE id = ?", now, s);
                    SetState(tx, *id, Channel::kPush, "sent", clock.Now());
                };
            }
            if (gone.size() == subscriptions.size()) return give_up(gone);
            if (!gone.empty()) {
                db.Write([&](db::WriteTx& tx) {
                    for (auto s : gone) tx.Exec("DELETE FROM push_subscription WHERE id = ?", s);
                });
            }
            throw jobs::RetryLater(last_error, retry_after);
        },
        [&clock](db::WriteTx& tx, const jobs::Job& job) {
            auto id = RecipientOf(job);
            if (!id) return;
            SetState(tx, *id, Channel::kPush, "failed", clock.Now());
            FallBackToMail(tx, *id, clock);
        });
}

}  // namespace notify
