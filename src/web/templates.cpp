#include "web/templates.hpp"

#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "web/embedded.hpp"

namespace web {
namespace {
constexpr std::string_view kPrefix = "src/web/templates/";
constexpr std::string_view kSuffix = ".mustache";
}  // namespace

Templates::Templates() {
    for (const auto& f : EmbeddedFiles()) {
        if (!f.path.starts_with(kPrefix) || !f.path.ends_with(kSuffix)) continue;
        std::string name(f.path.substr(kPrefix.size(), f.path.size() - kPrefix.size() - kSuffix.size()));
        kainjow::mustache::mustache parsed{std::string(f.data)};
        if (!parsed.is_valid()) throw std::runtime_error("template " + name + ": " + parsed.error_message());
        templates_.emplace(name, TemplateRef(name, f.data));
    }
}

const TemplateRef& Templates::Get(std::string_view name) const {
    auto it = templates_.find(name);
    if (it == templates_.end()) throw std::runtime_error("template is missing: " + std::string(name));
    return it->second;
}

std::string TemplateRef::Render(const kainjow::mustache::data& data, const kainjow::mustache::data* globals) const {
    // kainjow's render is not const; each worker thread keeps its own parsed copy, keyed by the embedded source
    // (static for the life of the process, unlike this object's address).
    thread_local std::unordered_map<const char*, std::unique_ptr<kainjow::mustache::mustache>> parsed;
    auto& slot = parsed[source_.data()];
    if (!slot) slot = std::make_unique<kainjow::mustache::mustache>(std::string(source_));
    kainjow::mustache::context<std::string> ctx;
    if (globals) ctx.push(globals);
    ctx.push(&data);  // searched first
    return slot->render(ctx);
}

}  // namespace web
