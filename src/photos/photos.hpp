#pragma once
// Photos on the contact notebook's pages, in the database: one photo on one or several children's pages of a day
// (the class's outing, each child's own moment), at two sizes (photos/image.hpp). Who may see one is decided by the
// handlers through rights/ — the site's staff, and the families of the children it is on once their page is
// published.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"
#include "photos/image.hpp"

namespace photos {

inline constexpr int kMaxPerPage = 20;    // photos on one child's page of a day
inline constexpr int kMaxPerUpload = 10;  // files in one upload

struct Photo {
    std::int64_t id = 0;
    common::SiteId site;
    std::string date;  // the pages' day
    int width = 0, height = 0;
    std::vector<common::ChildId> children;  // the pages it is on
};

// Keeps a photo on the pages of `children` (at `site`, of `date`); a page already published is marked edited (its
// family sees the photo, and staff may publish it again to tell them).
std::int64_t Add(db::WriteTx& tx, common::SiteId site, const std::string& date,
                 const std::vector<common::ChildId>& children, const Prepared& photo, common::UserId by,
                 const common::Clock& clock);
std::optional<Photo> Find(db::ReadTx& tx, std::int64_t id);
// The JPEG of a photo at either size.
std::optional<std::string> Jpeg(db::ReadTx& tx, std::int64_t id, bool thumb);
// The photos on a child's page of a day, oldest first.
std::vector<Photo> OnPage(db::ReadTx& tx, common::ChildId child, const std::string& date);
// How many photos each child's page of a day at a site has.
std::vector<std::pair<common::ChildId, int>> CountsOn(db::ReadTx& tx, common::SiteId site, const std::string& date);
// Takes the photo off the child's page of `date` (marking a published page edited); the photo itself goes when it is
// on no page any more. False when it was not on that page.
bool Remove(db::WriteTx& tx, std::int64_t id, common::ChildId child, const std::string& date,
            const common::Clock& clock);

}  // namespace photos
