#include "app/router.hpp"

namespace app {
namespace {
std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        auto j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.emplace_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}
}  // namespace

void Router::Add(std::string method, std::string pattern, Handler h, Session s, Body b) {
    auto segments = Split(pattern);
    routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(h), s, b});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
    Match m;
    auto parts = Split(path);
    // A trailing slash is a different URL; only "/" itself ends in one.
    if (path.size() > 1 && path.back() == '/') return m;
    for (const auto& r : routes_) {
        if (r.segments.size() != parts.size()) continue;
        std::map<std::string, std::string> params;
        bool ok = true;
        for (std::size_t i = 0; i < parts.size() && ok; ++i) {
            const auto& seg = r.segments[i];
            if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
                params[seg.substr(1, seg.size() - 2)] = parts[i];
            } else {
                ok = seg == parts[i];
            }
        }
        if (!ok) continue;
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        m.other_method = true;
    }
    return m;
}

}  // namespace app
