// Where the init runs while rt makes the cgroups (rt/linux/placement.hpp).
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "rt/linux/placement.hpp"

namespace {

cpu_set_t affinity_of(pid_t pid) {
    cpu_set_t set;
    CPU_ZERO(&set);
    EXPECT_EQ(sched_getaffinity(pid, sizeof set, &set), 0);
    return set;
}

}  // namespace

TEST(Placement, TheChildLeavesTheParentsCpuAndTakesTheMaskBack) {
    auto mask = rt::linux::spreadable_affinity();
    if (!mask) GTEST_SKIP() << "one CPU: nowhere to move a child to";
    int go[2];
    ASSERT_EQ(pipe(go), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        char c = 0;
        if (read(go[0], &c, 1) != 1) _exit(2);
        rt::linux::take_back_affinity(*mask);
        cpu_set_t now;
        sched_getaffinity(0, sizeof now, &now);
        _exit(CPU_EQUAL(&now, &mask->set) ? 0 : 1);
    }
    // Pinned for the check: the CPU the parent runs on stays the same.
    int mine = sched_getcpu();
    cpu_set_t pinned;
    CPU_ZERO(&pinned);
    CPU_SET(mine, &pinned);
    cpu_set_t before = affinity_of(0);
    ASSERT_EQ(sched_setaffinity(0, sizeof pinned, &pinned), 0);
    rt::linux::move_off_my_cpu(child, *mask);
    cpu_set_t moved = affinity_of(child);
    EXPECT_FALSE(CPU_ISSET(mine, &moved)) << "the child may still run on the parent's CPU " << mine;
    EXPECT_EQ(CPU_COUNT(&moved), CPU_COUNT(&mask->set) - 1);
    ASSERT_EQ(sched_setaffinity(0, sizeof before, &before), 0);
    ASSERT_EQ(write(go[1], "x", 1), 1);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child did not get the whole mask back";
    close(go[0]);
    close(go[1]);
}

TEST(Placement, NothingToSpreadOnOneCpu) {
    cpu_set_t before;
    ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    EXPECT_FALSE(rt::linux::spreadable_affinity());
    ASSERT_EQ(sched_setaffinity(0, sizeof before, &before), 0);
}
