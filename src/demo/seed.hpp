#pragma once
// A deterministic dummy city for demos, tests and benchmarks: generated people only, never real ones.
#include <memory>

#include <string>
#include "auth/data_keys.hpp"

#include "common/clock.hpp"
#include "db/database.hpp"

namespace demo {

struct SeedOptions {
    int sites = 3;
    int children = 150;
    std::string password = "tadaima-demo";  // every demo account's password (documented in README.md)
    bool plans = false;  // dismissal times and two weeks of plans at the 学童 sites (the demo; tests leave it off)
    // The share of families (percent) whose first guardian has registered in the app, with the guardian's address
    // (hogoshaN@example.com) and the demo password: the demo shows a city in use; tests keep one family (0).
    int registered_percent = 0;
    // Days of history before today at the 学童 sites (plans, absences, a kiosk's entries and exits; with registered
    // families, two notices per site): the demo shows four weeks, reports and their tests ask for months.
    int history_days = 0;
    // The data keys that seal the contact notebook's pages: with history, the first nursery gets two weeks of pages
    // (both sides, published) and a photo a day.
    std::shared_ptr<const auth::DataKeys> keys;
};

struct SeedResult {
    int sites = 0;
    int groups = 0;
    int children = 0;
    int guardians = 0;
    int staff = 0;
    int accounts = 0;  // family accounts registered
};

// Fills an empty, migrated database. Throws std::runtime_error when it already holds sites.
// The same options and the same school year give the same city.
SeedResult SeedDemo(db::Database& db, const SeedOptions& options, const common::Clock& clock);

}  // namespace demo
