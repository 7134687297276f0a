#include "entrance/request.hpp"

#include <boost/json/parse.hpp>

namespace entrance {
namespace {

constexpr std::size_t kMaxText = 96;
constexpr std::size_t kMaxChildren = 20;
const std::string kMalformed = "error_entrance_malformed";

std::optional<std::string> Text(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string() || v->as_string().size() > kMaxText) return std::nullopt;
    return std::string(v->as_string().data(), v->as_string().size());
}

std::optional<std::int64_t> PositiveId(const boost::json::value* v) {
    if (!v || !v->is_int64() || v->as_int64() <= 0) return std::nullopt;
    return v->as_int64();
}

bool ValidStampId(std::string_view s) {
    if (s.empty() || s.size() > 48) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::variant<LookupBody, std::string> ParseLookupBody(std::string_view body) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return kMalformed;
    const auto& o = value.as_object();
    LookupBody out;
    out.pass = Text(o, "pass");
    out.pin = Text(o, "pin");
    if (out.pass.has_value() == out.pin.has_value()) return kMalformed;  // one of the two
    return out;
}

std::variant<StampBody, std::string> ParseStampBody(std::string_view body) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return kMalformed;
    const auto& o = value.as_object();
    StampBody out;
    auto ticket = Text(o, "ticket");
    auto stamp_id = Text(o, "stamp_id");
    auto* children = o.if_contains("children");
    if (!ticket || !stamp_id || !ValidStampId(*stamp_id) || !children || !children->is_array() ||
        children->as_array().size() > kMaxChildren) {
        return kMalformed;
    }
    out.ticket = std::move(*ticket);
    out.stamp_id = std::move(*stamp_id);
    for (const auto& c : children->as_array()) {
        if (!c.is_object()) return kMalformed;
        auto id = PositiveId(c.as_object().if_contains("id"));
        auto direction = Text(c.as_object(), "direction");
        // Parsed here rather than by attendance::ParseDirection, so that this file stands alone (fuzz/).
        if (!id || !direction || (*direction != "in" && *direction != "out")) return kMalformed;
        out.children.emplace_back(common::ChildId(*id),
                                  *direction == "in" ? attendance::Direction::kIn : attendance::Direction::kOut);
    }
    if (auto* pickup = o.if_contains("pickup"); pickup && !pickup->is_null()) {
        if (pickup->is_string() && pickup->as_string() == "self") {
            out.pickup_given = true;
        } else if (auto id = PositiveId(pickup)) {
            out.pickup_given = true;
            out.pickup = common::PickupPersonId(*id);
        } else {
            return kMalformed;
        }
    }
    return out;
}

}  // namespace entrance
