// A mount namespace joined by path (linux.namespaces[] {"type": "mount",
// "path": ...}), as runc allows: rt builds the rootfs in that namespace,
// never in the host's.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace rt_test {
namespace {

class JoinedMountNamespace : public RtTest {
protected:
    static std::string ns_inode(const std::string& path) {
        struct stat st {};
        if (stat(path.c_str(), &st) < 0) return "";
        return std::to_string(st.st_ino);
    }
    static void join_mount_namespace(Bundle& bundle, const std::string& path) {
        for (auto& ns : bundle.config["linux"]["namespaces"]) {
            if (ns["type"] == "mount") ns["path"] = path;
        }
    }
    // A process in a mount namespace of its own (made after the bundle, so
    // that it sees it), which the bundle's config joins by its /proc path
    // (`ns`); null if it did not start.
    static std::unique_ptr<Background> join_a_held_mount_namespace(Bundle& bundle, std::string& ns) {
        auto holder = std::make_unique<Background>(std::vector<std::string>{
            "/usr/bin/unshare", "--mount", "--propagation", "private", "sh", "-c", "echo ready; exec sleep 600"});
        if (!holder->wait_for_output("ready")) return nullptr;
        ns = "/proc/" + std::to_string(holder->pid()) + "/ns/mnt";
        join_mount_namespace(bundle, ns);
        return holder;
    }
};

TEST_F(JoinedMountNamespace, TheRootfsIsBuiltInTheJoinedNamespace) {
    Bundle bundle;
    std::string ns;
    auto holder = join_a_held_mount_namespace(bundle, ns);
    ASSERT_TRUE(holder);
    bundle.args({"/bin/sh", "-c", "stat -L -c %i /proc/self/ns/mnt; echo inside"});
    std::string id = new_id();
    auto r = rt({"run", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, ns_inode(ns) + "\ninside\n");
    // Nothing of the container was mounted in the host's namespace.
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
    // The mounts are in the joined one: its holder now stands in the rootfs.
    std::string holder_mounts = read_text("/proc/" + std::to_string(holder->pid()) + "/mountinfo");
    EXPECT_THAT(holder_mounts, testing::HasSubstr(" /dev/pts "));
}

// The init reads the joined namespace's own mount table, not rt's: there a
// cgroup hierarchy the host has is not mounted, and the container's cgroup
// mount leaves it out rather than fail on a source that is not there.
TEST_F(JoinedMountNamespace, TheJoinedNamespacesOwnMountTableIsRead) {
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"},
                                       {"source", "cgroup"}, {"options", {"nosuid", "noexec", "nodev", "ro"}}});
    auto holder = std::make_unique<Background>(std::vector<std::string>{
        "/usr/bin/unshare", "--mount", "--propagation", "private", "sh", "-c",
        "umount /sys/fs/cgroup/pids && echo ready; exec sleep 600"});
    if (!holder->wait_for_output("ready")) GTEST_SKIP() << "no pids hierarchy at /sys/fs/cgroup/pids";
    join_mount_namespace(bundle, "/proc/" + std::to_string(holder->pid()) + "/ns/mnt");
    bundle.args({"/bin/sh", "-c", "ls /sys/fs/cgroup"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, testing::HasSubstr("memory\n"));
    EXPECT_THAT(r.out, testing::Not(testing::HasSubstr("pids\n")));
}

// maskedPaths and readonlyPaths apply in a joined namespace as in a new one
// (as runc: only the namespace differs, the rootfs steps are the same), and
// none of their mounts reaches the host's table.
TEST_F(JoinedMountNamespace, MaskedAndReadonlyPathsApplyInTheJoinedNamespace) {
    Bundle bundle;
    std::ofstream(bundle.rootfs() + "/secret-file") << "file secret\n";
    bundle.config["linux"]["maskedPaths"] = {"/secret-file", "/proc/keys"};
    bundle.config["linux"]["readonlyPaths"] = {"/proc/sys"};
    std::string ns;
    auto holder = join_a_held_mount_namespace(bundle, ns);
    ASSERT_TRUE(holder);
    bundle.args({"/bin/sh", "-c",
                 "cat /secret-file; wc -c < /proc/keys; /bin/rt-testhelper write /proc/sys/kernel/hostname x; hostname"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\nEROFS\nrt-test\n");
    // Not a whole-table comparison: colleagues' containers mount on the host
    // meanwhile; every mount rt made lies under the bundle.
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
}

TEST_F(JoinedMountNamespace, ExecJoinsTheSameNamespace) {
    Bundle bundle;
    std::string ns;
    auto holder = join_a_held_mount_namespace(bundle, ns);
    ASSERT_TRUE(holder);
    std::string id = start_container(bundle);
    auto r = rt({"exec", id, "stat", "-L", "-c", "%i", "/proc/self/ns/mnt"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, ns_inode(ns) + "\n");
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
}

// A path that is not a mount namespace (here a network namespace's) is
// refused before anything is made.
TEST_F(JoinedMountNamespace, APathOfAnotherNamespaceTypeIsRefused) {
    Bundle bundle;
    join_mount_namespace(bundle, "/proc/self/ns/net");
    bundle.args({"/bin/true"});
    std::string id = new_id();
    auto r = rt({"run", "--bundle", bundle.dir(), id});
    EXPECT_NE(r.status, 0);
    EXPECT_THAT(r.err, testing::HasSubstr("/proc/self/ns/net"));
    EXPECT_THAT(r.err, testing::HasSubstr("mount"));
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
}

// Without any mount namespace rt would build the rootfs in the host's own
// (runc does, and leaves its mounts there): refused, clearly.
TEST_F(JoinedMountNamespace, NoMountNamespaceAtAllIsRefused) {
    Bundle bundle;
    auto& namespaces = bundle.config["linux"]["namespaces"];
    for (size_t i = 0; i < namespaces.size(); ++i) {
        if (namespaces[i]["type"] == "mount") namespaces.erase(i);
    }
    bundle.args({"/bin/true"});
    std::string id = new_id();
    auto r = rt({"run", "--bundle", bundle.dir(), id});
    EXPECT_NE(r.status, 0);
    EXPECT_THAT(r.err, testing::HasSubstr("rt needs a mount namespace"));
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
}

}  // namespace
}  // namespace rt_test
