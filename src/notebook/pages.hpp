#pragma once
// What the notebook's handlers share (handlers.cpp, photo_handlers.cpp): the day asked for, the site that keeps the
// child's page of it, and photos taken from a form.
#include <string>
#include <vector>

#include "app/context.hpp"
#include "photos/image.hpp"

namespace notebook {

// Today in Tokyo, YYYY-MM-DD.
std::string Today(const app::Ctx& ctx);
// ?date= (or the form's date): a real date, not after today; today by default.
std::string DateOf(const app::Ctx& ctx, const std::string& given);
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
