#include <gtest/gtest.h>

#include "common/log.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    common::SetLogLevel(common::LogLevel::kError);  // request lines would drown the test output
    return RUN_ALL_TESTS();
}
