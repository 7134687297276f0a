#include "attendance/cards.hpp"

#include "common/dates.hpp"

namespace attendance {
namespace {

Card CardFromRow(const db::Row& r) {
    return Card{r.Id<common::CardId>(0), r.Id<common::ChildId>(1), common::CanonicalInstant(r.Text(2)),
                r.IsNull(3) ? std::nullopt : std::optional(common::CanonicalInstant(r.Text(3)))};
}

}  // namespace

std::optional<Card> GetCard(db::ReadTx& tx, common::CardId id) {
    auto r = tx.QueryOptional("SELECT id, child_id, created_at, revoked_at FROM card WHERE id = ?", id);
    if (!r) return std::nullopt;
    return CardFromRow(*r);
}

std::optional<Card> ActiveCard(db::ReadTx& tx, common::ChildId child) {
    auto r = tx.QueryOptional(
        "SELECT id, child_id, created_at, revoked_at FROM card WHERE child_id = ? AND revoked_at IS NULL", child);
    if (!r) return std::nullopt;
    return CardFromRow(*r);
}

common::CardId IssueCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock) {
    std::string now = common::FormatInstant(clock.Now());
    tx.Exec("UPDATE card SET revoked_at = ? WHERE child_id = ? AND revoked_at IS NULL", now, child);
    return tx.QueryOne("INSERT INTO card (child_id, created_at) VALUES (?, ?) RETURNING id", child, now)
        .Id<common::CardId>(0);
}

common::CardId EnsureCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock) {
    if (auto card = ActiveCard(tx, child)) return card->id;
    return IssueCard(tx, child, clock);
}

}  // namespace attendance
