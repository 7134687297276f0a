#include "reports/handlers.hpp"

#include "auth/audit.hpp"
#include "families/mails.hpp"
#include "reports/counts.hpp"
#include "reports/export.hpp"
#include "reports/files.hpp"
#include "reports/register.hpp"
#include "sites/groups.hpp"
#include "sites/handlers.hpp"
#include "sites/sites.hpp"

namespace reports {

using app::Ctx;
using auth::Action;
using kainjow::mustache::data;

namespace {

std::string MonthOf(const common::Date& d) { return common::FormatDate(d).substr(0, 7); }

common::Date AddMonths(const common::Date& first, int n) {
    auto ym = std::chrono::year_month{first.year(), first.month()} + std::chrono::months{n};
    return common::Date{ym / std::chrono::day{1}};
}

}  // namespace

namespace {

struct Asked {
    common::SiteId site_id;
    std::optional<common::GroupId> group;
    std::string month;
    common::Date today;
};

Asked Ask(Ctx& ctx) {
    Asked a{app::SiteIdParam(ctx), std::nullopt, "", common::TokyoDate(ctx.svc.clock.Now())};
    ctx.RequireAtSite(Action::kAttendanceView, a.site_id);
    if (auto g = app::ParseId(ctx.req.query.GetOr("group"))) a.group = common::GroupId(*g);
    a.month = ctx.req.query.GetOr("month", MonthOf(a.today));
    return a;
}

struct Loaded {
    sites::Site site;
    std::vector<sites::Group> groups;
    reports::Register reg;
};

[[noreturn]] void Refuse(const MonthProblem& problem) {
    throw http::HttpError(problem.key == "error_month" ? 400 : 422, problem.key);
}

// The site and its register, then the audit event. The month is read in a read transaction, beside the others, and
// only the audit row takes the write lock (kiosks' scans wait on it).
Loaded Load(Ctx& ctx, const Asked& a, std::optional<common::ChildId> child = std::nullopt) {
    auto loaded = ctx.svc.db.Read([&](db::ReadTx& tx) {
        auto site = sites::GetSite(tx, a.site_id);
        if (!site) throw http::NotFound();
        auto reg = SiteRegister(tx, a.site_id, a.month, a.group, a.today);
        if (auto* problem = std::get_if<MonthProblem>(&reg)) Refuse(*problem);
        return Loaded{*site, sites::ListGroups(tx, a.site_id, false), std::get<reports::Register>(std::move(reg))};
    });
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        if (child) {
            auth::WriteAudit(tx, ctx.Audit("report.register_child", "child", child->value, a.site_id), ctx.svc.clock);
        } else {
            auth::WriteAudit(tx, ctx.Audit("report.register", "site", a.site_id.value, a.site_id), ctx.svc.clock);
        }
    });
    return loaded;
}

std::string MonthLabel(const Ctx& ctx, const std::string& month) {
    return MonthWords(ctx.svc.catalogue, ctx.lang, MonthBounds(month)->first);
}

}  // namespace

http::Response Handlers::Export(Ctx& ctx) const {
    auto asked = Ask(ctx);
    auto format = ParseFormat(ctx.req.query.GetOr("format", "xlsx"));
    if (!format) throw http::HttpError(400, "error_format");
    // One child's month for the family (PDF only): the child must be on the site's register that month.
    if (auto child = app::ParseId(ctx.req.query.GetOr("child"))) {
        if (*format != Format::kPdf) throw http::HttpError(400, "error_format");
        auto loaded = Load(ctx, asked, common::ChildId(*child));
        Labels labels{ctx.svc.catalogue, ctx.lang, loaded.site.fields.kind, loaded.site.fields.name};
        auto file = ChildMonthPdf(loaded.reg, common::ChildId(*child), labels);
        if (!file) throw http::NotFound();
        return app::Download(*file, "application/pdf",
                             "attendance-" + std::to_string(*child) + "-" + asked.month + ".pdf", true);
    }
    auto loaded = Load(ctx, asked);
    Labels labels{ctx.svc.catalogue, ctx.lang, loaded.site.fields.kind, loaded.site.fields.name};
    return app::Download(
        RegisterFile(loaded.reg, *format, labels), std::string(ContentType(*format)),
        "register-" + asked.site_id.ToString() + "-" + asked.month + "." + std::string(Extension(*format)), true);
}

http::Response Handlers::Register(Ctx& ctx) const {
    auto asked = Ask(ctx);
    const auto site_id = asked.site_id;
    const auto& group = asked.group;
    const auto& today = asked.today;
    const std::string& month = asked.month;
    const bool times = ctx.req.query.GetOr("times") == "1";
    const auto loaded = Load(ctx, asked);
    const auto bounds = MonthBounds(month);
    const auto& reg = loaded.reg;
    ctx.site_kind = loaded.site.fields.kind;

    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", loaded.site.fields.name);
    body.set("month", month);
    body.set("month_label", MonthLabel(ctx, month));
    const std::string base = "/sites/" + site_id.ToString() + "/register";
    std::string keep = (group ? "&group=" + group->ToString() : "") + (times ? "&times=1" : "");
    body.set("prev_url", base + "?month=" + MonthOf(AddMonths(bounds->first, -1)) + keep);
    if (AddMonths(bounds->first, 1) <= today)
        body.set("next_url", base + "?month=" + MonthOf(AddMonths(bounds->first, 1)) + keep);
    body.set("max_month", MonthOf(today));
    if (times) body.set("times", true);
    body.set("groups", sites::GroupOptions(loaded.groups, group));

    // The head: day numbers with their weekday; closed days and weekends marked.
    data days{data::type::list};
    for (std::size_t i = 0; i < reg.dates.size(); ++i) {
        data d;
        const auto& date = reg.dates[i];
        d.set("day", std::to_string(static_cast<unsigned>(date.day())));
        int wd = static_cast<int>(std::chrono::weekday{std::chrono::sys_days(date)}.c_encoding());
        d.set("weekday", ctx.T("weekday_short_" + std::to_string(wd)));
        d.set("class", reg.closed[i] ? "closed" : wd == 6 ? "sat" : "");
        d.set("count", std::to_string(reg.attended_per_day[i]));
        days.push_back(d);
    }
    body.set("days", days);
    const std::string mark_in = ctx.T("register_mark_attended"), mark_absent = ctx.T("register_mark_absent"),
                      mark_closed = ctx.TK("register_mark_closed"), mark_out = ctx.T("register_mark_not_enrolled");
    data rows{data::type::list};
    int attended_total = 0;
    for (const auto& row : reg.rows) {
        data r;
        r.set("id", row.child.ToString());
        r.set("name", row.name);
        r.set("kana", row.kana);
        r.set("attended", std::to_string(row.attended));
        r.set("absent", std::to_string(row.absent));
        if (reg.extended) r.set("extended", std::to_string(row.extended_units));
        attended_total += row.attended;
        data cells{data::type::list};
        for (const auto& c : row.days) {
            data cell;
            cell.set("mark", std::string(MarkName(c.mark)));
            switch (c.mark) {
                case Mark::kAttended:
                    cell.set("text", mark_in);
                    if (times) {
                        cell.set("in", c.in_at ? common::FormatTokyoTime(*c.in_at) : "");
                        if (c.out_at) cell.set("out", common::FormatTokyoTime(*c.out_at));
                        if (c.extended_units > 0) cell.set("units", "+" + std::to_string(c.extended_units));
                    }
                    break;
                case Mark::kAbsent:
                    cell.set("text", mark_absent);
                    cell.set("why", ctx.T(c.absence_reason == "no_notice" ? "register_no_notice"
                                          : c.absence_reason.empty()      ? "register_absent_unknown"
                                                                          : "absence_reason_" + c.absence_reason));
                    break;
                case Mark::kClosed:
                    cell.set("text", mark_closed);
                    break;
                case Mark::kNotEnrolled:
                    cell.set("text", mark_out);
                    break;
                case Mark::kNoPlan:
                case Mark::kAhead:
                    break;
            }
            cells.push_back(cell);
        }
        r.set("cells", cells);
        rows.push_back(r);
    }
    body.set("rows", rows);
    if (reg.rows.empty()) body.set("no_children", true);
    if (reg.extended) {
        body.set("extended", true);
        body.set("extended_head", ExtendedHead(ctx.svc.catalogue, ctx.lang, *reg.extended));
        int units = 0;
        for (const auto& row : reg.rows) units += row.extended_units;
        body.set("extended_total", std::to_string(units));
    }
    body.set("open_days", std::to_string(reg.open_days));
    body.set("attended_total", std::to_string(attended_total));
    body.set("legend", ctx.TK("register_legend"));
    std::string export_base = "/sites/" + site_id.ToString() + "/register/export?month=" + month +
                              (group ? "&group=" + group->ToString() : "") + "&format=";
    body.set("xlsx_url", export_base + "xlsx");
    body.set("csv_url", export_base + "csv");
    body.set("cp932_url", export_base + "csv-cp932");
    body.set("pdf_url", export_base + "pdf");
    body.set("open_days_label", ctx.TK("register_open_days"));
    body.set("times_label", ctx.TK("register_times"));
    ctx.wide = true;
    return app::RenderPage(ctx, register_, "register_title", body);
}

namespace {

// The sites whose attendance the reader may see by the permission rule (each site's register asks the same), for
// the counts and the city's registers.
std::vector<SiteLine> SitesInScope(db::ReadTx& tx, const auth::Actor& actor) {
    std::vector<SiteLine> out;
    for (auto& s : sites::ListSiteOptions(tx, actor.Scope(), false)) {
        if (auth::Can(actor, Action::kAttendanceView, s.id)) out.push_back({s.id, s.name, s.kind});
    }
    return out;
}

const auth::Actor& CountsReader(Ctx& ctx) {
    const auto& actor = ctx.RequireActor();
    if (!auth::Can(actor, Action::kAttendanceView)) throw http::Forbidden();
    return actor;
}

// A month of every site the reader may see: read in one read transaction (a city's worth of reading must not hold
// the write lock), then the audit row.
CityMonth ReadCityMonth(Ctx& ctx, const std::string& month, const common::Date& today, const std::string& event) {
    const auto& actor = CountsReader(ctx);
    if (auto problem = CheckMonth(month, today)) Refuse(*problem);
    auto city =
        ctx.svc.db.Read([&](db::ReadTx& tx) { return LoadCityMonth(tx, SitesInScope(tx, actor), month, today); });
    ctx.svc.db.Write(
        [&](db::WriteTx& tx) { auth::WriteAudit(tx, ctx.Audit(event, "city", std::nullopt), ctx.svc.clock); });
    return city;
}

YearAsked AskYear(Ctx& ctx, const common::Date& today) {
    auto asked = CheckYear(ctx.req.query.Get("year"), ctx.req.query.Get("survey"), today);
    if (auto* problem = std::get_if<MonthProblem>(&asked))
        throw http::HttpError(problem->key == "error_year_future" ? 422 : 400, problem->key);
    return std::get<YearAsked>(asked);
}

CityYear ReadCityYear(Ctx& ctx, const YearAsked& asked, const common::Date& today, const std::string& event) {
    const auto& actor = CountsReader(ctx);
    auto city = ctx.svc.db.Read(
        [&](db::ReadTx& tx) { return LoadCityYear(tx, SitesInScope(tx, actor), asked.year, asked.survey, today); });
    ctx.svc.db.Write(
        [&](db::WriteTx& tx) { auth::WriteAudit(tx, ctx.Audit(event, "city", std::nullopt), ctx.svc.clock); });
    return city;
}

}  // namespace

// The month of every site the user may see, in figures: the city office's view of attendance without phoning round.
http::Response Handlers::Counts(Ctx& ctx) const {
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    const std::string month = ctx.req.query.GetOr("month", MonthOf(today));
    const auto city = ReadCityMonth(ctx, month, today, "report.counts");
    const auto bounds = MonthBounds(month);
    data body;
    body.set("month", month);
    body.set("max_month", MonthOf(today));
    body.set("month_label", MonthLabel(ctx, month));
    body.set("prev_url", "/counts?month=" + MonthOf(AddMonths(bounds->first, -1)));
    if (AddMonths(bounds->first, 1) <= today)
        body.set("next_url", "/counts?month=" + MonthOf(AddMonths(bounds->first, 1)));
    data rows{data::type::list};
    MonthCounts total;
    int extended = 0;
    std::map<int, GradeCounts> grades;
    for (const auto& l : city.sites) {
        data r;
        r.set("id", l.site.site.ToString());
        r.set("name", l.site.name);
        r.set("kind", ctx.T("site_kind_" + l.site.kind));
        r.set("register_url", "/sites/" + l.site.site.ToString() + "/register?month=" + month);
        r.set("enrolled", std::to_string(l.counts.enrolled));
        r.set("open_days", std::to_string(l.counts.open_days));
        r.set("open_so_far", std::to_string(l.counts.open_days_so_far));
        r.set("attendances", std::to_string(l.counts.attendances));
        r.set("absences", std::to_string(l.counts.absences));
        r.set("average", files::OneDecimal(l.counts.average));
        r.set("extended", l.counts_extended ? std::to_string(l.extended_units) : "–");
        rows.push_back(r);
        total.enrolled += l.counts.enrolled;
        total.attendances += l.counts.attendances;
        total.absences += l.counts.absences;
        total.average += l.counts.average;
        extended += l.extended_units;
        for (const auto& g : l.grades) {
            auto& c = grades[g.school_year.value_or(1000)];
            c.school_year = g.school_year;
            c.enrolled += g.enrolled;
            c.attendances += g.attendances;
            c.absences += g.absences;
        }
    }
    body.set("rows", rows);
    if (city.sites.empty()) body.set("no_sites", true);
    body.set("total_enrolled", std::to_string(total.enrolled));
    body.set("total_attendances", std::to_string(total.attendances));
    body.set("total_absences", std::to_string(total.absences));
    body.set("total_average", files::OneDecimal(total.average));
    body.set("total_extended", std::to_string(extended));
    data glist{data::type::list};
    for (const auto& [key, g] : grades) {
        data d;
        d.set("label", SchoolYearWords(ctx.svc.catalogue, ctx.lang, g.school_year));
        d.set("enrolled", std::to_string(g.enrolled));
        d.set("attendances", std::to_string(g.attendances));
        d.set("absences", std::to_string(g.absences));
        glist.push_back(d);
    }
    body.set("grades", glist);
    const std::string base = "/counts/export?month=" + month + "&format=";
    body.set("xlsx_url", base + "xlsx");
    body.set("pdf_url", base + "pdf");
    body.set("csv_url", base + "csv");
    body.set("cp932_url", base + "csv-cp932");
    body.set("days_csv_url", base + "csv&table=days");
    body.set("registers_xlsx_url", "/counts/registers?month=" + month + "&format=xlsx");
    body.set("registers_pdf_url", "/counts/registers?month=" + month + "&format=pdf");
    body.set("year_url", "/counts/year?year=" + std::to_string(FiscalYearOf(bounds->first)));
    ctx.wide = true;
    return app::RenderPage(ctx, counts_, "counts_title", body);
}

http::Response Handlers::CountsExport(Ctx& ctx) const {
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    const std::string month = ctx.req.query.GetOr("month", MonthOf(today));
    auto format = ParseFormat(ctx.req.query.GetOr("format", "xlsx"));
    auto table = ParseCountsTable(ctx.req.query.GetOr("table"));
    if (!format || !table) throw http::HttpError(400, "error_format");
    const auto city = ReadCityMonth(ctx, month, today, "report.counts_export");
    return app::Download(CityMonthFile(city, *format, ctx.svc.catalogue, ctx.lang, *table),
                         std::string(ContentType(*format)), "counts-" + month + "." + std::string(Extension(*format)),
                         true);
}

// Every register of a month the reader may see, in one file: a sheet or a PDF section per site.
http::Response Handlers::CityRegisters(Ctx& ctx) const {
    const auto& actor = CountsReader(ctx);
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    const std::string month = ctx.req.query.GetOr("month", MonthOf(today));
    auto format = ParseFormat(ctx.req.query.GetOr("format", "xlsx"));
    if (!format) throw http::HttpError(400, "error_format");
    if (auto problem = CheckMonth(month, today)) Refuse(*problem);
    auto registers = ctx.svc.db.Read([&](db::ReadTx& tx) {
        std::vector<std::pair<reports::Register, Labels>> out;
        for (const auto& s : SitesInScope(tx, actor)) {
            auto reg = SiteRegister(tx, s.site, month, std::nullopt, today);
            if (std::holds_alternative<MonthProblem>(reg)) continue;  // a site opened after the month
            out.emplace_back(std::get<reports::Register>(std::move(reg)),
                             Labels{ctx.svc.catalogue, ctx.lang, s.kind, s.name});
        }
        return out;
    });
    ctx.svc.db.Write([&](db::WriteTx& tx) {
        auth::WriteAudit(tx, ctx.Audit("report.register_all", "city", std::nullopt), ctx.svc.clock);
    });
    return app::Download(CityRegisterFile(registers, *format), std::string(ContentType(*format)),
                         "registers-" + month + "." + std::string(Extension(*format)), true);
}

// The fiscal year's figures the subsidy report asks for, per site.
http::Response Handlers::Year(Ctx& ctx) const {
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    CountsReader(ctx);
    const auto asked = AskYear(ctx, today);
    const auto city = ReadCityYear(ctx, asked, today, "report.year");
    data body;
    const std::string year = std::to_string(asked.year);
    body.set("year", year);
    data years{data::type::list};
    for (int y = FiscalYearOf(today); y >= std::min(asked.year, FiscalYearOf(today) - 9); --y) {
        data d;
        d.set("value", std::to_string(y));
        d.set("label", families::Fill(ctx.T("counts_year_label"), {{"y", std::to_string(y)}}));
        if (y == asked.year) d.set("selected", true);
        years.push_back(d);
    }
    body.set("years", years);
    body.set("survey", common::FormatDate(asked.survey));
    body.set("year_label", families::Fill(ctx.T("counts_year_label"), {{"y", year}}));
    body.set(
        "survey_label",
        families::Fill(ctx.T("counts_registered_on"),
                       {{"date", families::Fill(ctx.T("month_day"),
                                                {{"m", std::to_string(static_cast<unsigned>(asked.survey.month()))},
                                                 {"d", std::to_string(static_cast<unsigned>(asked.survey.day()))}})}}));
    body.set("prev_url", "/counts/year?year=" + std::to_string(asked.year - 1));
    if (asked.year < FiscalYearOf(today)) body.set("next_url", "/counts/year?year=" + std::to_string(asked.year + 1));
    if (asked.year == FiscalYearOf(today)) body.set("in_progress", true);
    data rows{data::type::list};
    for (const auto& l : city.sites) {
        const auto& f = l.figures;
        data r;
        r.set("id", l.site.site.ToString());
        r.set("name", l.site.name);
        r.set("kind", ctx.T("site_kind_" + l.site.kind));
        r.set("days_open", std::to_string(f.days_open));
        r.set("weekdays_open", std::to_string(f.weekdays_open));
        r.set("holidays_open", std::to_string(f.holidays_open));
        r.set("days_past_18", std::to_string(f.days_past_18));
        r.set("weekdays_over_6h", std::to_string(f.weekdays_over_6h));
        r.set("holidays_over_8h", std::to_string(f.holidays_over_8h));
        r.set("attendances", std::to_string(f.attendances));
        r.set("average", files::OneDecimal(f.average));
        data by{data::type::list};
        int school = 0;
        for (int g = 1; g <= 6; ++g) {
            auto it = f.registered_by_year.find(g);
            const int n = it == f.registered_by_year.end() ? 0 : it->second;
            school += n;
            data d;
            d.set("n", std::to_string(n));
            by.push_back(d);
        }
        r.set("by_grade", by);
        r.set("other", std::to_string(f.registered - school));
        r.set("registered", std::to_string(f.registered));
        rows.push_back(r);
    }
    body.set("rows", rows);
    if (city.sites.empty()) body.set("no_sites", true);
    data heads{data::type::list};
    for (int g = 1; g <= 6; ++g) {
        data d;
        d.set("label", ctx.T("grade_" + std::to_string(g)));
        heads.push_back(d);
    }
    body.set("grade_heads", heads);
    const std::string base =
        "/counts/year/export?year=" + year + "&survey=" + common::FormatDate(asked.survey) + "&format=";
    body.set("xlsx_url", base + "xlsx");
    body.set("pdf_url", base + "pdf");
    body.set("csv_url", base + "csv");
    body.set("cp932_url", base + "csv-cp932");
    ctx.wide = true;
    return app::RenderPage(ctx, year_, "counts_year_title", body);
}

http::Response Handlers::YearExport(Ctx& ctx) const {
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    CountsReader(ctx);
    auto format = ParseFormat(ctx.req.query.GetOr("format", "xlsx"));
    if (!format) throw http::HttpError(400, "error_format");
    const auto asked = AskYear(ctx, today);
    const auto city = ReadCityYear(ctx, asked, today, "report.year_export");
    return app::Download(CityYearFile(city, *format, ctx.svc.catalogue, ctx.lang), std::string(ContentType(*format)),
                         "year-" + std::to_string(asked.year) + "." + std::string(Extension(*format)), true);
}

}  // namespace reports
