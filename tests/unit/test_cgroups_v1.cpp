// The cgroup v1 manager (legacy and hybrid hosts) against a fake cgroupfs:
// one directory per hierarchy, cpuset inheritance, the order of the memory
// and swap writes, device rules in order, and what a hybrid host allows of
// `unified`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "fake_cgroupfs.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/spec/parse.hpp"

namespace rt::cgroups {
namespace {

using test::FakeCgroupfs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class CgroupsV1 : public ::testing::Test {
protected:
    CgroupsV1() {
        layout.mode = Mode::hybrid;
        layout.root = fs.root();
        layout.unified = fs.path("unified");
        // cpu and cpuacct mounted together, as many distributions do.
        for (const auto& [mount, controllers] : std::vector<std::pair<std::string, std::vector<std::string>>>{
                 {"cpu,cpuacct", {"cpu", "cpuacct"}},
                 {"cpuset", {"cpuset"}},
                 {"memory", {"memory"}},
                 {"devices", {"devices"}},
                 {"freezer", {"freezer"}},
                 {"pids", {"pids"}},
                 {"systemd", {"name=systemd"}}}) {
            layout.v1.push_back({fs.path(mount), controllers});
            fs.write(mount + "/cgroup.procs", "1\n");
        }
        layout.own = {{"memory", "/session/abc"}, {"cpu,cpuacct", "/"}, {"", "/"}};
        fs.write("cpuset/cpuset.cpus", "0-3\n");
        fs.write("cpuset/cpuset.mems", "0\n");
        for (const char* dir : {"cpuset/rt", "cpuset/rt/c1"}) {
            fs.write(std::string(dir) + "/cgroup.procs", "");
            fs.write(std::string(dir) + "/cpuset.cpus", "\n");
            fs.write(std::string(dir) + "/cpuset.mems", "\n");
        }
        fs.write("memory/rt/c1/cgroup.procs", "");
        fs.write("memory/rt/c1/memory.limit_in_bytes", "9223372036854771712\n");
        fs.write("memory/rt/c1/memory.memsw.limit_in_bytes", "9223372036854771712\n");
        fs.write("memory/rt/c1/memory.soft_limit_in_bytes", "9223372036854771712\n");
        fs.write("devices/rt/c1/devices.allow", "");
        fs.write("devices/rt/c1/devices.deny", "");
        fs.write("freezer/rt/c1/freezer.state", "THAWED\n");
        fs.v2_cgroup("unified", "hugetlb");
    }

    std::unique_ptr<Manager> manager(const std::optional<std::string>& path = std::nullopt) {
        return manager_for_create(layout, path, "c1");
    }

    std::string error_of(const std::function<void()>& f) {
        try {
            f();
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }

    FakeCgroupfs fs;
    Layout layout;
};

TEST_F(CgroupsV1, ADirectoryInEveryHierarchyAndTheUnifiedOne) {
    auto paths = manager()->paths();
    EXPECT_EQ(manager()->driver(), "cgroupfs-v1");
    EXPECT_EQ(paths.at("cpu"), fs.path("cpu,cpuacct/rt/c1"));
    EXPECT_EQ(paths.at("cpuacct"), fs.path("cpu,cpuacct/rt/c1"));
    EXPECT_EQ(paths.at("memory"), fs.path("memory/rt/c1"));
    EXPECT_EQ(paths.at("name=systemd"), fs.path("systemd/rt/c1"));
    EXPECT_EQ(paths.at(""), fs.path("unified/rt/c1"));  // hybrid: joined as runc does
    EXPECT_EQ(paths.size(), 9u);
    // Relative: below rt's own cgroup in each hierarchy.
    paths = manager("box/c1")->paths();
    EXPECT_EQ(paths.at("memory"), fs.path("memory/session/abc/box/c1"));
    EXPECT_EQ(paths.at("cpu"), fs.path("cpu,cpuacct/box/c1"));
}

// The init joins by itself (Manager::child_join): each hierarchy's tasks
// file once (cpu and cpuacct share one), opened for writing, and the hybrid
// host's cgroup2 directory for CLONE_INTO_CGROUP.
TEST_F(CgroupsV1, AChildJoinsThroughEachTasksFileOnceAndIsBornInTheUnifiedOne) {
    auto m = manager();
    fs.write("unified/rt/c1/cgroup.procs", "");
    for (const char* dir : {"cpu,cpuacct", "cpuset", "memory", "devices", "freezer", "pids", "systemd"}) {
        fs.write(std::string(dir) + "/rt/c1/tasks", "");
    }
    std::optional<ChildJoin> join = m->child_join();
    ASSERT_TRUE(join);
    EXPECT_TRUE(fs.is_open_on(join->v2_dir.get(), "unified/rt/c1"));
    std::vector<std::string> tasks;
    for (const auto& t : join->v1_tasks) {
        tasks.push_back(t.path);
        EXPECT_EQ(::write(t.fd.get(), "0", 1), 1) << t.path;
    }
    // The freezer last: a child that joins a frozen one stops there.
    ASSERT_FALSE(tasks.empty());
    EXPECT_EQ(tasks.back(), fs.path("freezer/rt/c1/tasks"));
    std::sort(tasks.begin(), tasks.end());
    EXPECT_THAT(tasks, ElementsAre(fs.path("cpu,cpuacct/rt/c1/tasks"), fs.path("cpuset/rt/c1/tasks"),
                                   fs.path("devices/rt/c1/tasks"), fs.path("freezer/rt/c1/tasks"),
                                   fs.path("memory/rt/c1/tasks"), fs.path("pids/rt/c1/tasks"),
                                   fs.path("systemd/rt/c1/tasks")));
    EXPECT_EQ(fs.read("memory/rt/c1/tasks"), "0");
}

// create() in two steps around the init's clone: the cgroup2 directory it
// is born into first, the v1 ones after, while it makes its namespaces.
TEST_F(CgroupsV1, TheInitsBirthplaceIsTheUnifiedDirectoryAloneThenCreateMakesTheRest) {
    fs.write("cpuset/rt/cpuset.cpus", "0-3\n");
    fs.write("cpuset/rt/cpuset.mems", "0\n");
    auto m = manager();
    unique_fd birthplace = m->create_birthplace({});
    ASSERT_TRUE(birthplace);
    EXPECT_TRUE(fs.is_open_on(birthplace.get(), "unified/rt/c1"));
    EXPECT_FALSE(fs.exists("pids/rt/c1")) << "a v1 directory made before the clone";
    EXPECT_FALSE(fs.exists("cpu,cpuacct/rt/c1"));
    // The init is born there; the rest is made all the same.
    fs.write("unified/rt/c1/cgroup.procs", "4242\n");
    m->create({});
    EXPECT_TRUE(fs.exists("pids/rt/c1"));
    EXPECT_TRUE(fs.exists("cpu,cpuacct/rt/c1"));
}

TEST_F(CgroupsV1, ABirthplaceWithProcessesIsRefusedAndNothingIsLeft) {
    fs.write("unified/box/c1/cgroup.procs", "77\n");  // someone else's
    auto m = manager("/box/c1");
    EXPECT_THAT(error_of([&] { m->create_birthplace({}); }),
                HasSubstr("cgroup " + fs.path("unified/box/c1") + " already has processes"));
    EXPECT_FALSE(fs.exists("pids/box")) << "nothing made";
}

TEST_F(CgroupsV1, AFailedCreateAfterTheBirthplaceLeavesItToDestroy) {
    fs.write("cpuset/rt/cpuset.cpus", "0-3\n");
    fs.write("cpuset/rt/cpuset.mems", "0\n");
    fs.write("pids/rt/c1/cgroup.procs", "77\n");  // someone else's: create refuses it
    auto m = manager();
    ASSERT_TRUE(m->create_birthplace({}));
    EXPECT_THAT(error_of([&] { m->create({}); }), HasSubstr(fs.path("pids/rt/c1") + " already has processes"));
    EXPECT_FALSE(fs.exists("cpu,cpuacct/rt")) << "what create made is undone";
    EXPECT_FALSE(fs.exists("systemd/rt"));
    EXPECT_TRUE(fs.exists("unified/rt/c1")) << "the init is in it: destroy removes it, once the init is dead";
}

TEST_F(CgroupsV1, NoBirthplaceWithoutCgroup2) {
    fs.write("cpuset/rt/cpuset.cpus", "0-3\n");
    fs.write("cpuset/rt/cpuset.mems", "0\n");
    layout.mode = Mode::legacy;
    layout.unified.clear();
    auto m = manager();
    EXPECT_EQ(m->paths().count(""), 0u);
    EXPECT_FALSE(m->create_birthplace({}));
    EXPECT_FALSE(fs.exists("pids/rt"));
    m->create({});
    EXPECT_TRUE(fs.exists("pids/rt/c1"));
}

TEST_F(CgroupsV1, AChildJoinWithoutATasksFileNamesIt) {
    auto m = manager();
    fs.write("unified/rt/c1/cgroup.procs", "");
    EXPECT_THAT(error_of([&] { m->child_join(); }), HasSubstr("open " + fs.path("cpu,cpuacct/rt/c1/tasks")));
}

TEST_F(CgroupsV1, CreateGivesANewCpusetItsParentsCpusAndMems) {
    // Only the container's own cpuset is filled in: /rt was there already.
    fs.write("cpuset/rt/cpuset.cpus", "0-3\n");
    fs.write("cpuset/rt/cpuset.mems", "0\n");
    auto m = manager();
    m->create({});
    EXPECT_EQ(fs.read("cpuset/rt/c1/cpuset.cpus"), "0-3\n");
    EXPECT_EQ(fs.read("cpuset/rt/c1/cpuset.mems"), "0\n");
    for (const auto& [file, value] : fs.take_writes()) {
        EXPECT_EQ(file.rfind("cpuset/rt/c1/", 0), 0u) << file << " written";
    }
}

TEST_F(CgroupsV1, CreateRefusesAnEmptyParentCpuset) {
    EXPECT_THAT(error_of([&] { manager()->create({}); }), HasSubstr("rt/cpuset.cpus is empty"));
}

TEST_F(CgroupsV1, MemoryAndSwapInTheOrderTheKernelAccepts) {
    auto m = manager();
    // Growing: memsw first, or the kernel would see memory > memsw.
    fs.write("memory/rt/c1/memory.limit_in_bytes", "104857600\n");
    m->apply(spec::parse_resources(R"({"memory": {"limit": 209715200, "swap": 314572800}})"), {});
    EXPECT_THAT(fs.take_writes(), ElementsAre(Pair("memory/rt/c1/memory.memsw.limit_in_bytes", "314572800"),
                                              Pair("memory/rt/c1/memory.limit_in_bytes", "209715200")));
    // Shrinking below the current limit: memory first.
    fs.write("memory/rt/c1/memory.limit_in_bytes", "209715200\n");
    m->apply(spec::parse_resources(R"({"memory": {"limit": 52428800, "swap": 104857600}})"), {});
    EXPECT_THAT(fs.take_writes(), ElementsAre(Pair("memory/rt/c1/memory.limit_in_bytes", "52428800"),
                                              Pair("memory/rt/c1/memory.memsw.limit_in_bytes", "104857600")));
    // Unlimited memory frees the swap too.
    m->apply(spec::parse_resources(R"({"memory": {"limit": -1}})"), {});
    EXPECT_THAT(fs.take_writes(), ElementsAre(Pair("memory/rt/c1/memory.memsw.limit_in_bytes", "-1"),
                                              Pair("memory/rt/c1/memory.limit_in_bytes", "-1")));
}

TEST_F(CgroupsV1, DeviceRulesInOrder) {
    auto rules = container_device_rules(
        spec::parse_resources(R"({"devices": [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"},
                                              {"allow": false, "type": "a", "major": 7, "access": "w"}]})")
            .devices,
        {});
    manager()->apply({}, rules);
    auto writes = fs.take_writes();
    ASSERT_GE(writes.size(), 5u);
    EXPECT_THAT(writes[0], Pair("devices/rt/c1/devices.deny", "a"));
    EXPECT_THAT(writes[1], Pair("devices/rt/c1/devices.allow", "c 10:229 r"));
    EXPECT_THAT(writes[2], Pair("devices/rt/c1/devices.deny", "c 7:* w"));
    EXPECT_THAT(writes[3], Pair("devices/rt/c1/devices.deny", "b 7:* w"));
    EXPECT_THAT(writes[4], Pair("devices/rt/c1/devices.allow", "c *:* m"));
    EXPECT_EQ(writes.size(), 3 + default_device_rules().size() + 1);
    // And they cannot change later on v1.
    EXPECT_THAT(error_of([&] { manager()->update({}, &rules); }), HasSubstr("devices: cgroup v1 cannot change"));
}

TEST_F(CgroupsV1, WhatTheHostLacksIsRefusedByName) {
    auto check = [&](const std::string& json) { return error_of([&] { manager()->check(spec::parse_resources(json)); }); };
    EXPECT_THAT(check(R"({"blockIO": {"weight": 100}})"),
                HasSubstr("blockIO: this host has no cgroup v1 \"blkio\" hierarchy"));
    EXPECT_THAT(check(R"({"network": {"priorities": [{"name": "eth0", "priority": 1}]}})"),
                HasSubstr("network.priorities: this host has no cgroup v1 \"net_prio\" hierarchy"));
    EXPECT_THAT(check(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]})"),
                HasSubstr("hugetlb belongs to the cgroup2 hierarchy"));
    // Hybrid: `unified` for what the cgroup2 hierarchy has (hugetlb here).
    EXPECT_EQ(check(R"({"unified": {"hugetlb.2MB.max": "2097152"}})"), "");
    EXPECT_THAT(check(R"({"unified": {"memory.high": "1"}})"),
                HasSubstr("\"memory.high\": controller \"memory\" is not on this hybrid host's cgroup2 hierarchy"));
    layout.mode = Mode::legacy;
    EXPECT_THAT(check(R"({"unified": {"hugetlb.2MB.max": "2097152"}})"),
                HasSubstr("unified: cgroup v2 settings, but this host has cgroup v1 only"));
}

TEST_F(CgroupsV1, FreezeWritesFreezerState) {
    auto m = manager();
    EXPECT_EQ(m->freezer_state(), FreezerState::thawed);
    m->freeze(FreezerState::frozen);  // the fake reads back FROZEN at once
    EXPECT_EQ(m->freezer_state(), FreezerState::frozen);
    m->freeze(FreezerState::thawed);
    EXPECT_THAT(fs.take_writes(), ElementsAre(Pair("freezer/rt/c1/freezer.state", "FROZEN"),
                                              Pair("freezer/rt/c1/freezer.state", "THAWED")));
}

TEST_F(CgroupsV1, StatsFromTheV1Files) {
    fs.write("memory/rt/c1/memory.stat", "cache 4096\nrss 8192\n");
    fs.write("memory/rt/c1/memory.usage_in_bytes", "12288\n");
    fs.write("memory/rt/c1/memory.max_usage_in_bytes", "20480\n");
    fs.write("memory/rt/c1/memory.failcnt", "2\n");
    fs.write("cpu,cpuacct/rt/c1/cgroup.procs", "");
    fs.write("cpu,cpuacct/rt/c1/cpu.stat", "nr_periods 10\nnr_throttled 3\nthrottled_time 5000\n");
    fs.write("cpu,cpuacct/rt/c1/cpuacct.usage", "3000\n");
    fs.write("cpu,cpuacct/rt/c1/cpuacct.usage_percpu", "1000 2000 \n");
    fs.write("cpu,cpuacct/rt/c1/cpuacct.stat", "user 0\nsystem 0\n");
    fs.write("cpu,cpuacct/rt/c1/cpuacct.usage_all", "cpu user system\n0 600 400\n1 1500 500\n");
    Stats s = manager()->stats();
    EXPECT_EQ(s.memory.cache, 4096u);
    EXPECT_EQ(s.memory.usage.usage, 12288u);
    EXPECT_EQ(s.memory.usage.max, 20480u);
    EXPECT_EQ(s.memory.usage.failcnt, 2u);
    EXPECT_EQ(s.cpu.throttled_periods, 3u);
    EXPECT_EQ(s.cpu.total, 3000u);
    EXPECT_THAT(s.cpu.percpu, ElementsAre(1000, 2000));
    EXPECT_THAT(s.cpu.percpu_user, ElementsAre(600, 1500));
    EXPECT_THAT(s.cpu.percpu_kernel, ElementsAre(400, 500));
    EXPECT_THAT(s.cpuset.cpus, ElementsAre());  // "\n": none set yet
}

}  // namespace
}  // namespace rt::cgroups
