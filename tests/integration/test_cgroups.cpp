// rt's cgroup expectations (where cgroups go, values in their files, limits
// biting inside, devices, freezer, update, ps, kill --all, events, refusals,
// nothing left) are written once, in tests/cgroups/checks.sh, and run on
// this host (suite cgroups), in the cgroup v2 VM and through systemd in the
// systemd VM. What stays here is this host's own guard: rt writes nothing of
// the host's cgroups (inotify, cgroup v1 with rt's cgroupfs driver).
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
