#include "web/catalogue.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

#include "web/embedded.hpp"

namespace web {

Catalogue::Catalogue() {
    for (const auto& f : EmbeddedFiles()) {
        if (!f.path.starts_with("i18n/") || !f.path.ends_with(".json")) continue;
        std::string lang(f.path.substr(5, f.path.size() - 10));
        auto obj = boost::json::parse(f.data).as_object();
        auto& texts = texts_[lang];
        kainjow::mustache::data d;
        for (const auto& kv : obj) {
            std::string value(kv.value().as_string());
            texts[std::string(kv.key())] = value;
            d.set(std::string(kv.key()), value);
        }
        kainjow::mustache::data root;
        root.set("t", std::move(d));
        data_[lang] = std::move(root);
    }
    // Per kind of site, the same with that kind's words ("key@kind") in place of the general ones.
    for (const auto& [lang, texts] : texts_) {
        std::map<std::string, kainjow::mustache::data> kinds;
        for (const auto& [key, value] : texts) {
            const auto at = key.find('@');
            if (at == std::string::npos) continue;
            auto [it, added] = kinds.try_emplace(key.substr(at + 1));
            if (added) {
                for (const auto& [k, v] : texts)
                    if (k.find('@') == std::string::npos) it->second.set(k, v);
            }
            it->second.set(key.substr(0, at), value);
        }
        for (auto& [kind, d] : kinds) {
            kainjow::mustache::data root;
            root.set("t", std::move(d));
            data_[lang + "@" + kind] = std::move(root);
        }
    }
    auto base = texts_.find(kDefaultLanguage);
    if (base == texts_.end()) throw std::runtime_error("catalogue: i18n/ja.json is missing");
    for (const auto& [lang, texts] : texts_) {
        for (const auto& [key, _] : base->second) {
            if (!texts.count(key)) throw std::runtime_error("catalogue: " + lang + " lacks key " + key);
        }
        for (const auto& [key, _] : texts) {
            if (!base->second.count(key)) throw std::runtime_error("catalogue: " + lang + " has unknown key " + key);
        }
    }
}

bool Catalogue::HasLanguage(std::string_view lang) const { return texts_.find(lang) != texts_.end(); }

bool Catalogue::Has(std::string_view key) const {
    const auto& base = texts_.find(kDefaultLanguage)->second;
    return base.find(key) != base.end();
}

const std::string& Catalogue::Get(std::string_view lang, std::string_view key) const {
    for (std::string_view l : {lang, kDefaultLanguage}) {
        auto it = texts_.find(l);
        if (it == texts_.end()) continue;
        auto k = it->second.find(key);
        if (k != it->second.end()) return k->second;
    }
    static thread_local std::string missing;
    missing = std::string(key);
    return missing;
}

const std::string& Catalogue::GetForKind(std::string_view lang, std::string_view key, std::string_view kind) const {
    if (!kind.empty()) {
        std::string k = std::string(key) + "@" + std::string(kind);
        if (Has(k)) return Get(lang, k);
    }
    return Get(lang, key);
}

const kainjow::mustache::data& Catalogue::Globals(std::string_view lang, std::string_view kind) const {
    if (!kind.empty()) {
        auto it = data_.find(std::string(HasLanguage(lang) ? lang : kDefaultLanguage) + "@" + std::string(kind));
        if (it != data_.end()) return it->second;
    }
    auto it = data_.find(lang);
    if (it == data_.end()) it = data_.find(kDefaultLanguage);
    return it->second;
}

}  // namespace web
