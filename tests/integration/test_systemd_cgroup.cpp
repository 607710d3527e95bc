// rt --systemd-cgroup on a host without systemd (this one; the systemd VM,
// suite systemd-vm, tests it against a real one): create and run fail with
// an error naming D-Bus and systemd before anything is made; a bad
// cgroupsPath is the config's error all the same; the other commands take
// the flag. Where the host does run systemd, its sockets are hidden from rt
// in a mount namespace of its own, so that the test means the same there.
#include <unistd.h>

#include <filesystem>

#include "fixture.hpp"

namespace rt_test {
namespace {

class SystemdCgroup : public RtTest {
protected:
    // rt ARGS with systemd's sockets unreachable.
    Result rt_without_systemd(const std::vector<std::string>& args) {
        std::string hide;
        for (const char* socket : {"/run/dbus/system_bus_socket", "/run/systemd/private"}) {
            if (path_exists(socket)) hide += std::string("mount --bind /dev/null ") + socket + " && ";
        }
        std::vector<std::string> argv = {"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                                         hide + "exec \"$@\"", "sh"};
        for (const auto& a : rt_argv(args)) argv.push_back(a);
        return run_program(argv);
    }

    // Nothing of the container anywhere: no state, no cgroup (the systemd
    // default path, nor cgroupfs's), no process of its bundle.
    void expect_nothing_made(const std::string& id) {
        EXPECT_FALSE(path_exists(root_ + "/" + id));
        for (const auto& entry : std::filesystem::directory_iterator("/sys/fs/cgroup")) {
            for (const std::string& inner : {"/system.slice/rt-" + id + ".scope", "/rt/" + id}) {
                EXPECT_FALSE(path_exists(entry.path().string() + inner)) << entry.path().string() + inner;
            }
        }
        EXPECT_TRUE(host_mounts_containing(id).empty());
    }
};

TEST_F(SystemdCgroup, WithoutSystemdCreateAndRunFailBeforeAnythingIsMade) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    bundle.write();
    for (const char* command : {"create", "run"}) {
        std::string id = new_id();
        Result r = rt_without_systemd({"--systemd-cgroup", command, "--bundle", bundle.dir(), id});
        EXPECT_EQ(r.status, 1) << command;
        EXPECT_NE(r.err.find("rt: --systemd-cgroup: cannot reach systemd over D-Bus"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("connect /run/dbus/system_bus_socket: "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("connect /run/systemd/private: "), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
        expect_nothing_made(id);
    }
}

// Rootless, the user's own systemd on the user's bus: none there (an empty
// XDG_RUNTIME_DIR, no session address) is an error naming D-Bus and the
// user's systemd, before anything is made.
TEST_F(SystemdCgroup, RootlessWithoutTheUsersBusCreateAndRunFailBeforeAnythingIsMade) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "pause"});
    add_user_namespace(bundle.config);
    bundle.write();
    std::string runtime_dir = bundle.dir() + "/no-bus";
    std::filesystem::create_directory(runtime_dir);
    for (const char* command : {"create", "run"}) {
        std::string id = new_id();
        std::vector<std::string> argv = {"/usr/bin/env", "-u", "DBUS_SESSION_BUS_ADDRESS",
                                         "XDG_RUNTIME_DIR=" + runtime_dir};
        for (const auto& a : rt_argv({"--rootless", "true", "--systemd-cgroup", command, "--bundle", bundle.dir(), id})) {
            argv.push_back(a);
        }
        Result r = run_program(argv);
        EXPECT_EQ(r.status, 1) << command;
        EXPECT_NE(r.err.find("--systemd-cgroup rootless: cannot reach the user's systemd instance (systemd --user) "
                             "over D-Bus on the user's bus: connect " + runtime_dir + "/bus: "),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(r.out, "");
        expect_nothing_made(id);
        for (const auto& entry : std::filesystem::directory_iterator("/sys/fs/cgroup")) {
            EXPECT_FALSE(path_exists(entry.path().string() + "/user.slice/rt-" + id + ".scope"));
        }
    }
}

TEST_F(SystemdCgroup, ABadCgroupsPathIsTheConfigsErrorEvenWithoutSystemd) {
    Bundle bundle;
    bundle.config["linux"]["cgroupsPath"] = "/not/a/slice";
    bundle.write();
    std::string id = new_id();
    Result r = rt_without_systemd({"--systemd-cgroup", "create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("rt: config.json: .linux.cgroupsPath: \"/not/a/slice\": expected the form "
                         "\"slice:prefix:name\" for systemd cgroups (--systemd-cgroup)"),
              std::string::npos)
        << r.err;
    expect_nothing_made(id);
}

TEST_F(SystemdCgroup, TheOtherCommandsTakeTheFlag) {
    // As runc: the flag matters to create (and run); the others find the
    // driver in the container's state.
    EXPECT_EQ(rt({"--systemd-cgroup", "list"}).status, 0);
    Result r = rt({"--systemd-cgroup", "state", "no-such-container"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err.find("systemd"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rt_test
