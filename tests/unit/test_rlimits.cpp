// The RLIMIT_* table and setrlimit, in a child process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include "in_child.hpp"
#include "rt/linux/rlimits.hpp"
#include "rt/util/error.hpp"
#include "rt/util/file.hpp"

namespace rt::linux {
namespace {

using ::testing::HasSubstr;

TEST(Rlimits, EveryNameOfGetrlimit) {
    const std::pair<const char*, int> expected[] = {
        {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_CPU", RLIMIT_CPU},
        {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
    };
    EXPECT_EQ(rlimit_names().size(), std::size(expected));
    EXPECT_EQ(rlimit_names().size(), static_cast<size_t>(RLIMIT_NLIMITS));
    for (const auto& [name, resource] : expected) EXPECT_EQ(rlimit_resource(name), resource) << name;
    EXPECT_EQ(rlimit_resource("RLIMIT_FOO"), std::nullopt);
    EXPECT_EQ(rlimit_resource("NOFILE"), std::nullopt);
}

TEST(Rlimits, PlanKeepsOrderAndValues) {
    auto plan = plan_rlimits({{"RLIMIT_NOFILE", 512, 1024}, {"RLIMIT_CORE", 0, UINT64_MAX}}, ".process");
    ASSERT_EQ(plan.size(), 2u);
    EXPECT_EQ(plan[0].resource, RLIMIT_NOFILE);
    EXPECT_EQ(plan[0].soft, 512u);
    EXPECT_EQ(plan[0].hard, 1024u);
    EXPECT_EQ(plan[1].resource, RLIMIT_CORE);
    EXPECT_EQ(plan[1].hard, RLIM_INFINITY);  // uint64 max is "unlimited"
}

TEST(Rlimits, BadEntriesAreNamed) {
    try {
        plan_rlimits({{"RLIMIT_NOFILE", 1, 1}, {"RLIMIT_FOO", 1, 1}}, ".process");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"");
    }
    try {
        plan_rlimits({{"RLIMIT_NOFILE", 10, 5}}, ".process");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), ".process.rlimits[0]: soft limit 10 is above the hard limit 5");
    }
}

TEST(Rlimits, AppliedAndRefusedRaise) {
    auto lowered = test::in_child([] {
        apply_rlimits(plan_rlimits({{"RLIMIT_NOFILE", 100, 200}}, ".process"));
        struct rlimit limit {};
        getrlimit(RLIMIT_NOFILE, &limit);
        return std::to_string(limit.rlim_cur) + " " + std::to_string(limit.rlim_max);
    });
    EXPECT_EQ(lowered.output, "100 200");

    // Above fs.nr_open no process may go, whatever its capabilities.
    const uint64_t too_many = std::stoull(read_file("/proc/sys/fs/nr_open")) + 1;
    auto raised = test::in_child([too_many] {
        apply_rlimits(plan_rlimits({{"RLIMIT_NOFILE", too_many, too_many}}, ".process"));
        return std::string("applied");
    });
    EXPECT_THAT(raised.output, HasSubstr("error: set RLIMIT_NOFILE to soft " + std::to_string(too_many)));
    EXPECT_THAT(raised.output, HasSubstr("Operation not permitted"));
}

}  // namespace
}  // namespace rt::linux
