// Mounts under /proc (issue 9 item 3; CVE-2019-16884, CVE-2023-27561,
// CVE-2025-52881): the runtime acts on the container through its procfs
// (/proc/self/fd, /proc/1, the protected paths), so a config or an image
// that puts something else there could redirect it. A bind of a directory
// onto /proc/1, whose fd/N entries are symbolic links to a decoy, once made
// the read-only and masking mounts land on the decoy: /proc/sys stayed
// writable with readonlyPaths ["/proc/sys"]. rt refuses every mount at or
// below /proc but procfs on /proc and binds onto lxcfs's files, checks the
// mount point itself (a symbolic link of the image cannot lead a mount
// there), and mounts proc and sysfs only on ordinary directories.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class ProcMounts : public RtTest {};

json bind_mount(const std::string& source, const std::string& destination) {
    return {{"destination", destination}, {"type", "bind"}, {"source", source}, {"options", {"rbind"}}};
}

// The attack as a config makes it: a decoy /proc/1 of symlinks, and
// readonlyPaths relying on /proc/self/fd.
TEST_F(ProcMounts, ADecoyBoundOverProc1IsRefused) {
    Bundle bundle;
    std::string decoy = bundle.dir() + "/decoy";
    fs::create_directories(decoy + "/fd");
    fs::create_directories(decoy + "/target");
    for (int n = 0; n < 20; ++n) {
        fs::create_directory_symlink(decoy + "/target", decoy + "/fd/" + std::to_string(n));
    }
    bundle.config["mounts"].push_back(bind_mount(decoy, "/proc/1"));
    bundle.config["linux"]["readonlyPaths"] = {"/proc/sys"};
    expect_create_fails(bundle, "mounts below /proc are refused (/proc/1)");
}

TEST_F(ProcMounts, OnlyProcfsGoesOnProcAndOnlyLxcfsFilesBelowIt) {
    Bundle decoys;
    std::string dir = decoys.dir() + "/d";
    fs::create_directories(dir);
    struct Case {
        json mount;
        std::string message;
    };
    std::vector<Case> cases = {
        {bind_mount(dir, "/proc/sys"), "mounts below /proc are refused (/proc/sys)"},
        {bind_mount(dir, "/proc/./self/../1/"), "mounts below /proc are refused (/proc/1)"},
        {{{"destination", "/proc/sys/kernel"}, {"type", "tmpfs"}, {"source", "tmpfs"}},
         "mounts below /proc are refused (/proc/sys/kernel)"},
        {bind_mount(dir, "/proc"), "only a mount of type \"proc\" may go on /proc"},
        {bind_mount(dir, "/proc/meminfo/../self"), "mounts below /proc are refused (/proc/self)"},
    };
    for (const auto& c : cases) {
        Bundle bundle;
        bundle.config["mounts"].push_back(c.mount);
        expect_create_fails(bundle, c.message);
    }
}

// A symbolic link of the image leads a mount into /proc: the mount point
// is checked where it really is.
TEST_F(ProcMounts, AnImageSymlinkCannotLeadAMountIntoProc) {
    Bundle bundle;
    ASSERT_EQ(symlink("/proc", (bundle.rootfs() + "/p").c_str()), 0);
    bundle.config["mounts"].push_back(bind_mount(bundle.dir(), "/p/1"));
    expect_create_fails(bundle, "mount /p/1: the mount point resolves into /proc");
}

// proc and sysfs on ordinary directories only: an image whose /proc (or
// /sys) is a symbolic link is refused.
TEST_F(ProcMounts, ProcAndSysfsNeedOrdinaryDirectories) {
    for (const std::string dir : {"proc", "sys"}) {
        Bundle bundle;
        fs::remove_all(bundle.rootfs() + "/" + dir);
        fs::create_directories(bundle.rootfs() + "/elsewhere");
        ASSERT_EQ(symlink("/elsewhere", (bundle.rootfs() + "/" + dir).c_str()), 0);
        expect_create_fails(bundle, "mount /" + dir + ": must be mounted on ordinary directory");
    }
}

// What lxcfs users do stays allowed: a file bound over /proc/meminfo.
TEST_F(ProcMounts, ABindOntoAnLxcfsFileWorks) {
    Bundle bundle;
    std::string file = bundle.dir() + "/meminfo";
    std::ofstream(file) << "MemTotal: 65536 kB\n";
    bundle.config["mounts"].push_back(bind_mount(file, "/proc/meminfo"));
    bundle.args({"/bin/sh", "-c", "cat /proc/meminfo"});
    bundle.write();
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "MemTotal: 65536 kB\n");
}

}  // namespace
}  // namespace rt_test
