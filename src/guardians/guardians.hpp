#pragma once
// Guardians and their links to children (relationship). Staff see a guardian through a child of their sites.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/scope.hpp"
#include "db/database.hpp"

namespace guardians {

inline constexpr const char* kRelationships[] = {"mother", "father", "grandmother", "grandfather", "guardian", "other"};
inline constexpr const char* kLanguages[] = {"ja", "en"};
bool IsRelationship(std::string_view r);

struct GuardianInput {
    std::string family_name;
    std::string given_name;
    std::string family_kana;
    std::string given_kana;
    std::string email;
    std::string phone;
    std::string language = "ja";
};

struct Guardian {
    common::GuardianId id;
    GuardianInput fields;
    bool active = true;
};

struct Link {
    common::GuardianId guardian_id;
    common::ChildId child_id;
    std::string relationship;
    std::string name;  // the other side's full name, for display
    std::string kana;
    bool active = true;
    std::string phone;  // the guardian's, in GuardiansOfChild(ren)
};

// Guardians the scope's user reaches today (rights::kGuardianInScope).
struct GuardianFilter {
    common::SiteScope scope;
    std::string today;  // YYYY-MM-DD, Tokyo
    std::string query;
    bool include_inactive = false;
};

std::vector<Guardian> ListGuardians(db::ReadTx& tx, const GuardianFilter& f, int limit, int offset);
std::int64_t CountGuardians(db::ReadTx& tx, const GuardianFilter& f);
std::optional<Guardian> GetGuardian(db::ReadTx& tx, common::GuardianId id);

common::GuardianId InsertGuardian(db::WriteTx& tx, const GuardianInput& in, const common::Clock& clock);
void UpdateGuardian(db::WriteTx& tx, common::GuardianId id, const GuardianInput& in, const common::Clock& clock);
void SetGuardianActive(db::WriteTx& tx, common::GuardianId id, bool active, const common::Clock& clock);

// Links are unique per guardian and child; linking again updates the relationship.
void LinkGuardian(db::WriteTx& tx, common::GuardianId g, common::ChildId c, const std::string& relationship,
                  const common::Clock& clock);
void UnlinkGuardian(db::WriteTx& tx, common::GuardianId g, common::ChildId c);
std::vector<Link> GuardiansOfChild(db::ReadTx& tx, common::ChildId child);
// The same for many children in one query (the roster's alerts, a message's unreached families), by child.
std::map<common::ChildId, std::vector<Link>> GuardiansOfChildren(db::ReadTx& tx,
                                                                 const std::vector<common::ChildId>& ids);
// A phone number as a tel: link's target: its digits and a leading '+'.
std::string TelTarget(std::string_view phone);
// The relationship of a linked guardian and child, if they are linked.
std::optional<std::string> LinkRelationship(db::ReadTx& tx, common::GuardianId g, common::ChildId c);
// The number a city's system gives the guardian (roster import).
std::optional<common::GuardianId> FindGuardianByExternalId(db::ReadTx& tx, const std::string& external_id);
void SetGuardianExternalId(db::WriteTx& tx, common::GuardianId id, const std::string& external_id);
std::vector<Link> ChildrenOfGuardian(db::ReadTx& tx, common::GuardianId guardian);

}  // namespace guardians
