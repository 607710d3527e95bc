// runc's security advisories whose class is not covered by a test of its own
// elsewhere (see SECURITY.md for the map): each test makes the attack as a
// caller, an image or a config would, and asserts that it fails.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

class RuncAdvisories : public RtTest {
protected:
    // `sh -c 'exec 7< FILE; exec rt ARGS'`: rt started holding an fd that is
    // not close-on-exec, as a careless caller leaves one.
    Result rt_with_stray_fd(const std::vector<std::string>& args) {
        std::string command = "exec 7< /etc/hostname; exec";
        for (const auto& word : rt_argv(args)) command += " '" + word + "'";
        return run_program({"/bin/sh", "-c", command});
    }
};

// CVE-2016-9962: fds of the runtime (or of its caller) reached the
// container's process. The process sees 0, 1, 2 and nothing else (ls's own
// fd 3 on /proc/self/fd aside), from run and from exec, even when rt was
// handed a stray fd.
TEST_F(RuncAdvisories, NoFdOfTheRuntimeOrItsCallerReachesTheContainer) {
    Bundle bundle;
    bundle.args({"/bin/ls", "/proc/self/fd"});
    bundle.write();
    auto r = rt_with_stray_fd({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n3\n");

    Bundle running;
    std::string id = start_container(running);
    r = rt_with_stray_fd({"exec", id, "/bin/ls", "/proc/self/fd"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n3\n");
    // PID 1 too.
    r = rt({"exec", id, "/bin/ls", "/proc/1/fd"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n");
}

// The same class, from the cgroups: the init joins its cgroup v1
// hierarchies by writing to their "tasks" files, opened for it by rt (as
// root, on the host). A created container's waiting init, which an `rt exec`
// may sit next to until the start, holds none of them any more, nor any
// other file of the host's cgroups.
TEST_F(RuncAdvisories, TheWaitingInitHoldsNoFileOfTheHostsCgroups) {
    Bundle bundle;
    bundle.args({"/bin/true"});
    bundle.write();
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.status, 0) << r.err;
    std::string fds = "/proc/" + std::to_string(state(id)["pid"].get<int>()) + "/fd";
    int seen = 0;
    for (const auto& entry : fs::directory_iterator(fds)) {
        std::error_code ec;
        std::string target = fs::read_symlink(entry.path(), ec).string();
        ++seen;
        EXPECT_EQ(target.rfind("/sys/fs/cgroup", 0), std::string::npos) << entry.path() << " -> " << target;
    }
    EXPECT_GE(seen, 3);  // stdio at least: the listing worked
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
}

// CVE-2022-29162: runc exec gave the process inheritable capabilities it was
// not configured with. rt sets the inheritable set from the process's config
// (empty here), whatever rt itself inherited from its caller.
TEST_F(RuncAdvisories, ExecGivesNoInheritableCapabilitiesBeyondTheConfig) {
    Bundle bundle;
    std::string id = start_container(bundle);
    std::string command = "exec /usr/bin/setpriv --inh-caps +net_raw,+sys_admin";
    for (const auto& word : rt_argv({"exec", id, "/bin/sh", "-c", "grep CapInh /proc/self/status"})) {
        command += " '" + word + "'";
    }
    auto r = run_program({"/bin/sh", "-c", command});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "CapInh:\t0000000000000000\n");
}

// CVE-2025-52565: /dev/console, where the pty is bound, was a path the image
// could make a symbolic link (to a procfs file, to put the pty over it). rt
// refuses a /dev/console that is a link (here to a decoy inside the image).
TEST_F(RuncAdvisories, ADevConsoleSymlinkInTheImageIsRefused) {
    Bundle bundle;
    // The image's own /dev, not a tmpfs of rt's.
    auto& mounts = bundle.config["mounts"];
    for (auto it = mounts.begin(); it != mounts.end(); ++it) {
        if ((*it)["destination"] == "/dev") {
            mounts.erase(it);
            break;
        }
    }
    fs::create_directories(bundle.rootfs() + "/dev");
    std::ofstream(bundle.rootfs() + "/decoy-console") << "decoy\n";
    fs::remove(bundle.rootfs() + "/dev/console");
    ASSERT_EQ(symlink("/decoy-console", (bundle.rootfs() + "/dev/console").c_str()), 0);
    bundle.config["process"]["terminal"] = true;
    bundle.args({"/bin/true"});
    bundle.write();
    FdListener listener(bundle.dir() + "/console.sock");
    std::string id = new_id();
    auto r = rt({"create", "--console-socket", listener.path(), "--bundle", bundle.dir(), id});
    EXPECT_NE(r.status, 0) << "create bound the pty over what /dev/console points to";
    EXPECT_NE(r.err.find("/dev/console is a symbolic link: refused"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(bundle.rootfs() + "/decoy-console"), "decoy\n");
    EXPECT_FALSE(fs::exists(root_ + "/" + id));
}

}  // namespace
}  // namespace rt_test
