// Containers in a user namespace: the default test config with container
// root mapped to host uid/gid 100000 (65536 ids), as runc's own tests do
// (their remap_rootfs: the rootfs is chowned to the mapped root).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

constexpr unsigned kHostRoot = kMappedRoot;

class UserNamespace : public RtTest {
protected:
    UserNamespace() {
        add_user_namespace(bundle_.config);
        chown_tree(bundle_.rootfs(), kHostRoot, kHostRoot);
        bundle_.write();
    }
    Result sh(const std::string& script) {
        bundle_.args({"/bin/sh", "-c", script});
        return rt({"run", "--bundle", bundle_.dir(), new_id()});
    }
    Bundle bundle_;
};

TEST_F(UserNamespace, RootInsideIsTheMappedHostUser) {
    auto r = sh("id; cat /proc/self/uid_map /proc/self/gid_map");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "uid=0(root) gid=0(root)\n"
              "         0     100000      65536\n"
              "         0     100000      65536\n");
}

// In a user namespace the process starts with every capability, its
// bounding set included, whatever rt's own bounding set is (on this VM rt's
// lacks CAP_SYS_RESOURCE): what the config leaves out must still be dropped,
// by the init and by an exec'd process alike.
TEST_F(UserNamespace, CapabilitySetsAreExactlyTheConfiguredOnes) {
    bundle_.config["process"]["noNewPrivileges"] = true;
    bundle_.config["process"]["capabilities"] = {
        {"bounding", {"CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"}},
        {"effective", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"permitted", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    const std::string script = "for k in CapBnd CapPrm CapEff CapInh CapAmb; do rt-testhelper status $k; done";
    // KILL 5, SETUID 7, NET_BIND_SERVICE 10, AUDIT_WRITE 29.
    const std::string expected =
        "00000000200004a0\n"
        "0000000000000420\n"
        "0000000000000420\n"
        "0000000000000400\n"
        "0000000000000400\n";
    auto r = sh(script);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, expected);

    bundle_.args({"/bin/sleep", "100"});
    bundle_.write();
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", bundle_.dir(), id}).status, 0);
    auto e = rt({"exec", id, "/bin/sh", "-c", script});
    ASSERT_EQ(e.status, 0) << e.err;
    EXPECT_EQ(e.out, expected);
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
}

// The init is not dumpable while it sets up (its /proc files belong to the
// host's root then): its own settings through /proc still apply.
TEST_F(UserNamespace, ProcessSettingsWrittenThroughProcApply) {
    bundle_.config["process"]["oomScoreAdj"] = 123;
    auto r = sh("cat /proc/self/oom_score_adj");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "123\n");
}

TEST_F(UserNamespace, FilesMadeOnAVolumeBelongToTheMappedUser) {
    std::string volume = bundle_.dir() + "/volume";
    fs::create_directories(volume);
    chown(volume.c_str(), kHostRoot, kHostRoot);
    chmod(volume.c_str(), 0777);
    bundle_.config["mounts"].push_back({{"destination", "/data"}, {"type", "bind"}, {"source", volume},
                                        {"options", {"rbind"}}});
    bundle_.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    bundle_.config["process"]["cwd"] = "/work/here";
    auto r = sh("touch /data/by-root-of-1000 && echo ok; stat -c '%u:%g' /work/here");
    ASSERT_EQ(r.status, 0) << r.err;
    // rt made the cwd as the container's root; the process (uid 1000 in the
    // container) made the file: outside both are host ids.
    EXPECT_EQ(r.out, "ok\n0:0\n");
    struct stat st {};
    ASSERT_EQ(stat((volume + "/by-root-of-1000").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kHostRoot + 1000);
    EXPECT_EQ(st.st_gid, kHostRoot + 1000);
    ASSERT_EQ(stat((bundle_.rootfs() + "/work/here").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kHostRoot);
}

// The host's root looks the bind source up (as runc): a directory that the
// container's mapped root could not reach (a 0700 one of the host's root,
// as a Kubernetes pod's volume with hostUsers: false) is still bound.
TEST_F(UserNamespace, BindSourceTheMappedRootCannotReachIsBound) {
    std::string private_dir = bundle_.dir() + "/private";
    fs::create_directories(private_dir + "/volume");
    std::ofstream(private_dir + "/volume/file") << "behind 0700\n";
    ASSERT_EQ(chmod(private_dir.c_str(), 0700), 0);
    chmod((private_dir + "/volume").c_str(), 0755);
    chmod((private_dir + "/volume/file").c_str(), 0644);
    bundle_.config["mounts"].push_back({{"destination", "/data"}, {"type", "bind"},
                                        {"source", private_dir + "/volume"}, {"options", {"rbind", "ro"}}});
    bundle_.config["mounts"].push_back({{"destination", "/one-file"}, {"type", "bind"},
                                        {"source", private_dir + "/volume/file"}, {"options", {"bind"}}});
    auto r = sh("cat /data/file /one-file; touch /data/new 2>/dev/null || echo read-only");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "behind 0700\nbehind 0700\nread-only\n");
}

// A source that does not exist fails create before anything is made.
TEST_F(UserNamespace, MissingBindSourceIsAClearErrorAndLeavesNothing) {
    bundle_.config["mounts"].push_back({{"destination", "/data"}, {"type", "bind"},
                                        {"source", bundle_.dir() + "/no-such-volume"}, {"options", {"rbind"}}});
    std::string id = new_id();
    bundle_.args({"/bin/true"});
    auto r = rt({"run", "--bundle", bundle_.dir(), id});
    EXPECT_NE(r.status, 0);
    EXPECT_THAT(r.err, testing::HasSubstr("mount /data"));
    EXPECT_THAT(r.err, testing::HasSubstr("No such file or directory"));
    EXPECT_NE(rt({"state", id}).status, 0);
}

TEST_F(UserNamespace, HostFilesAreNobodysAndTheHostRootIsPowerless) {
    std::string volume = bundle_.dir() + "/host-owned";
    fs::create_directories(volume);
    chmod(volume.c_str(), 0755);
    bundle_.config["mounts"].push_back({{"destination", "/host"}, {"type", "bind"}, {"source", volume},
                                        {"options", {"rbind"}}});
    auto r = sh("stat -c '%u:%g' /host; /bin/rt-testhelper write /host/x y");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "65534:65534\nEACCES\n");
}

TEST_F(UserNamespace, DevicesAreBoundFromTheHost) {
    bundle_.config["linux"]["devices"] = {
        {{"path", "/dev/kmsg"}, {"type", "c"}, {"major", 1}, {"minor", 11}}};
    auto r = sh("for d in null zero full random urandom tty kmsg; do stat -c '%n %t:%T' /dev/$d; done;"
                "echo x > /dev/null && head -c 2 /dev/zero | od -An -tx1");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "/dev/null 1:3\n/dev/zero 1:5\n/dev/full 1:7\n/dev/random 1:8\n/dev/urandom 1:9\n"
              "/dev/tty 5:0\n/dev/kmsg 1:b\n 00 00\n");
}

TEST_F(UserNamespace, DeviceTheHostLacksIsAClearError) {
    bundle_.config["linux"]["devices"] = {
        {{"path", "/dev/rt-test-nothing"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    bundle_.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle_.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("device /dev/rt-test-nothing: bind from the host: No such file or directory"),
              std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

TEST_F(UserNamespace, WithoutANetworkNamespaceSysIsTheHostsReadOnly) {
    auto& ns = bundle_.config["linux"]["namespaces"];
    for (size_t i = 0; i < ns.size(); ++i) {
        if (ns[i]["type"] == "network") ns.erase(i);
    }
    auto r = sh("ls /sys/kernel >/dev/null && echo listed; /bin/rt-testhelper write /sys/kernel/x 1;"
                "grep -c ' /sys' /proc/self/mountinfo");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, r.out.find('\n', 7) + 1), "listed\nEROFS\n") << r.out;
}

TEST_F(UserNamespace, WithoutAnIpcNamespaceMqueueIsTheHosts) {
    auto& ns = bundle_.config["linux"]["namespaces"];
    for (size_t i = 0; i < ns.size(); ++i) {
        if (ns[i]["type"] == "ipc") ns.erase(i);
    }
    auto r = sh("grep ' /dev/mqueue ' /proc/self/mounts");
    if (host_mounts_containing(" /dev/mqueue ").empty()) {
        // Nothing to stand in (this VM mounts no mqueue): a clear error.
        EXPECT_EQ(r.status, 1);
        EXPECT_NE(r.err.find("mount /dev/mqueue (a bind of the host's /dev/mqueue, as it cannot be mounted anew "
                             "here): No such file or directory"),
                  std::string::npos) << r.err;
        return;
    }
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec", 0), 0U) << r.out;
}

TEST_F(UserNamespace, JoinsAnotherContainersUserNamespace) {
    // The first container holds a user namespace; the second joins it by path.
    bundle_.args({"/bin/rt-testhelper", "sleep", "30"});
    std::string holder = new_id("holder");
    ASSERT_EQ(rt({"create", "--bundle", bundle_.dir(), holder}).status, 0);
    int pid = state(holder)["pid"];

    Bundle joiner;
    chown_tree(joiner.rootfs(), kHostRoot, kHostRoot);
    joiner.config["linux"]["namespaces"].push_back(
        {{"type", "user"}, {"path", "/proc/" + std::to_string(pid) + "/ns/user"}});
    joiner.args({"/bin/sh", "-c", "id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user"});
    auto r = rt({"run", "--bundle", joiner.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    char link[256] = {};
    ASSERT_GT(readlink(("/proc/" + std::to_string(pid) + "/ns/user").c_str(), link, sizeof link - 1), 0);
    EXPECT_EQ(r.out, "0\n         0     100000      65536\n" + std::string(link) + "\n");
}

// A pod under the CRI with a user namespace for its containers (containerd
// 1.6's base_runtime_spec): each container makes its own user namespace and
// joins the pod's network, ipc and uts namespaces, which the host's user
// namespace owns. They must be joined before the new user namespace exists:
// in it, rt would no longer have the right to.
class JoinsHostOwnedNamespaces : public UserNamespace {
protected:
    void SetUp() override {
        UserNamespace::SetUp();  // root_ for rt
        pod_.args({"/bin/rt-testhelper", "sleep", "60"});
        pod_id_ = new_id("pod");
        auto r = rt({"create", "--bundle", pod_.dir(), pod_id_});
        EXPECT_EQ(r.status, 0) << r.err;
        pod_pid_ = state(pod_id_).value("pid", 0);
        auto& ns = bundle_.config["linux"]["namespaces"];
        for (auto& entry : ns) {
            std::string type = entry["type"];
            if (type == "network") entry["path"] = pod_ns("net");
            if (type == "ipc" || type == "uts") entry["path"] = pod_ns(type);
        }
        bundle_.config.erase("hostname");  // the pod's uts namespace has it
        bundle_.write();
    }
    std::string pod_ns(const std::string& name) const {
        return "/proc/" + std::to_string(pod_pid_) + "/ns/" + name;
    }
    std::string pod_links() const {
        std::string text;
        for (const char* name : {"net", "ipc", "uts"}) {
            char link[256] = {};
            if (readlink(pod_ns(name).c_str(), link, sizeof link - 1) > 0) text += std::string(link) + "\n";
        }
        return text;
    }
    static constexpr const char* kShow =
        "for n in net ipc uts; do readlink /proc/self/ns/$n; done; hostname; cat /proc/self/uid_map";
    Bundle pod_;
    std::string pod_id_;
    int pod_pid_ = 0;
};

TEST_F(JoinsHostOwnedNamespaces, CreateJoinsThemBeforeItsUserNamespace) {
    ASSERT_GT(pod_pid_, 0);
    auto r = sh(kShow);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, pod_links() + "rt-test\n         0     100000      65536\n");
}

TEST_F(JoinsHostOwnedNamespaces, ExecJoinsThemBeforeTheContainersUserNamespace) {
    ASSERT_GT(pod_pid_, 0);
    bundle_.args({"/bin/rt-testhelper", "sleep", "60"});
    std::string id = new_id();
    auto r = rt({"run", "--detach", "--bundle", bundle_.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    r = rt({"exec", id, "/bin/sh", "-c", kShow});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, pod_links() + "rt-test\n         0     100000      65536\n");
}

// Neither can be mounted from the new user namespace; the host's would show
// the host's network devices and message queues, not the pod's.
TEST_F(JoinsHostOwnedNamespaces, SysfsAndMqueueAreThoseOfThePodsNamespaces) {
    ASSERT_GT(pod_pid_, 0);
    std::string pod_root = "/proc/" + std::to_string(pod_pid_) + "/root";
    auto r = sh("ls /sys/class/net | tr '\\n' ' '; echo; grep -E ' /sys | /dev/mqueue ' /proc/self/mounts;"
                "/bin/rt-testhelper write /sys/kernel/x 1; touch /dev/mqueue/rt-test-queue && echo queued");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string pod_devices;
    for (const auto& entry : fs::directory_iterator(pod_root + "/sys/class/net")) {
        pod_devices.push_back(' ');
        pod_devices += entry.path().filename().string();
    }
    EXPECT_EQ(pod_devices, " lo");  // a new network namespace: only lo
    EXPECT_EQ(r.out,
              "lo \n"
              "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0\n"
              "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n"
              "EROFS\n"
              "queued\n");
    // The queue is in the pod's ipc namespace: its own /dev/mqueue shows it.
    EXPECT_TRUE(path_exists(pod_root + "/dev/mqueue/rt-test-queue"));
}

TEST_F(UserNamespace, HooksAndMountsWorkAsWithout) {
    // The parts that act on host paths from inside (exec fifo, keyring,
    // mqueue, cgroup mount) all work from the mapped root.
    bundle_.config["mounts"].push_back({{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"},
                                        {"source", "cgroup"}, {"options", {"nosuid", "noexec", "nodev", "ro"}}});
    std::string log = bundle_.dir() + "/hook.log";
    bundle_.config["hooks"]["createRuntime"] = {
        {{"path", "/bin/sh"}, {"args", {"sh", "-c", "cat /proc/$(sed 's/.*\"pid\":\\([0-9]*\\).*/\\1/')/uid_map > " + log}}}};
    auto r = sh("grep -c ' /dev/mqueue mqueue' /proc/self/mounts; ls /sys/fs/cgroup | grep -c memory;"
                "grep -q _ses /proc/keys && echo keyring");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\n1\nkeyring\n");
    // createRuntime ran after the maps were written.
    EXPECT_EQ(read_text(log), "         0     100000      65536\n");
}

}  // namespace
}  // namespace rt_test
