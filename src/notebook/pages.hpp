#pragma once
// What the notebook's handlers share (handlers.cpp, photo_handlers.cpp): the day asked for, the site that keeps the
// child's page of it, and photos taken from a form.
#include <string>
#include <vector>

#include "app/context.hpp"
#include "photos/image.hpp"
#include "sites/groups.hpp"
#include "sites/sites.hpp"

namespace notebook {

// Today in Tokyo, YYYY-MM-DD.
std::string Today(const app::Ctx& ctx);
// A date ("2026-12-04") `days` later (earlier when negative).
std::string AddDays(const std::string& date, int days);
// The day's links on a page of one day: date, prev_date, and next_date when it is not today.
void DayLinks(kainjow::mustache::data& body, const std::string& date, const std::string& today);
// The class choice of a page of a site's classes: groups [{id, name, selected}] and the chosen one as group.
void GroupChoices(kainjow::mustache::data& body, const std::vector<sites::Group>& groups,
                  const std::optional<common::GroupId>& group);
// ?date= (or the form's date): a real date, not after today; today by default.
std::string DateOf(const app::Ctx& ctx, const std::string& given);
// ?month=YYYY-MM (this month in Tokyo if absent): its first day; 400 error_month for anything else.
common::Date MonthOf(const app::Ctx& ctx);
// The site as a nursery (a site that keeps notebooks, journals, naps and plans); NotFound for any other.
sites::Site NurseryOf(db::ReadTx& tx, common::SiteId site);
// The site where the child's page of that day is kept: its placement that day, at a site that keeps notebooks;
// NotFound otherwise.
common::SiteId PageSite(db::ReadTx& tx, common::ChildId child, const std::string& date);

// The form's files named "photos", each decoded and re-encoded (photos::Prepare); HttpError for a refused one (the
// whole request is refused: nothing of it is kept). Done before any transaction: decoding is the slow part.
std::vector<photos::Prepared> PhotosFromForm(const app::Ctx& ctx);
// Keeps the photos on the pages of `children`; 422 when a page would hold more than photos::kMaxPerPage.
void AttachPhotos(db::WriteTx& tx, common::SiteId site, const std::string& date,
                  const std::vector<common::ChildId>& children, const std::vector<photos::Prepared>& prepared,
                  common::UserId by, const common::Clock& clock);

}  // namespace notebook
