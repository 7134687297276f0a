#include "demo/pictures.hpp"

#include <vips/vips.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace demo {

std::string DrawnPicture(int variant) {
    constexpr int kW = 1600, kH = 1200;
    using Rgb = std::array<std::uint8_t, 3>;
    std::vector<std::uint8_t> px(static_cast<std::size_t>(kW) * kH * 3);
    auto put = [&](int x, int y, Rgb c) {
        if (x < 0 || y < 0 || x >= kW || y >= kH) return;
        auto* p = &px[(static_cast<std::size_t>(y) * kW + x) * 3];
        p[0] = c[0], p[1] = c[1], p[2] = c[2];
    };
    static constexpr Rgb kSkies[] = {{143, 193, 227}, {120, 170, 220}, {250, 214, 165}, {176, 210, 235}};
    static constexpr Rgb kBlocks[] = {{217, 72, 65}, {242, 193, 78}, {70, 130, 200}, {110, 180, 90}, {200, 120, 200}};
    const Rgb sky = kSkies[variant % 4];
    const int horizon = 700 + (variant * 37) % 200;
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            const int shade = y * 30 / kH;
            put(x, y,
                y < horizon
                    ? Rgb{static_cast<std::uint8_t>(sky[0] - shade), static_cast<std::uint8_t>(sky[1] - shade), sky[2]}
                    : Rgb{90, static_cast<std::uint8_t>(158 - (y - horizon) * 40 / kH), 75});
        }
    }
    const int sun_x = 200 + (variant * 211) % 1200, sun_y = 220, r = 120;
    for (int y = sun_y - r; y <= sun_y + r; ++y)
        for (int x = sun_x - r; x <= sun_x + r; ++x)
            if ((x - sun_x) * (x - sun_x) + (y - sun_y) * (y - sun_y) <= r * r) put(x, y, {242, 193, 78});
    // A row of building blocks on the grass.
    for (int b = 0; b < 3 + variant % 4; ++b) {
        const int bx = 150 + b * 260 + (variant * 53) % 90, size = 140 + (b * 29 + variant * 17) % 80;
        const Rgb c = kBlocks[(b + variant) % 5];
        for (int y = horizon + 60; y < horizon + 60 + size; ++y)
            for (int x = bx; x < bx + size; ++x) put(x, y, c);
    }
    if (VIPS_INIT("tadaima")) throw std::runtime_error("libvips did not start");
    VipsImage* image = vips_image_new_from_memory(px.data(), px.size(), kW, kH, 3, VIPS_FORMAT_UCHAR);
    if (!image) throw std::runtime_error("libvips: no image");
    void* buffer = nullptr;
    std::size_t length = 0;
    const int rc = vips_jpegsave_buffer(image, &buffer, &length, "Q", 85, nullptr);
    g_object_unref(image);
    if (rc) throw std::runtime_error("libvips: no JPEG");
    std::string jpeg(static_cast<const char*>(buffer), length);
    g_free(buffer);
    return jpeg;
}

}  // namespace demo
