// What rt writes into /proc for new namespaces: uid_map/gid_map lines and
// timens_offsets lines.
#include <gtest/gtest.h>
#include <sched.h>

#include "rt/linux/namespaces.hpp"
#include "rt/linux/user_namespace.hpp"

namespace rt::linux {
namespace {

TEST(IdMap, OneLinePerMapping) {
    EXPECT_EQ(format_id_map({}), "");
    EXPECT_EQ(format_id_map({{0, 100000, 65536}}), "0 100000 65536\n");
    EXPECT_EQ(format_id_map({{0, 1000, 1}, {1, 100000, 65535}}), "0 1000 1\n1 100000 65535\n");
    EXPECT_EQ(format_id_map({{4294967294U, 4294967294U, 1}}), "4294967294 4294967294 1\n");
}

// Root writes every map itself; rootless, only its own ID alone (its group
// after setgroups "deny"); anything more goes through newuidmap/newgidmap.
TEST(IdMap, WhoWritesTheMaps) {
    EXPECT_EQ(map_writer(true, {{0, 100000, 65536}}, 0), MapWriter::direct);
    EXPECT_EQ(map_writer(false, {{0, 1000, 1}}, 1000), MapWriter::direct_denying_setgroups);
    EXPECT_EQ(map_writer(false, {{0, 1000, 1}, {1, 100000, 65536}}, 1000), MapWriter::tool);
    EXPECT_EQ(map_writer(false, {{0, 1000, 2}}, 1000), MapWriter::tool);
    EXPECT_EQ(map_writer(false, {{0, 1001, 1}}, 1000), MapWriter::tool);
}

TEST(IdMap, TheToolGetsThePidThenOneTriplePerMapping) {
    EXPECT_EQ(mapping_tool_argv("/usr/bin/newuidmap", 42, {{0, 1000, 1}, {1, 100000, 65536}}),
              (std::vector<std::string>{"/usr/bin/newuidmap", "42", "0", "1000", "1", "1", "100000", "65536"}));
}

TEST(TimeOffsets, MonotonicThenBoottime) {
    spec::TimeOffsets offsets;
    EXPECT_EQ(format_time_offsets(offsets), "");
    offsets.boottime = spec::TimeOffset{86400, 5};
    EXPECT_EQ(format_time_offsets(offsets), "boottime 86400 5\n");
    offsets.monotonic = spec::TimeOffset{-30, 0};
    EXPECT_EQ(format_time_offsets(offsets), "monotonic -30 0\nboottime 86400 5\n");
}

TEST(TimeOffsets, PlannedForANewTimeNamespace) {
    spec::Linux linux;
    linux.namespaces.push_back({spec::NamespaceType::time, std::nullopt});
    linux.time_offsets = spec::TimeOffsets{spec::TimeOffset{3600, 0}, std::nullopt};
    NamespacePlan plan = plan_namespaces(linux);
    EXPECT_EQ(plan.parent_unshare_flags, CLONE_NEWTIME);
    EXPECT_EQ(plan.time_offsets, "boottime 3600 0\n");
}

}  // namespace
}  // namespace rt::linux
