// The container's filesystem: mounts in config order, bind volumes, the
// read-only root, symlinks that must not lead out, /dev.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class Rootfs : public RtTest {
protected:
    // Runs `script` in a fresh container and returns what it printed.
    Result sh(Bundle& bundle, const std::string& script) {
        bundle.args({"/bin/sh", "-c", script});
        return rt({"run", "--bundle", bundle.dir(), new_id()});
    }
};

TEST_F(Rootfs, ContainerIsPidOneWithItsHostname) {
    Bundle bundle;
    auto r = sh(bundle, "echo $$; hostname");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\nrt-test\n");
}

TEST_F(Rootfs, HostMountInvisibleInsideAndContainerMountInvisibleOutside) {
    // A mount made on the host after the rootfs was copied: not in the container.
    Bundle bundle;
    std::string host_dir = bundle.dir() + "/host-only";
    fs::create_directories(host_dir);
    ASSERT_EQ(system(("mount -t tmpfs rt-test-hostonly " + host_dir).c_str()), 0);
    bundle.config["mounts"].push_back({{"destination", "/inside"}, {"type", "tmpfs"}, {"source", "rt-test-inside"}});
    bundle.args({"/bin/sh", "-c", "cat /proc/self/mountinfo; echo MARK; sleep 1"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    ASSERT_TRUE(run.wait_for_output("MARK"));
    // While it runs, the container's tmpfs is not among the host's mounts.
    EXPECT_TRUE(host_mounts_containing("rt-test-inside").empty());
    auto r = run.wait();
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("rt-test-hostonly"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" /inside "), std::string::npos) << r.out;
    umount(host_dir.c_str());
}

TEST_F(Rootfs, BindVolumeIsSharedBothWays) {
    Bundle bundle;
    std::string volume = bundle.dir() + "/volume";
    fs::create_directories(volume);
    std::ofstream(volume + "/from-host") << "hello from the host\n";
    bundle.config["mounts"].push_back({{"destination", "/data"}, {"type", "bind"}, {"source", volume},
                                       {"options", {"rbind", "rw"}}});
    auto r = sh(bundle, "cat /data/from-host; echo written inside > /data/from-container");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "hello from the host\n");
    EXPECT_EQ(read_text(volume + "/from-container"), "written inside\n");
}

TEST_F(Rootfs, BindSourceRelativeToTheBundle) {
    Bundle bundle;
    fs::create_directories(bundle.dir() + "/rel");
    std::ofstream(bundle.dir() + "/rel/file") << "relative\n";
    bundle.config["mounts"].push_back({{"destination", "/rel"}, {"source", "rel"}, {"options", {"bind"}}});
    auto r = sh(bundle, "cat /rel/file");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "relative\n");
}

TEST_F(Rootfs, ReadOnlyBindRefusesWrites) {
    Bundle bundle;
    std::string volume = bundle.dir() + "/volume";
    fs::create_directories(volume);
    bundle.config["mounts"].push_back({{"destination", "/ro"}, {"type", "bind"}, {"source", volume},
                                       {"options", {"rbind", "ro", "nosuid", "nodev"}}});
    auto r = sh(bundle, "/bin/rt-testhelper write /ro/x text; grep ' /ro ' /proc/self/mounts");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "EROFS");
    EXPECT_NE(r.out.find(" ro,nosuid,nodev"), std::string::npos) << r.out;
    EXPECT_FALSE(path_exists(volume + "/x"));
}

TEST_F(Rootfs, FileBindMountGetsAFileMountPoint) {
    Bundle bundle;
    std::string file = bundle.dir() + "/hosts";
    std::ofstream(file) << "127.0.0.1 rt-test-host\n";
    bundle.config["mounts"].push_back({{"destination", "/etc/deep/hosts"}, {"type", "bind"},
                                       {"source", file}, {"options", {"bind", "ro"}}});
    auto r = sh(bundle, "cat /etc/deep/hosts; [ -f /etc/deep/hosts ] && echo is-file");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "127.0.0.1 rt-test-host\nis-file\n");
}

TEST_F(Rootfs, ReadOnlyRoot) {
    Bundle bundle;
    bundle.config["root"]["readonly"] = true;
    auto r = sh(bundle, "/bin/rt-testhelper write /new-file x; /bin/rt-testhelper write /dev/shm/ok x");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "EROFS\nok\n");
    EXPECT_FALSE(path_exists(bundle.rootfs() + "/new-file"));
}

TEST_F(Rootfs, SymlinkedDestinationStaysInsideTheRootfs) {
    Bundle bundle;
    // /escape in the rootfs points at a host directory, absolutely and by "..".
    std::string outside = bundle.dir() + "/outside";
    fs::create_directories(outside);
    fs::create_symlink(outside, bundle.rootfs() + "/escape");
    fs::create_symlink("../../../../../../.." + outside, bundle.rootfs() + "/escape2");
    bundle.config["mounts"].push_back({{"destination", "/escape/sub"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    bundle.config["mounts"].push_back({{"destination", "/escape2"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    auto r = sh(bundle, "touch /escape/sub/inside /escape2/inside2; echo done");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "done\n");
    // Nothing was made or mounted in the host directory...
    EXPECT_TRUE(fs::is_empty(outside));
    EXPECT_TRUE(host_mounts_containing(outside).empty());
    // ...the mount points were made inside the rootfs instead.
    EXPECT_TRUE(fs::is_directory(bundle.rootfs() + outside + "/sub"));
}

TEST_F(Rootfs, MountsKeepTheirOptionsAndOrder) {
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/t"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                                       {"options", {"noexec", "nosuid", "mode=700", "size=1m"}}});
    bundle.config["mounts"].push_back({{"destination", "/t/inner"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                                       {"options", {"ro"}}});
    auto r = sh(bundle, "grep ' /t' /proc/self/mounts; stat -c %a /t");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("tmpfs /t tmpfs rw,nosuid,noexec"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("size=1024k,mode=700"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tmpfs /t/inner tmpfs ro"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n700\n"), std::string::npos) << r.out;
}

TEST_F(Rootfs, DefaultDevicesAndLinks) {
    Bundle bundle;
    auto r = sh(bundle,
                "for d in null zero full random urandom tty; do stat -c '%n %F %t:%T %a' /dev/$d; done;"
                "for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done;"
                "echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("/dev/null character special file 1:3 666"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/dev/zero character special file 1:5 666"), std::string::npos);
    EXPECT_NE(r.out.find("/dev/full character special file 1:7 666"), std::string::npos);
    EXPECT_NE(r.out.find("/dev/random character special file 1:8 666"), std::string::npos);
    EXPECT_NE(r.out.find("/dev/urandom character special file 1:9 666"), std::string::npos);
    EXPECT_NE(r.out.find("/dev/tty character special file 5:0 666"), std::string::npos);
    EXPECT_NE(r.out.find("/proc/self/fd\n/proc/self/fd/0\n/proc/self/fd/1\n/proc/self/fd/2\npts/ptmx\n"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("00 00 00 00"), std::string::npos);
}

TEST_F(Rootfs, NoPivot) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "cat /etc/passwd | head -1; echo $$"});
    auto r = rt({"run", "--no-pivot", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "root:x:0:0:root:/root:/bin/sh\n1\n");
}

TEST_F(Rootfs, CgroupMountShowsTheHierarchies) {
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"},
                                       {"source", "cgroup"}, {"options", {"nosuid", "noexec", "nodev", "ro"}}});
    auto r = sh(bundle, "ls /sys/fs/cgroup; grep ' /sys/fs/cgroup/memory ' /proc/self/mounts;"
                        "/bin/rt-testhelper write /sys/fs/cgroup/memory/x 1; /bin/rt-testhelper write /sys/fs/cgroup/x 1;"
                        "grep -c ' /sys/fs/cgroup[^ ]* [^ ]* ro,' /proc/self/mounts");
    EXPECT_EQ(r.status, 0) << r.err;
    for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup")) {
        EXPECT_NE(r.out.find(entry.path().filename().string() + "\n"), std::string::npos)
            << entry.path() << " missing in\n" << r.out;
    }
    EXPECT_NE(r.out.find("cgroup /sys/fs/cgroup/memory cgroup ro"), std::string::npos) << r.out;
    // The hierarchy and the tmpfs that holds them: neither can be written.
    size_t first = r.out.find("EROFS");
    ASSERT_NE(first, std::string::npos) << r.out;
    EXPECT_NE(r.out.find("EROFS", first + 1), std::string::npos) << r.out;
    // Every mount of the tree is read-only: the tmpfs and each hierarchy.
    size_t hierarchies = 0;
    for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup")) hierarchies += !entry.is_symlink();
    EXPECT_NE(r.out.find("\n" + std::to_string(hierarchies + 1) + "\n"), std::string::npos)
        << hierarchies << " hierarchies and the tmpfs, read-only, in\n" << r.out;
}

TEST_F(Rootfs, CgroupMountWithCgroupNamespace) {
    Bundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    bundle.config["mounts"].push_back({{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"},
                                       {"source", "cgroup"}, {"options", {"nosuid", "noexec", "nodev"}}});
    auto r = sh(bundle, "cat /proc/self/cgroup; ls /sys/fs/cgroup/pids | grep -c procs");
    EXPECT_EQ(r.status, 0) << r.err;
    // In its own cgroup namespace every path reads as the root.
    EXPECT_NE(r.out.find(":pids:/\n"), std::string::npos) << r.out;
}

TEST_F(Rootfs, MountPropagationOption) {
    Bundle bundle;
    std::string volume = bundle.dir() + "/volume";
    fs::create_directories(volume);
    bundle.config["mounts"].push_back({{"destination", "/shared"}, {"type", "bind"}, {"source", volume},
                                       {"options", {"rbind", "rshared"}}});
    auto r = sh(bundle, "grep ' /shared ' /proc/self/mountinfo");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("shared:"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace rt_test
