#pragma once
// Notifications: what the system decided to tell a child's family. Planned in the transaction of the event that
// causes it (a scan, a correction, an alert, a confirmed absence, a message): one notification, one recipient row
// per family member (their inbox entry and the record of each channel), one job per recipient and channel. The
// text is written when it is sent or read, in the reader's language; the rows hold ids and times only.
#include <boost/json/object.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace notify {

enum class Kind { kEntry, kExit, kCorrection, kAlert, kContactConfirmed, kMessage, kNotebook, kHealth };
std::string_view KindName(Kind kind);
std::optional<Kind> ParseKind(std::string_view name);

// What a family member chooses channels for.
enum class Topic { kAttendance, kCorrection, kAlert, kContact, kMessage };
inline constexpr std::array kTopics{Topic::kAttendance, Topic::kCorrection, Topic::kAlert, Topic::kContact,
                                    Topic::kMessage};
std::string_view TopicName(Topic topic);
std::optional<Topic> ParseTopic(std::string_view name);
Topic TopicOf(Kind kind);

enum class Channel { kEmail, kPush };
inline constexpr std::string_view kEmailJob = "notify.email";
inline constexpr std::string_view kPushJob = "notify.push";

// The channels a family member gets a notice by, from their choice for its topic (none made: both), whether a phone
// of theirs has push set up, and whether the notice is urgent: push needs a subscription (else mail goes instead);
// an urgent notice always goes by mail, and by push too where there is a subscription. Neither: the inbox only.
struct Channels {
    bool mail = false, push = false;
};
Channels ChannelsFor(std::optional<bool> email_chosen, std::optional<bool> push_chosen, bool subscribed, bool urgent);

struct Notice {
    Kind kind = Kind::kEntry;
    common::SiteId site;
    std::optional<common::ChildId> child;
    boost::json::object params;  // ids, times and flags only
    bool urgent = false;         // comes through quiet hours and unchosen channels (alerts, emergencies)
};

// Plans the notice for every family member who may see the child now (a confirmed, active account with a
// current link): the inbox entry and a job per channel they chose. Push needs a subscription (else mail goes
// instead); an urgent notice always goes by mail, and by push too where there is a subscription.
// Nothing is recorded (nullopt) when no family member may see the child.
std::optional<common::NotificationId> Notify(db::WriteTx& tx, const Notice& notice, const common::Clock& clock);

// A message's audience at one site: a query for guardian account ids (and its parameters).
struct Audience {
    std::string accounts_sql;
    std::vector<db::Value> params;
};
// Plans a message's notice for the audience's family members at one site, leaving out those who already have a copy
// of the message (from another site). Nothing is recorded (nullopt) when nobody is left.
std::optional<common::NotificationId> NotifyAudience(db::WriteTx& tx, const Notice& notice, common::MessageId message,
                                                     const Audience& audience, const common::Clock& clock);
// A reminder of a message to each family member who may still see it and has not read it: by mail, and by push
// where they have it. Returns how many.
int RemindUnread(db::WriteTx& tx, common::MessageId message, const common::Clock& clock);

// When push did not reach a family member (no subscription left, or the last attempt failed): mail instead,
// unless mail is already on its way.
void FallBackToMail(db::WriteTx& tx, common::RecipientId recipient, const common::Clock& clock);

// Quiet hours ("HH:MM" to "HH:MM", Japan time, may wrap midnight): the instant they end if `at` is inside them.
std::optional<common::Instant> QuietUntil(common::Instant at, std::string_view start, std::string_view end);

struct Choice {
    Topic topic = Topic::kAttendance;
    bool email = true;
    bool push = true;
};
struct Preferences {
    std::vector<Choice> choices;                // one per topic, in kTopics order
    std::optional<int> quiet_start, quiet_end;  // minutes since midnight, both or neither
    std::string language;                       // of the pages and of every notice
};
Preferences GetPreferences(db::ReadTx& tx, common::AccountId account);
void SavePreferences(db::WriteTx& tx, common::AccountId account, const Preferences& p, const common::Clock& clock);

// A stored notification, as the renderers need it.
struct Stored {
    common::NotificationId id;
    Kind kind = Kind::kEntry;
    common::SiteId site;
    std::optional<common::ChildId> child;
    boost::json::object params;
    bool urgent = false;
    std::string created_at;
    std::optional<common::MessageId> message;
};
std::optional<Stored> Load(db::ReadTx& tx, common::NotificationId id);

// One family member's copy as a delivery job needs it: who, in which language, and whether they may still see it
// (a usable account with a current link to the child).
struct Copy {
    common::AccountId account;
    std::string email, name, lang;
    bool may_see = false;
    Stored notification;
};
std::optional<Copy> GetCopy(db::ReadTx& tx, common::RecipientId id);

// The guardian's inbox: only what they may still see (a notice about a child needs a current link to it).
struct InboxItem {
    common::RecipientId id;
    Stored notification;
    std::optional<std::string> read_at;
};
std::vector<InboxItem> Inbox(db::ReadTx& tx, common::AccountId account, int limit, int offset);
std::int64_t InboxSize(db::ReadTx& tx, common::AccountId account);
std::int64_t UnreadCount(db::ReadTx& tx, common::AccountId account);
std::optional<InboxItem> GetInboxItem(db::ReadTx& tx, common::AccountId account, common::RecipientId id);
// Marks an inbox entry read (the first reading is kept).
void MarkRead(db::WriteTx& tx, common::RecipientId id, const common::Clock& clock);

// Delivery status for staff.
struct Delivery {
    common::RecipientId id;
    common::AccountId account;
    std::string account_name;
    std::string email_state, push_state;
    std::optional<std::string> email_at, push_at, read_at;
    bool still_linked = true;
    bool has_phone = false;  // a phone of theirs is subscribed to push
};
struct Summary {
    Stored notification;
    std::string child_name;
    int recipients = 0, delivered = 0, failed = 0, read = 0;
};
std::vector<Summary> SiteNotifications(db::ReadTx& tx, common::SiteId site, const std::string& date);
std::optional<Summary> GetSummary(db::ReadTx& tx, common::NotificationId id);
std::vector<Delivery> Deliveries(db::ReadTx& tx, common::NotificationId id);
// A family member still linked whom the notice reached on no channel (none sent or on its way).
bool Unreached(const Delivery& d);
// Mails again to each unreached family member, and pushes to their phones if they have any; returns how many.
int Resend(db::WriteTx& tx, common::NotificationId id, const common::Clock& clock);

}  // namespace notify
