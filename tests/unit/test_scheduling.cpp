// scheduler, ioPriority, CPU lists, execCPUAffinity, personality and memory
// policy: the translation, and the calls where a child may make them without
// privileges.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "in_child.hpp"
#include "rt/linux/memory_policy.hpp"
#include "rt/linux/personality.hpp"
#include "rt/linux/scheduling.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Scheduler, PoliciesAndFlags) {
    EXPECT_EQ(scheduler_policy("SCHED_OTHER"), 0u);
    EXPECT_EQ(scheduler_policy("SCHED_FIFO"), 1u);
    EXPECT_EQ(scheduler_policy("SCHED_RR"), 2u);
    EXPECT_EQ(scheduler_policy("SCHED_BATCH"), 3u);
    EXPECT_EQ(scheduler_policy("SCHED_ISO"), 4u);
    EXPECT_EQ(scheduler_policy("SCHED_IDLE"), 5u);
    EXPECT_EQ(scheduler_policy("SCHED_DEADLINE"), 6u);
    EXPECT_EQ(scheduler_policy("SCHED_FOO"), std::nullopt);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_RESET_ON_FORK"), 0x01u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_RECLAIM"), 0x02u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_DL_OVERRUN"), 0x04u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_KEEP_POLICY"), 0x08u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_KEEP_PARAMS"), 0x10u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_UTIL_CLAMP_MIN"), 0x20u);
    EXPECT_EQ(scheduler_flag("SCHED_FLAG_UTIL_CLAMP_MAX"), 0x40u);
}

TEST(Scheduler, AttrFromConfig) {
    spec::Scheduler deadline;
    deadline.policy = "SCHED_DEADLINE";
    deadline.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_DL_OVERRUN"};
    deadline.runtime = 1000;
    deadline.deadline = 2000;
    deadline.period = 3000;
    SchedAttr attr = plan_scheduler(deadline, ".process").attr;
    EXPECT_EQ(attr.size, 56u);  // SCHED_ATTR_SIZE_VER1
    EXPECT_EQ(attr.sched_policy, 6u);
    EXPECT_EQ(attr.sched_flags, 0x05u);
    EXPECT_EQ(attr.sched_runtime, 1000u);
    EXPECT_EQ(attr.sched_deadline, 2000u);
    EXPECT_EQ(attr.sched_period, 3000u);
    EXPECT_EQ(attr.sched_nice, 0);  // config.md: 0 when not set

    spec::Scheduler other;
    other.policy = "SCHED_OTHER";
    other.nice = 5;
    attr = plan_scheduler(other, ".process").attr;
    EXPECT_EQ(attr.sched_policy, 0u);
    EXPECT_EQ(attr.sched_nice, 5);
    EXPECT_EQ(attr.sched_priority, 0u);

    spec::Scheduler bad_flag = other;
    bad_flag.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_X"};
    EXPECT_EQ(error_of([&] { plan_scheduler(bad_flag, ".process"); }),
              ".process.scheduler.flags[1]: unknown flag \"SCHED_FLAG_X\"");
}

TEST(Scheduler, NiceAndBatchAppliedInAChild) {
    spec::Scheduler batch;
    batch.policy = "SCHED_BATCH";
    batch.nice = 10;  // raising one's nice value needs no privilege
    auto child = test::in_child([&] {
        apply_scheduler(plan_scheduler(batch, ".process"));
        errno = 0;
        return std::to_string(sched_getscheduler(0)) + " " + std::to_string(getpriority(PRIO_PROCESS, 0));
    });
    EXPECT_EQ(child.output, "3 10");
}

TEST(IoPriority, ClassAndPriority) {
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_RT", 3}, ".process"), 1 << 13 | 3);
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_BE", 7}, ".process"), 2 << 13 | 7);
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_IDLE", 0}, ".process"), 3 << 13);
    EXPECT_EQ(error_of([] { plan_io_priority({"IOPRIO_CLASS_NONE", 0}, ".process"); }),
              ".process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"");
    auto child = test::in_child([] {
        apply_io_priority(plan_io_priority({"IOPRIO_CLASS_BE", 6}, ".process"));
        return std::to_string(::syscall(SYS_ioprio_get, 1, 0));
    });
    EXPECT_EQ(child.output, std::to_string(2 << 13 | 6));
}

TEST(CpuSet, Lists) {
    CpuSet set = CpuSet::parse("0-3,7, 65", "x");
    for (unsigned cpu : {0u, 1u, 2u, 3u, 7u, 65u}) EXPECT_TRUE(set.has(cpu)) << cpu;
    for (unsigned cpu : {4u, 6u, 8u, 64u, 66u, 1000u}) EXPECT_FALSE(set.has(cpu)) << cpu;
    EXPECT_EQ(set.words().size(), 2u);
    EXPECT_TRUE(CpuSet::parse("", "x").empty());
    EXPECT_TRUE(CpuSet::parse("  ", "x").empty());
    EXPECT_EQ(error_of([] { CpuSet::parse("3-1", "f"); }), "f: range 3-1 goes backwards");
    EXPECT_EQ(error_of([] { CpuSet::parse("1,,2", "f"); }), "f: empty item in \"1,,2\"");
    EXPECT_EQ(error_of([] { CpuSet::parse("1-", "f"); }), "f: \"\" is not a number");
    EXPECT_EQ(error_of([] { CpuSet::parse("70000", "f"); }), "f: 70000 is above 65536");
}

TEST(CpuAffinity, EmptyListsChangeNothing) {
    spec::ExecCpuAffinity affinity;
    affinity.initial = "";
    affinity.final = "0";
    CpuAffinity plan = plan_cpu_affinity(affinity, ".process");
    EXPECT_FALSE(plan.initial.has_value());
    ASSERT_TRUE(plan.final.has_value());
    EXPECT_TRUE(plan.final->has(0));
    EXPECT_EQ(error_of([] { plan_cpu_affinity(spec::ExecCpuAffinity{"0-", {}}, ".process"); }),
              ".process.execCPUAffinity.initial: \"\" is not a number");
}

TEST(CpuAffinity, AppliedInAChild) {
    auto child = test::in_child([] {
        apply_cpu_affinity(CpuSet::parse("0", "x"), 0, "final");
        cpu_set_t set;
        CPU_ZERO(&set);
        sched_getaffinity(0, sizeof set, &set);
        return std::to_string(CPU_COUNT(&set)) + (CPU_ISSET(0, &set) ? " cpu0" : "");
    });
    EXPECT_EQ(child.output, "1 cpu0");
}

TEST(Personality, DomainsAndNoFlags) {
    EXPECT_EQ(plan_personality({"LINUX", {}}, ".linux.personality"), 0x0000u);
    EXPECT_EQ(plan_personality({"LINUX32", {}}, ".linux.personality"), 0x0008u);
    EXPECT_EQ(error_of([] { plan_personality({"LINUX", {"ADDR_NO_RANDOMIZE"}}, ".linux.personality"); }),
              ".linux.personality.flags: no personality flags are supported (config-linux.md defines none), "
              "got \"ADDR_NO_RANDOMIZE\"");
    auto child = test::in_child([] {
        apply_personality(plan_personality({"LINUX32", {}}, ".linux.personality"));
        utsname name{};
        uname(&name);
        return std::string(name.machine);
    });
    EXPECT_EQ(child.output, "i686");
}

TEST(MemoryPolicy, ModesFlagsAndNodes) {
    MemoryPolicySetting bind = plan_memory_policy({"MPOL_BIND", "0", {"MPOL_F_STATIC_NODES"}}, ".linux.memoryPolicy");
    EXPECT_EQ(bind.mode, 2 | 1 << 15);
    EXPECT_TRUE(bind.nodes.has(0));
    EXPECT_EQ(plan_memory_policy({"MPOL_WEIGHTED_INTERLEAVE", "0-1", {}}, "m").mode, 6);
    EXPECT_EQ(plan_memory_policy({"MPOL_PREFERRED", std::nullopt, {}}, "m").mode, 1);
    EXPECT_EQ(plan_memory_policy({"MPOL_LOCAL", std::nullopt, {"MPOL_F_RELATIVE_NODES"}}, "m").mode, 4 | 1 << 14);
    EXPECT_EQ(error_of([] { plan_memory_policy({"MPOL_BIND", std::nullopt, {}}, "m"); }),
              "m.nodes: MPOL_BIND needs at least one node");
    EXPECT_EQ(error_of([] { plan_memory_policy({"MPOL_DEFAULT", "0", {}}, "m"); }),
              "m.nodes: MPOL_DEFAULT takes no nodes");
    EXPECT_EQ(error_of([] { plan_memory_policy({"MPOL_BIND", "0", {"MPOL_F_X"}}, "m"); }),
              "m.flags[0]: unknown flag \"MPOL_F_X\"");
}

TEST(MemoryPolicy, AppliedInAChild) {
    auto child = test::in_child([] {
        apply_memory_policy(plan_memory_policy({"MPOL_BIND", "0", {}}, "m"));
        int mode = -1;
        unsigned long mask[16] = {};
        ::syscall(SYS_get_mempolicy, &mode, mask, sizeof mask * 8, nullptr, 0UL);
        return std::to_string(mode) + " " + std::to_string(mask[0]);
    });
    EXPECT_EQ(child.output, "2 1");
    auto refused = test::in_child([] {
        apply_memory_policy(plan_memory_policy({"MPOL_BIND", "1000", {}}, "m"));  // no such node
        return std::string("applied");
    });
    EXPECT_EQ(refused.output, "error: set_mempolicy MPOL_BIND nodes 1000: Invalid argument");
}

}  // namespace
}  // namespace rt::linux
