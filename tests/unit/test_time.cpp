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

// The date without gmtime_r, against gmtime_r over four centuries and around
// leap days.
TEST(Rfc3339Nano, DatesAsGmtimeHasThem) {
    for (time_t t = -12219292800; t < 13000000000; t += 86400 * 37 + 3607) {
        tm utc{};
        gmtime_r(&t, &utc);
        char expected[64];
        strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &utc);
        ASSERT_EQ(rt::utc_date_time(t), expected) << t;
    }
    EXPECT_EQ(rt::utc_date_time(951782400), "2000-02-29T00:00:00");
    EXPECT_EQ(rt::utc_date_time(-1), "1969-12-31T23:59:59");
}
