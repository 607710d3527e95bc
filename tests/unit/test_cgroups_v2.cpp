// The cgroup v2 manager against a fake cgroupfs: where the container's
// cgroup goes, which controllers it enables in which parents, and what it
// writes for each resource (the spec's v1-style values converted as runc
// converts them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "fake_cgroupfs.hpp"
#include "rt/cgroups/manager.hpp"
#include "rt/spec/parse.hpp"

namespace rt::cgroups {
namespace {

using test::FakeCgroupfs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class RecordingLoader : public DeviceFilterLoader {
public:
    void replace(const std::string& dir, const std::vector<bpf_insn>& program) override {
        loads.emplace_back(dir, program);
    }
    std::vector<std::pair<std::string, std::vector<bpf_insn>>> loads;
};

constexpr const char* all_controllers = "cpuset cpu io memory hugetlb pids rdma";

class CgroupsV2 : public ::testing::Test {
protected:
    CgroupsV2() {
        layout.mode = Mode::unified;
        layout.root = fs.root();
        layout.unified = fs.root();
        layout.own = {{"", "/user.slice/rt.scope"}};
        layout.hugepage_sizes = {"2MB"};
        fs.v2_cgroup("", all_controllers);
        fs.v2_cgroup("rt", all_controllers);
        fs.v2_cgroup("rt/c1", all_controllers);
    }

    std::unique_ptr<Manager> manager(const std::optional<std::string>& path = std::nullopt) {
        return manager_for_create(layout, path, "c1", &loader);
    }

    // Creates and applies; returns the writes into the container's cgroup.
    std::vector<std::pair<std::string, std::string>> apply(const std::string& resources_json) {
        spec::Resources r = spec::parse_resources(resources_json);
        auto m = manager();
        m->check(r);
        m->create(r);
        fs.take_writes();
        m->apply(r, container_device_rules(r.devices, {}));
        return fs.take_writes();
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
    RecordingLoader loader;
};

TEST_F(CgroupsV2, PathFollowsCgroupsPath) {
    EXPECT_EQ(manager()->paths(), (std::map<std::string, std::string>{{"", fs.path("rt/c1")}}));
    EXPECT_EQ(manager("/kubepods/pod1/c1")->paths().at(""), fs.path("kubepods/pod1/c1"));
    // Relative: below the parent of rt's own cgroup, which has processes.
    EXPECT_EQ(manager("box/c1")->paths().at(""), fs.path("user.slice/box/c1"));
    EXPECT_EQ(manager_for_create(layout, "/a/b", "c1", &loader)->driver(), "cgroupfs-v2");
}

// cgroup v2: the child is born in the directory (CLONE_INTO_CGROUP), and
// writes no tasks file.
TEST_F(CgroupsV2, AChildIsBornInTheCgroupDirectory) {
    fs.write("rt/cgroup.subtree_control", "cpuset cpu io memory hugetlb pids rdma\n");
    auto m = manager();
    spec::Resources none;
    m->create(none);
    std::optional<ChildJoin> join = m->child_join();
    ASSERT_TRUE(join);
    EXPECT_TRUE(fs.is_open_on(join->v2_dir.get(), "rt/c1"));
    EXPECT_TRUE(join->v1_tasks.empty());
}

// The init is born in the container's one directory: create_birthplace
// makes all of it, and create() after it nothing more.
TEST_F(CgroupsV2, TheBirthplaceIsTheWholeCgroup) {
    std::filesystem::remove_all(fs.path("rt/c1"));
    fs.write("rt/cgroup.subtree_control", "cpuset cpu io memory hugetlb pids rdma\n");
    spec::Resources pids = spec::parse_resources(R"({"pids": {"limit": 10}})");
    auto m = manager();
    unique_fd birthplace = m->create_birthplace(pids);
    ASSERT_TRUE(birthplace);
    EXPECT_TRUE(fs.is_open_on(birthplace.get(), "rt/c1"));
    fs.take_writes();
    fs.write("rt/c1/cgroup.procs", "4242\n");  // the init, born there
    EXPECT_NO_THROW(m->create(pids)) << "its own init is no stranger";
    EXPECT_TRUE(fs.take_writes().empty());
}

TEST_F(CgroupsV2, CreateEnablesWhatIsMissingInEveryParent) {
    fs.write("cgroup.subtree_control", "cpu memory pids\n");  // the host's own choice: kept
    fs.write("rt/cgroup.subtree_control", "cpuset cpu io memory hugetlb pids rdma\n");
    spec::Resources none;
    manager()->create(none);
    EXPECT_THAT(fs.take_writes(),
                ElementsAre(Pair("cgroup.subtree_control", "+cpuset"), Pair("cgroup.subtree_control", "+hugetlb"),
                            Pair("cgroup.subtree_control", "+io"), Pair("cgroup.subtree_control", "+rdma")));
}

TEST_F(CgroupsV2, CreateMakesTheMissingDirectories) {
    auto m = manager("/new/parent/c1");
    // The fake kernel does not fill new directories: stop at the first one.
    EXPECT_THAT(error_of([&] { m->create({}); }), HasSubstr("new/cgroup.controllers"));
    // ... and the failed create left nothing behind.
    EXPECT_FALSE(fs.exists("new"));
}

TEST_F(CgroupsV2, CreateRefusesAPopulatedCgroup) {
    fs.write("rt/c1/cgroup.procs", "4242\n");
    EXPECT_THAT(error_of([&] { manager()->create({}); }), HasSubstr("already has processes"));
}

TEST_F(CgroupsV2, ANeededControllerThatIsNotAvailableIsAnError) {
    fs.write("rt/cgroup.controllers", "cpu memory pids");
    spec::Resources r = spec::parse_resources(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]})");
    EXPECT_THAT(error_of([&] { manager()->create(r); }),
                HasSubstr("cgroup controller \"hugetlb\" is not available in " + fs.path("rt")));
    fs.write("cgroup.controllers", "cpu memory");
    EXPECT_THAT(error_of([&] { manager()->check(r); }), HasSubstr("\"hugetlb\" is not available on this host"));
}

TEST_F(CgroupsV2, NothingSetNothingWrittenButTheDeviceFilter) {
    EXPECT_THAT(apply("{}"), ElementsAre());
    ASSERT_EQ(loader.loads.size(), 1u);
    EXPECT_EQ(loader.loads[0].first, fs.path("rt/c1"));
    EXPECT_EQ(loader.loads[0].second.size(), device_filter_program(container_device_rules({}, {})).size());
}

TEST_F(CgroupsV2, MemoryAsRuncConvertsIt) {
    EXPECT_THAT(apply(R"({"memory": {"limit": 104857600, "swap": 157286400, "reservation": 52428800}})"),
                ElementsAre(Pair("rt/c1/memory.swap.max", "52428800"),  // swap - limit
                            Pair("rt/c1/memory.max", "104857600"), Pair("rt/c1/memory.low", "52428800")));
    // swap == limit: no swap at all.
    EXPECT_THAT(apply(R"({"memory": {"limit": 1048576, "swap": 1048576}})"),
                ElementsAre(Pair("rt/c1/memory.swap.max", "0"), Pair("rt/c1/memory.max", "1048576")));
    // -1: unlimited memory and swap.
    EXPECT_THAT(apply(R"({"memory": {"limit": -1}})"),
                ElementsAre(Pair("rt/c1/memory.swap.max", "max"), Pair("rt/c1/memory.max", "max")));
    // Kernel memory "unlimited" is what v2 has anyway.
    EXPECT_THAT(apply(R"({"memory": {"kernel": -1, "kernelTCP": -1}})"), ElementsAre());
}

TEST_F(CgroupsV2, SwapBelowTheLimitIsRefused) {
    EXPECT_THAT(error_of([&] { apply(R"({"memory": {"limit": 2000000, "swap": 1000000}})"); }),
                HasSubstr("memory.swap: memory+swap limit (1000000) must not be below the memory limit (2000000)"));
}

TEST_F(CgroupsV2, CpuAsRuncConvertsIt) {
    EXPECT_THAT(apply(R"({"cpu": {"shares": 1024, "quota": 50000, "period": 200000, "burst": 10000,
                                   "idle": 1, "cpus": "0-1", "mems": "0"}})"),
                ElementsAre(Pair("rt/c1/cpuset.cpus", "0-1"), Pair("rt/c1/cpuset.mems", "0"),
                            Pair("rt/c1/cpu.idle", "1"), Pair("rt/c1/cpu.weight", "100"),
                            Pair("rt/c1/cpu.max.burst", "10000"), Pair("rt/c1/cpu.max", "50000 200000")));
    // Quota alone keeps the period; -1 is no quota.
    EXPECT_THAT(apply(R"({"cpu": {"quota": 30000}})"), ElementsAre(Pair("rt/c1/cpu.max", "30000 200000")));
    EXPECT_THAT(apply(R"({"cpu": {"quota": -1}})"), ElementsAre(Pair("rt/c1/cpu.max", "max 200000")));
}

TEST_F(CgroupsV2, SharesToWeight) {
    EXPECT_EQ(cpu_shares_to_weight(0), 0u);
    EXPECT_EQ(cpu_shares_to_weight(2), 1u);
    EXPECT_EQ(cpu_shares_to_weight(512), 59u);
    EXPECT_EQ(cpu_shares_to_weight(1024), 100u);
    EXPECT_EQ(cpu_shares_to_weight(2048), 174u);
    EXPECT_EQ(cpu_shares_to_weight(262144), 10000u);
    EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
    EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
    EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
}

TEST_F(CgroupsV2, PidsBlockIoHugetlbRdma) {
    EXPECT_THAT(apply(R"({"pids": {"limit": 10}})"), ElementsAre(Pair("rt/c1/pids.max", "10")));
    EXPECT_THAT(apply(R"({"pids": {"limit": -1}})"), ElementsAre(Pair("rt/c1/pids.max", "max")));
    EXPECT_THAT(apply(R"({"pids": {"limit": 0}})"), ElementsAre(Pair("rt/c1/pids.max", "0")));
    EXPECT_THAT(apply(R"({"blockIO": {"weight": 500, "weightDevice": [{"major": 8, "minor": 0, "weight": 100}],
                                      "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
                                      "throttleWriteIOPSDevice": [{"major": 8, "minor": 16, "rate": 300}]}})"),
                ElementsAre(Pair("rt/c1/io.weight", "default 4950"), Pair("rt/c1/io.weight", "8:0 910"),
                            Pair("rt/c1/io.max", "8:0 rbps=1048576"), Pair("rt/c1/io.max", "8:16 wiops=300")));
    // BFQ takes blkio's weights as they are.
    fs.write("rt/c1/io.bfq.weight", "default 100\n");
    EXPECT_THAT(apply(R"({"blockIO": {"weight": 500, "weightDevice": [{"major": 8, "minor": 0, "weight": 100}]}})"),
                ElementsAre(Pair("rt/c1/io.bfq.weight", "500"), Pair("rt/c1/io.bfq.weight", "8:0 100")));
    EXPECT_THAT(apply(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]})"),
                ElementsAre(Pair("rt/c1/hugetlb.2MB.max", "4194304")));
    EXPECT_THAT(apply(R"({"rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}})"),
                ElementsAre(Pair("rt/c1/rdma.max", "mlx5_1 hca_handle=3 hca_object=10000")));
}

TEST_F(CgroupsV2, UnifiedIsWrittenLastLineByLine) {
    EXPECT_THAT(apply(R"({"memory": {"limit": 1048576},
                          "unified": {"memory.high": "900000", "io.max": "8:0 rbps=1\n8:16 wbps=2"}})"),
                ElementsAre(Pair("rt/c1/memory.max", "1048576"), Pair("rt/c1/io.max", "8:0 rbps=1"),
                            Pair("rt/c1/io.max", "8:16 wbps=2"), Pair("rt/c1/memory.high", "900000")));
    EXPECT_THAT(error_of([&] { apply(R"({"unified": {"../escape": "1"}})"); }), HasSubstr("not the name of a file"));
    EXPECT_THAT(error_of([&] { apply(R"({"unified": {"misc.max": "1"}})"); }),
                HasSubstr("\"misc\" is not available on this host"));
    fs.write("rt/c1/cgroup.controllers", "cpu");
    fs.remove("rt/c1/memory.high");  // as the kernel, without the controller
    EXPECT_THAT(error_of([&] { manager()->apply(spec::parse_resources(R"({"unified": {"memory.high": "1"}})"), {}); }),
                HasSubstr("unified.memory.high: controller \"memory\" is not enabled"));
}

TEST_F(CgroupsV2, FieldsWithoutAV2EquivalentAreRefusedByName) {
    auto check = [&](const std::string& json) { return error_of([&] { manager()->check(spec::parse_resources(json)); }); };
    EXPECT_THAT(check(R"({"memory": {"swappiness": 10}})"), HasSubstr("memory.swappiness: cgroup v2 has no"));
    EXPECT_THAT(check(R"({"memory": {"disableOOMKiller": true}})"), HasSubstr("memory.disableOOMKiller"));
    EXPECT_THAT(check(R"({"memory": {"kernel": 1000000}})"), HasSubstr("memory.kernel: cgroup v2 has no"));
    EXPECT_THAT(check(R"({"memory": {"useHierarchy": false}})"), HasSubstr("always hierarchical"));
    EXPECT_THAT(check(R"({"cpu": {"realtimeRuntime": 1000}})"), HasSubstr("cpu.realtimeRuntime"));
    EXPECT_THAT(check(R"({"blockIO": {"leafWeight": 10}})"), HasSubstr("blockIO.leafWeight"));
    EXPECT_THAT(check(R"({"network": {"classID": 1}})"), HasSubstr("network: cgroup v2 has no net_cls"));
    EXPECT_EQ(check(R"({"memory": {"disableOOMKiller": false, "useHierarchy": true}})"), "");
}

TEST_F(CgroupsV2, UpdateChangesOnlyWhatIsGiven) {
    auto m = manager();
    fs.write("rt/c1/cpu.max", "20000 50000\n");
    fs.write("rt/c1/memory.max", "104857600\n");
    m->update(spec::parse_resources(R"({"cpu": {"quota": 30000}, "memory": {"swap": 209715200}})"), nullptr);
    EXPECT_THAT(fs.take_writes(),
                ElementsAre(Pair("rt/c1/memory.swap.max", "104857600"), Pair("rt/c1/cpu.max", "30000 50000")));
    EXPECT_TRUE(loader.loads.empty());  // device rules kept
    std::vector<DeviceRule> rules = container_device_rules({}, {});
    m->update({}, &rules);
    EXPECT_EQ(loader.loads.size(), 1u);
}

TEST_F(CgroupsV2, CheckBeforeUpdateRefusesALimitBelowTheUsage) {
    fs.write("rt/c1/memory.current", "209715200\n");
    auto r = spec::parse_resources(R"({"memory": {"limit": 104857600, "checkBeforeUpdate": true}})");
    EXPECT_THAT(error_of([&] { manager()->update(r, nullptr); }),
                HasSubstr("memory.limit: rejecting memory limit 104857600 <= usage 209715200"));
    EXPECT_THAT(fs.take_writes(), ElementsAre());
}

TEST_F(CgroupsV2, FreezeAndThaw) {
    auto m = manager();
    EXPECT_EQ(m->freezer_state(), FreezerState::thawed);
    fs.write("rt/c1/cgroup.events", "populated 1\nfrozen 1\n");  // the kernel, done freezing
    m->freeze(FreezerState::frozen);
    EXPECT_EQ(m->freezer_state(), FreezerState::frozen);
    m->freeze(FreezerState::thawed);
    EXPECT_THAT(fs.take_writes(), ElementsAre(Pair("rt/c1/cgroup.freeze", "1"), Pair("rt/c1/cgroup.freeze", "0")));
    EXPECT_EQ(m->freezer_state(), FreezerState::thawed);
}

TEST_F(CgroupsV2, ProcessesOfTheCgroupAndItsChildren) {
    fs.write("rt/c1/cgroup.procs", "10\n11\n");
    fs.write("rt/c1/sub/cgroup.procs", "12\n");
    EXPECT_THAT(manager()->processes(), ElementsAre(10, 11, 12));
}

TEST_F(CgroupsV2, StatsInRuncsTerms) {
    fs.write("rt/c1/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\n"
                               "nr_throttled 2\nthrottled_usec 30\n");
    fs.write("rt/c1/memory.current", "4096\n");
    fs.write("rt/c1/memory.max", "1048576\n");
    fs.write("rt/c1/memory.swap.current", "1024\n");
    fs.write("rt/c1/memory.swap.max", "max\n");
    fs.write("rt/c1/memory.stat", "anon 3000\nfile 96\n");
    fs.write("rt/c1/memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n");
    fs.write("rt/c1/pids.current", "3\n");
    fs.write("rt/c1/pids.max", "100\n");
    fs.write("rt/c1/io.stat", "8:0 rbytes=512 wbytes=1024 rios=1 wios=2 dbytes=0 dios=0\n");
    fs.write("rt/c1/hugetlb.2MB.current", "2097152\n");
    fs.write("rt/c1/hugetlb.2MB.events", "max 5\n");
    Stats s = manager()->stats();
    EXPECT_EQ(s.cpu.total, 1500000u);
    EXPECT_EQ(s.cpu.user, 1000000u);
    EXPECT_EQ(s.cpu.kernel, 500000u);
    EXPECT_EQ(s.cpu.throttled_periods, 2u);
    EXPECT_EQ(s.cpu.throttled_time, 30000u);
    EXPECT_EQ(s.memory.usage.usage, 4096u);
    EXPECT_EQ(s.memory.usage.limit, 1048576u);
    EXPECT_EQ(s.memory.usage.failcnt, 7u);
    EXPECT_EQ(s.memory.swap.usage, 5120u);  // memory + swap, as v1 counts it
    EXPECT_EQ(s.memory.swap.limit, UINT64_MAX);
    EXPECT_EQ(s.memory.cache, 96u);
    EXPECT_EQ(s.memory.raw.at("anon"), 3000u);
    EXPECT_EQ(s.pids.current, 3u);
    EXPECT_EQ(s.pids.limit, 100u);
    ASSERT_EQ(s.blkio.io_service_bytes_recursive.size(), 2u);
    EXPECT_EQ(s.blkio.io_service_bytes_recursive[1].op, "Write");
    EXPECT_EQ(s.blkio.io_service_bytes_recursive[1].value, 1024u);
    EXPECT_EQ(s.hugetlb.at("2MB").usage, 2097152u);
    EXPECT_EQ(s.hugetlb.at("2MB").failcnt, 5u);
}

TEST_F(CgroupsV2, OomWatchCountsKills) {
    auto watch = manager()->watch_oom();
    EXPECT_FALSE(watch->consume());
    fs.write("rt/c1/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    EXPECT_TRUE(watch->consume());
    EXPECT_FALSE(watch->consume());
}

// systemd removes an empty scope at once: the cgroup of a container that an
// OOM kill ended can be gone before its memory.events is read.
TEST_F(CgroupsV2, OomWatchTellsAKillFromTheParentWhenTheCgroupIsGone) {
    auto watch = manager()->watch_oom();
    fs.write("rt/c1/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    fs.write("rt/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    std::filesystem::remove_all(fs.path("rt/c1"));
    EXPECT_TRUE(watch->consume());
    EXPECT_FALSE(watch->consume());
}

TEST_F(CgroupsV2, OomWatchTakesAChangeOfAGoneCgroupForNoKillWhenTheParentCountsNone) {
    auto watch = manager()->watch_oom();
    fs.write("rt/c1/memory.events", "low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n");
    std::filesystem::remove_all(fs.path("rt/c1"));
    EXPECT_FALSE(watch->consume());
}

TEST_F(CgroupsV2, OomWatchTakesAChangeOfAGoneCgroupForAKillWithoutAParentCount) {
    fs.remove("rt/memory.events");
    auto watch = manager()->watch_oom();
    EXPECT_FALSE(watch->consume());
    fs.write("rt/c1/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    std::filesystem::remove_all(fs.path("rt/c1"));
    EXPECT_TRUE(watch->consume());  // as runc
}

TEST_F(CgroupsV2, OomWatchSeesNoKillWhenAGoneCgroupHadNoChange) {
    auto watch = manager()->watch_oom();
    fs.write("rt/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");  // a sibling's
    std::filesystem::remove_all(fs.path("rt/c1"));
    EXPECT_FALSE(watch->consume());
}

}  // namespace
}  // namespace rt::cgroups
