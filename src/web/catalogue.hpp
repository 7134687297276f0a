#pragma once
// The message catalogue: i18n/<lang>.json, one flat object of key → text per language. A new language is a new file.
#include <kainjow/mustache.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace web {

inline constexpr std::string_view kDefaultLanguage = "ja";

class Catalogue {
 public:
    // Loads the embedded catalogue files; throws when a language lacks a key the default language has.
    Catalogue();
    bool HasLanguage(std::string_view lang) const;
    // The text for key in lang, else in Japanese; the key itself when neither has it (and a test fails on that).
    const std::string& Get(std::string_view lang, std::string_view key) const;
    // The text in the words of a kind of site (登園/降園 at a nursery): "key@kind" where there is one, else the key's.
    const std::string& GetForKind(std::string_view lang, std::string_view key, std::string_view kind) const;
    bool Has(std::string_view key) const;
    // {t: {key: text}} for one language: templates read it as {{t.key}} through a render context, never copied.
    // With a kind of site, in its words where it has its own ({{t.check_in}} is 登園 at a nursery).
    const kainjow::mustache::data& Globals(std::string_view lang, std::string_view kind = {}) const;

 private:
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> texts_;
    std::map<std::string, kainjow::mustache::data, std::less<>> data_;
};

}  // namespace web
