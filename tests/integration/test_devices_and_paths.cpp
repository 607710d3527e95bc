// The container's files beyond its mounts: linux.devices, maskedPaths,
// readonlyPaths, rootfsPropagation and idmapped mounts, checked from inside.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class DevicesAndPaths : public RtTest {
protected:
    Result sh(Bundle& bundle, const std::string& script) {
        bundle.args({"/bin/sh", "-c", script});
        return rt({"run", "--bundle", bundle.dir(), new_id()});
    }
    void check_propagations(const char* slave, const char* private_kind, const char* shared);
};

TEST_F(DevicesAndPaths, DevicesHaveTheirTypeNumbersModeAndOwner) {
    Bundle bundle;
    bundle.config["linux"]["devices"] = {
        {{"path", "/dev/rt-null"}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"fileMode", 0640},
         {"uid", 1000}, {"gid", 100}},
        {{"path", "/dev/sub/dir/rt-zero"}, {"type", "u"}, {"major", 1}, {"minor", 5}},
        {{"path", "/dev/rt-loop"}, {"type", "b"}, {"major", 7}, {"minor", 200}, {"fileMode", 0600}},
        {{"path", "/dev/rt-fifo"}, {"type", "p"}, {"fileMode", 0622}, {"gid", 5}},
    };
    auto r = sh(bundle, "cd /dev; stat -c '%n %F %t:%T %a %u:%g' rt-null sub/dir/rt-zero rt-loop rt-fifo;"
                        "head -c 2 /dev/sub/dir/rt-zero | od -An -tx1");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "rt-null character special file 1:3 640 1000:100\n"
              "sub/dir/rt-zero character special file 1:5 666 0:0\n"
              "rt-loop block special file 7:c8 600 0:0\n"
              "rt-fifo fifo 0:0 622 0:5\n"
              " 00 00\n");
}

TEST_F(DevicesAndPaths, ADeviceOfTheConfigReplacesTheDefault) {
    Bundle bundle;
    bundle.config["linux"]["devices"] = {
        {{"path", "/dev/null"}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"fileMode", 0600}}};
    auto r = sh(bundle, "stat -c '%t:%T %a' /dev/null /dev/zero");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1:3 600\n1:5 666\n");
}

TEST_F(DevicesAndPaths, SymlinkInTheWayIsRefusedNotFollowed) {
    // No /dev tmpfs: the rootfs's own /dev, where a symlink points at a
    // file of the rootfs (and one outside it).
    Bundle bundle;
    auto& mounts = bundle.config["mounts"];
    mounts = json::array({mounts[0]});  // /proc only
    fs::create_directories(bundle.rootfs() + "/dev");
    fs::create_symlink("/etc/passwd", bundle.rootfs() + "/dev/rt-evil");
    bundle.config["linux"]["devices"] = {{{"path", "/dev/rt-evil"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    std::string before = read_text(bundle.rootfs() + "/etc/passwd");
    expect_create_fails(bundle, "device /dev/rt-evil: a symlink is in the way");
    EXPECT_EQ(read_text(bundle.rootfs() + "/etc/passwd"), before);
    EXPECT_TRUE(fs::is_symlink(bundle.rootfs() + "/dev/rt-evil"));
}

TEST_F(DevicesAndPaths, SymlinkedDirectoryOnTheWayIsRefused) {
    Bundle bundle;
    auto& mounts = bundle.config["mounts"];
    mounts = json::array({mounts[0]});
    fs::create_directories(bundle.rootfs() + "/dev");
    fs::create_symlink("/etc", bundle.rootfs() + "/dev/rt-sub");
    bundle.config["linux"]["devices"] = {{{"path", "/dev/rt-sub/x"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    expect_create_fails(bundle, "device /dev/rt-sub/x: a symlink is in the way");
    EXPECT_FALSE(path_exists(bundle.rootfs() + "/etc/x"));
}

TEST_F(DevicesAndPaths, SomethingElseAtTheDevicePathIsRefused) {
    Bundle bundle;
    auto& mounts = bundle.config["mounts"];
    mounts = json::array({mounts[0]});
    fs::create_directories(bundle.rootfs() + "/dev");
    std::ofstream(bundle.rootfs() + "/dev/rt-file") << "data\n";
    bundle.config["linux"]["devices"] = {{{"path", "/dev/rt-file"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    expect_create_fails(bundle, "device /dev/rt-file: a regular file is already there, not c 1:3");
}

TEST_F(DevicesAndPaths, MaskedFileReadsEmptyAndMaskedDirectoryIsEmpty) {
    Bundle bundle;
    fs::create_directories(bundle.rootfs() + "/secret-dir/sub");
    std::ofstream(bundle.rootfs() + "/secret-dir/key") << "dir secret\n";
    std::ofstream(bundle.rootfs() + "/secret-file") << "file secret\n";
    bundle.config["linux"]["maskedPaths"] = {"/secret-file", "/secret-dir", "/proc/keys", "/no/such/path",
                                             "/secret-file"};
    auto r = sh(bundle, "cat /secret-file; echo \"[$(ls -A /secret-dir)]\"; wc -c < /proc/keys;"
                        "/bin/rt-testhelper write /secret-dir/new x; /bin/rt-testhelper write /secret-file x");
    ASSERT_EQ(r.status, 0) << r.err;
    // The file write goes to /dev/null and succeeds; nothing reaches the file.
    EXPECT_EQ(r.out, "[]\n0\nEROFS\nok\n");
    EXPECT_EQ(read_text(bundle.rootfs() + "/secret-file"), "file secret\n");
}

TEST_F(DevicesAndPaths, ReadonlyPathsRefuseWrites) {
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/data"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    bundle.config["linux"]["readonlyPaths"] = {"/proc/sys", "/data", "/no/such/path"};
    auto r = sh(bundle, "/bin/rt-testhelper write /proc/sys/kernel/hostname other; /bin/rt-testhelper write /data/x y;"
                        "/bin/rt-testhelper write /tmp/x y; hostname; grep -E ' /(data|proc/sys) ' /proc/self/mounts");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, r.out.find("rt-test\n") + 8), "EROFS\nEROFS\nok\nrt-test\n") << r.out;
    EXPECT_NE(r.out.find("proc /proc/sys proc ro,"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tmpfs /data tmpfs ro,"), std::string::npos) << r.out;
}

TEST_F(DevicesAndPaths, DefaultConfigOfRtSpecMasksAndProtects) {
    // The maskedPaths/readonlyPaths `rt spec` writes.
    Bundle bundle;
    bundle.config["linux"]["maskedPaths"] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                             "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                             "/proc/sched_debug", "/sys/firmware", "/proc/scsi"};
    bundle.config["linux"]["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                               "/proc/sysrq-trigger"};
    // (This kernel has no /proc/kcore nor /proc/sysrq-trigger: skipped.)
    auto r = sh(bundle, "wc -c < /proc/keys; ls -A /sys/firmware | wc -l; /bin/rt-testhelper write /proc/sys/kernel/hostname x");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n0\nEROFS\n");
}

// The line of the mount at "/" (mountinfo's fifth field).
std::string root_mount_line(const std::string& mountinfo) {
    std::istringstream lines(mountinfo);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string field;
        for (int i = 0; i < 5; ++i) fields >> field;
        if (field == "/") return line;
    }
    return "";
}

// Each propagation kind, as the container's "/" shows it in mountinfo: the
// bundle on a shared mount of its own, so that a slave has a master.
void DevicesAndPaths::check_propagations(const char* slave, const char* private_kind, const char* shared) {
    Bundle bundle;
    ASSERT_EQ(mount(bundle.dir().c_str(), bundle.dir().c_str(), nullptr, MS_BIND, nullptr), 0);
    ASSERT_EQ(mount(nullptr, bundle.dir().c_str(), nullptr, MS_SHARED, nullptr), 0);
    auto host = host_mounts_containing(bundle.dir());
    ASSERT_EQ(host.size(), 1U);
    size_t at = host[0].find(" shared:");
    ASSERT_NE(at, std::string::npos) << host[0];
    std::string peer_group = host[0].substr(at + 8, host[0].find(' ', at + 8) - (at + 8));

    bundle.config["linux"]["rootfsPropagation"] = slave;
    auto r = sh(bundle, "cat /proc/self/mountinfo");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(root_mount_line(r.out).find(" master:" + peer_group + " "), std::string::npos) << r.out;

    bundle.config["linux"]["rootfsPropagation"] = private_kind;
    r = sh(bundle, "cat /proc/self/mountinfo");
    EXPECT_EQ(r.status, 0) << r.err;
    std::string line = root_mount_line(r.out);
    EXPECT_FALSE(line.empty()) << r.out;
    EXPECT_EQ(line.find("master:"), std::string::npos) << line;
    EXPECT_EQ(line.find("shared:"), std::string::npos) << line;
    umount2(bundle.dir().c_str(), MNT_DETACH);

    // Shared: the container's "/" is shared (in a peer group of its own:
    // the bundle is on a private mount again).
    bundle.config["linux"]["rootfsPropagation"] = shared;
    r = sh(bundle, "cat /proc/self/mountinfo");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(root_mount_line(r.out).find(" shared:"), std::string::npos) << r.out;
    EXPECT_TRUE(host_mounts_containing(bundle.rootfs()).empty());
}

TEST_F(DevicesAndPaths, RootfsPropagationShowsInMountinfo) { check_propagations("slave", "private", "shared"); }

// containerd's CRI plugin writes the recursive forms: each gives "/" of the
// container the propagation it names.
TEST_F(DevicesAndPaths, RecursiveRootfsPropagationsApply) {
    check_propagations("rslave", "rprivate", "rshared");
    Bundle bundle;
    bundle.config["linux"]["rootfsPropagation"] = "runbindable";
    auto r = sh(bundle, "cat /proc/self/mountinfo");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(root_mount_line(r.out).find(" unbindable "), std::string::npos) << r.out;
    EXPECT_TRUE(host_mounts_containing(bundle.rootfs()).empty());
}

// A read-only /dev (runc's finalizeRootfs): its nested mounts and device
// nodes are made first, the tmpfs is read-only last.
TEST_F(DevicesAndPaths, ReadOnlyDevHoldsItsNodesAndNestedMounts) {
    Bundle bundle;
    for (auto& m : bundle.config["mounts"]) {
        if (m["destination"] == "/dev") m["options"].push_back("ro");
    }
    bundle.config["linux"]["devices"] = {{{"path", "/dev/sub/rt-null"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    auto r = sh(bundle, "grep ' /dev ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1;"
                        "touch /dev/new 2>/dev/null || echo dev-read-only;"
                        "test -c /dev/null && test -c /dev/sub/rt-null && echo nodes;"
                        "grep -c ' /dev/pts \\| /dev/shm \\| /dev/mqueue ' /proc/self/mountinfo;"
                        "touch /dev/shm/ok && echo shm-writable");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "ro\ndev-read-only\nnodes\n3\nshm-writable\n");
}

TEST_F(DevicesAndPaths, IdmappedMountShowsFilesAsTheMappedOwner) {
    Bundle bundle;
    std::string volume = bundle.dir() + "/idmapped";
    fs::create_directories(volume);
    std::ofstream(volume + "/owned-by-1000") << "x\n";
    std::ofstream(volume + "/owned-by-7") << "x\n";
    ASSERT_EQ(chown((volume + "/owned-by-1000").c_str(), 1000, 1000), 0);
    ASSERT_EQ(chown((volume + "/owned-by-7").c_str(), 7, 7), 0);
    bundle.config["mounts"].push_back(
        {{"destination", "/mapped"}, {"type", "bind"}, {"source", volume}, {"options", {"bind", "idmap"}},
         {"uidMappings", {{{"containerID", 1000}, {"hostID", 2000}, {"size", 10}}}},
         {"gidMappings", {{{"containerID", 1000}, {"hostID", 3000}, {"size", 10}}}}});
    bundle.config["mounts"].push_back({{"destination", "/plain"}, {"type", "bind"}, {"source", volume},
                                       {"options", {"bind"}}});
    auto r = sh(bundle, "stat -c '%n %u:%g' /mapped/owned-by-1000 /mapped/owned-by-7 /plain/owned-by-1000;"
                        "touch /mapped/made-inside 2>/dev/null || echo refused");
    ASSERT_EQ(r.status, 0) << r.err;
    // On-disk 1000 shows as 2000 (uid) and 3000 (gid); 7 is outside the
    // mapping: the overflow id. Root (0) is not in the mapping either: it
    // may not create files there.
    EXPECT_EQ(r.out,
              "/mapped/owned-by-1000 2000:3000\n/mapped/owned-by-7 65534:65534\n/plain/owned-by-1000 1000:1000\n"
              "refused\n");
    EXPECT_TRUE(host_mounts_containing(volume).empty());
}

TEST_F(DevicesAndPaths, IdmapWithoutMappingsUsesTheContainersUserNamespace) {
    Bundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    std::string volume = bundle.dir() + "/host-files";
    fs::create_directories(volume);
    // Mount points the container's root (host 100000) could not make in a
    // rootfs of the host's root.
    fs::create_directories(bundle.rootfs() + "/idmapped");
    fs::create_directories(bundle.rootfs() + "/plain");
    std::ofstream(volume + "/root-owned") << "x\n";
    bundle.config["mounts"].push_back({{"destination", "/idmapped"}, {"type", "bind"}, {"source", volume},
                                       {"options", {"rbind", "ridmap"}}});
    bundle.config["mounts"].push_back({{"destination", "/plain"}, {"type", "bind"}, {"source", volume},
                                       {"options", {"rbind"}}});
    auto r = sh(bundle, "stat -c '%u:%g' /idmapped/root-owned /plain/root-owned; echo y > /idmapped/from-inside");
    ASSERT_EQ(r.status, 0) << r.err;
    // Host root's file is the container root's through the idmapped mount.
    EXPECT_EQ(r.out, "0:0\n65534:65534\n");
    struct stat st {};
    ASSERT_EQ(stat((volume + "/from-inside").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0U);  // written by container root: on disk, host root
}

}  // namespace
}  // namespace rt_test
