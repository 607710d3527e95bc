// What rt.lxcfs's agent answers for sysinfo(2), from cgroup files
// (src/linux/sysinfo_values.hpp), on a fake cgroupfs.
#include <gtest/gtest.h>

#include "../../src/linux/sysinfo_values.hpp"
#include "fake_cgroupfs.hpp"

namespace rt::linux {
namespace {

using cgroups::test::FakeCgroupfs;

struct sysinfo host_with(unsigned long ram, unsigned long swap, unsigned long free_swap, unsigned unit = 1) {
    struct sysinfo host {};
    host.totalram = ram;
    host.freeram = ram / 2;
    host.totalswap = swap;
    host.freeswap = free_swap;
    host.procs = 321;
    host.loads[0] = 1;
    host.loads[1] = 2;
    host.loads[2] = 3;
    host.mem_unit = unit;
    return host;
}

TEST(SysinfoValues, V1TakesTheSmallestLimitOnTheWayUp) {
    FakeCgroupfs fs;
    fs.write("memory/memory.limit_in_bytes", "9223372036854771712\n");
    fs.write("memory/rt/memory.limit_in_bytes", "134217728\n");
    fs.write("memory/rt/c/memory.limit_in_bytes", "268435456\n");
    fs.write("memory/rt/c/memory.usage_in_bytes", "33554432\n");
    fs.write("memory/rt/c/memory.stat", "cache 1\nshmem 5\ntotal_cache 7\ntotal_shmem 4096\n");
    fs.write("memory/rt/c/tasks", "10\n11\n12\n");
    CgroupFiles files = open_cgroup_files(fs.path("memory/rt/c"), fs.path("memory"), false, "");
    ASSERT_EQ(files.limits.size(), 3u);
    CgroupMemory m = read_cgroup_memory(files);
    EXPECT_EQ(m.limit, 134217728u);
    EXPECT_EQ(m.usage, 33554432u);
    EXPECT_EQ(m.shmem, 4096u);
    EXPECT_EQ(m.tasks, 3u);  // no pids controller: its task list
    EXPECT_FALSE(m.swap_limit);

    struct sysinfo answer = container_sysinfo(host_with(1UL << 34, 0, 0), m, 42);
    EXPECT_EQ(answer.totalram, 134217728u);
    EXPECT_EQ(answer.freeram, 134217728u - 33554432u);
    EXPECT_EQ(answer.sharedram, 4096u);
    EXPECT_EQ(answer.bufferram, 0u);
    EXPECT_EQ(answer.procs, 3);
    EXPECT_EQ(answer.uptime, 42);
    EXPECT_EQ(answer.loads[2], 3u);  // the host's
    EXPECT_EQ(answer.mem_unit, 1u);
}

TEST(SysinfoValues, V1SwapIsMemswMinusMemory) {
    FakeCgroupfs fs;
    fs.write("memory/c/memory.limit_in_bytes", "1000\n");
    fs.write("memory/c/memory.usage_in_bytes", "600\n");
    fs.write("memory/c/memory.memsw.limit_in_bytes", "1500\n");
    fs.write("memory/c/memory.memsw.usage_in_bytes", "700\n");
    fs.write("pids/c/pids.current", "7\n");
    CgroupFiles files = open_cgroup_files(fs.path("memory/c"), fs.path("memory"), false, fs.path("pids/c"));
    CgroupMemory m = read_cgroup_memory(files);
    EXPECT_EQ(m.swap_limit, 500u);
    EXPECT_EQ(m.swap_usage, 100u);
    EXPECT_EQ(m.tasks, 7u);
    struct sysinfo answer = container_sysinfo(host_with(1UL << 30, 4000, 4000), m, 0);
    EXPECT_EQ(answer.totalswap, 500u);
    EXPECT_EQ(answer.freeswap, 400u);
    // The host's swap is the most a cgroup can have.
    answer = container_sysinfo(host_with(1UL << 30, 300, 300), m, 0);
    EXPECT_EQ(answer.totalswap, 300u);
    EXPECT_EQ(answer.freeswap, 200u);
}

TEST(SysinfoValues, V2MaxIsNoLimit) {
    FakeCgroupfs fs;
    fs.write("unified/rt/memory.max", "max\n");
    fs.write("unified/rt/c/memory.max", "67108864\n");
    fs.write("unified/rt/c/memory.current", "1048576\n");
    fs.write("unified/rt/c/memory.stat", "anon 1\nshmem 8192\n");
    fs.write("unified/rt/c/memory.swap.max", "max\n");
    fs.write("unified/rt/c/memory.swap.current", "0\n");
    fs.write("unified/rt/c/pids.current", "2\n");
    CgroupFiles files = open_cgroup_files(fs.path("unified/rt/c"), fs.path("unified"), true, fs.path("unified/rt/c"));
    CgroupMemory m = read_cgroup_memory(files);
    EXPECT_EQ(m.limit, 67108864u);
    EXPECT_EQ(m.shmem, 8192u);
    EXPECT_FALSE(m.swap_limit);  // the host's swap then
    EXPECT_EQ(m.tasks, 2u);
    struct sysinfo answer = container_sysinfo(host_with(1UL << 34, 1000, 800), m, 0);
    EXPECT_EQ(answer.totalram, 67108864u);
    EXPECT_EQ(answer.freeram, 67108864u - 1048576u);
    EXPECT_EQ(answer.totalswap, 1000u);
    EXPECT_EQ(answer.freeswap, 1000u);  // the cgroup uses none of it
}

TEST(SysinfoValues, NoLimitIsTheHostsMemoryAndUsageNeverExceedsTotal) {
    FakeCgroupfs fs;
    fs.write("memory/c/memory.limit_in_bytes", "9223372036854771712\n");
    fs.write("memory/c/memory.usage_in_bytes", "99999999999\n");
    CgroupFiles files = open_cgroup_files(fs.path("memory/c"), fs.path("memory"), false, "");
    struct sysinfo answer = container_sysinfo(host_with(4096, 0, 0), read_cgroup_memory(files), 0);
    EXPECT_EQ(answer.totalram, 4096u);
    EXPECT_EQ(answer.freeram, 0u);
}

TEST(SysinfoValues, EachReadIsFresh) {
    FakeCgroupfs fs;
    fs.write("memory/c/memory.limit_in_bytes", "1000\n");
    fs.write("memory/c/memory.usage_in_bytes", "10\n");
    CgroupFiles files = open_cgroup_files(fs.path("memory/c"), fs.path("memory"), false, "");
    EXPECT_EQ(read_cgroup_memory(files).usage, 10u);
    fs.write("memory/c/memory.usage_in_bytes", "20\n");  // the same file, rewritten (as `rt update` would)
    EXPECT_EQ(read_cgroup_memory(files).usage, 20u);
}

TEST(SysinfoValues, InTheHostsUnit) {
    // A host whose counts are in pages (32-bit with much RAM): the answer too.
    CgroupMemory m;
    m.limit = 64 << 20;
    m.usage = 16 << 20;
    struct sysinfo answer = container_sysinfo(host_with(1UL << 20, 0, 0, 4096), m, 0);
    EXPECT_EQ(answer.mem_unit, 4096u);
    EXPECT_EQ(answer.totalram, (64u << 20) / 4096);
    EXPECT_EQ(answer.freeram, (48u << 20) / 4096);
    EXPECT_EQ(answer.procs, 321);  // nothing known: the host's
}

}  // namespace
}  // namespace rt::linux
