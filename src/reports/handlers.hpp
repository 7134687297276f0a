#pragma once
// Report pages: the monthly register (出席簿) of a site, the counts of every site in scope (a month, a fiscal year).
// Who may see a site's roster may see its register; every register drawn is an audit event (it names the children).
#include <memory>

#include "app/context.hpp"
#include "reports/overview.hpp"

namespace reports {

class Handlers {
 public:
    explicit Handlers(const web::Templates& t)
        : register_(t.Get("register")),
          counts_(t.Get("counts")),
          year_(t.Get("counts_year")),
          overview_(t.Get("overview")),
          tile_(t.Get("overview_tile")) {}
    http::Response Register(app::Ctx& ctx) const;  // GET /sites/{id}/register?month=YYYY-MM&group=G&times=1
    http::Response Export(app::Ctx& ctx) const;    // GET /sites/{id}/register/export?format=xlsx|csv|csv-cp932&…
    http::Response Counts(app::Ctx& ctx) const;    // GET /counts?month=YYYY-MM: every site in the user's scope
    // GET /counts/export?month=&format=xlsx|pdf|csv|csv-cp932&table=sites|days|grades
    http::Response CountsExport(app::Ctx& ctx) const;
    // GET /counts/registers?month=&format=: every register in the user's scope in one file
    http::Response CityRegisters(app::Ctx& ctx) const;
    // The fiscal year's subsidy figures: GET /counts/year?year=&survey=YYYY-MM-DD and GET /counts/year/export?…
    http::Response Year(app::Ctx& ctx) const;
    http::Response YearExport(app::Ctx& ctx) const;
    // The city's overview (I2): GET /overview?date=&kind=&area=&sort=, its stream GET /overview/events and the
    // figures a live update asks for, GET /overview/figures?sites=1,2 (JSON).
    http::Response Overview(app::Ctx& ctx) const;
    http::Response OverviewEvents(app::Ctx& ctx) const;
    http::Response OverviewFigures(app::Ctx& ctx) const;

 private:
    std::optional<FigureSource> Source(const app::Ctx& ctx) const;
    std::string Tile(app::Ctx& ctx, const SiteFigures& f, const std::string& roster_query) const;
    const web::TemplateRef& register_;
    const web::TemplateRef& counts_;
    const web::TemplateRef& year_;
    const web::TemplateRef& overview_;
    const web::TemplateRef& tile_;
    std::unique_ptr<FigureCache> figure_cache_ = std::make_unique<FigureCache>();  // the overview's, shared by all
    // Rendered tiles, and whole bodies of the overview, shared by the screens that show the same.
    std::unique_ptr<HtmlCache> tile_cache_ = std::make_unique<HtmlCache>(5000);
    std::unique_ptr<HtmlCache> body_cache_ = std::make_unique<HtmlCache>(64);
};

}  // namespace reports
