#pragma once
// Messages (D1–D6): staff write to their site's families (all, some school years, some groups, chosen children);
// the city writes to every site or chosen ones. A message may be an emergency (always delivered, first in the
// inbox), carry PDF files, and wait for a time to be sent. At that time a job turns it into one notification per
// site it reaches (one more job per site, so a city-wide message never holds the database for long), whose
// recipient rows are each family member's inbox entry, read receipt and deliveries. A family member gets one copy
// even with children at several of the sites.
//
// Replies: each child has one conversation with each site it attends, in which family members and staff write.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "guardians/guardians.hpp"
#include "jobs/jobs.hpp"

namespace messages {

enum class Scope { kSite, kGrade, kGroup, kChildren, kSites, kAll };
std::string_view ScopeName(Scope scope);
std::optional<Scope> ParseScope(std::string_view name);
// The city's scopes (no writing site).
inline bool CityScope(Scope s) { return s == Scope::kSites || s == Scope::kAll; }
// The form field that names a scope's targets: grade, group, child, or site (for the city's chosen sites).
std::string_view TargetField(Scope s);

inline constexpr std::string_view kSendJob = "message.send";
inline constexpr std::string_view kFanOutJob = "message.fanout";

// A PDF file: at most kMaxAttachments of them, each at most kMaxAttachmentBytes, known by their content.
struct Attachment {
    std::string filename;
    std::string content;
};
inline constexpr std::size_t kMaxAttachments = 3;
inline constexpr std::size_t kMaxAttachmentBytes = 2 << 20;
inline constexpr std::size_t kMaxSubjectChars = 100;
inline constexpr std::size_t kMaxBodyChars = 4000;
// Scheduled at most this far ahead.
inline constexpr int kMaxDaysAhead = 60;

struct Draft {
    std::optional<common::SiteId> site;  // the writing site; none for the city's
    common::UserId author;
    Scope scope = Scope::kSite;
    std::vector<std::int64_t> targets;  // school years, group ids, child ids or site ids by scope
    std::string subject, body;
    bool emergency = false;
    std::optional<common::Instant> send_at;  // none: now
    std::vector<Attachment> attachments;
};

// What is wrong with a draft, as (form field, catalogue key) pairs; empty when it may be sent. Targets must belong
// to the writing site (groups, children) or exist (sites).
std::vector<std::pair<std::string, std::string>> Check(db::ReadTx& tx, const Draft& draft, const common::Clock& clock);
// Whether the bytes are a PDF document (by content: the header and the end-of-file marker, not the name).
bool IsPdf(std::string_view content);

// Records the message and plans its sending (at once, or at send_at). The caller has checked it.
common::MessageId Create(db::WriteTx& tx, const Draft& draft, const common::Clock& clock);
// A scheduled message not yet sent is cancelled; false when it is already sent or cancelled.
bool Cancel(db::WriteTx& tx, common::MessageId id, const common::Clock& clock);

// The jobs that send: message.send (at the message's time: the sites it reaches) and message.fanout (one site).
void RegisterJobs(jobs::Runner& runner, const common::Clock& clock);

struct Message {
    common::MessageId id;
    std::optional<common::SiteId> site;
    std::string author_name;
    Scope scope = Scope::kSite;
    std::vector<std::int64_t> targets;
    std::string subject, body;
    bool emergency = false;
    std::string send_at, state, created_at;
    std::optional<std::string> sent_at, reminded_at;
    // Over every site it reached.
    int recipients = 0, delivered = 0, failed = 0, read = 0;
};
std::optional<Message> Get(db::ReadTx& tx, common::MessageId id);
// A site's messages (newest first), or the city's (site none).
std::vector<Message> List(db::ReadTx& tx, std::optional<common::SiteId> site, int limit, int offset);
std::int64_t Count(db::ReadTx& tx, std::optional<common::SiteId> site);

struct AttachmentInfo {
    common::AttachmentId id;
    std::string filename;
    std::int64_t size = 0;
};
std::vector<AttachmentInfo> Attachments(db::ReadTx& tx, common::MessageId id);
// The file, if it belongs to the message.
std::optional<Attachment> LoadAttachment(db::ReadTx& tx, common::MessageId message, common::AttachmentId id);

// Who has not read it yet (and may still see it), with the children that put them in the audience.
struct Unread {
    common::RecipientId recipient;
    std::string account_name, children, site_name;
};
std::vector<Unread> NotRead(db::ReadTx& tx, common::MessageId id, int limit);

// The message's notification at each site it reached (one for a site's message; one per site for the city's),
// whose pages show each recipient's state per channel and resend to those it did not reach.
struct SiteNotice {
    common::NotificationId notification;
    std::string site_name;
};
std::vector<SiteNotice> NoticesOf(db::ReadTx& tx, common::MessageId id);

// Who a message would reach, told to the sender before it goes: the children of the audience (placed at its sites
// today), the families among them with someone who has the app (each family member once, by the channels their
// choices give), and the children none of whose family has an account: those need a phone call or paper, so their
// guardians on file come with them.
struct Unreached {
    common::ChildId child;
    std::string child_name, site_name;
    std::vector<guardians::Link> guardians;  // on file, with their phone numbers
};
struct Reach {
    int sites = 0;
    int children = 0;
    int families = 0;  // children with at least one family member who gets it
    int members = 0;   // family members who get it
    int by_mail = 0, by_push = 0, inbox_only = 0;
    int unreached_count = 0;
    std::vector<Unreached> unreached;  // with_list only
};
// with_list: also who they are (the reach page, the sent message's page); the form needs only the numbers.
Reach ReachOf(db::ReadTx& tx, std::optional<common::SiteId> site, Scope scope, const std::vector<std::int64_t>& targets,
              bool urgent, const std::string& today, bool with_list);

// What a site's staff may choose from: its groups, and the children placed there today (with their school year).
struct Option {
    std::int64_t id = 0;
    std::string name;
};
std::vector<Option> GroupsAt(db::ReadTx& tx, common::SiteId site);
std::vector<Option> ChildrenAt(db::ReadTx& tx, common::SiteId site, const std::string& today);

// The audience in words for the staff's pages: ids of grades, groups, children or sites resolved to names.
std::vector<std::string> TargetNames(db::ReadTx& tx, const Message& m);

// Conversations: one per child and site.
struct Post {
    std::int64_t id = 0;
    bool from_family = false;
    std::string author_name, body, created_at;
};
struct Thread {
    common::ThreadId id;
    common::SiteId site;
    common::ChildId child;
    std::string child_name, site_name, last_post_at;
    bool waiting = false;  // the last word is the family's
};
std::optional<Thread> GetThread(db::ReadTx& tx, common::ThreadId id);
std::optional<Thread> FindThread(db::ReadTx& tx, common::SiteId site, common::ChildId child);
std::vector<Thread> SiteThreads(db::ReadTx& tx, common::SiteId site, int limit, int offset);
std::vector<Post> Posts(db::ReadTx& tx, common::ThreadId id);
// A family member writes: the thread is made on the first word; staff see it waiting.
common::ThreadId PostFromFamily(db::WriteTx& tx, common::SiteId site, common::ChildId child, common::AccountId account,
                                const std::string& body, const common::Clock& clock);
// Staff answer: the family is notified (kind message, about the child).
void PostFromStaff(db::WriteTx& tx, common::ThreadId thread, common::UserId user, const std::string& body,
                   const common::Clock& clock);
// The sites a child attends today (where a conversation may be held).
std::vector<std::pair<common::SiteId, std::string>> SitesOfChild(db::ReadTx& tx, common::ChildId child,
                                                                 const std::string& today);

}  // namespace messages
