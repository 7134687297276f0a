#include "demo/seed.hpp"

#include <array>
#include <stdexcept>

#include "attendance/kiosks.hpp"
#include "auth/passwords.hpp"
#include "children/children.hpp"
#include "common/dates.hpp"
#include "curriculum/curriculum.hpp"
#include "demo/pictures.hpp"
#include "families/families.hpp"
#include "guardians/guardians.hpp"
#include "health/health.hpp"
#include "journals/journals.hpp"
#include "messages/messages.hpp"
#include "naps/rules.hpp"
#include "notebook/notebook.hpp"
#include "photos/photos.hpp"
#include "plans/plans.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"
#include "staff/staff.hpp"

namespace demo {
namespace {

// splitmix64: tiny, fast and the same on every platform (std distributions are not).
class Rng {
 public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t Next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
    template <class T, std::size_t N>
    const T& Pick(const std::array<T, N>& a) {
        return a[static_cast<std::size_t>(Below(static_cast<int>(N)))];
    }

 private:
    std::uint64_t state_;
};

struct Name {
    const char* kanji;
    const char* kana;
};

constexpr std::array<Name, 30> kFamily = {{
    {"佐藤", "さとう"},   {"鈴木", "すずき"},   {"高橋", "たかはし"}, {"田中", "たなか"},   {"伊藤", "いとう"},
    {"渡辺", "わたなべ"}, {"山本", "やまもと"}, {"中村", "なかむら"}, {"小林", "こばやし"}, {"加藤", "かとう"},
    {"吉田", "よしだ"},   {"山田", "やまだ"},   {"佐々木", "ささき"}, {"山口", "やまぐち"}, {"松本", "まつもと"},
    {"井上", "いのうえ"}, {"木村", "きむら"},   {"林", "はやし"},     {"斎藤", "さいとう"}, {"清水", "しみず"},
    {"山崎", "やまざき"}, {"森", "もり"},       {"池田", "いけだ"},   {"橋本", "はしもと"}, {"阿部", "あべ"},
    {"石川", "いしかわ"}, {"髙橋", "たかはし"}, {"前田", "まえだ"},   {"藤田", "ふじた"},   {"岡田", "おかだ"},
}};
constexpr std::array<Name, 20> kChildGiven = {{
    {"陽翔", "はると"}, {"蓮", "れん"},   {"湊", "みなと"},   {"大和", "やまと"}, {"悠真", "ゆうま"},
    {"結翔", "ゆいと"}, {"律", "りつ"},   {"朝陽", "あさひ"}, {"颯真", "そうま"}, {"樹", "いつき"},
    {"陽葵", "ひまり"}, {"凛", "りん"},   {"詩", "うた"},     {"結菜", "ゆいな"}, {"葵", "あおい"},
    {"紬", "つむぎ"},   {"芽依", "めい"}, {"澪", "みお"},     {"莉子", "りこ"},   {"さくら", "さくら"},
}};
constexpr std::array<Name, 10> kMotherGiven = {{
    {"美咲", "みさき"},
    {"愛", "あい"},
    {"彩", "あや"},
    {"由美", "ゆみ"},
    {"恵", "めぐみ"},
    {"麻衣", "まい"},
    {"智子", "ともこ"},
    {"舞", "まい"},
    {"香織", "かおり"},
    {"真由美", "まゆみ"},
}};
constexpr std::array<Name, 10> kFatherGiven = {{
    {"大輔", "だいすけ"},
    {"健太", "けんた"},
    {"翔太", "しょうた"},
    {"拓也", "たくや"},
    {"直樹", "なおき"},
    {"誠", "まこと"},
    {"亮", "りょう"},
    {"剛", "つよし"},
    {"浩二", "こうじ"},
    {"和也", "かずや"},
}};
constexpr std::array<const char*, 20> kPlaceNames = {
    "さくら",   "みどり",   "ひまわり", "あおば",   "わかば", "すみれ",   "つばさ",   "かえで", "ひかり",   "こすもす",
    "たんぽぽ", "なのはな", "けやき",   "しらかば", "もみじ", "いちょう", "あじさい", "れんげ", "すずらん", "つくし",
};
constexpr std::array<const char*, 3> kKinds = {"gakudo", "hiroba", "nursery"};

std::string KindSuffix(const std::string& kind) {
    if (kind == "gakudo") return "学童クラブ";
    if (kind == "hiroba") return "放課後子どもひろば";
    return "保育園";
}
std::string KindSuffixKana(const std::string& kind) {
    if (kind == "gakudo") return "がくどうくらぶ";
    if (kind == "hiroba") return "ほうかごこどもひろば";
    return "ほいくえん";
}

std::vector<sites::OpeningHours> HoursFor(const std::string& kind) {
    std::vector<sites::OpeningHours> h;
    for (int wd = 1; wd <= 5; ++wd) {
        if (kind == "gakudo") h.push_back({wd, 13 * 60, 19 * 60});
        if (kind == "hiroba") h.push_back({wd, 13 * 60, 17 * 60});
        if (kind == "nursery") h.push_back({wd, 7 * 60, 19 * 60});
    }
    if (kind != "hiroba") h.push_back({6, 8 * 60, 18 * 60});
    return h;
}

std::string Date(int y, int m, int d) {
    return common::FormatDate(common::Date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                           std::chrono::day{static_cast<unsigned>(d)}});
}

// At 学童 sites: dismissal at 15:00 (first graders 14:30) on weekdays, and plans for most children for the next
// two weeks' open days, leaving at 17:00–18:00, with some absences; so the roster has someone expected, absent
// and (after opening plus the threshold) missing. The demo guardian's children are left for the guardian to plan.
void SeedPlans(db::WriteTx& tx, const common::Clock& clock) {
    const auto today = std::chrono::sys_days(common::TokyoDate(clock.Now()));
    const std::string stamp = common::FormatInstant(clock.Now());
    for (const auto& site : tx.Query("SELECT id FROM site WHERE kind = 'gakudo' ORDER BY id")) {
        auto site_id = site.Id<common::SiteId>(0);
        for (int wd = 1; wd <= 5; ++wd) {
            plans::SetDismissal(tx, site_id, 0, wd, 15 * 60, clock);
            plans::SetDismissal(tx, site_id, 1, wd, 14 * 60 + 30, clock);
        }
        int n = 0;
        for (const auto& c :
             tx.Query("SELECT p.child_id FROM child_placement p WHERE p.site_id = ? AND NOT EXISTS (SELECT 1 FROM "
                      "guardian_account_child l JOIN guardian_account a ON a.id = l.account_id WHERE l.child_id = "
                      "p.child_id AND a.email = 'guardian1@example.com') ORDER BY p.child_id",
                      site_id)) {
            ++n;
            if (n % 6 == 0) continue;  // not planned: not expected
            for (int i = 0; i < 14; ++i) {
                common::Date d{today + std::chrono::days(i)};
                if (plans::Weekday(d) == 0) continue;
                bool absent = (n + i) % 11 == 0;
                tx.Exec(
                    "INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, leave_time, way_home, "
                    "absence_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'alone', ?, ?, ?)",
                    c.Int(0), site_id, common::FormatDate(d), absent ? 0 : 1,
                    absent ? std::nullopt : std::optional<std::string>(common::FormatTimeOfDay(17 * 60 + 30 * (n % 3))),
                    absent ? std::optional<std::string>("illness") : std::nullopt, stamp, stamp);
            }
        }
    }
}

// The demo's first nursery and a carer there who writes its records.
// The first account with the role at the site (the approvals' head teacher and head), if any.
std::optional<common::UserId> RoleAt(db::ReadTx& tx, common::SiteId site, const char* role) {
    auto r = tx.QueryOptional("SELECT MIN(user_id) FROM staff_role WHERE site_id = ? AND role = ?", site, role);
    return r && !r->IsNull(0) ? std::optional(r->Id<common::UserId>(0)) : std::nullopt;
}

std::optional<std::pair<common::SiteId, common::UserId>> FirstNursery(db::ReadTx& tx) {
    auto site = tx.QueryOptional("SELECT id FROM site WHERE kind = 'nursery' ORDER BY id LIMIT 1");
    if (!site) return std::nullopt;
    auto carer = tx.QueryOptional(
        "SELECT user_id FROM staff_role WHERE site_id = ? AND role = 'staff' ORDER BY user_id LIMIT 1", site->Int(0));
    if (!carer) return std::nullopt;
    return std::pair{site->Id<common::SiteId>(0), carer->Id<common::UserId>(0)};
}

// How much a child ate, by turns (breakfast at home, lunch at the nursery).
constexpr std::array<const char*, 5> kAmounts = {"all", "all", "most", "half", "all"};

// A past nap at the nursery as the class tablet recorded it: checked at the age class's interval, on the back or the
// side, now and then a minute late (the `k`th nap of the history, so the days differ).
void SeedNap(db::WriteTx& tx, common::SiteId site, common::ChildId child, const common::Date& d, int age_class,
             int from, int to, common::UserId by, int k) {
    const int every = naps::IntervalFor(age_class, naps::Intervals{});
    const auto start = common::TokyoInstant(d, from), end = common::TokyoInstant(d, to);
    const std::string stamp = common::FormatInstant(end);
    const auto id =
        tx.QueryOne(
              "INSERT INTO nap (child_id, site_id, nap_date, interval_minutes, started_at, started_by, "
              "ended_at, ended_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              child, site, common::FormatDate(d), every, common::FormatInstant(start), by, common::FormatInstant(end),
              by, stamp, stamp)
            .Int(0);
    static constexpr std::array<naps::Position, 4> kTurns{naps::Position::kBack, naps::Position::kBack,
                                                          naps::Position::kLeft, naps::Position::kRight};
    int i = 0;
    for (int at = from + every; at < to; at += every, ++i) {
        const bool late = (k + i) % 37 == 0;  // a minute and a half late, now and then
        const auto when = common::TokyoInstant(d, at) + (late ? std::chrono::seconds(90) : std::chrono::seconds(0));
        if (late)
            tx.Exec("INSERT INTO nap_overdue (nap_id, due_at, created_at) VALUES (?, ?, ?)", id,
                    common::FormatInstant(common::TokyoInstant(d, at)), common::FormatInstant(when));
        tx.Exec(
            "INSERT INTO nap_check (nap_id, checked_at, position, breathing_ok, complexion_ok, late, checked_by, "
            "created_at) VALUES (?, ?, ?, 1, 1, ?, ?, ?)",
            id, common::FormatInstant(when), naps::PositionName(kTurns[static_cast<std::size_t>((k + i) % 4)]),
            late ? 1 : 0, by, common::FormatInstant(when));
        if (late) at += 1;  // the next is counted from the late check (to the minute)
    }
}

// A family's side of the notebook for the demo: the `n`th child, `back` days ago, a little different each day.
notebook::HomeSide DemoHomeSide(int n, int back) {
    notebook::HomeSide home;
    home.temperature = 362 + (n * 3 + back) % 9;
    home.temperature_time = 7 * 60 + (n % 4) * 5;
    home.bed_time = 20 * 60 + 30 + (n + back) % 4 * 10;
    home.wake_time = 6 * 60 + 30 + (n * back) % 5 * 10;
    home.breakfast = kAmounts[static_cast<std::size_t>((n + back) % 5)];
    home.bowel_count = (n + back) % 3 == 0 ? 0 : 1;
    home.bowel_state = *home.bowel_count ? "normal" : "";
    home.mood = (n + back) % 7 == 0 ? "usual" : "good";
    if ((n + back) % 9 == 0) home.note = "昨夜は少し寝つきが悪かったです。";
    return home;
}

// The first nursery's contact notebook over the past `days` weekdays: for each child who came, the family's side
// in the morning (where the family has registered, most days), the nursery's side in the afternoon, published at
// 17:00; and a drawn photo of the day on the pages of the children under three (the 0–2 classes' outing).
void SeedNotebook(db::WriteTx& tx, const common::Clock& clock, const auth::DataKeys& keys, int days) {
    auto nursery = FirstNursery(tx);
    if (!nursery) return;
    const auto [site_id, by] = *nursery;
    static constexpr std::array<const char*, 8> kEpisodes = {
        "園庭で砂遊びをしました。型抜きが上手にできて、うれしそうに見せてくれました。",
        "お散歩で公園へ。どんぐりを拾って、お友だちと見せ合っていました。",
        "積み木を高く積んで、崩れるたびに笑っていました。",
        "絵本の読み聞かせを、最後まで座って聞いていました。",
        "リズム遊びで、太鼓の音に合わせて体を揺らしていました。",
        "給食のにんじんを自分から口に運んでいました。",
        "ままごとで、先生にお茶を入れてくれました。",
        "雨だったので、ホールでボール遊びをしました。",
    };
    const auto today = std::chrono::sys_days(common::TokyoDate(clock.Now()));
    for (int back = days; back >= 1; --back) {
        const common::Date d{today - std::chrono::days(back)};
        const int wd = plans::Weekday(d);
        if (wd == 0 || wd == 6) continue;
        const std::string date = common::FormatDate(d);
        common::FixedClock morning(common::TokyoInstant(d, 7 * 60 + 20));
        common::FixedClock afternoon(common::TokyoInstant(d, 16 * 60 + 30));
        std::vector<common::ChildId> youngest;
        int n = 0;
        for (const auto& r : tx.Query(
                 "SELECT c.id, c.birth_date, (SELECT MIN(l.account_id) FROM guardian_account_child l WHERE l.child_id "
                 "= c.id AND l.ended_at IS NULL) FROM child c WHERE EXISTS (SELECT 1 FROM attendance_event e WHERE "
                 "e.child_id = c.id AND e.site_id = ? AND e.facility_date = ? AND e.kind = 'in') ORDER BY "
                 "c.birth_date DESC, c.id",
                 site_id, date)) {
            const auto child = r.Id<common::ChildId>(0);
            const int age = notebook::AgeClass(r.Text(1).substr(0, 10), date);
            ++n;
            if (!r.IsNull(2) && (n + back) % 5 != 0)
                notebook::SaveHome(tx, keys, child, site_id, date, DemoHomeSide(n, back), 0, r.Id<common::AccountId>(2),
                                   morning);
            notebook::NurserySide side;
            side.lunch = kAmounts[static_cast<std::size_t>((n * 2 + back) % 5)];
            side.snack = "all";
            if (age < 3) {
                side.nap_start = 12 * 60 + 30;
                side.nap_end = 14 * 60 + 20 + (n + back) % 4 * 10;
                SeedNap(tx, site_id, child, d, age, *side.nap_start, *side.nap_end, by, n + back);
                side.bowel_count = (n + back) % 2;
                side.bowel_state = *side.bowel_count ? "normal" : "";
            }
            side.mood = "good";
            side.episode = kEpisodes[static_cast<std::size_t>((n + back) % kEpisodes.size())];
            notebook::SaveNursery(tx, keys, child, site_id, date, side, 0, by, afternoon);
            if (age < 3 && youngest.size() < 12) youngest.push_back(child);
        }
        if (!youngest.empty())
            photos::Add(tx, site_id, date, youngest, photos::Prepare(DrawnPicture(back)), by, afternoon);
        // Published with their photos (the families' notices of them long read: none is made).
        tx.Exec(
            "UPDATE notebook_entry SET published_at = ? WHERE site_id = ? AND entry_date = ? AND nursery_sealed IS "
            "NOT NULL",
            common::FormatInstant(common::TokyoInstant(d, 17 * 60)), site_id, date);
    }
    // This morning, once families are up (from 06:30): most registered families have sent their side, the last of
    // them a few minutes ago, so the class's day shows who has and who has not.
    const int now = *common::ParseTimeOfDay(common::FormatTokyoTime(clock.Now()));
    const common::Date d{today};
    const int wd = plans::Weekday(d);
    if (now < 6 * 60 + 30 || wd == 0 || wd == 6) return;
    const std::string date = common::FormatDate(d);
    common::FixedClock morning(common::TokyoInstant(d, std::min(now - 5, 7 * 60 + 20)));
    int n = 0;
    for (const auto& r :
         tx.Query("SELECT c.id, (SELECT MIN(l.account_id) FROM guardian_account_child l WHERE l.child_id = c.id AND "
                  "l.ended_at IS NULL) FROM child c JOIN child_placement p ON p.child_id = c.id AND p.site_id = ? AND "
                  "p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) ORDER BY c.birth_date DESC, c.id",
                  site_id, date, date)) {
        ++n;
        if (r.IsNull(1) || n % 4 == 0) continue;
        notebook::SaveHome(tx, keys, r.Id<common::ChildId>(0), site_id, date, DemoHomeSide(n, 0), 0,
                           r.Id<common::AccountId>(1), morning);
    }
}

// The first nursery's care journals over the past `days` weekdays, as a nursery keeps them: each class's written by
// its carer at 17:30 with two children's episodes, checked by the head teacher (主任) the next morning and approved by
// the head (園長) at noon; the site's journal likewise. Yesterday's wait for the head teacher; one class's of two days
// ago came back with a comment and waits to be mended.
void SeedJournals(db::WriteTx& tx, const common::Clock& clock, const auth::DataKeys& keys, int days) {
    auto nursery = FirstNursery(tx);
    if (!nursery) return;
    const auto [site_id, carer] = *nursery;
    const auto lead = RoleAt(tx, site_id, "lead"), head = RoleAt(tx, site_id, "site_manager");
    if (!lead || !head) return;
    static constexpr std::array<const char*, 5> kActivities = {
        "ねらい：秋の自然に触れて遊ぶ。\n公園へ散歩。落ち葉やどんぐりを集め、園に戻って並べて見せ合った。",
        "ねらい：体を十分に動かして遊ぶ。\nホールでサーキット遊び。マットの山を登り、トンネルをくぐった。",
        "ねらい：友だちと一緒に表現を楽しむ。\nリズム遊びと手遊び歌。太鼓の音に合わせて歩いたり止まったりした。",
        "ねらい：季節の食材に親しむ。\nさつまいもを洗って触り、給食で味わった。",
        "ねらい：身の回りのことを自分でしようとする。\n着替えや手洗いを保育者と一緒に丁寧に行った。",
    };
    static constexpr std::array<const char*, 6> kJournalEpisodes = {
        "友だちに「どうぞ」と玩具を渡していた。",
        "初めて自分から「せんせい」と呼んでくれた。",
        "散歩の途中、落ち葉を拾って「きれい」と見せてくれた。",
        "給食のにんじんを自分から口に運んでいた。",
        "着替えのボタンを最後まで自分で留めた。",
        "泣いている友だちの頭をそっとなでていた。"};
    static constexpr std::array<const char*, 4> kSiteActivities = {
        "園内研修（午睡チェックの手順の確認）。", "避難訓練（地震・午前10時）。全クラス3分で園庭へ避難した。",
        "誕生会。11月生まれの子どもを全園で祝った。", "嘱託医による内科健診（0・1歳児）。"};
    const auto today = std::chrono::sys_days(common::TokyoDate(clock.Now()));
    std::vector<std::optional<common::GroupId>> books;
    for (const auto& r :
         tx.Query("SELECT id FROM child_group WHERE site_id = ? AND deactivated_at IS NULL ORDER BY id", site_id))
        books.push_back(r.Id<common::GroupId>(0));
    books.push_back(std::nullopt);  // the site's
    int k = 0;
    for (int back = days; back >= 1; --back) {
        const common::Date d{today - std::chrono::days(back)};
        const int wd = plans::Weekday(d);
        if (wd == 0 || wd == 6) continue;
        const std::string date = common::FormatDate(d);
        const common::Date next{today - std::chrono::days(back - 1)};
        common::FixedClock evening(common::TokyoInstant(d, 17 * 60 + 30));
        common::FixedClock morning(common::TokyoInstant(next, 9 * 60 + 10));
        common::FixedClock noon(common::TokyoInstant(next, 12 * 60 + 15));
        for (const auto& group : books) {
            ++k;
            journals::Journal j;
            j.site = site_id;
            j.group = group;
            j.date = date;
            j.content.weather = (k % 4 == 0) ? "くもり" : (k % 7 == 0) ? "雨" : "晴れ";
            j.content.activities = group ? kActivities[static_cast<std::size_t>(k % kActivities.size())]
                                         : kSiteActivities[static_cast<std::size_t>(k % kSiteActivities.size())];
            j.content.health = group ? "けが・体調の変化なし。" : "感染症の報告なし。";
            j.content.reflection = group ? "一人ひとりのペースに合わせて関われた。明日も続けたい。" : "";
            if (group) {
                // Two of the class's children who came that day.
                int n = 0;
                for (const auto& r : tx.Query(
                         "SELECT m.child_id FROM child_group_membership m WHERE m.group_id = ? AND EXISTS (SELECT 1 "
                         "FROM attendance_event e WHERE e.child_id = m.child_id AND e.facility_date = ? AND e.kind = "
                         "'in') ORDER BY m.child_id LIMIT 2 OFFSET ?",
                         *group, date, k % 4)) {
                    j.episodes.push_back(
                        {r.Id<common::ChildId>(0), kJournalEpisodes[static_cast<std::size_t>((k + n++) % 6)]});
                }
            }
            std::int64_t id = 0;
            if (!journals::Save(tx, keys, j, 0, carer, evening, id)) continue;
            journals::Advance(tx, keys, id, journals::State::kDraft, journals::Step::kSubmit,
                              journals::State::kSubmitted, "", carer, evening);
            if (back == 1) continue;  // yesterday's wait for the head teacher
            if (back == 2 && group && k % 3 == 0) {
                journals::Advance(tx, keys, id, journals::State::kSubmitted, journals::Step::kReturn,
                                  journals::State::kReturned, "子どもの様子をもう少し具体的に書いてください。", *head,
                                  noon);
                continue;
            }
            journals::Advance(tx, keys, id, journals::State::kSubmitted, journals::Step::kCheck,
                              journals::State::kChecked, "", *lead, morning);
            journals::Advance(tx, keys, id, journals::State::kChecked, journals::Step::kApprove,
                              journals::State::kApproved, "", *head, noon);
        }
    }
}

// The first nursery's curriculum plans: each class's annual plan approved in April, last month's plan approved and
// this month's waiting for the head teacher at the first class, the weeks of this month (the current one a draft),
// the individual plans of the children under three, and the nursery's template for a week.
void SeedCurriculum(db::WriteTx& tx, const common::Clock& clock, const auth::DataKeys& keys) {
    auto nursery = FirstNursery(tx);
    if (!nursery) return;
    const auto [site_id, carer] = *nursery;
    const auto lead = RoleAt(tx, site_id, "lead"), head = RoleAt(tx, site_id, "site_manager");
    if (!lead || !head) return;
    using curriculum::Kind;
    const common::Date today = common::TokyoDate(clock.Now());
    const std::string today_text = common::FormatDate(today);
    const curriculum::Sections kYear{
        {"goal", "一人ひとりが安心して過ごし、自分の思いを表しながら友だちと関わって遊ぶ。"},
        {"t1_children", "新しい環境に戸惑い、泣いたり保育者のそばを離れなかったりする姿がある。"},
        {"t1_aims", "保育者に親しみ、安心して過ごす。"},
        {"t1_content", "好きな遊びを見つけて楽しむ。生活の流れを知る。"},
        {"t1_environment", "一人ひとりの気持ちを受け止め、落ち着ける場所を用意する。"},
        {"t1_family", "送迎時や連絡帳で園での様子を丁寧に伝える。"},
        {"t1_health", "健康状態を把握し、午睡中の呼吸と姿勢を確認する。"},
        {"t2_aims", "夏の遊びを楽しみ、体を十分に動かす。"},
        {"t2_content", "水や砂、泥に触れて遊ぶ。"},
        {"t2_health", "熱中症に気をつけ、こまめに水分をとる。"},
        {"t3_aims", "秋の自然に触れ、友だちと一緒に遊ぶことを楽しむ。"},
        {"t3_content", "散歩で落ち葉や木の実を集める。運動遊びを楽しむ。"},
        {"t3_environment", "集めた自然物で遊べるコーナーを作る。"},
        {"t3_health", "感染症の流行に気をつけ、手洗いを丁寧に行う。"},
        {"t4_aims", "進級への期待をもち、身の回りのことを自分でしようとする。"},
        {"t4_content", "着替えや片付けを自分でする。"}};
    auto month_text = [](const std::string& aims) {
        return curriculum::Sections{{"children", "散歩を喜び、見つけたものを保育者に伝えようとする姿が増えてきた。"},
                                    {"aims", aims},
                                    {"content", "落ち葉やどんぐりを集めて遊ぶ。\n体を動かす遊びを楽しむ。"},
                                    {"environment", "子どもが見つけたものを飾れる場所を用意する。"},
                                    {"family", "散歩の様子を写真で伝える。薄着の習慣を家庭と共有する。"},
                                    {"health", "気温に合わせて衣服を調節する。嘔吐時の処理手順を確認する。"}};
    };
    auto stamp_through = [&](std::int64_t id, journals::State to, common::Date on) {
        common::FixedClock evening(common::TokyoInstant(on, 17 * 60 + 30));
        common::FixedClock next(
            common::TokyoInstant(common::Date{std::chrono::sys_days{on} + std::chrono::days{1}}, 10 * 60));
        using journals::State;
        using journals::Step;
        if (to == State::kDraft) return;
        curriculum::Advance(tx, keys, id, State::kDraft, Step::kSubmit, State::kSubmitted, "", carer, evening);
        if (to == State::kSubmitted) return;
        curriculum::Advance(tx, keys, id, State::kSubmitted, Step::kCheck, State::kChecked, "", *lead, next);
        curriculum::Advance(tx, keys, id, State::kChecked, Step::kApprove, State::kApproved, "", *head, next);
    };
    auto make = [&](Kind kind, common::GroupId group, std::optional<common::ChildId> child, const common::Date& period,
                    const curriculum::Sections& sections, journals::State to) {
        curriculum::Plan p;
        p.site = site_id;
        p.group = group;
        p.child = child;
        p.kind = kind;
        p.period = common::FormatDate(period);
        p.sections = sections;
        const common::Date written = std::min(period, today);
        common::FixedClock at(common::TokyoInstant(written, 16 * 60));
        std::int64_t id = 0;
        if (!curriculum::Save(tx, keys, p, 0, carer, at, id)) return;
        stamp_through(id, to, written);
    };
    const auto year = curriculum::PeriodStart(Kind::kAnnual, today);
    const auto month = curriculum::PeriodStart(Kind::kMonthly, today);
    const common::Date last_month{month - std::chrono::months{1}};
    const auto this_week = curriculum::PeriodStart(Kind::kWeekly, today);
    int k = 0;
    for (const auto& g :
         tx.Query("SELECT id FROM child_group WHERE site_id = ? AND deactivated_at IS NULL ORDER BY id", site_id)) {
        const auto group = g.Id<common::GroupId>(0);
        const bool first = k++ == 0;
        using journals::State;
        make(Kind::kAnnual, group, std::nullopt, year, kYear, State::kApproved);
        make(Kind::kMonthly, group, std::nullopt, last_month, month_text("秋の自然に触れて遊ぶ。"), State::kApproved);
        make(Kind::kMonthly, group, std::nullopt, month, month_text(kYear.at("t3_aims")),
             first ? State::kSubmitted : State::kApproved);
        for (auto w = curriculum::PeriodStart(Kind::kWeekly, month); w <= this_week;
             w = common::Date{std::chrono::sys_days{w} + std::chrono::days{7}}) {
            curriculum::Sections week{{"aims", kYear.at("t3_aims")},
                                      {"content",
                                       "月：散歩（公園）\n火：リズム遊び\n水：製作（落ち葉の貼り絵）\n木："
                                       "ホールで運動遊び\n金：誕生会"},
                                      {"evaluation", w < this_week ? "落ち葉に興味をもって集めていた。" : ""}};
            make(Kind::kWeekly, group, std::nullopt, w, week, w < this_week ? State::kApproved : State::kDraft);
        }
        int n = 0;
        for (const auto& c :
             tx.Query("SELECT c.id, c.birth_date FROM child c JOIN child_group_membership m ON m.child_id = c.id WHERE "
                      "m.group_id = ? ORDER BY c.id",
                      group)) {
            if (notebook::AgeClass(c.Text(1).substr(0, 10), today_text) >= 3) continue;
            curriculum::Sections mine{{"children", "保育者の手遊びをじっと見て、まねようとする。"},
                                      {"aims", "保育者との安心できる関係の中で、自分の思いを表す。"},
                                      {"content", "手遊びや触れ合い遊びを楽しむ。"},
                                      {"family", "家庭での睡眠と食事の様子を連絡帳で伝え合う。"}};
            make(Kind::kIndividual, group, c.Id<common::ChildId>(0), month, mine,
                 n++ % 3 == 0 ? State::kDraft : State::kApproved);
        }
    }
    curriculum::SaveTemplate(tx, keys, site_id, Kind::kWeekly,
                             {{"content", "月：\n火：\n水：\n木：\n金："},
                              {"health", "手洗い・うがいを丁寧に。午睡中は呼吸と姿勢を確認する。"}},
                             *head, clock);
}

// The first nursery's health records: each child under three measured monthly for half a year, two children's
// allergies on their record, a temperature check with a fever yesterday, and an infection a family reported two days
// ago (the class is warned of it today).
void SeedHealth(db::WriteTx& tx, const common::Clock& clock, const auth::DataKeys& keys) {
    auto nursery = FirstNursery(tx);
    if (!nursery) return;
    const auto [site_id, by] = *nursery;
    const auto today = std::chrono::sys_days(common::TokyoDate(clock.Now()));
    const std::string today_text = common::FormatDate(common::Date{today});
    // The nursery tells families of a fever from 37.5 °C.
    health::SaveFeverNotice(tx, site_id, health::kFeverNoticeChoices[0], by, clock);
    // Yesterday's fever: the demo's nursery family's younger child, so that nursery1@example.com has the notice.
    auto feverish = tx.QueryOptional(
        "SELECT c.id FROM child c JOIN guardian_account_child l ON l.child_id = c.id AND l.ended_at IS NULL JOIN "
        "guardian_account a ON a.id = l.account_id WHERE a.email = 'nursery1@example.com' ORDER BY c.birth_date DESC "
        "LIMIT 1");
    int n = 0;
    for (const auto& r : tx.Query(
             "SELECT c.id, c.birth_date, (SELECT MIN(l.account_id) FROM guardian_account_child l WHERE l.child_id = "
             "c.id AND l.ended_at IS NULL) FROM child c JOIN child_placement p ON p.child_id = c.id AND p.site_id = ? "
             "ORDER BY c.birth_date DESC, c.id",
             site_id)) {
        const auto child = r.Id<common::ChildId>(0);
        const std::string birth = r.Text(1).substr(0, 10);
        if (notebook::AgeClass(birth, today_text) >= 3) continue;
        ++n;
        const int months_old =
            static_cast<int>((today - std::chrono::sys_days(*common::ParseDate(birth))).count() / 30);
        for (int back = 5; back >= 0; --back) {
            if (months_old - back < 1) continue;
            const int age = months_old - back;
            health::Entry e;
            e.kind = health::Kind::kGrowth;
            e.child = child;
            e.site = site_id;
            e.date = common::FormatDate(common::Date{today - std::chrono::days(back * 30 + 3)});
            // A typical curve (cm, kg) with a little of each child.
            e.growth.height_mm = 500 + age * (age < 12 ? 20 : 9) + (age >= 12 ? 130 : 0) + n * 7 % 30;
            e.growth.weight_g = 3200 + age * (age < 12 ? 550 : 180) + (age >= 12 ? 700 : 0) + n * 90 % 400;
            health::Add(tx, keys, e, by, std::nullopt, clock);
        }
        if (n == 1 || n == 4) {
            health::SaveRecord(tx, keys, child,
                               {n == 1 ? "卵（加熱したものも不可）" : "牛乳（少量なら可、医師の指示書あり）",
                                "さくら小児科", "03-0000-1234", ""},
                               0, by, clock);
        }
        if (feverish ? feverish->Int(0) == child.value : n == 2) {
            health::Entry fever;
            fever.kind = health::Kind::kTemperature;
            fever.child = child;
            fever.site = site_id;
            fever.date = common::FormatDate(common::Date{today - std::chrono::days(1)});
            fever.temperature = {381, 10 * 60 + 20};
            common::FixedClock then(common::TokyoInstant(common::Date{today - std::chrono::days(1)}, 10 * 60 + 21));
            health::TellFever(tx, fever, health::Add(tx, keys, fever, by, std::nullopt, then), then);
        }
        if (n == 3 && !r.IsNull(2)) {
            health::Entry flu;
            flu.kind = health::Kind::kIllness;
            flu.child = child;
            flu.site = site_id;
            flu.date = common::FormatDate(common::Date{today - std::chrono::days(2)});
            flu.illness = {"influenza", flu.date, std::nullopt, "小児科で検査し、インフルエンザA型でした。"};
            health::Add(tx, keys, flu, std::nullopt, r.Id<common::AccountId>(2), clock);
        }
    }
}

// `days` behind today at the 学童 and nursery sites: each past open day's plans and absences and the entries and exits
// the door's kiosk recorded, and (with `notices`, for the demo's registered families) two notices each site sent; so a
// past roster, a child's day, the family's home and inbox look lived in. Saturdays see a quarter of the children.
void SeedHistory(db::WriteTx& tx, const common::Clock& clock, int days, bool notices) {
    const auto today = std::chrono::sys_days(common::TokyoDate(clock.Now()));
    for (const auto& site : tx.Query("SELECT id, kind FROM site WHERE kind IN ('gakudo', 'nursery') ORDER BY id")) {
        auto site_id = site.Id<common::SiteId>(0);
        // A club's children come after school (all day on Saturdays); a nursery's in the morning, home from 16:00.
        const bool nursery = site.Text(1) == "nursery";
        auto kiosk = attendance::CreateKiosk(tx, site_id, "正面玄関", clock);
        std::vector<std::int64_t> kids;
        // The demo guardian's children too are left for the guardian (as in SeedPlans).
        for (const auto& c :
             tx.Query("SELECT p.child_id FROM child_placement p WHERE p.site_id = ? AND NOT EXISTS (SELECT 1 FROM "
                      "guardian_account_child l JOIN guardian_account a ON a.id = l.account_id WHERE l.child_id = "
                      "p.child_id AND a.email = 'guardian1@example.com') ORDER BY p.child_id",
                      site_id))
            kids.push_back(c.Int(0));
        int scan = 0;
        for (int back = days; back >= 1; --back) {
            const common::Date d{today - std::chrono::days(back)};
            const int wd = plans::Weekday(d);
            if (wd == 0) continue;
            const std::string date = common::FormatDate(d);
            const std::string planned =
                common::FormatInstant(common::TokyoInstant(common::Date{today - std::chrono::days(back + 3)}, 12 * 60));
            for (std::size_t i = 0; i < kids.size(); ++i) {
                const int n = static_cast<int>(i) + 1;
                if (n % 6 == 0 || (wd == 6 && n % 4 != 0)) continue;
                const bool absent = (n + back) % 11 == 0;
                const int leave = nursery ? 16 * 60 + 30 * (n % 5) : 17 * 60 + 30 * (n % 3);
                tx.Exec(
                    "INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, leave_time, way_home, "
                    "absence_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'alone', ?, ?, ?)",
                    kids[i], site_id, date, absent ? 0 : 1,
                    absent ? std::nullopt : std::optional<std::string>(common::FormatTimeOfDay(leave)),
                    absent ? std::optional<std::string>(n % 2 ? "illness" : "family") : std::nullopt, planned, planned);
                if (absent) continue;
                const int in = (nursery ? 7 * 60 + 45 : wd == 6 ? 8 * 60 + 30 : 15 * 60) + (n * 7 + back * 3) % 25;
                const int out = (wd == 6 && !nursery ? 16 * 60 : leave) + (n + back) % 9 - 4;
                for (auto [kind, minutes] : {std::pair{"in", in}, std::pair{"out", out}}) {
                    std::string at = common::FormatInstant(common::TokyoInstant(d, minutes));
                    tx.Exec(
                        "INSERT INTO attendance_event (child_id, site_id, facility_date, kind, occurred_at, source, "
                        "kiosk_id, scan_id, created_at) VALUES (?, ?, ?, ?, ?, 'kiosk', ?, ?, ?)",
                        kids[i], site_id, date, kind, at, kiosk.id, "demo-" + std::to_string(++scan), at);
                }
            }
        }
        // Two notices from the site's manager, sent in the past (their mails go out when the demo starts).
        auto manager = tx.QueryOptional(
            "SELECT u.id FROM staff_user u JOIN staff_role r ON r.user_id = u.id WHERE r.site_id = ? AND r.role = "
            "'site_manager' ORDER BY u.id LIMIT 1",
            site_id);
        if (!manager || !notices) continue;
        struct Notice {
            int back;
            const char* subject;
            const char* body;
        };
        for (const auto& m : {Notice{20, "今月の行事予定",
                                     "今月は工作の日とおたのしみ会があります。詳しくは掲示板をご覧ください。持ち物があ"
                                     "る日は前日までにお知らせします。"},
                              Notice{6, "インフルエンザにご注意ください",
                                     "市内でインフルエンザが流行しています。登所前に体温を測り、熱がある日はお休みの連"
                                     "絡をお願いします。"}}) {
            common::FixedClock then(common::TokyoInstant(common::Date{today - std::chrono::days(m.back)}, 10 * 60));
            messages::Draft draft;
            draft.site = site_id;
            draft.author = manager->Id<common::UserId>(0);
            draft.subject = m.subject;
            draft.body = m.body;
            messages::Create(tx, draft, then);
        }
    }
}

// A family at the first nursery for trying the entrance (nursery1@example.com): two children, a one-year-old and a
// three-year-old, their parents on the roster, and a grandmother on both pick-up lists.
void SeedNurseryFamily(db::WriteTx& tx, const common::Clock& clock, common::SiteId site,
                       const std::vector<common::GroupId>& groups, const std::string& password_hash,
                       const std::string& year_start, int school_year, SeedResult& r) {
    auto account =
        families::CreateConfirmedAccount(tx, "nursery1@example.com", "森田 由美", password_hash, "ja", clock);
    ++r.accounts;
    guardians::GuardianInput mother{"森田", "由美", "もりた", "ゆみ", "nursery1@example.com", "090-0000-9001", "ja"};
    auto parent = guardians::InsertGuardian(tx, mother, clock);
    ++r.guardians;
    struct Kid {
        const char *given, *kana;
        int age;
    };
    for (const Kid& k : {Kid{"陽向", "ひなた", 3}, Kid{"結菜", "ゆいな", 1}}) {
        children::ChildInput in;
        in.family_name = "森田";
        in.given_name = k.given;
        in.family_kana = "もりた";
        in.given_kana = k.kana;
        in.birth_date = Date(school_year - k.age - 1, 6, 10);
        in.site_id = site;
        in.group_ids = {groups[static_cast<std::size_t>(k.age)]};
        in.start_date = year_start;
        auto child = children::InsertChild(tx, in, clock);
        ++r.children;
        families::LinkChild(tx, account, child, auth::FamilyRole::kFull, clock);
        guardians::LinkGuardian(tx, parent, child, "mother", clock);
        plans::AddPickupPerson(tx, child, {{}, "森田 和子", "祖母", "090-0000-9002"}, account, clock);
    }
}

}  // namespace

SeedResult SeedDemo(db::Database& db, const SeedOptions& o, const common::Clock& clock) {
    if (o.sites < 1 || o.children < 0) throw std::runtime_error("seed-demo needs at least one site");
    // The school year starts on 1 April; ages and grades are counted from it.
    auto today = common::TokyoDate(clock.Now());
    int school_year = static_cast<int>(today.year()) - (today.month() < std::chrono::April ? 1 : 0);
    const std::string year_start = Date(school_year, 4, 1);
    const std::string password_hash = auth::HashPassword(o.password);  // one hash for all dummy accounts

    auto result = db.Write([&](db::WriteTx& tx) {
        if (!tx.Query("SELECT 1 FROM site LIMIT 1").empty()) {
            throw std::runtime_error("the database already holds sites; seed-demo needs an empty one");
        }
        Rng rng(20261122);
        SeedResult r;
        auto city = sites::EnsureCity(tx, "ただいま市", clock);
        struct SiteInfo {
            common::SiteId id;
            std::string kind;
            std::vector<common::GroupId> groups;  // index = grade - 1, or age for nurseries
        };
        std::vector<SiteInfo> made;
        auto admin = staff::InsertStaff(tx, "admin", "市 管理者", password_hash, "ja", clock);
        staff::ReplaceRoles(tx, admin, {}, {}, true, clock);
        ++r.staff;
        for (int i = 0; i < o.sites; ++i) {
            std::string kind = kKinds[static_cast<std::size_t>(i % 3)];
            std::string place = kPlaceNames[static_cast<std::size_t>((i / 3) % kPlaceNames.size())];
            std::string number = i >= 60 ? std::to_string(i / 60 + 1) : "";
            static const char* kAreas[] = {"北部地区", "中央地区", "南部地区", "東部地区"};
            sites::SiteInput in{kind,
                                place + number + KindSuffix(kind),
                                place + number + KindSuffixKana(kind),
                                "ただいま市中央" + std::to_string(i + 1) + "丁目1-1",
                                "03-0000-" + std::to_string(1000 + i),
                                HoursFor(kind),
                                60,
                                kAreas[static_cast<std::size_t>(i % 4)]};
            SiteInfo info{sites::InsertSite(tx, city, in, clock), kind, {}};
            // Clubs and nurseries count extended hours (from 18:00, in 30-minute units, a minute starts one).
            if (kind == "gakudo" || kind == "nursery") {
                auto rules = plans::GetSiteRules(tx, info.id);
                rules.extended = plans::ExtendedHours{18 * 60, 30, plans::Rounding::kUp};
                plans::UpdateSiteRules(tx, info.id, rules, clock);
            }
            for (int g = 0; g < 6; ++g) {
                sites::GroupInput gi;
                if (kind == "nursery") {
                    static const char* kClasses[] = {"ひよこ組", "りす組", "うさぎ組",
                                                     "きりん組", "ぞう組", "くじら組"};
                    gi = {"class", std::to_string(g) + "歳児 " + kClasses[g], g};
                } else {
                    gi = {"grade", std::to_string(g + 1) + "年生", g + 1};
                }
                info.groups.push_back(sites::InsertGroup(tx, info.id, gi, clock));
                ++r.groups;
            }
            std::string n = std::to_string(i + 1);
            auto manager = staff::InsertStaff(tx, "manager" + n, place + "施設長" + n, password_hash, "ja", clock);
            staff::ReplaceRoles(tx, manager, {info.id}, {{info.id, auth::Role::kSiteManager}}, std::nullopt, clock);
            auto carer = staff::InsertStaff(tx, "staff" + n, place + "職員" + n, password_hash, "ja", clock);
            staff::ReplaceRoles(tx, carer, {info.id}, {{info.id, auth::Role::kStaff}}, std::nullopt, clock);
            r.staff += 2;
            if (kind == "nursery") {
                // A nursery's head teacher (主任), who checks the journals before the head approves them.
                auto lead = staff::InsertStaff(tx, "lead" + n, place + "主任" + n, password_hash, "ja", clock);
                staff::ReplaceRoles(tx, lead, {info.id}, {{info.id, auth::Role::kLead}}, std::nullopt, clock);
                ++r.staff;
            }
            made.push_back(std::move(info));
            ++r.sites;
        }

        // Families: a child is sometimes the younger sibling of the previous one at the same site.
        std::vector<common::GuardianId> family;
        const Name* family_name = nullptr;
        std::optional<common::AccountId> demo_guardian, demo_family;
        bool first_family = false;
        // A registered family: its first guardian's account, linked to each of the family's children.
        std::optional<common::AccountId> family_account;
        int family_number = 0;
        guardians::GuardianInput family_first;
        for (int c = 0; c < o.children; ++c) {
            const SiteInfo& site = made[static_cast<std::size_t>(c % o.sites)];
            bool sibling = !family.empty() && c >= o.sites && rng.Below(5) == 0;
            if (!sibling) {
                family.clear();
                family_account.reset();
                family_number = r.guardians + 1;
                family_name = &rng.Pick(kFamily);
                const Name& mother = rng.Pick(kMotherGiven);
                const Name& father = rng.Pick(kFatherGiven);
                int parents = rng.Below(3) == 0 ? 1 : 2;
                for (int p = 0; p < parents; ++p) {
                    const Name& given = p == 0 ? mother : father;
                    guardians::GuardianInput g{family_name->kanji,
                                               given.kanji,
                                               family_name->kana,
                                               given.kana,
                                               "hogosha" + std::to_string(r.guardians + 1) + "@example.com",
                                               "090-0000-" + std::to_string(1000 + r.guardians % 9000),
                                               rng.Below(10) == 0 ? "en" : "ja"};
                    if (p == 0) family_first = g;
                    family.push_back(guardians::InsertGuardian(tx, g, clock));
                    ++r.guardians;
                }
            }
            const Name& given = rng.Pick(kChildGiven);
            int slot = rng.Below(6);  // grade 1–6, or nursery age 0–5
            int age = site.kind == "nursery" ? slot : slot + 6;
            children::ChildInput in;
            in.family_name = family_name->kanji;
            in.given_name = given.kanji;
            in.family_kana = family_name->kana;
            in.given_kana = given.kana;
            // Born between 2 April and 1 April so that the age on 1 April of the school year is `age`.
            int birth_year = school_year - age - 1;
            in.birth_date = Date(birth_year, 4 + rng.Below(9), 2 + rng.Below(27));
            if (site.kind != "nursery") in.grade = slot + 1;
            in.site_id = site.id;
            in.group_ids = {site.groups[static_cast<std::size_t>(slot)]};
            in.start_date = year_start;
            auto child = children::InsertChild(tx, in, clock);
            ++r.children;
            // The first family has registered in the app: a guardian (full) and a grandparent (family role).
            if (c == 0 || (sibling && first_family)) {
                first_family = true;
                if (!demo_guardian) {
                    demo_guardian = families::CreateConfirmedAccount(tx, "guardian1@example.com",
                                                                     std::string(family_name->kanji) + " 保護者",
                                                                     password_hash, "ja", clock);
                    demo_family = families::CreateConfirmedAccount(tx, "family1@example.com",
                                                                   std::string(family_name->kanji) + " 祖母",
                                                                   password_hash, "ja", clock);
                }
                families::LinkChild(tx, *demo_guardian, child, auth::FamilyRole::kFull, clock);
                families::LinkChild(tx, *demo_family, child, auth::FamilyRole::kFamily, clock);
            } else if (!sibling) {
                first_family = false;
            }
            // Most families of the demo have registered (a fixed choice per family, apart from the names' draws).
            if (!first_family && (family_number * 37) % 100 < o.registered_percent) {
                if (!family_account) {
                    family_account = families::CreateConfirmedAccount(
                        tx, family_first.email, family_first.family_name + " " + family_first.given_name, password_hash,
                        family_first.language, clock);
                    ++r.accounts;
                }
                families::LinkChild(tx, *family_account, child, auth::FamilyRole::kFull, clock);
            }
            static const char* kParentRel[] = {"mother", "father"};
            for (std::size_t p = 0; p < family.size(); ++p) {
                guardians::LinkGuardian(tx, family[p], child, kParentRel[p % 2], clock);
            }
        }
        // The demo's nursery family for the entrance (with the plans: the demo and the screens' tests, not counts).
        for (const auto& site : made) {
            if (o.plans && site.kind == "nursery") {
                SeedNurseryFamily(tx, clock, site.id, site.groups, password_hash, year_start, school_year, r);
                break;
            }
        }
        if (o.history_days > 0) SeedHistory(tx, clock, o.history_days, o.registered_percent > 0);
        if (o.history_days > 0 && o.keys) {
            SeedNotebook(tx, clock, *o.keys, std::min(o.history_days, 14));
            SeedJournals(tx, clock, *o.keys, std::min(o.history_days, 14));
            SeedHealth(tx, clock, *o.keys);
            SeedCurriculum(tx, clock, *o.keys);
        }
        if (o.plans) SeedPlans(tx, clock);
        return r;
    });
    db.Optimize();  // fresh tables: give the planner statistics before anyone lists them
    return result;
}

}  // namespace demo
