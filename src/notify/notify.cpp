#include "notify/notify.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/dates.hpp"
#include "jobs/jobs.hpp"

namespace notify {

namespace {

constexpr std::array<std::string_view, 8> kKindNames{"entry",   "exit",     "correction", "alert", "contact_confirmed",
                                                     "message", "notebook", "health"};
constexpr std::array<std::string_view, 5> kTopicNames{"attendance", "correction", "alert", "contact", "message"};

// A mail is tried for about seven and a half hours (fifteen waits: 10 s doubling to an hour, then hourly) before
// it is marked failed.
constexpr int kMailAttempts = 16;
// Push is tried for a few minutes; then mail takes over.
constexpr int kPushAttempts = 5;

// A recipient may see a notice while their account is usable and, for a notice about a child, still linked to it.
constexpr std::string_view kMayStillSee =
    "a.deactivated_at IS NULL AND a.confirmed_at IS NOT NULL AND (n.child_id IS NULL OR EXISTS (SELECT 1 FROM "
    "guardian_account_child l WHERE l.account_id = r.account_id AND l.child_id = n.child_id AND l.ended_at IS "
    "NULL))";

constexpr std::string_view kStoredColumns =
    "n.id, n.kind, n.site_id, n.child_id, n.params, n.urgent, n.created_at, n.message_id";

Stored StoredFromRow(const db::Row& r, std::size_t at) {
    Stored s;
    s.id = r.Id<common::NotificationId>(at);
    s.kind = ParseKind(r.Text(at + 1)).value_or(Kind::kMessage);
    s.site = r.Id<common::SiteId>(at + 2);
    if (!r.IsNull(at + 3)) s.child = r.Id<common::ChildId>(at + 3);
    boost::system::error_code ec;
    auto v = boost::json::parse(r.Text(at + 4), ec);
    if (!ec && v.is_object()) s.params = v.as_object();
    s.urgent = r.Bool(at + 5);
    s.created_at = common::CanonicalInstant(r.Text(at + 6));
    if (!r.IsNull(at + 7)) s.message = r.Id<common::MessageId>(at + 7);
    return s;
}

void PlanMail(db::WriteTx& tx, common::RecipientId recipient, common::Instant run_at, const common::Clock& clock,
              bool reminder = false) {
    boost::json::object payload{{"recipient", recipient.value}};
    if (reminder) payload["reminder"] = true;
    jobs::Plan(tx, kEmailJob, payload, clock, {run_at, kMailAttempts});
}

void PlanPush(db::WriteTx& tx, common::RecipientId recipient, common::Instant run_at, const common::Clock& clock,
              bool reminder = false) {
    boost::json::object payload{{"recipient", recipient.value}};
    if (reminder) payload["reminder"] = true;
    jobs::Plan(tx, kPushJob, payload, clock, {run_at, kPushAttempts});
}

// A copy sent again (a resend by staff, a reminder of an unread message): by mail, and by push when a phone of
// theirs is subscribed.
void QueueAgain(db::WriteTx& tx, common::RecipientId recipient, bool push, const common::Clock& clock, bool reminder) {
    tx.Exec(
        "UPDATE notification_recipient SET email_state = 'queued', email_at = NULL, push_state = CASE WHEN ? = 1 THEN "
        "'queued' ELSE push_state END WHERE id = ?",
        push ? 1 : 0, recipient);
    PlanMail(tx, recipient, clock.Now(), clock, reminder);
    if (push) PlanPush(tx, recipient, clock.Now(), clock, reminder);
}

}  // namespace

std::string_view KindName(Kind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::optional<Kind> ParseKind(std::string_view name) {
    for (std::size_t i = 0; i < kKindNames.size(); ++i) {
        if (kKindNames[i] == name) return static_cast<Kind>(i);
    }
    return std::nullopt;
}

std::string_view TopicName(Topic topic) { return kTopicNames[static_cast<std::size_t>(topic)]; }

std::optional<Topic> ParseTopic(std::string_view name) {
    for (std::size_t i = 0; i < kTopicNames.size(); ++i) {
        if (kTopicNames[i] == name) return static_cast<Topic>(i);
    }
    return std::nullopt;
}

Topic TopicOf(Kind kind) {
    switch (kind) {
        case Kind::kEntry:
        case Kind::kExit:
            return Topic::kAttendance;
        case Kind::kCorrection:
            return Topic::kCorrection;
        case Kind::kAlert:
        case Kind::kHealth:  // a fever at the nursery: the family may have to come
            return Topic::kAlert;
        case Kind::kContactConfirmed:
            return Topic::kContact;
        case Kind::kMessage:
        case Kind::kNotebook:  // the site writing to the family, as its messages do
            return Topic::kMessage;
    }
    return Topic::kMessage;
}

std::optional<common::Instant> QuietUntil(common::Instant at, std::string_view start, std::string_view end) {
    auto s = common::ParseTimeOfDay(start);
    auto e = common::ParseTimeOfDay(end);
    if (!s || !e || *s == *e) return std::nullopt;
    const auto day = common::TokyoDate(at);
    const auto midnight = common::TokyoInstant(day, 0);
    const int now = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(at - midnight).count());
    if (*s < *e) {  // 09:00–17:00: within one day
        if (now >= *s && now < *e) return common::TokyoInstant(day, *e);
        return std::nullopt;
    }
    // 21:00–07:00: across midnight
    if (now >= *s) return common::TokyoInstant(day, 24 * 60 + *e);
    if (now < *e) return common::TokyoInstant(day, *e);
    return std::nullopt;
}

Channels ChannelsFor(std::optional<bool> email_chosen, std::optional<bool> push_chosen, bool subscribed, bool urgent) {
    const bool email = email_chosen.value_or(true);
    const bool push = push_chosen.value_or(true);
    Channels c;
    c.push = subscribed && (push || urgent);
    // Push chosen but not set up on any phone: mail instead.
    c.mail = email || (push && !subscribed) || urgent;
    return c;
}

namespace {

// A family member as the planning needs them: quiet hours, their choice for the notice's topic, and whether any
// phone of theirs has push set up. Selected with the topic as the first parameter.
constexpr std::string_view kMemberColumns =
    "SELECT a.id, a.quiet_start, a.quiet_end, c.email, c.push, EXISTS (SELECT 1 FROM push_subscription p WHERE "
    "p.account_id = a.id) FROM guardian_account a LEFT JOIN notification_choice c ON c.account_id = a.id AND "
    "c.topic = ? ";

// The notification and, for each member, the inbox entry and a job per channel they chose. Push needs a
// subscription (else mail goes instead); an urgent notice always goes by mail, and by push too where there is a
// subscription, and does not wait for quiet hours.
common::NotificationId Plan(db::WriteTx& tx, const Notice& notice, std::optional<common::MessageId> message,
                            const std::vector<db::Row>& members, const common::Clock& clock) {
    const auto now = clock.Now();
    const std::string stamp = common::FormatInstant(now);
    auto id = tx.QueryOne(
                    "INSERT INTO notification (kind, site_id, child_id, params, urgent, message_id, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    KindName(notice.kind), notice.site, notice.child, boost::json::serialize(notice.params),
                    notice.urgent ? 1 : 0, message, stamp)
                  .Id<common::NotificationId>(0);
    for (const auto& m : members) {
        auto opt = [&](std::size_t i) { return m.IsNull(i) ? std::nullopt : std::optional<bool>(m.Bool(i)); };
        const auto channels = ChannelsFor(opt(3), opt(4), m.Bool(5), notice.urgent);
        const bool by_push = channels.push, by_mail = channels.mail;
        auto run_at = now;
        if (!notice.urgent && !m.IsNull(1) && !m.IsNull(2))
            run_at = QuietUntil(now, m.Text(1), m.Text(2)).value_or(now);
        auto recipient = tx.QueryOne(
                               "INSERT INTO notification_recipient (notification_id, account_id, email_state, "
                               "push_state, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                               id, m.Int(0), by_mail ? "queued" : "off", by_push ? "queued" : "off", stamp)
                             .Id<common::RecipientId>(0);
        if (by_mail) PlanMail(tx, recipient, run_at, clock);
        if (by_push) PlanPush(tx, recipient, run_at, clock);
    }
    return id;
}

}  // namespace

std::optional<common::NotificationId> Notify(db::WriteTx& tx, const Notice& notice, const common::Clock& clock) {
    // A family notice is about a child; with nobody linked to it there is nothing to record (the scan path pays
    // one query).
    if (!notice.child) return std::nullopt;
    auto members = tx.Query(std::string(kMemberColumns) +
                                "JOIN guardian_account_child l ON l.account_id = a.id WHERE l.child_id = ? AND "
                                "l.ended_at IS NULL AND a.deactivated_at IS NULL AND a.confirmed_at IS NOT NULL "
                                "ORDER BY a.id",
                            TopicName(TopicOf(notice.kind)), *notice.child);
    if (members.empty()) return std::nullopt;
    return Plan(tx, notice, std::nullopt, members, clock);
}

std::optional<common::NotificationId> NotifyAudience(db::WriteTx& tx, const Notice& notice, common::MessageId message,
                                                     const Audience& audience, const common::Clock& clock) {
    std::vector<db::Value> params{db::Value(TopicName(TopicOf(notice.kind)))};
    params.insert(params.end(), audience.params.begin(), audience.params.end());
    params.emplace_back(message);
    auto members = tx.QueryParams(
        std::string(kMemberColumns) + "WHERE a.id IN (" + audience.accounts_sql +
            ") AND a.deactivated_at IS NULL AND a.confirmed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "notification_recipient r JOIN notification n ON n.id = r.notification_id WHERE n.message_id = ? AND "
            "r.account_id = a.id) ORDER BY a.id",
        params);
    if (members.empty()) return std::nullopt;
    return Plan(tx, notice, message, members, clock);
}

void FallBackToMail(db::WriteTx& tx, common::RecipientId recipient, const common::Clock& clock) {
    if (tx.Exec("UPDATE notification_recipient SET email_state = 'queued' WHERE id = ? AND email_state = 'off'",
                recipient) > 0) {
        PlanMail(tx, recipient, clock.Now(), clock);
    }
}

Preferences GetPreferences(db::ReadTx& tx, common::AccountId account) {
    Preferences p;
    for (Topic t : kTopics) p.choices.push_back(Choice{t, true, true});
    for (const auto& r : tx.Query("SELECT topic, email, push FROM notification_choice WHERE account_id = ?", account)) {
        if (auto t = ParseTopic(r.Text(0))) {
            auto& c = p.choices[static_cast<std::size_t>(*t)];
            c.email = r.Bool(1);
            c.push = r.Bool(2);
        }
    }
    auto q = tx.QueryOne("SELECT quiet_start, quiet_end, language FROM guardian_account WHERE id = ?", account);
    p.language = q.Text(2);
    if (!q.IsNull(0) && !q.IsNull(1)) {
        p.quiet_start = common::ParseTimeOfDay(q.Text(0));
        p.quiet_end = common::ParseTimeOfDay(q.Text(1));
        if (!p.quiet_start || !p.quiet_end) p.quiet_start = p.quiet_end = std::nullopt;
    }
    return p;
}

void SavePreferences(db::WriteTx& tx, common::AccountId account, const Preferences& p, const common::Clock& clock) {
    const std::string stamp = common::FormatInstant(clock.Now());
    for (const auto& c : p.choices) {
        tx.Exec(
            "INSERT INTO notification_choice (account_id, topic, email, push, created_at, updated_at) VALUES (?, ?, ?, "
            "?, ?, ?) ON CONFLICT (account_id, topic) DO UPDATE SET email = excluded.email, push = excluded.push, "
            "updated_at = excluded.updated_at",
            account, TopicName(c.topic), c.email ? 1 : 0, c.push ? 1 : 0, stamp, stamp);
    }
    bool quiet = p.quiet_start && p.quiet_end;
    tx.Exec(
        "UPDATE guardian_account SET quiet_start = ?, quiet_end = ?, language = COALESCE(NULLIF(?, ''), language), "
        "updated_at = ? WHERE id = ?",
        quiet ? std::optional(common::FormatTimeOfDay(*p.quiet_start)) : std::nullopt,
        quiet ? std::optional(common::FormatTimeOfDay(*p.quiet_end)) : std::nullopt, p.language, stamp, account);
}

std::optional<Stored> Load(db::ReadTx& tx, common::NotificationId id) {
    auto r = tx.QueryOptional("SELECT " + std::string(kStoredColumns) + " FROM notification n WHERE n.id = ?", id);
    if (!r) return std::nullopt;
    return StoredFromRow(*r, 0);
}

std::optional<Copy> GetCopy(db::ReadTx& tx, common::RecipientId id) {
    auto r = tx.QueryOptional("SELECT r.account_id, a.email, a.display_name, a.language, " + std::string(kMayStillSee) +
                                  ", " + std::string(kStoredColumns) +
                                  " FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
                                  "JOIN guardian_account a ON a.id = r.account_id WHERE r.id = ?",
                              id);
    if (!r) return std::nullopt;
    return Copy{r->Id<common::AccountId>(0), r->Text(1), r->Text(2), r->Text(3), r->Bool(4), StoredFromRow(*r, 5)};
}

namespace {
const std::string& InboxFrom() {
    static const std::string sql =
        " FROM notification_recipient r JOIN notification n ON n.id = r.notification_id "
        "JOIN guardian_account a ON a.id = r.account_id WHERE r.account_id = ? AND " +
        std::string(kMayStillSee);
    return sql;
}
}  // namespace

std::vector<InboxItem> Inbox(db::ReadTx& tx, common::AccountId account, int limit, int offset) {
    // Unread urgent notices first, then newest first.
    auto rows = tx.Query("SELECT r.id, r.read_at, " + std::string(kStoredColumns) + InboxFrom() +
                             " ORDER BY CASE WHEN n.urgent = 1 AND r.read_at IS NULL THEN 0 ELSE 1 END, r.id DESC "
                             "LIMIT ? OFFSET ?",
                         account, limit, offset);
    std::vector<InboxItem> out;
    for (const auto& r : rows) {
        InboxItem item{r.Id<common::RecipientId>(0), StoredFromRow(r, 2), std::nullopt};
        if (auto read = r.OptText(1)) item.read_at = common::CanonicalInstant(*read);
        out.push_back(std::move(item));
    }
    return out;
}

std::int64_t InboxSize(db::ReadTx& tx, common::AccountId account) {
    return tx.QueryOne("SELECT COUNT(*)" + InboxFrom(), account).Int(0);
}

std::int64_t UnreadCount(db::ReadTx& tx, common::AccountId account) {
    return tx.QueryOne("SELECT COUNT(*)" + InboxFrom() + " AND r.read_at IS NULL", account).Int(0);
}

std::optional<InboxItem> GetInboxItem(db::ReadTx& tx, common::AccountId account, common::RecipientId id) {
    auto r = tx.QueryOptional("SELECT r.id, r.read_at, " + std::string(kStoredColumns) + InboxFrom() + " AND r.id = ?",
                              account, id);
    if (!r) return std::nullopt;
    InboxItem item{r->Id<common::RecipientId>(0), StoredFromRow(*r, 2), std::nullopt};
    if (auto read = r->OptText(1)) item.read_at = common::CanonicalInstant(*read);
    return item;
}

void MarkRead(db::WriteTx& tx, common::RecipientId id, const common::Clock& clock) {
    tx.Exec("UPDATE notification_recipient SET read_at = ? WHERE id = ? AND read_at IS NULL",
            common::FormatInstant(clock.Now()), id);
}

namespace {
constexpr std::string_view kSummaryColumns =
    ", COALESCE(ch.family_name || ' ' || ch.given_name, ''), (SELECT COUNT(*) FROM notification_recipient r WHERE "
    "r.notification_id = n.id), (SELECT COUNT(*) FROM notification_recipient r WHERE r.notification_id = n.id AND "
    "(r.email_state = 'sent' OR r.push_state = 'sent')), (SELECT COUNT(*) FROM notification_recipient r WHERE "
    "r.notification_id = n.id AND (r.email_state = 'failed' OR r.push_state = 'failed')), (SELECT COUNT(*) FROM "
    "notification_recipient r WHERE r.notification_id = n.id AND r.read_at IS NOT NULL) FROM notification n LEFT "
    "JOIN child ch ON ch.id = n.child_id ";

Summary SummaryFromRow(const db::Row& r) {
    Summary s;
    s.notification = StoredFromRow(r, 0);
    s.child_name = r.Text(8);
    s.recipients = static_cast<int>(r.Int(9));
    s.delivered = static_cast<int>(r.Int(10));
    s.failed = static_cast<int>(r.Int(11));
    s.read = static_cast<int>(r.Int(12));
    return s;
}
}  // namespace

std::vector<Summary> SiteNotifications(db::ReadTx& tx, common::SiteId site, const std::string& date) {
    std::vector<Summary> out;
    auto day = common::ParseDate(date);
    if (!day) return out;
    auto from = common::FormatInstant(common::TokyoInstant(*day, 0));
    auto to = common::FormatInstant(common::TokyoInstant(*day, 24 * 60));
    for (const auto& r : tx.Query("SELECT " + std::string(kStoredColumns) + std::string(kSummaryColumns) +
                                      "WHERE n.site_id = ? AND n.created_at >= ? AND n.created_at < ? ORDER BY n.id "
                                      "DESC",
                                  site, from, to)) {
        out.push_back(SummaryFromRow(r));
    }
    return out;
}

std::optional<Summary> GetSummary(db::ReadTx& tx, common::NotificationId id) {
    auto r =
        tx.QueryOptional("SELECT " + std::string(kStoredColumns) + std::string(kSummaryColumns) + "WHERE n.id = ?", id);
    if (!r) return std::nullopt;
    return SummaryFromRow(*r);
}

std::vector<Delivery> Deliveries(db::ReadTx& tx, common::NotificationId id) {
    std::vector<Delivery> out;
    for (const auto& r :
         tx.Query("SELECT r.id, r.account_id, a.display_name, r.email_state, r.email_at, r.push_state, "
                  "r.push_at, r.read_at, CASE WHEN " +
                      std::string(kMayStillSee) +
                      " THEN 1 ELSE 0 END, EXISTS (SELECT 1 FROM push_subscription p WHERE p.account_id = "
                      "r.account_id) FROM notification_recipient r JOIN notification n ON n.id = "
                      "r.notification_id JOIN guardian_account a ON a.id = r.account_id WHERE "
                      "r.notification_id = ? ORDER BY r.id",
                  id)) {
        Delivery d;
        d.id = r.Id<common::RecipientId>(0);
        d.account = r.Id<common::AccountId>(1);
        d.account_name = r.Text(2);
        d.email_state = r.Text(3);
        if (auto t = r.OptText(4)) d.email_at = common::CanonicalInstant(*t);
        d.push_state = r.Text(5);
        if (auto t = r.OptText(6)) d.push_at = common::CanonicalInstant(*t);
        if (auto t = r.OptText(7)) d.read_at = common::CanonicalInstant(*t);
        d.still_linked = r.Int(8) == 1;
        d.has_phone = r.Bool(9);
        out.push_back(std::move(d));
    }
    return out;
}

bool Unreached(const Delivery& d) {
    auto on_its_way = [](const std::string& s) { return s == "sent" || s == "queued"; };
    return d.still_linked && !on_its_way(d.email_state) && !on_its_way(d.push_state);
}

int Resend(db::WriteTx& tx, common::NotificationId id, const common::Clock& clock) {
    int n = 0;
    for (const auto& d : Deliveries(tx, id)) {
        if (!Unreached(d)) continue;
        // By push too to the phones they have now (set up since, perhaps, or back from an outage).
        QueueAgain(tx, d.id, d.has_phone, clock, false);
        ++n;
    }
    return n;
}

int RemindUnread(db::WriteTx& tx, common::MessageId message, const common::Clock& clock) {
    auto unread = tx.Query(
        "SELECT r.id, EXISTS (SELECT 1 FROM push_subscription p WHERE p.account_id = r.account_id) FROM "
        "notification_recipient r JOIN notification n ON n.id = r.notification_id JOIN guardian_account a ON a.id = "
        "r.account_id WHERE n.message_id = ? AND r.read_at IS NULL AND " +
            std::string(kMayStillSee) + " ORDER BY r.id",
        message);
    for (const auto& r : unread) QueueAgain(tx, r.Id<common::RecipientId>(0), r.Bool(1), clock, true);
    return static_cast<int>(unread.size());
}

}  // namespace notify
