#include "web/assets.hpp"

#include <optional>
#include <stdexcept>

#include "common/random.hpp"
#include "web/embedded.hpp"

namespace web {
namespace {
constexpr std::string_view kPrefix = "src/web/static/";

std::string ContentType(std::string_view file) {
    if (file.ends_with(".css")) return "text/css; charset=utf-8";
    if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (file.ends_with(".svg")) return "image/svg+xml";
    if (file.ends_with(".png")) return "image/png";
    if (file.ends_with(".ico")) return "image/x-icon";
    if (file.ends_with(".json") || file.ends_with(".webmanifest")) return "application/manifest+json";
    if (file.ends_with(".wasm")) return "application/wasm";
    return "application/octet-stream";
}

// Files from npm packages, embedded at build time, under the names the pages use.
constexpr std::pair<std::string_view, std::string_view> kVendor[] = {
    {"node_modules/zxing-wasm/dist/iife/reader/index.js", "zxing-reader.js"},
    {"node_modules/zxing-wasm/dist/reader/zxing_reader.wasm", "zxing_reader.wasm"},
};

std::optional<std::string> AssetName(std::string_view path) {
    if (path.starts_with(kPrefix)) return std::string(path.substr(kPrefix.size()));
    for (const auto& [from, to] : kVendor) {
        if (path == from) return std::string(to);
    }
    return std::nullopt;
}
}  // namespace

Assets::Assets() {
    for (const auto& f : EmbeddedFiles()) {
        auto name = AssetName(f.path);
        if (!name) continue;
        std::string file = *name;
        auto dot = file.rfind('.');
        std::string hashed = file.substr(0, dot) + "." + common::Sha256Hex(f.data).substr(0, 16) + file.substr(dot);
        auto [it, _] = by_file_.emplace(file, Asset{"/static/" + hashed, ContentType(file), f.data});
        by_hashed_.emplace(hashed, &it->second);
    }
}

const std::string& Assets::Url(std::string_view file) const {
    auto it = by_file_.find(file);
    if (it == by_file_.end()) throw std::runtime_error("asset is missing: " + std::string(file));
    return it->second.url;
}

std::string_view Assets::Data(std::string_view file) const {
    auto it = by_file_.find(file);
    if (it == by_file_.end()) throw std::logic_error("no such asset: " + std::string(file));
    return it->second.data;
}

bool Assets::Has(std::string_view file) const { return by_file_.find(file) != by_file_.end(); }

const Asset* Assets::FindByHashedName(std::string_view hashed) const {
    auto it = by_hashed_.find(hashed);
    return it == by_hashed_.end() ? nullptr : it->second;
}

}  // namespace web
