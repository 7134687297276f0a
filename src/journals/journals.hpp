#pragma once
// Care journals (保育日誌) in the database: a class's journal of a day (or the site's, without a class), its text and
// each child's episode sealed under the data keys, its approval state (approval.hpp) and the stamps of each step.
// Saves are compare-and-set on a version, so two tablets never overwrite each other. Who may do what is decided by
// the handlers through rights/ and approval.hpp.
#include <optional>
#include <string>
#include <vector>

#include "auth/data_keys.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "journals/approval.hpp"

namespace journals {

// The journal's sections, each up to kMaxText characters.
struct Content {
    std::string weather;     // 天候
    std::string activities;  // ねらい・活動
    std::string health;      // 健康・安全
    std::string reflection;  // 評価・反省
    bool operator==(const Content&) const = default;
};
inline constexpr std::size_t kMaxText = 4000;
inline constexpr std::size_t kMaxWeather = 40;

struct Episode {
    common::ChildId child;
    std::string text;
};

struct Stamp {
    Step step = Step::kSubmit;
    common::UserId by_id;
    std::string by;  // the staff member's name
    common::Instant at;
    std::string comment;
};

// A record's approval stamps, for journals and curriculum plans alike: `field` names the stamp table and its sealed
// comment (kJournalStampField, kCurriculumStampField), `owner` its column naming the record (journal_id, plan_id) —
// both the caller's constants, never input.
std::vector<Stamp> LoadStamps(db::ReadTx& tx, const auth::DataKeys& keys, const auth::SealedField& field,
                              std::string_view owner, std::int64_t id);
void AddStamp(db::WriteTx& tx, const auth::DataKeys& keys, const auth::SealedField& field, std::string_view owner,
              std::int64_t id, Step step, const std::string& comment, common::UserId by, const std::string& now);

struct Journal {
    std::int64_t id = 0;  // 0: nobody has written it yet
    common::SiteId site;
    std::optional<common::GroupId> group;  // none: the site's journal
    std::string date;
    State state = State::kDraft;
    int version = 0;
    Content content;
    std::vector<Episode> episodes;  // by child
    std::vector<Stamp> stamps;      // in order
    std::optional<common::UserId> submitted_by;
    std::string written_by;  // the last writer's name
    std::optional<common::Instant> updated_at;
};

// The journal of the class (or the site) on the date, if written; its text opened.
std::optional<Journal> Find(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site,
                            std::optional<common::GroupId> group, const std::string& date);
std::optional<Journal> Get(db::ReadTx& tx, const auth::DataKeys& keys, std::int64_t id);

// Saves the text and episodes written on `based_on` (0: a journal not written yet). False, with nothing written,
// when another save came first (another version, or another tablet made it first). Episodes given replace the
// journal's; an empty text removes a child's. Returns the journal's id through `id`.
bool Save(db::WriteTx& tx, const auth::DataKeys& keys, const Journal& journal, int based_on, common::UserId by,
          const common::Clock& clock, std::int64_t& id);
// A step of the approval taken: the new state (compare-and-set on `from`: false when it changed meanwhile) and its
// stamp, with the comment (returning) sealed.
bool Advance(db::WriteTx& tx, const auth::DataKeys& keys, std::int64_t id, State from, Step step, State next,
             const std::string& comment, common::UserId by, const common::Clock& clock);

// The site's journals of a day, by class (none: the site's), without their text: for the day's list.
struct Summary {
    std::int64_t id = 0;
    std::optional<common::GroupId> group;
    std::string date;
    State state = State::kDraft;
};
std::vector<Summary> OfDay(db::ReadTx& tx, common::SiteId site, const std::string& date);
// The site's journals waiting for a check or an approval, oldest first.
std::vector<Summary> Waiting(db::ReadTx& tx, common::SiteId site);
// The site's journals returned to be mended, oldest first.
std::vector<Summary> Returned(db::ReadTx& tx, common::SiteId site);

// The site's journals dated from `from` to `to`, by date and class, with their text, episodes and stamps.
std::vector<Journal> Between(db::ReadTx& tx, const auth::DataKeys& keys, common::SiteId site, const std::string& from,
                             const std::string& to);

// A child's episodes in its class's journals at the site from `from` on, the latest first (its linked records).
struct ChildEpisode {
    std::int64_t journal_id = 0;
    std::optional<common::GroupId> group;
    std::string date, text;
};
std::vector<ChildEpisode> EpisodesOf(db::ReadTx& tx, const auth::DataKeys& keys, common::ChildId child,
                                     common::SiteId site, const std::string& from);

// Whether the site lets a writer check or approve their own journal (default: no).
bool SelfApproval(db::ReadTx& tx, common::SiteId site);
void SaveSelfApproval(db::WriteTx& tx, common::SiteId site, bool allowed, common::UserId by,
                      const common::Clock& clock);

}  // namespace journals
