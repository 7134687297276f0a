// Reports on both databases, from the real record: the monthly register of a child who moved sites mid-month, with
// a corrected exit, an undone entry, a late-recorded entry and a reported absence.
#include <unicode/ucnv.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>

#include "attendance/attendance.hpp"
#include "harness.hpp"
#include "reports/counts.hpp"
#include "reports/register.hpp"

namespace {

using testing_support::AppTest;

class Reports : public AppTest {
 protected:
    void SetUp() override {
        AppTest::SetUp();
        SeedSmallCity(2, 10);
        child_ = common::ChildId(One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 2"));
        staff_ = common::UserId(One("SELECT id FROM staff_user WHERE login_id = 'staff2'"));
    }
    common::Instant T(const std::string& day, const std::string& hhmm) {
        return common::TokyoInstant(*common::ParseDate(day), *common::ParseTimeOfDay(hhmm));
    }
    common::EventId Record(attendance::Direction d, common::Instant at) {
        return database().Write([&](db::WriteTx& tx) {
            return attendance::RecordByStaff(tx, {child_, common::SiteId(2), d, at, staff_, ""}, clock_);
        });
    }
    reports::Register Build(int site) {
        return database().Read([&](db::ReadTx& tx) {
            auto in = reports::LoadRegisterInputs(tx, common::SiteId(site), "2026-11", std::nullopt);
            return reports::BuildRegister(common::SiteId(site), "2026-11", common::TokyoDate(clock_.Now()), in);
        });
    }
    // CP932 bytes as UTF-8 ("" when they are not CP932).
    static std::string FromCp932(const std::string& bytes) {
        UErrorCode status = U_ZERO_ERROR;
        std::string out(bytes.size() * 3 + 16, '\0');
        auto n = ucnv_convert("UTF-8", "windows-31j", out.data(), static_cast<int32_t>(out.size()), bytes.data(),
                              static_cast<int32_t>(bytes.size()), &status);
        if (U_FAILURE(status)) return "";
        out.resize(static_cast<std::size_t>(n));
        return out;
    }
    const reports::Row* RowOf(const reports::Register& r) {
        for (const auto& row : r.rows) {
            if (row.child == child_) return &row;
        }
        return nullptr;
    }
    common::ChildId child_;
    common::UserId staff_;
};

TEST_P(Reports, TheRegisterOfAChildWhoMovedMidMonth) {
    using attendance::Direction;
    // Tuesday the 17th: in at 15:00, out recorded 17:00 and corrected to 17:30.
    Record(Direction::kIn, T("2026-11-17", "15:00"));
    auto out = Record(Direction::kOut, T("2026-11-17", "17:00"));
    database().Write([&](db::WriteTx& tx) {
        auto e = attendance::GetEvent(tx, out);
        ASSERT_TRUE(e);
        attendance::Correct(tx, *e, {out, T("2026-11-17", "17:30"), staff_, "時刻の誤り"}, clock_);
    });
    // Wednesday the 18th: the family reported an illness.
    database().Write([&](db::WriteTx& tx) {
        tx.Exec(
            "INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, absence_reason, created_at, "
            "updated_at) VALUES (?, 2, '2026-11-18', 0, 'illness', ?, ?)",
            child_, common::FormatInstant(clock_.Now()), common::FormatInstant(clock_.Now()));
    });
    // Thursday the 19th: an entry recorded days later (an offline kiosk's, or staff catching up): its own day.
    Record(Direction::kIn, T("2026-11-19", "15:05"));
    // Friday the 20th: an entry by mistake, undone.
    auto wrong = Record(Direction::kIn, T("2026-11-20", "15:00"));
    database().Write([&](db::WriteTx& tx) {
        attendance::Correct(tx, *attendance::GetEvent(tx, wrong), {wrong, std::nullopt, staff_, "別の子"}, clock_);
    });
    // Sunday the 22nd (today): the child moves to site 1.
    MoveChild(child_, common::SiteId(1));

    auto old_site = Build(2);
    const auto* row = RowOf(old_site);
    ASSERT_NE(row, nullptr) << "enrolled at site 2 for part of the month";
    auto day = [&](int d) { return row->days.at(static_cast<std::size_t>(d - 1)); };
    EXPECT_EQ(day(17).mark, reports::Mark::kAttended);
    EXPECT_EQ(common::FormatTokyoTime(*day(17).out_at), "17:30");
    EXPECT_EQ(day(18).mark, reports::Mark::kAbsent);
    EXPECT_EQ(day(18).absence_reason, "illness");
    EXPECT_EQ(day(19).mark, reports::Mark::kAttended);
    EXPECT_EQ(day(20).mark, reports::Mark::kNoPlan);
    EXPECT_EQ(day(22).mark, reports::Mark::kNotEnrolled);
    EXPECT_EQ(day(30).mark, reports::Mark::kNotEnrolled);
    EXPECT_EQ(row->attended, 2);
    EXPECT_EQ(row->absent, 1);
    EXPECT_EQ(old_site.attended_per_day.at(16), 1);

    auto new_site = Build(1);
    const auto* moved = RowOf(new_site);
    ASSERT_NE(moved, nullptr);
    EXPECT_EQ(moved->days.at(16).mark, reports::Mark::kNotEnrolled) << "site 1 does not get site 2's days";
    EXPECT_EQ(moved->days.at(21).mark, reports::Mark::kClosed) << "a Sunday";
    EXPECT_EQ(moved->days.at(22).mark, reports::Mark::kAhead);
    EXPECT_EQ(moved->attended, 0);
}

// The register page: the month's marks for those who see the site's roster, every drawing audited, and bad months
// refused in words.
TEST_P(Reports, TheRegisterPageShowsTheMonthAndRefusesBadMonths) {
    using attendance::Direction;
    Record(Direction::kIn, T("2026-11-17", "15:00"));
    Record(Direction::kOut, T("2026-11-17", "17:10"));
    SignIn("staff2", "tadaima-demo");
    auto page = Get("/sites/2/register?month=2026-11&times=1");
    ASSERT_EQ(page.status, 200) << page.body.substr(0, 2000);
    EXPECT_NE(page.body.find("2026年11月"), std::string::npos);
    auto row = page.body.substr(page.body.find("<tr data-child=\"" + child_.ToString() + "\">"));
    row = row.substr(0, row.find("</tr>"));
    EXPECT_NE(row.find("<td class=\"m-attended\">〇<span class=\"t\">15:00</span><span class=\"t\">17:10</span></td>"),
              std::string::npos)
        << row;
    EXPECT_EQ(AuditCount("report.register"), 1);
    // The current month by default; months to come, nonsense and before the site took children are refused.
    EXPECT_EQ(Get("/sites/2/register").status, 200);
    auto future = Get("/sites/2/register?month=2027-01");
    EXPECT_EQ(future.status, 422);
    EXPECT_NE(future.body.find("まだ来ていない月の出席簿は作れません。"), std::string::npos);
    EXPECT_EQ(Get("/sites/2/register?month=2026-13").status, 400);
    EXPECT_EQ(Get("/sites/2/register?month=1999-01").status, 422);
    EXPECT_EQ(AuditCount("report.register"), 2) << "only the registers drawn";
    // Another site's register is not this staff member's.
    EXPECT_NE(Get("/sites/1/register?month=2026-11").status, 200);
}

// The register as a workbook, read back by an independent reader (python3-openpyxl) and checked cell by cell
// against the register the page draws; as CSV in UTF-8 with a byte order mark and in CP932.
TEST_P(Reports, TheRegisterExportsAreTheSameRegister) {
    using attendance::Direction;
    Record(Direction::kIn, T("2026-11-17", "15:00"));
    Record(Direction::kOut, T("2026-11-17", "17:10"));
    database().Write([&](db::WriteTx& tx) {
        tx.Exec(
            "INSERT INTO attendance_plan (child_id, site_id, plan_date, attending, absence_reason, created_at, "
            "updated_at) VALUES (?, 2, '2026-11-18', 0, 'illness', ?, ?)",
            child_, common::FormatInstant(clock_.Now()), common::FormatInstant(clock_.Now()));
    });
    auto reg = Build(2);
    SignIn("manager2", "tadaima-demo");
    auto xlsx = Get("/sites/2/register/export?month=2026-11&format=xlsx");
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_NE(xlsx.raw.content_type.find("spreadsheetml"), std::string::npos);
    const std::string out = testing_support::WorkbookJson(xlsx.body);
    ASSERT_FALSE(out.empty()) << "openpyxl read nothing";
    auto sheets = boost::json::parse(out).at("sheets").as_array();
    ASSERT_EQ(sheets.size(), 2U);
    const auto& book = sheets.at(0).as_object();
    EXPECT_EQ(book.at("freeze").as_string(), "D4");
    EXPECT_EQ(book.at("orientation").as_string(), "landscape");
    auto all_rows = book.at("rows").as_array();
    all_rows.erase(all_rows.begin());  // the title line
    const auto& rows = all_rows;
    // The head: a real date per day; then a row per child in the register's order, marks and numbers as numbers.
    const auto& head = rows.at(0).as_array();
    EXPECT_EQ(head.at(3).as_string(), "2026-11-01T00:00:00");
    EXPECT_EQ(head.at(32).as_string(), "2026-11-30T00:00:00");
    ASSERT_EQ(rows.size(), 2 + reg.rows.size() + 1);
    for (std::size_t i = 0; i < reg.rows.size(); ++i) {
        const auto& got = rows.at(2 + i).as_array();
        const auto& want = reg.rows[i];
        EXPECT_EQ(got.at(0).as_string(), want.name);
        for (std::size_t d = 0; d < want.days.size(); ++d) {
            std::string mark = got.at(3 + d).is_null() ? "" : std::string(got.at(3 + d).as_string());
            const char* expected = want.days[d].mark == reports::Mark::kAttended      ? "〇"
                                   : want.days[d].mark == reports::Mark::kAbsent      ? "欠"
                                   : want.days[d].mark == reports::Mark::kClosed      ? "休"
                                   : want.days[d].mark == reports::Mark::kNotEnrolled ? "−"
                                                                                      : "";
            EXPECT_EQ(mark, expected) << want.name << " day " << d + 1;
        }
        EXPECT_EQ(got.at(33).to_number<int>(), want.attended);
        EXPECT_EQ(got.at(34).to_number<int>(), want.absent);
    }
    // CSV: UTF-8 with a byte order mark, and CP932 that decodes to the same text.
    auto csv = Get("/sites/2/register/export?month=2026-11&format=csv");
    ASSERT_EQ(csv.status, 200);
    ASSERT_TRUE(csv.body.starts_with("\xEF\xBB\xBF"));
    EXPECT_NE(csv.body.find("欠（体調不良）"), std::string::npos);
    auto sjis = Get("/sites/2/register/export?month=2026-11&format=csv-cp932");
    ASSERT_EQ(sjis.status, 200);
    const std::string back = FromCp932(sjis.body);
    ASSERT_FALSE(back.empty()) << "not CP932";
    EXPECT_EQ(back, csv.body.substr(3));
    // Each export is audited; an unknown format is refused in words.
    EXPECT_EQ(AuditCount("report.register"), 3);
    auto bad = Get("/sites/2/register/export?month=2026-11&format=ods");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("形式は xlsx、pdf、csv、csv-cp932 のどれかです。"), std::string::npos);
}

// The month in figures: each user sees the sites of their own scope, the figures are the register's, and each
// drawing is audited.
TEST_P(Reports, TheFiguresOfTheMonthAreTheRegistersForTheSitesOneSees) {
    using attendance::Direction;
    Record(Direction::kIn, T("2026-11-17", "15:00"));
    Record(Direction::kIn, T("2026-11-19", "15:00"));
    auto reg = Build(2);
    auto counts = reports::CountsOf(reg, common::TokyoDate(clock_.Now()));
    ASSERT_EQ(counts.attendances, 2);
    SignIn("staff2", "tadaima-demo");
    auto page = Get("/counts?month=2026-11");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("data-site=\"2\""), std::string::npos);
    EXPECT_EQ(page.body.find("data-site=\"1\""), std::string::npos) << "another site's figures";
    auto row = page.body.substr(page.body.find("data-site=\"2\""));
    row = row.substr(0, row.find("</tr>"));
    EXPECT_NE(row.find("data-field=\"attendances\">2<"), std::string::npos) << row;
    EXPECT_NE(row.find("data-field=\"enrolled\">" + std::to_string(counts.enrolled) + "<"), std::string::npos) << row;
    EXPECT_EQ(AuditCount("report.counts"), 1);
    EXPECT_EQ(Get("/counts?month=2027-02").status, 422);
    EXPECT_EQ(Get("/counts?month=nov").status, 400);
    cookies_.clear();
    SignIn("admin", "tadaima-demo");
    auto all = Get("/counts?month=2026-11");
    EXPECT_NE(all.body.find("data-site=\"1\""), std::string::npos);
    EXPECT_NE(all.body.find("data-site=\"2\""), std::string::npos);
}

// Extended hours as the site counts them, in the register's page, its workbook and on paper; one child's month for
// the family as a PDF, read back with pdftotext; a child not on the site's register has none.
TEST_P(Reports, ExtendedHoursAndAChildsMonthOnPaper) {
    using attendance::Direction;
    SignIn("manager2", "tadaima-demo");
    // The site counts from 17:00 in 30-minute units, rounded up: out at 17:40 is 40 minutes, 2 units.
    auto schedule = Get("/sites/2/schedule");
    ASSERT_EQ(schedule.status, 200);
    auto bad = Post("/sites/2/schedule", {{"deadline_days_before", "1"},
                                          {"deadline_time", "17:00"},
                                          {"late_after_minutes", "30"},
                                          {"reminder_day", "20"},
                                          {"extended_after", "25:99"},
                                          {"extended_unit", "0"},
                                          {"extended_rounding", "sideways"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_NE(bad.body.find("端数の扱いを選んでください。"), std::string::npos);
    EXPECT_EQ(One("SELECT COUNT(*) FROM site WHERE id = 2 AND extended_after IS NOT NULL"), 0) << "nothing saved";
    auto saved = Post("/sites/2/schedule", {{"deadline_days_before", "1"},
                                            {"deadline_time", "17:00"},
                                            {"late_after_minutes", "30"},
                                            {"reminder_day", "20"},
                                            {"extended_after", "17:00"},
                                            {"extended_unit", "30"},
                                            {"extended_rounding", "up"}});
    ASSERT_EQ(saved.status, 303);
    Record(Direction::kIn, T("2026-11-17", "15:00"));
    Record(Direction::kOut, T("2026-11-17", "17:40"));
    auto reg = Build(2);
    ASSERT_TRUE(reg.extended);
    const auto* row = RowOf(reg);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->extended_units, 2);
    EXPECT_EQ(row->extended_minutes, 40);
    auto page = Get("/sites/2/register?month=2026-11&times=1");
    EXPECT_NE(page.body.find("延長（17:00以降・30分単位）"), std::string::npos);
    EXPECT_NE(page.body.find("<span class=\"t x\">+2</span>"), std::string::npos);
    // The workbook's marks sheet carries the units and minutes after the absences; the details sheet per day.
    auto book = boost::json::parse(
                    testing_support::WorkbookJson(Get("/sites/2/register/export?month=2026-11&format=xlsx").body))
                    .at("sheets")
                    .as_array();
    ASSERT_EQ(book.size(), 2U);
    bool found = false;
    for (const auto& r : book.at(0).at("rows").as_array()) {
        const auto& cells = r.as_array();
        if (cells.size() > 36 && cells.at(0).is_string() && cells.at(0).as_string() == row->name) {
            EXPECT_EQ(cells.at(35).to_number<int>(), 2);
            EXPECT_EQ(cells.at(36).to_number<int>(), 40);
            found = true;
        }
    }
    EXPECT_TRUE(found) << "the child's row in the workbook";
    // The register on paper, and one child's month.
    auto pdf = Get("/sites/2/register/export?month=2026-11&format=pdf");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.raw.content_type, "application/pdf");
    auto text = testing_support::PdfText(pdf.body);
    EXPECT_NE(text.find("出席簿"), std::string::npos);
    EXPECT_NE(text.find("2026年11月"), std::string::npos);
    EXPECT_NE(text.find(row->name), std::string::npos);
    auto mine = Get("/sites/2/register/export?month=2026-11&format=pdf&child=" + child_.ToString());
    ASSERT_EQ(mine.status, 200);
    auto child_text = testing_support::PdfText(mine.body);
    EXPECT_NE(child_text.find("出席の記録"), std::string::npos);
    EXPECT_NE(child_text.find(row->name), std::string::npos);
    EXPECT_NE(child_text.find("17:40"), std::string::npos);
    EXPECT_EQ(AuditCount("report.register_child"), 1);
    // Not on this site's register: none; and only as a PDF.
    auto elsewhere = One("SELECT MIN(child_id) FROM child_placement WHERE site_id = 1");
    EXPECT_EQ(Get("/sites/2/register/export?month=2026-11&format=pdf&child=" + std::to_string(elsewhere)).status, 404);
    EXPECT_EQ(Get("/sites/2/register/export?month=2026-11&format=csv&child=" + child_.ToString()).status, 400);
}

// The counts as files: the month's workbook read back and checked against the registers, the fiscal year's page
// and CSV (CP932) against LoadYear, and bad years refused in words.
TEST_P(Reports, TheCountsFilesAndTheYearAreTheRegisters) {
    using attendance::Direction;
    Record(Direction::kIn, T("2026-11-17", "15:00"));
    Record(Direction::kIn, T("2026-11-19", "15:00"));
    const auto today = common::TokyoDate(clock_.Now());
    auto reg = Build(2);
    auto counts = reports::CountsOf(reg, today);
    auto days = reports::DailyCounts(reg);
    SignIn("admin", "tadaima-demo");
    auto xlsx = Get("/counts/export?month=2026-11&format=xlsx");
    ASSERT_EQ(xlsx.status, 200);
    auto sheets = boost::json::parse(testing_support::WorkbookJson(xlsx.body)).at("sheets").as_array();
    ASSERT_EQ(sheets.size(), 3U) << "by site, by day, by grade";
    EXPECT_EQ(sheets.at(0).at("orientation").as_string(), "landscape");
    std::string site2;
    database().Read([&](db::ReadTx& tx) { site2 = tx.QueryOne("SELECT name FROM site WHERE id = 2").Text(0); });
    bool site_row = false;
    for (const auto& r : sheets.at(0).at("rows").as_array()) {
        const auto& c = r.as_array();
        if (!c.at(0).is_string() || c.at(0).as_string() != site2) continue;
        site_row = true;
        EXPECT_EQ(c.at(2).to_number<int>(), counts.enrolled);
        EXPECT_EQ(c.at(3).to_number<int>(), counts.open_days);
        EXPECT_EQ(c.at(5).to_number<int>(), counts.attendances);
        EXPECT_EQ(c.at(6).to_number<int>(), counts.absences);
    }
    EXPECT_TRUE(site_row);
    // By day: a real date, and the day's figures as numbers.
    int day_rows = 0;
    for (const auto& r : sheets.at(1).at("rows").as_array()) {
        const auto& c = r.as_array();
        if (!c.at(0).is_string() || c.at(0).as_string() != site2) continue;
        const auto& want = days.at(static_cast<std::size_t>(day_rows++));
        EXPECT_EQ(c.at(1).as_string(), common::FormatDate(want.date) + "T00:00:00");
        EXPECT_EQ(c.at(3).to_number<int>(), want.enrolled);
        EXPECT_EQ(c.at(4).to_number<int>(), want.planned);
        EXPECT_EQ(c.at(5).to_number<int>(), want.attended);
        EXPECT_EQ(c.at(6).to_number<int>(), want.absent);
    }
    EXPECT_EQ(day_rows, 30);
    EXPECT_EQ(Get("/counts/export?month=2026-11&format=pdf").body.substr(0, 5), "%PDF-");
    EXPECT_EQ(AuditCount("report.counts_export"), 2);
    // The fiscal year: the page's figures are LoadYear's.
    auto year = database().Read([&](db::ReadTx& tx) {
        return reports::LoadYear(tx, common::SiteId(2), 2026, reports::SurveyDay(2026), today).figures;
    });
    EXPECT_GE(year.attendances, 2);
    auto page = Get("/counts/year?year=2026");
    ASSERT_EQ(page.status, 200);
    auto line = page.body.substr(page.body.find("data-site=\"2\""));
    line = line.substr(0, line.find("</tr>"));
    EXPECT_NE(line.find("data-field=\"days_open\">" + std::to_string(year.days_open) + "<"), std::string::npos) << line;
    EXPECT_NE(line.find("data-field=\"attendances\">" + std::to_string(year.attendances) + "<"), std::string::npos);
    EXPECT_NE(line.find("data-field=\"registered\">" + std::to_string(year.registered) + "<"), std::string::npos);
    auto sjis = Get("/counts/year/export?year=2026&format=csv-cp932");
    ASSERT_EQ(sjis.status, 200);
    const std::string back = FromCp932(sjis.body);
    ASSERT_FALSE(back.empty()) << "not CP932";
    EXPECT_TRUE(back.starts_with("施設,開所日数,")) << back.substr(0, 80);
    EXPECT_NE(back.find(site2 + "," + std::to_string(year.days_open) + ","), std::string::npos);
    EXPECT_EQ(Get("/counts/year?year=2027").status, 422);
    auto bad = Get("/counts/year?year=26");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("4桁"), std::string::npos);
    EXPECT_EQ(Get("/counts/year?year=2026&survey=2027-04-01").status, 400);
    EXPECT_EQ(Get("/counts/export?month=2026-11&format=csv&table=nope").status, 400);
    // Every register in one workbook, a sheet per site in the reader's scope: the admin's all, staff's their own.
    auto all = boost::json::parse(testing_support::WorkbookJson(Get("/counts/registers?month=2026-11").body));
    EXPECT_EQ(all.at("sheets").as_array().size(), static_cast<std::size_t>(One("SELECT COUNT(*) FROM site")));
    cookies_.clear();
    SignIn("staff2", "tadaima-demo");
    auto own = boost::json::parse(testing_support::WorkbookJson(Get("/counts/registers?month=2026-11").body));
    ASSERT_EQ(own.at("sheets").as_array().size(), 1U);
    EXPECT_EQ(own.at("sheets").at(0).at("name").as_string(), site2);
    auto paper = testing_support::PdfText(Get("/counts/registers?month=2026-11&format=pdf").body);
    EXPECT_NE(paper.find(site2), std::string::npos);
    EXPECT_EQ(AuditCount("report.register_all"), 3);
}

INSTANTIATE_TEST_SUITE_P(Both, Reports, ::testing::Values(db::Kind::kSqlite, db::Kind::kPostgresql),
                         testing_support::KindName);

}  // namespace
