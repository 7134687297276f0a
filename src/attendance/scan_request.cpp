#include "attendance/scan_request.hpp"

#include <boost/json/parse.hpp>

#include "common/dates.hpp"

namespace attendance {
namespace {

constexpr std::size_t kMaxCard = 256;
constexpr std::size_t kMaxScanId = 64;

const boost::json::string* StringField(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? &v->as_string() : nullptr;
}

bool ValidScanId(std::string_view s) {
    if (s.empty() || s.size() > kMaxScanId) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::variant<ScanRequest, std::string> ParseScanRequest(std::string_view body) {
    const std::string malformed = "error_scan_malformed";
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return malformed;
    const auto& o = value.as_object();
    const auto* card = StringField(o, "card");
    const auto* scan_id = StringField(o, "scan_id");
    const auto* scanned_at = StringField(o, "scanned_at");
    if (!card || !scan_id || !scanned_at || card->size() > kMaxCard) return malformed;
    ScanRequest scan;
    scan.card.assign(card->data(), card->size());
    scan.scan_id.assign(scan_id->data(), scan_id->size());
    auto at = common::ParseInstant(std::string(scanned_at->data(), scanned_at->size()));
    if (!at || !ValidScanId(scan.scan_id)) return malformed;
    scan.scanned_at = *at;
    return scan;
}

}  // namespace attendance
