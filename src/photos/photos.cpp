#include "photos/photos.hpp"

#include "common/base64.hpp"
#include "common/dates.hpp"

namespace photos {
namespace {

void MarkEdited(db::WriteTx& tx, common::ChildId child, const std::string& date, const std::string& now) {
    tx.Exec(
        "UPDATE notebook_entry SET edited_after_publish_at = ?, updated_at = ? WHERE child_id = ? AND entry_date = ? "
        "AND published_at IS NOT NULL",
        now, now, child, date);
}

std::vector<common::ChildId> ChildrenOf(db::ReadTx& tx, std::int64_t id) {
    std::vector<common::ChildId> out;
    for (const auto& r : tx.Query("SELECT child_id FROM photo_child WHERE photo_id = ? ORDER BY child_id", id))
        out.push_back(r.Id<common::ChildId>(0));
    return out;
}

}  // namespace

std::int64_t Add(db::WriteTx& tx, common::SiteId site, const std::string& date,
                 const std::vector<common::ChildId>& children, const Prepared& photo, common::UserId by,
                 const common::Clock& clock) {
    const std::string now = common::FormatInstant(clock.Now());
    const auto id = tx.QueryOne(
                          "INSERT INTO photo (site_id, entry_date, display_base64, thumb_base64, width, height, "
                          "uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          site, date, common::Base64Encode(photo.display), common::Base64Encode(photo.thumb),
                          photo.width, photo.height, by, now)
                        .Int(0);
    for (const auto& child : children) {
        tx.Exec("INSERT INTO photo_child (photo_id, child_id, created_at) VALUES (?, ?, ?)", id, child, now);
        MarkEdited(tx, child, date, now);
    }
    return id;
}

std::optional<Photo> Find(db::ReadTx& tx, std::int64_t id) {
    auto r = tx.QueryOptional("SELECT site_id, entry_date, width, height FROM photo WHERE id = ?", id);
    if (!r) return std::nullopt;
    Photo p;
    p.id = id;
    p.site = r->Id<common::SiteId>(0);
    p.date = r->Text(1).substr(0, 10);
    p.width = static_cast<int>(r->Int(2));
    p.height = static_cast<int>(r->Int(3));
    p.children = ChildrenOf(tx, id);
    return p;
}

std::optional<std::string> Jpeg(db::ReadTx& tx, std::int64_t id, bool thumb) {
    auto r = tx.QueryOptional(
        thumb ? "SELECT thumb_base64 FROM photo WHERE id = ?" : "SELECT display_base64 FROM photo WHERE id = ?", id);
    if (!r) return std::nullopt;
    return common::Base64Decode(r->Text(0));
}

std::vector<Photo> OnPage(db::ReadTx& tx, common::ChildId child, const std::string& date) {
    std::vector<Photo> out;
    for (const auto& r : tx.Query(
             "SELECT p.id, p.site_id, p.width, p.height FROM photo p JOIN photo_child c ON c.photo_id = p.id WHERE "
             "c.child_id = ? AND p.entry_date = ? ORDER BY p.id",
             child, date)) {
        Photo p;
        p.id = r.Int(0);
        p.site = r.Id<common::SiteId>(1);
        p.date = date;
        p.width = static_cast<int>(r.Int(2));
        p.height = static_cast<int>(r.Int(3));
        p.children = {child};
        out.push_back(p);
    }
    return out;
}

std::vector<std::pair<common::ChildId, int>> CountsOn(db::ReadTx& tx, common::SiteId site, const std::string& date) {
    std::vector<std::pair<common::ChildId, int>> out;
    for (const auto& r : tx.Query(
             "SELECT c.child_id, COUNT(*) FROM photo p JOIN photo_child c ON c.photo_id = p.id WHERE p.site_id = ? "
             "AND p.entry_date = ? GROUP BY c.child_id",
             site, date))
        out.emplace_back(r.Id<common::ChildId>(0), static_cast<int>(r.Int(1)));
    return out;
}

bool Remove(db::WriteTx& tx, std::int64_t id, common::ChildId child, const std::string& date,
            const common::Clock& clock) {
    if (tx.Exec("DELETE FROM photo_child WHERE photo_id = ? AND child_id = ? AND EXISTS (SELECT 1 FROM photo p WHERE "
                "p.id = photo_child.photo_id AND p.entry_date = ?)",
                id, child, date) != 1)
        return false;
    MarkEdited(tx, child, date, common::FormatInstant(clock.Now()));
    tx.Exec("DELETE FROM photo WHERE id = ? AND NOT EXISTS (SELECT 1 FROM photo_child c WHERE c.photo_id = photo.id)",
            id);
    return true;
}

}  // namespace photos
