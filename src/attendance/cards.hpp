#pragma once
// A child's QR card (its payload: card_payload.hpp). The card row says whose it is and whether it was revoked by a
// reissue.
#include <optional>
#include <string>

#include "attendance/card_payload.hpp"
#include "common/clock.hpp"
#include "common/ids.hpp"
#include "db/database.hpp"

namespace attendance {

struct Card {
    common::CardId id;
    common::ChildId child_id;
    std::string created_at;
    std::optional<std::string> revoked_at;
};
std::optional<Card> GetCard(db::ReadTx& tx, common::CardId id);
// The child's card in use, if any.
std::optional<Card> ActiveCard(db::ReadTx& tx, common::ChildId child);
// Revokes the child's card in use (a lost card) and makes a new one.
common::CardId IssueCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock);
// The card in use, made on first need.
common::CardId EnsureCard(db::WriteTx& tx, common::ChildId child, const common::Clock& clock);

}  // namespace attendance
