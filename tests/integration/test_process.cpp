// The container's process: user, groups, cwd, env, umask, args, stdio, fds.
#include <fcntl.h>
#include <unistd.h>

#include "fixture.hpp"

namespace rt_test {
namespace {

class Process : public RtTest {
protected:
    Result run(Bundle& bundle, const std::vector<std::string>& args) {
        bundle.args(args);
        return rt({"run", "--bundle", bundle.dir(), new_id()});
    }
};

TEST_F(Process, UserGroupsAndAdditionalGids) {
    Bundle bundle;
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1001}, {"additionalGids", {5, 2000}}};
    auto r = run(bundle, {"/bin/rt-testhelper", "ids"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "uid=1000 gid=1001 euid=1000 egid=1001 groups=5,2000\n");
}

TEST_F(Process, RootHasNoSupplementaryGroupsByDefault) {
    Bundle bundle;
    auto r = run(bundle, {"/bin/rt-testhelper", "ids"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "uid=0 gid=0 euid=0 egid=0 groups=\n");
}

TEST_F(Process, CwdIsEnteredAndCreatedWhenMissing) {
    Bundle bundle;
    bundle.config["process"]["cwd"] = "/work/dir";
    auto r = run(bundle, {"/bin/rt-testhelper", "cwd"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "/work/dir\n");
}

TEST_F(Process, EnvIsExactlyTheConfigsPlusHome) {
    Bundle bundle;
    bundle.config["process"]["env"] = {"PATH=/bin", "FOO=bar baz", "EMPTY="};
    auto r = run(bundle, {"/bin/env"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "PATH=/bin\nFOO=bar baz\nEMPTY=\nHOME=/root\n");
}

TEST_F(Process, HomeOfAUserWithoutPasswdEntryIsRoot) {
    Bundle bundle;
    bundle.config["process"]["user"] = {{"uid", 4242}, {"gid", 4242}};
    auto r = run(bundle, {"/bin/rt-testhelper", "env", "HOME"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "/\n");
}

TEST_F(Process, ArgsLookedUpInTheContainersPath) {
    Bundle bundle;
    bundle.config["process"]["env"] = {"PATH=/nowhere:/bin"};
    auto r = run(bundle, {"rt-testhelper", "cwd"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "/\n");
}

TEST_F(Process, Umask) {
    Bundle bundle;
    bundle.config["process"]["user"]["umask"] = 0077;
    auto r = run(bundle, {"/bin/rt-testhelper", "umask"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0077\n");

    Bundle default_umask;
    r = run(default_umask, {"/bin/rt-testhelper", "umask"});
    EXPECT_EQ(r.out, "0022\n");
}

TEST_F(Process, StdinReachesTheContainer) {
    Bundle bundle;
    bundle.args({"/bin/cat"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()}, "piped in\n");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "piped in\n");
}

TEST_F(Process, NoStrayFdsReachTheContainer) {
    Bundle bundle;
    bundle.args({"/bin/rt-testhelper", "fds"});
    // rt with an extra fd 3 open, as a shim leaves its socket.
    auto r = run_program({"/bin/sh", "-c", std::string("exec 3</etc/hostname 4</etc/hostname; exec ") +
                                               RT_BINARY + " --root " + root_ + " run --bundle " +
                                               bundle.dir() + " " + new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n");
}

TEST_F(Process, PreserveFds) {
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "/bin/rt-testhelper fds; cat <&3"});
    std::string secret = bundle.dir() + "/secret";
    run_program({"/bin/sh", "-c", "echo preserved > " + secret});
    auto r = run_program({"/bin/sh", "-c", "exec 3<" + secret + " 4</etc/hostname; exec " +
                                               std::string(RT_BINARY) + " --root " + root_ +
                                               " run --preserve-fds 1 --bundle " + bundle.dir() + " " +
                                               new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n3\npreserved\n");
}

TEST_F(Process, SocketActivationFdsComeFirstAndAreAnnounced) {
    // systemd's LISTEN_FDS for rt's own pid: those fds (from 3) go to the
    // container, before the --preserve-fds ones, with LISTEN_FDS and
    // LISTEN_PID=1 (the process's pid in there) in its environment.
    Bundle bundle;
    bundle.args({"/bin/sh", "-c", "/bin/rt-testhelper fds; echo $LISTEN_FDS $LISTEN_PID; cat <&4; cat <&5"});
    std::string socket_file = bundle.dir() + "/socket", extra = bundle.dir() + "/extra";
    run_program({"/bin/sh", "-c", "echo second-listen-fd > " + socket_file + "; echo preserved > " + extra});
    std::string rt_cmd = std::string(RT_BINARY) + " --root " + root_ + " run --bundle " + bundle.dir() + " ";
    auto r = run_program({"/bin/sh", "-c", "exec 3</etc/hostname 4<" + socket_file + " 5<" + extra +
                                               " 6</etc/hostname; LISTEN_FDS=2 LISTEN_PID=$$ exec " + rt_cmd +
                                               "--preserve-fds 1 " + new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n3\n4\n5\n2 1\nsecond-listen-fd\npreserved\n");

    // LISTEN_FDS meant for another process: nothing passed, nothing said.
    Bundle other;
    other.args({"/bin/sh", "-c", "/bin/rt-testhelper fds; echo \"[$LISTEN_FDS]\""});
    r = run_program({"/bin/sh", "-c", "exec 3</etc/hostname; LISTEN_FDS=1 LISTEN_PID=1 exec " +
                                          std::string(RT_BINARY) + " --root " + root_ + " run --bundle " +
                                          other.dir() + " " + new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n[]\n");
}

TEST_F(Process, TheProcessLeadsItsOwnSession) {
    // As runc's init: a new session, so that the caller's terminal signals
    // reach rt (which forwards them), not the container behind its back.
    Bundle bundle;
    auto r = run(bundle, {"/bin/cut", "-d", " ", "-f", "6", "/proc/1/stat"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\n");
}

TEST_F(Process, Domainname) {
    Bundle bundle;
    bundle.config["domainname"] = "example.test";
    auto r = run(bundle, {"/bin/cat", "/proc/sys/kernel/domainname"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "example.test\n");
}

TEST_F(Process, HostnameDoesNotChangeTheHosts) {
    char before[256] = {};
    gethostname(before, sizeof before);
    Bundle bundle;
    bundle.config["hostname"] = "changed-inside";
    auto r = run(bundle, {"/bin/hostname"});
    EXPECT_EQ(r.out, "changed-inside\n");
    char after[256] = {};
    gethostname(after, sizeof after);
    EXPECT_STREQ(before, after);
}

TEST_F(Process, JoinsANamespaceByPath) {
    // A first container's network namespace, joined by a second one.
    Bundle first;
    first.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "-d", "--bundle", first.dir(), id}).status, 0);
    int pid = state(id)["pid"];
    std::string netns = "/proc/" + std::to_string(pid) + "/ns/net";

    Bundle second;
    for (auto& ns : second.config["linux"]["namespaces"]) {
        if (ns["type"] == "network") ns["path"] = netns;
    }
    auto r = run(second, {"/bin/readlink", "/proc/self/ns/net"});
    EXPECT_EQ(r.status, 0) << r.err;
    char link[128] = {};
    ASSERT_GT(readlink(netns.c_str(), link, sizeof link - 1), 0);
    EXPECT_EQ(r.out, std::string(link) + "\n");
}

}  // namespace
}  // namespace rt_test
