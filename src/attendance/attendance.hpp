#pragma once
// The attendance record: entries and exits from kiosk scans and from staff, corrections that point at what they
// correct (nothing is ever changed or removed), and what follows from them — each child's state on a day, and a
// site's live roster.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "attendance/kiosks.hpp"
#include "attendance/scan_request.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace attendance {

enum class Direction { kIn, kOut };
std::string_view DirectionName(Direction d);  // "in", "out"
std::optional<Direction> ParseDirection(std::string_view s);

// The rules, without a database.

// An effective (uncorrected) entry or exit of a child on a day.
struct Mark {
    Direction direction;
    common::Instant at;
};
struct ScanDecision {
    Direction direction;
    bool repeat = false;  // within the repeat interval of the last mark: "already recorded", nothing recorded
};
// A scan at `at` after `last` (the child's last effective mark that day at or before `at`): the direction follows
// the child's state — out if inside, else in — and a scan within `repeat` of the last mark repeats it.
ScanDecision DecideScan(const std::optional<Mark>& last, common::Instant at, std::chrono::seconds repeat);

enum class State { kNotArrived, kIn, kLeft };
std::string_view StateName(State s);  // "not_arrived", "in", "left"
struct DayState {
    State state = State::kNotArrived;
    std::optional<common::Instant> in_at;   // the latest entry
    std::optional<common::Instant> out_at;  // the latest exit, once left
};
// A child's state from the day's effective marks (any order).
DayState FoldDay(std::vector<Mark> marks);

// Scans from a kiosk.

enum class ScanStatus {
    kRecorded,
    kAlreadyRecorded,     // a repeat within the site's interval, or the same scan_id again: nothing new recorded
    kUnknownKiosk,        // no kiosk has this credential
    kKioskRevoked,        // the kiosk was revoked: it stops at once
    kUnreadable,          // not one of our cards (or forged, or damaged)
    kUnsupportedVersion,  // a card format this server does not know
    kCardRevoked,         // replaced by a reissued card
    kOtherSite,           // the child is not placed at this kiosk's site that day (or is no longer enrolled)
};
std::string_view ScanStatusName(ScanStatus s);

struct ScanResult {
    ScanStatus status = ScanStatus::kUnreadable;
    bool replay = false;  // this scan_id was recorded before: the first answer again
    Direction direction = Direction::kIn;
    common::ChildId child;
    common::SiteId site;
    common::KioskId kiosk;
    std::string display_name;                    // "山田 太郎"
    std::string kana;                            // "やまだ たろう"
    common::EventId event_id;                    // the recorded (or repeated) mark
    common::Instant occurred_at;                 // the scan time it is recorded at
    std::optional<common::Instant> recorded_at;  // when the server recorded it (none for a repeat)
    bool delayed = false;                        // recorded more than kDelayedAfter after the scan
    std::string facility_date;
};
// A scan recorded this long after it was made came from a kiosk that was offline: "sent late".
inline constexpr auto kDelayedAfter = std::chrono::minutes(2);
// A scan whose kiosk, card and child were checked (in a read transaction, outside the serialised write).
struct CheckedScan {
    Kiosk kiosk;
    common::CardId card;
    ScanResult result;  // child, names, date so far
};
// The read half: a refusal or a replay is the final answer; otherwise the scan is ready to record.
std::variant<ScanResult, CheckedScan> CheckScan(db::ReadTx& tx, std::string_view credential, const ScanRequest& scan,
                                                std::string_view secret);
// The write half: the direction from the child's last mark, and the row (none for a repeat). Nothing when the
// kiosk or card was revoked since the check, or the scan_id recorded meanwhile: then check again in the write.
// `checked_in_tx`: the check ran in this transaction, so revocations need no second look.
std::optional<ScanResult> RecordCheckedScan(db::WriteTx& tx, const CheckedScan& checked, const ScanRequest& scan,
                                            const common::Clock& clock, bool checked_in_tx = false);
// Checks the credential, the card and the rules, and records the scan (one row, or none for a repeat) in tx.
ScanResult RecordScan(db::WriteTx& tx, std::string_view credential, const ScanRequest& scan, std::string_view secret,
                      const common::Clock& clock);

// The child's last effective mark that day at or before `at` (an instant as stored), with its row.
struct LastMark {
    common::EventId id;
    Mark mark;
};
std::optional<LastMark> LastMarkBefore(db::ReadTx& tx, common::ChildId child, const std::string& date,
                                       const std::string& at);

// An entry or exit made at a kiosk: a card's scan, or a family's stamp at a nursery's entrance (no card; entrance/).
struct KioskMark {
    const Kiosk& kiosk;
    common::ChildId child;
    std::string facility_date;
    Direction direction = Direction::kIn;
    common::Instant at;
    std::string scan_id;  // made by the kiosk; recorded once per kiosk
    std::optional<common::CardId> card;
    bool by_family = false;  // a guardian's stamp: its notice names who stamped and who picked up (entrance_stamp)
};
struct InsertedMark {
    common::EventId id;
    common::Instant recorded_at;
};
// Records the mark, tells the family and the live roster; nothing (nullopt) when the kiosk recorded this scan_id
// before. The direction is the caller's decision (DecideScan on LastMarkBefore).
std::optional<InsertedMark> InsertKioskMark(db::WriteTx& tx, const KioskMark& mark, const common::Clock& clock);

// What a kiosk keeps so that it can name a child while it is offline: the current card of each child placed at its
// site on `date` or later. Only the card's number is matched on the device (it cannot check a card's signature);
// the server checks every scan when it is sent.
struct DirectoryEntry {
    common::CardId card;
    std::string display_name;
    std::string kana;
};
std::vector<DirectoryEntry> KioskDirectory(db::ReadTx& tx, common::SiteId site, const std::string& date);

// The effective marks at a site from one facility date to another (inclusive), by child and date: the record a
// register or a count is made of.
std::map<std::pair<common::ChildId, std::string>, std::vector<Mark>> SiteMarksBetween(db::ReadTx& tx,
                                                                                      common::SiteId site,
                                                                                      const std::string& from,
                                                                                      const std::string& to);

// Staff: by hand, and corrections.

struct StaffMark {
    common::ChildId child;
    common::SiteId site;
    Direction direction;
    common::Instant at;
    common::UserId staff;
    std::string reason;
    bool notify = true;  // the family's ordinary entry/exit notice (a roll-call's hand-over sends its own)
};
common::EventId RecordByStaff(db::WriteTx& tx, const StaffMark& mark, const common::Clock& clock);

struct Event {
    common::EventId id;
    common::ChildId child;
    common::SiteId site;
    std::string facility_date;
    std::string kind;  // in, out, void
    std::string occurred_at;
    std::string source;  // kiosk, staff
    std::optional<std::string> kiosk_name;
    std::optional<std::string> staff_name;
    std::optional<std::string> stamped_by;                    // the guardian who stamped it at a nursery's entrance
    std::optional<std::string> pickup_name, pickup_relation;  // who took the child: someone on its pick-up list
    std::optional<common::EventId> corrects;
    std::optional<common::EventId> corrected_by;
    std::string reason;
    std::string created_at;
};
std::optional<Event> GetEvent(db::ReadTx& tx, common::EventId id);
// Everything recorded for the child that day, corrections included, in the order it happened.
std::vector<Event> DayHistory(db::ReadTx& tx, common::ChildId child, const std::string& date);

enum class CorrectionProblem { kAlreadyCorrected, kNotAMark, kOtherDay };
struct Correction {
    common::EventId event;
    std::optional<common::Instant> new_time;  // none: undo
    common::UserId staff;
    std::string reason;
};
// A new row that replaces the event: the same entry or exit at another time of the same day, or a void (undo).
std::variant<common::EventId, CorrectionProblem> Correct(db::WriteTx& tx, const Event& event,
                                                         const Correction& correction, const common::Clock& clock);

// The roster.

struct RosterRow {
    common::ChildId child;
    std::string display_name;
    std::string kana;
    std::optional<int> grade;
    std::vector<common::GroupId> groups;
    DayState day;
};
struct Roster {
    std::vector<RosterRow> rows;     // in kana order
    std::int64_t feed_position = 0;  // the site's live feed (live/feed.hpp) continues after this
};
// The children placed at the site on the date (in one group, if given) with their state.
Roster SiteRoster(db::ReadTx& tx, common::SiteId site, const std::string& date, std::optional<common::GroupId> group);
// The state of each of these children at the site that day (a child without a mark there is absent).
std::map<common::ChildId, DayState> SiteChildrenDays(db::ReadTx& tx, common::SiteId site, const std::string& date,
                                                     const std::set<common::ChildId>& children);
// One child's state that day (all sites).
DayState ChildDay(db::ReadTx& tx, common::ChildId child, const std::string& date);

}  // namespace attendance
