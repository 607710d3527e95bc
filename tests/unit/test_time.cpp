// Times as runc prints them (Go's RFC3339Nano).
#include <gtest/gtest.h>

#include "rt/util/time.hpp"

TEST(Rfc3339Nano, FractionWithoutTrailingZeros) {
    EXPECT_EQ(rt::rfc3339_nano({0, 0}), "1970-01-01T00:00:00Z");
    EXPECT_EQ(rt::rfc3339_nano({1795848686, 236251171}), "2026-11-28T06:51:26.236251171Z");
    EXPECT_EQ(rt::rfc3339_nano({1795848686, 236251100}), "2026-11-28T06:51:26.2362511Z");
    EXPECT_EQ(rt::rfc3339_nano({1795848686, 500000000}), "2026-11-28T06:51:26.5Z");
    EXPECT_EQ(rt::rfc3339_nano({1795848686, 1}), "2026-11-28T06:51:26.000000001Z");
}
