#include "reports/handlers.hpp"

#include "auth/audit.hpp"
#include "families/mails.hpp"
#include "reports/register.hpp"
#include "sites/groups.hpp"
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

http::Response Handlers::Register(Ctx& ctx) const {
    auto site_id = app::SiteIdParam(ctx);
    ctx.RequireAtSite(Action::kAttendanceView, site_id);
    std::optional<common::GroupId> group;
    if (auto g = app::ParseId(ctx.req.query.GetOr("group"))) group = common::GroupId(*g);
    const bool times = ctx.req.query.GetOr("times") == "1";
    const auto today = common::TokyoDate(ctx.svc.clock.Now());
    std::string month = ctx.req.query.GetOr("month", MonthOf(today));
    auto bounds = MonthBounds(month);
    if (!bounds) throw http::HttpError(400, "error_month");
    if (bounds->first > today) throw http::HttpError(422, "error_month_future");

    struct Loaded {
        sites::Site site;
        std::vector<sites::Group> groups;
        std::string since;  // the site's first day: created, or its first placement if earlier
        reports::Register reg;
    };
    auto loaded = ctx.svc.db.Write([&](db::WriteTx& tx) -> std::optional<Loaded> {
        auto site = sites::GetSite(tx, site_id);
        if (!site) throw http::NotFound();
        // Its first day: when it was made, or its first placement when that is earlier (an imported history).
        std::string since =
            common::CanonicalInstant(tx.QueryOne("SELECT created_at FROM site WHERE id = ?", site_id).Text(0))
                .substr(0, 10);
        if (auto first =
                tx.QueryOne("SELECT MIN(start_date) FROM child_placement WHERE site_id = ?", site_id).OptText(0);
            first && *first < since) {
            since = *first;
        }
        if (!since.empty() && common::FormatDate(bounds->second) < since) return std::nullopt;
        auto in = LoadRegisterInputs(tx, site_id, month, group);
        auth::WriteAudit(tx, ctx.Audit("report.register", "site", site_id.value, site_id), ctx.svc.clock);
        return Loaded{*site, sites::ListGroups(tx, site_id, false), since, BuildRegister(site_id, month, today, in)};
    });
    if (!loaded) throw http::HttpError(422, "error_month_before_site");
    const auto& reg = loaded->reg;
    ctx.site_kind = loaded->site.fields.kind;

    data body;
    body.set("site_id", site_id.ToString());
    body.set("site_name", loaded->site.fields.name);
    body.set("month", month);
    body.set("month_label", families::Fill(ctx.T("month_label"),
                                           {{"y", std::to_string(static_cast<int>(bounds->first.year()))},
                                            {"m", std::to_string(static_cast<unsigned>(bounds->first.month()))}}));
    const std::string base = "/sites/" + site_id.ToString() + "/register";
    std::string keep = (group ? "&group=" + group->ToString() : "") + (times ? "&times=1" : "");
    body.set("prev_url", base + "?month=" + MonthOf(AddMonths(bounds->first, -1)) + keep);
    if (AddMonths(bounds->first, 1) <= today)
        body.set("next_url", base + "?month=" + MonthOf(AddMonths(bounds->first, 1)) + keep);
    body.set("max_month", MonthOf(today));
    if (times) body.set("times", true);
    data groups{data::type::list};
    for (const auto& g : loaded->groups) {
        data d;
        d.set("id", g.id.ToString());
        d.set("name", g.fields.name);
        if (group && *group == g.id) d.set("selected", true);
        groups.push_back(d);
    }
    body.set("groups", groups);

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
    body.set("open_days", std::to_string(reg.open_days));
    body.set("attended_total", std::to_string(attended_total));
    body.set("legend", ctx.TK("register_legend"));
    body.set("open_days_label", ctx.TK("register_open_days"));
    body.set("times_label", ctx.TK("register_times"));
    ctx.wide = true;
    return app::RenderPage(ctx, register_, "register_title", body);
}

}  // namespace reports
