// The overview's figure cache: a drawing serves while its site is untouched and fresh; after a touch it still serves,
// marked behind, for kSettle and while another reader draws it again; a drawing filed by a slower reader never
// replaces a newer one; and the rendered-HTML cache hands back what it rendered for the same key.
#include <gtest/gtest.h>

#include "reports/overview.hpp"

namespace {

using reports::FigureCache;
using reports::SiteFigures;

const common::SiteId kSite(7);
const std::string kDay = "2026-12-03";

SiteFigures Figures(int in) {
    SiteFigures f;
    f.site = kSite;
    f.standing[plans::Standing::kIn] = in;
    return f;
}

common::Instant At(int ms) {
    return common::Instant{} + std::chrono::hours(24 * 365 * 56) + std::chrono::milliseconds(ms);
}

TEST(FigureCache, AnUntouchedSiteServesUntilItIsNoLongerFresh) {
    FigureCache cache;
    EXPECT_FALSE(cache.Get(kSite, kDay, 0, At(0))) << "nothing drawn yet";
    auto filed = cache.Put(kSite, kDay, 0, At(0), Figures(3));
    EXPECT_NE(filed.drawing, 0u);
    auto hit = cache.Get(kSite, kDay, 0, At(1000));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->standing.at(plans::Standing::kIn), 3);
    EXPECT_EQ(hit->drawing, filed.drawing);
    EXPECT_FALSE(hit->behind);
    const int fresh_ms = static_cast<int>(std::chrono::milliseconds(FigureCache::kFresh).count());
    EXPECT_FALSE(cache.Get(kSite, kDay, 0, At(fresh_ms))) << "no longer fresh: this reader draws it again";
}

TEST(FigureCache, ATouchedSiteIsDrawnAgainByOneReaderWhileTheOthersAreToldTheyAreBehind) {
    FigureCache cache;
    cache.Put(kSite, kDay, 0, At(0), Figures(3));
    // Touched (version 1) within kSettle of the drawing: served as it is, behind.
    auto soon = cache.Get(kSite, kDay, 1, At(100));
    ASSERT_TRUE(soon);
    EXPECT_TRUE(soon->behind);
    EXPECT_EQ(soon->standing.at(plans::Standing::kIn), 3);
    // After kSettle the first reader draws it (claims it); one arriving meanwhile is served the old drawing.
    const int settle = static_cast<int>(std::chrono::milliseconds(FigureCache::kSettle).count());
    EXPECT_FALSE(cache.Get(kSite, kDay, 1, At(settle + 1)));
    auto meanwhile = cache.Get(kSite, kDay, 1, At(settle + 2));
    ASSERT_TRUE(meanwhile) << "not drawn twice at once";
    EXPECT_TRUE(meanwhile->behind);
    // A reader that started just before the claimer is not a second drawer either.
    EXPECT_TRUE(cache.Get(kSite, kDay, 1, At(settle)));
    auto filed = cache.Put(kSite, kDay, 1, At(settle + 1), Figures(4));
    auto after = cache.Get(kSite, kDay, 1, At(settle + 3));
    ASSERT_TRUE(after);
    EXPECT_FALSE(after->behind);
    EXPECT_EQ(after->standing.at(plans::Standing::kIn), 4);
    EXPECT_EQ(after->drawing, filed.drawing);
}

TEST(FigureCache, AClaimThatIsNeverDeliveredIsNotWaitedForLong) {
    FigureCache cache;
    cache.Put(kSite, kDay, 0, At(0), Figures(3));
    const int settle = static_cast<int>(std::chrono::milliseconds(FigureCache::kSettle).count());
    EXPECT_FALSE(cache.Get(kSite, kDay, 1, At(settle)));  // claimed; its transaction then fails
    const int claim = static_cast<int>(std::chrono::milliseconds(FigureCache::kClaimFor).count());
    EXPECT_TRUE(cache.Get(kSite, kDay, 1, At(settle + claim - 1)));
    EXPECT_FALSE(cache.Get(kSite, kDay, 1, At(settle + claim))) << "the claim has lapsed: draw it";
}

TEST(FigureCache, AnOlderDrawingNeverReplacesANewerOne) {
    FigureCache cache;
    cache.Put(kSite, kDay, 2, At(10), Figures(5));
    auto late = cache.Put(kSite, kDay, 1, At(20), Figures(4));  // read at version 1, filed after version 2's
    EXPECT_TRUE(late.behind);
    EXPECT_EQ(late.drawing, 0u) << "shown once, not kept";
    auto hit = cache.Get(kSite, kDay, 2, At(30));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->standing.at(plans::Standing::kIn), 5);
    EXPECT_FALSE(hit->behind);
}

TEST(FigureCache, AClockSetBackDrawsAgain) {
    FigureCache cache;
    cache.Put(kSite, kDay, 0, At(60000), Figures(3));
    EXPECT_FALSE(cache.Get(kSite, kDay, 0, At(0)));
}

TEST(HtmlCache, RendersOncePerKey) {
    reports::HtmlCache cache(2);
    int renders = 0;
    auto render = [&] { return "<li>" + std::to_string(++renders) + "</li>"; };
    EXPECT_EQ(*cache.Get("a", render), "<li>1</li>");
    EXPECT_EQ(*cache.Get("a", render), "<li>1</li>");
    EXPECT_EQ(*cache.Get("b", render), "<li>2</li>");
    EXPECT_EQ(*cache.Get("c", render), "<li>3</li>") << "full: starts again";
    EXPECT_EQ(*cache.Get("a", render), "<li>4</li>");
    EXPECT_EQ(renders, 4);
}

}  // namespace
