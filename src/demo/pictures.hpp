#pragma once
// Pictures for the demo city's notebook: drawn from shapes (sky, grass, the sun, building blocks), never a person.
#include <string>

namespace demo {

// A 1600 × 1200 JPEG, different for each `variant`, as a camera would hand it over (it is then prepared like any
// uploaded photo).
std::string DrawnPicture(int variant);

}  // namespace demo
