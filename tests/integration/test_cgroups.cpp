// Containers' cgroups on this (cgroup v1 or hybrid) host, for real: where
// they are, that the limits bite from inside, that device rules hold, that a
// failed create leaves none, and that delete removes them from every
// hierarchy.
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <algorithm>
#include <linux/magic.h>
#include <map>
#include <thread>

#include "cgroup_fixture.hpp"

namespace rt_test {
namespace {

bool v1_host() {
    struct statfs fs {};
    return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type != CGROUP2_SUPER_MAGIC;
}

#define REQUIRE_V1_HOST() \
    if (!v1_host()) GTEST_SKIP() << "a cgroup v1 host test; tests/vm/cgroup-v2-checks.sh covers v2"

class Cgroups : public CgroupTest {};

TEST_F(Cgroups, TheInitIsInEveryHierarchyBeforeItStarts) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    place(bundle, id);
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    int pid = state(id)["pid"];

    // Created, not started: already in its cgroups, as /proc/PID/cgroup says
    // for every hierarchy (the cgroup2 one of a hybrid host included).
    std::istringstream lines(read_text("/proc/" + std::to_string(pid) + "/cgroup"));
    std::string line;
    int hierarchies = 0;
    while (std::getline(lines, line)) {
        ++hierarchies;
        EXPECT_EQ(line.substr(line.rfind(':') + 1), cgroups_path(id)) << line;
    }
    EXPECT_EQ(hierarchies, static_cast<int>(cgroup_hierarchies().size()));
    for (const auto& h : cgroup_hierarchies()) {
        EXPECT_EQ(read_text(h.mount + cgroups_path(id) + "/cgroup.procs"), std::to_string(pid) + "\n") << h.mount;
    }
    // The state remembers them for the other commands.
    json saved = json::parse(read_text(root_ + "/" + id + "/state.json"));
    EXPECT_EQ(saved["cgroupDriver"], "cgroupfs-v1");
    EXPECT_EQ(saved["cgroupPaths"]["memory"], "/sys/fs/cgroup/memory" + cgroups_path(id));

    ASSERT_EQ(rt({"delete", "--force", id}).status, 0);
    expect_no_cgroup_left(id);
}

TEST_F(Cgroups, WithoutCgroupsPathTheContainerGoesBelowRt) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    EXPECT_TRUE(path_exists("/sys/fs/cgroup/pids/rt/" + id));
    ASSERT_EQ(rt({"delete", "--force", id}).status, 0);
    for (const auto& h : cgroup_hierarchies()) {
        EXPECT_FALSE(path_exists(h.mount + "/rt/" + id)) << h.mount;
        rmdir((h.mount + "/rt").c_str());  // if no other container uses it
    }
}

TEST_F(Cgroups, APastTheLimitAllocationIsOomKilledAndEventsReportsIt) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "eat-memory", "256"});
    std::string id = new_id();
    place(bundle, id, {{"memory", {{"limit", 32 << 20}, {"swap", 32 << 20}}}});
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    EXPECT_EQ(cgroup_file("memory", id, "memory.limit_in_bytes"), std::to_string(32 << 20));
    EXPECT_EQ(cgroup_file("memory", id, "memory.memsw.limit_in_bytes"), std::to_string(32 << 20));

    Background events(rt_argv({"events", "--interval", "1s", id}));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // registered before the start
    ASSERT_EQ(rt({"start", id}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }, 20000));
    // The kernel's own count of OOM kills in the container's cgroup.
    EXPECT_NE(read_text(cgroup_dir("memory", id) + "/memory.oom_control").find("oom_kill 1"), std::string::npos);

    // The stream ends by itself once the container has no process left.
    Result r = events.wait(10);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(R"({"type":"oom","id":")" + id + R"("})"), std::string::npos) << r.out;
    ASSERT_EQ(rt({"delete", id}).status, 0);
    expect_no_cgroup_left(id);
}

TEST_F(Cgroups, APidsLimitCapsForks) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "fork", "50"});
    std::string id = new_id();
    place(bundle, id, {{"pids", {{"limit", 10}}}});
    // The helper is one of the 10: nine forks succeed.
    Result r = rt({"run", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "9\n");
    EXPECT_NE(r.err.find("EAGAIN"), std::string::npos) << r.err;
    expect_no_cgroup_left(id);
}

// A block device of this machine, "MAJ:MIN".
std::string some_block_device() {
    std::istringstream in(read_text("/proc/partitions"));
    std::string line;
    std::getline(in, line);
    int major, minor;
    while (in >> major >> minor) {
        std::getline(in, line);
        return std::to_string(major) + ":" + std::to_string(minor);
    }
    return "7:0";
}

TEST_F(Cgroups, CpuCpusetBlkioAndMemoryValuesLandInTheirFiles) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    std::string device = some_block_device();
    int major = std::stoi(device.substr(0, device.find(':')));
    int minor = std::stoi(device.substr(device.find(':') + 1));
    place(bundle, id,
          {{"cpu", {{"shares", 512}, {"quota", 20000}, {"period", 100000}, {"cpus", "0"}, {"mems", "0"}}},
           {"blockIO",
            {{"throttleReadBpsDevice", {{{"major", major}, {"minor", minor}, {"rate", 1048576}}}},
             {"throttleWriteIOPSDevice", {{{"major", major}, {"minor", minor}, {"rate", 300}}}}}},
           {"memory", {{"limit", 64 << 20}, {"reservation", 32 << 20}, {"swappiness", 30},
                       {"disableOOMKiller", true}}},
           {"pids", {{"limit", 100}}}});
    Result r = rt({"create", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(cgroup_file("cpu", id, "cpu.shares"), "512");
    EXPECT_EQ(cgroup_file("cpu", id, "cpu.cfs_quota_us"), "20000");
    EXPECT_EQ(cgroup_file("cpu", id, "cpu.cfs_period_us"), "100000");
    EXPECT_EQ(cgroup_file("cpuset", id, "cpuset.cpus"), "0");
    EXPECT_EQ(cgroup_file("cpuset", id, "cpuset.mems"), "0");
    EXPECT_EQ(cgroup_file("blkio", id, "blkio.throttle.read_bps_device"), device + " 1048576");
    EXPECT_EQ(cgroup_file("blkio", id, "blkio.throttle.write_iops_device"), device + " 300");
    EXPECT_EQ(cgroup_file("memory", id, "memory.limit_in_bytes"), std::to_string(64 << 20));
    EXPECT_EQ(cgroup_file("memory", id, "memory.soft_limit_in_bytes"), std::to_string(32 << 20));
    EXPECT_EQ(cgroup_file("memory", id, "memory.swappiness"), "30");
    EXPECT_NE(cgroup_file("memory", id, "memory.oom_control").find("oom_kill_disable 1"), std::string::npos);
    EXPECT_EQ(cgroup_file("pids", id, "pids.max"), "100");
    // And what the container's process sees: the CPUs it may run on.
    ASSERT_EQ(rt({"delete", "--force", id}).status, 0);
    expect_no_cgroup_left(id);
}

// On a hybrid host hugetlb lives in the cgroup2 hierarchy only: its limits
// go there through `unified` (hugepageLimits are v1 files, refused here).
TEST_F(Cgroups, HugetlbLimitsLandInTheCgroup2HierarchyOfAHybridHost) {
    REQUIRE_V1_HOST();
    const std::string unified = "/sys/fs/cgroup/unified";
    if (read_text(unified + "/cgroup.controllers").find("hugetlb") == std::string::npos ||
        !path_exists("/sys/kernel/mm/hugepages/hugepages-2048kB")) {
        GTEST_SKIP() << "no hugetlb controller with 2MB pages in " << unified;
    }
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    place(bundle, id, {{"unified", {{"hugetlb.2MB.max", "4194304"}}}});
    Result r = rt({"create", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(trim(read_text(unified + cgroups_path(id) + "/hugetlb.2MB.max")), "4194304");
    ASSERT_EQ(rt({"delete", "--force", id}).status, 0);
    expect_no_cgroup_left(id);
}

TEST_F(Cgroups, ACpusetFromTheConfigBindsTheProcess) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "status", "Cpus_allowed_list"});
    std::string id = new_id();
    place(bundle, id, {{"cpu", {{"cpus", "0"}}}});
    Result r = rt({"run", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n");
}

TEST_F(Cgroups, AValueTheKernelRefusesFailsTheCreateAndLeavesNothing) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    std::string id = new_id();
    // The parent (made by rt) has no realtime budget to give.
    place(bundle, id, {{"memory", {{"limit", 64 << 20}}}, {"cpu", {{"realtimeRuntime", 1000}}}});
    Result r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cpu.realtimeRuntime: write /sys/fs/cgroup/cpu" + cgroups_path(id) +
                         "/cpu.rt_runtime_us \"1000\": Invalid argument"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    expect_no_cgroup_left(id);
    for (const auto& h : cgroup_hierarchies()) EXPECT_FALSE(path_exists(h.mount + parent_)) << h.mount;
}

TEST_F(Cgroups, WhatThisHostCannotDoIsRefusedBeforeAnything) {
    REQUIRE_V1_HOST();
    struct Case {
        json resources;
        std::string message;
    };
    std::vector<Case> cases = {
        {{{"network", {{"classID", 1}}}}, "network.classID: this host has no cgroup v1 \"net_cls\" hierarchy"},
        {{{"rdma", {{"mlx5_1", {{"hcaHandles", 3}}}}}}, "rdma: this host has no cgroup v1 \"rdma\" hierarchy"},
        {{{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 2097152}}}}}, "hugepageLimits: this host has no"},
        {{{"unified", {{"memory.high", "1000000"}}}}, "unified"},
    };
    for (const auto& c : cases) {
        Bundle bundle;
        std::string id = new_id();
        place(bundle, id, c.resources);
        Result r = rt({"create", "--bundle", bundle.dir(), id});
        EXPECT_EQ(r.status, 1) << c.resources;
        EXPECT_NE(r.err.find("config.json: .linux.resources: " + c.message), std::string::npos) << r.err;
        EXPECT_FALSE(path_exists(root_ + "/" + id));
        for (const auto& h : cgroup_hierarchies()) EXPECT_FALSE(path_exists(h.mount + parent_)) << h.mount;
    }
}

TEST_F(Cgroups, ADeniedDeviceCannotBeOpenedAnAllowedOneCan) {
    // /dev/fuse (c 10:229) is not among the default devices; mknod of any
    // device is (as in runc), so the container can make the node itself.
    auto run_with = [&](const json& devices) {
        Bundle bundle;
        const json mknod = {"CAP_MKNOD"};
        bundle.config["process"]["capabilities"] = {{"bounding", mknod}, {"effective", mknod}, {"permitted", mknod}};
        bundle.args({"/bin/sh", "-c",
                     "mknod /tmp/fuse c 10 229 && rt-testhelper open /tmp/fuse rw && "
                     "rt-testhelper open /tmp/fuse r && rt-testhelper open /dev/null rw"});
        std::string id = new_id();
        place(bundle, id, {{"devices", devices}});
        Result r = rt({"run", "--bundle", bundle.dir(), id});
        EXPECT_EQ(r.status, 0) << r.err;
        return r.out;
    };
    EXPECT_EQ(run_with(json::array()), "EPERM\nEPERM\nok\n");
    // Read only.
    EXPECT_EQ(run_with({{{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "r"}}}),
              "EPERM\nok\nok\n");
    EXPECT_EQ(run_with({{{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rw"}}}),
              "ok\nok\nok\n");
    // Allow everything, then take the device away again: later wins.
    EXPECT_EQ(run_with({{{"allow", true}, {"access", "rwm"}},
                        {{"allow", false}, {"type", "c"}, {"major", 10}, {"access", "rw"}}}),
              "EPERM\nEPERM\nok\n");
}

// The container's progress counter, written to /progress in its rootfs.
long progress(const Bundle& bundle) {
    std::string text = trim(read_text(bundle.rootfs() + "/progress"));
    return text.empty() ? -1 : std::stol(text);
}

TEST_F(Cgroups, PauseFreezesAndResumeThaws) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /progress.new; mv /progress.new /progress; done"});
    std::string id = new_id();
    place(bundle, id);
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_TRUE(eventually([&] { return progress(bundle) > 0; }));

    Result r = rt({"pause", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(state(id)["status"], "paused");
    long frozen_at = progress(bundle);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(progress(bundle), frozen_at);
    EXPECT_NE(rt({"list"}).out.find("paused"), std::string::npos);
    r = rt({"pause", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("container not running"), std::string::npos) << r.err;
    r = rt({"delete", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("not stopped: paused"), std::string::npos) << r.err;

    r = rt({"resume", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(state(id)["status"], "running");
    EXPECT_TRUE(eventually([&] { return progress(bundle) > frozen_at; }));
    r = rt({"resume", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("container not paused"), std::string::npos) << r.err;

    // delete --force of a paused container thaws it so that SIGKILL acts.
    ASSERT_EQ(rt({"pause", id}).status, 0);
    r = rt({"delete", "--force", id});
    EXPECT_EQ(r.status, 0) << r.err;
    expect_no_cgroup_left(id);
}

TEST_F(Cgroups, UpdateChangesLiveLimits) {
    REQUIRE_V1_HOST();
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    place(bundle, id, {{"memory", {{"limit", 64 << 20}}}, {"pids", {{"limit", 10}}}});
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);

    Result r = rt({"update", "--memory", "128m", "--pids-limit", "20", "--cpu-share", "256", "--cpu-quota", "30000",
                   "--cpu-period", "60000", "--cpuset-cpus", "0", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(cgroup_file("memory", id, "memory.limit_in_bytes"), std::to_string(128 << 20));
    EXPECT_EQ(cgroup_file("pids", id, "pids.max"), "20");
    EXPECT_EQ(cgroup_file("cpu", id, "cpu.shares"), "256");
    EXPECT_EQ(cgroup_file("cpu", id, "cpu.cfs_quota_us"), "30000");
    EXPECT_EQ(cgroup_file("cpu", id, "cpu.cfs_period_us"), "60000");
    EXPECT_EQ(cgroup_file("cpuset", id, "cpuset.cpus"), "0");

    // As containerd sends it: LinuxResources on stdin, devices included.
    r = rt({"update", "-r", "-", id},
           R"({"devices": [{"allow": false, "access": "rwm"}], "memory": {"limit": 100663296, "swap": 134217728},
               "pids": {"limit": -1}, "blockIO": {}})");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(cgroup_file("memory", id, "memory.limit_in_bytes"), "100663296");
    EXPECT_EQ(cgroup_file("memory", id, "memory.memsw.limit_in_bytes"), "134217728");
    EXPECT_EQ(cgroup_file("pids", id, "pids.max"), "max");

    // A limit below what it uses now: the kernel refuses, rt says why.
    r = rt({"update", "--memory", "4096", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("memory.limit: unable to set memory limit to 4096 (current usage: "), std::string::npos)
        << r.err;
    // New device rules cannot be put in place on cgroup v1.
    r = rt({"update", "-r", "-", id}, R"({"devices": [{"allow": true, "access": "rwm"}]})");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("devices: cgroup v1 cannot change the device rules"), std::string::npos) << r.err;
    r = rt({"update", "--memory", "lots", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("--memory: invalid size: \"lots\""), std::string::npos) << r.err;

    ASSERT_EQ(rt({"kill", id, "KILL"}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    r = rt({"update", "--memory", "128m", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("container not running"), std::string::npos) << r.err;
}

TEST_F(Cgroups, AnUpdatedPidsLimitHoldsInside) {
    Bundle bundle;
    // Waits on a fifo, so that the update comes while it runs.
    ASSERT_EQ(mkfifo((bundle.rootfs() + "/go").c_str(), 0600), 0);
    bundle.args({"/bin/sh", "-c", "read x < /go; exec rt-testhelper fork 30 > /forks 2>/dev/null"});
    std::string id = new_id();
    place(bundle, id, {{"pids", {{"limit", 5}}}});
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    Result r = rt({"update", "--pids-limit", "12", id});
    ASSERT_EQ(r.status, 0) << r.err;
    std::ofstream(bundle.rootfs() + "/go") << "go\n";
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }, 20000));
    // The helper is one of the 12.
    EXPECT_EQ(read_text(bundle.rootfs() + "/forks").substr(0, 3), "11\n") << read_text(bundle.rootfs() + "/forks");
    ASSERT_EQ(rt({"delete", id}).status, 0);
}

TEST_F(Cgroups, PsListsTheContainersProcesses) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "sleep 1000 & exec rt-testhelper pause"});
    std::string id = new_id();
    place(bundle, id);
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_TRUE(eventually([&] { return procs("pids", id).size() == 2; }));

    Result r = rt({"ps", "--format", "json", id});
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<int> pids = json::parse(r.out);
    std::vector<int> expected = procs("pids", id);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(pids, expected);

    r = rt({"ps", id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("UID ", 0), 0u) << r.out;  // ps -ef's header
    EXPECT_NE(r.out.find("sleep 1000"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rt-testhelper pause"), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;

    r = rt({"ps", id, "--", "-o", "pid,comm"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("PID COMMAND\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::to_string(pids[0])), std::string::npos) << r.out;
    r = rt({"ps", id, "-o", "comm"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("couldn't find PID field in ps output"), std::string::npos) << r.err;
}

TEST_F(Cgroups, KillAllReachesABackgroundProcessEvenAfterTheInitIsGone) {
    Bundle bundle;
    // No pid namespace: the init's death does not take the others along.
    bundle.config["linux"]["namespaces"] =
        json::array({{{"type", "mount"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "network"}}});
    bundle.args({"/bin/sh", "-c", "sleep 1000 & exec rt-testhelper pause"});
    std::string id = new_id();
    place(bundle, id);
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_TRUE(eventually([&] { return procs("pids", id).size() == 2; }));
    int init = state(id)["pid"];
    std::vector<int> pids = procs("pids", id);
    int sleeper = pids[0] == init ? pids[1] : pids[0];

    ASSERT_EQ(rt({"kill", id, "KILL"}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    EXPECT_TRUE(process_exists(sleeper));
    Result r = rt({"kill", "--all", id, "KILL"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(eventually([&] { return !process_exists(sleeper); }));
    ASSERT_EQ(rt({"delete", id}).status, 0);
    expect_no_cgroup_left(id);
}

TEST_F(Cgroups, EventsStatsIsOneObjectInRuncsFormat) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    place(bundle, id, {{"memory", {{"limit", 64 << 20}}}, {"pids", {{"limit", 50}}}});
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    Result r = rt({"events", "--stats", id});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    json event = json::parse(r.out);
    EXPECT_EQ(event["type"], "stats");
    EXPECT_EQ(event["id"], id);
    const json& data = event["data"];
    for (const char* key : {"cpu", "memory", "pids", "blkio", "hugetlb"}) EXPECT_TRUE(data.contains(key)) << key;
    EXPECT_EQ(data["memory"]["usage"]["limit"], 64 << 20);
    EXPECT_GT(data["memory"]["usage"]["usage"], 0);
    EXPECT_EQ(data["pids"]["current"], 1);
    EXPECT_EQ(data["pids"]["limit"], 50);
    EXPECT_GT(data["cpu"]["usage"]["total"], 0);

    r = rt({"events", "--interval", "0s", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("duration interval must be greater than 0"), std::string::npos) << r.err;
    ASSERT_EQ(rt({"kill", id, "KILL"}).status, 0);
    ASSERT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    r = rt({"events", "--stats", id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("container with id " + id + " is not running"), std::string::npos) << r.err;
}

// Directories of the host's own cgroups: each hierarchy's root, rt's (this
// test's) own cgroup and its ancestors.
std::vector<std::string> host_cgroup_dirs() {
    std::vector<std::string> dirs;
    std::map<std::string, std::string> own;
    std::istringstream lines(read_text("/proc/self/cgroup"));
    std::string line;
    while (std::getline(lines, line)) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        own[line.substr(first + 1, second - first - 1)] = line.substr(second + 1);
    }
    for (const auto& h : cgroup_hierarchies()) {
        dirs.push_back(h.mount);
        std::string name = h.mount.substr(std::string("/sys/fs/cgroup/").size());
        std::string key = h.type == "cgroup2" ? "" : name == "systemd" ? "name=systemd" : name;
        if (!own.count(key)) continue;
        std::string path = own[key];
        for (std::string p = path; p.size() > 1; p = p.substr(0, p.rfind('/'))) dirs.push_back(h.mount + p);
    }
    return dirs;
}

TEST_F(Cgroups, NothingOfTheHostsOwnCgroupsIsWritten) {
    REQUIRE_V1_HOST();
    int inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ASSERT_GE(inotify, 0);
    std::map<int, std::string> watched;
    for (const auto& dir : host_cgroup_dirs()) {
        int wd = inotify_add_watch(inotify, dir.c_str(), IN_MODIFY | IN_ATTRIB);
        if (wd >= 0) watched[wd] = dir;
    }
    ASSERT_GT(watched.size(), 5u);

    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    place(bundle, id,
          {{"memory", {{"limit", 64 << 20}, {"swap", 96 << 20}, {"reservation", 1 << 20}}},
           {"cpu", {{"shares", 100}, {"quota", 10000}, {"cpus", "0"}}},
           {"pids", {{"limit", 30}}},
           {"devices", {{{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rw"}}}}});
    ASSERT_EQ(rt({"run", "--detach", "--bundle", bundle.dir(), id}).status, 0);
    ASSERT_EQ(rt({"pause", id}).status, 0);
    ASSERT_EQ(rt({"resume", id}).status, 0);
    ASSERT_EQ(rt({"update", "--memory", "80m", "--pids-limit", "40", id}).status, 0);
    ASSERT_EQ(rt({"events", "--stats", id}).status, 0);
    ASSERT_EQ(rt({"kill", "--all", id, "KILL"}).status, 0);
    ASSERT_EQ(rt({"delete", "--force", id}).status, 0);

    char buffer[4096];
    ssize_t n = read(inotify, buffer, sizeof buffer);
    for (ssize_t off = 0; n > 0 && off < n;) {
        auto* event = reinterpret_cast<inotify_event*>(buffer + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        std::string name = event->len ? event->name : "";
        // Other programs of the host move their processes around meanwhile.
        if (name == "cgroup.procs" || name == "tasks") continue;
        ADD_FAILURE() << "host cgroup file written: " << watched[event->wd] << "/" << name;
    }
    close(inotify);
    expect_no_cgroup_left(id);
}

}  // namespace
}  // namespace rt_test
