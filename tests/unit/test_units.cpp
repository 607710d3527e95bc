// The size and duration syntaxes of runc's command line.
#include <gtest/gtest.h>

#include "rt/util/error.hpp"
#include "rt/util/units.hpp"

namespace rt {
namespace {

using namespace std::chrono_literals;

TEST(RamSize, AsDockerReadsIt) {
    EXPECT_EQ(parse_ram_size("1024"), 1024);
    EXPECT_EQ(parse_ram_size("512m"), 512LL << 20);
    EXPECT_EQ(parse_ram_size("512M"), 512LL << 20);
    EXPECT_EQ(parse_ram_size("1g"), 1LL << 30);
    EXPECT_EQ(parse_ram_size("1GiB"), 1LL << 30);
    EXPECT_EQ(parse_ram_size("1.5k"), 1536);
    EXPECT_EQ(parse_ram_size("4 kb"), 4096);
    EXPECT_EQ(parse_ram_size("10b"), 10);
    for (const char* bad : {"", "m", "-1", "1x", "1.k", "12 34", "99999999999999999999"}) {
        EXPECT_THROW(parse_ram_size(bad), Error) << bad;
    }
}

TEST(Duration, AsGoReadsIt) {
    EXPECT_EQ(parse_duration("5s"), 5s);
    EXPECT_EQ(parse_duration("500ms"), 500ms);
    EXPECT_EQ(parse_duration("1m30s"), 90s);
    EXPECT_EQ(parse_duration("1.5h"), 90min);
    EXPECT_EQ(parse_duration("250us"), 250us);
    EXPECT_EQ(parse_duration("0"), 0s);
    for (const char* bad : {"", "5", "s", "5x", "-1s", "1.s"}) EXPECT_THROW(parse_duration(bad), Error) << bad;
}

}  // namespace
}  // namespace rt
