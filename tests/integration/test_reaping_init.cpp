// rt.init: PID 1 is rt-init, a small init of rt's own run from a sealed memfd,
// which runs the process as its child, reaps orphans, passes signals on and
// exits with the process's status.
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "fixture.hpp"
#include "rt/spec/default_config.hpp"
#include "terminal_helpers.hpp"

namespace rt_test {
namespace {

// The host pid of the child of `pid` (its first one).
pid_t child_of(pid_t pid) {
    std::istringstream children(read_text("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                                          "/children"));
    pid_t child = 0;
    children >> child;
    return child;
}

class ReapingInit : public RtTest {
protected:
    void init_config(Bundle& bundle, const std::vector<std::string>& args, bool annotation = true) {
        if (annotation) bundle.config["annotations"]["rt.init"] = "true";
        bundle.args(args);
    }

    // Starts `args` detached under rt-init, and waits until the process
    // (rt-init's child) takes signals.
    std::string start_paused(Bundle& bundle, pid_t& process) {
        init_config(bundle, {"/bin/rt-testhelper", "pause"});
        std::string id = new_id();
        EXPECT_EQ(rt({"run", "-d", "--bundle", bundle.dir(), id}).status, 0);
        pid_t init = state(id)["pid"];
        EXPECT_TRUE(eventually([&] { return (process = child_of(init)) > 0 && catches_signal(process, SIGTERM); }));
        return id;
    }

    // `ps` in the container: a header and "PID STAT COMMAND" lines.
    std::string processes(const std::string& id) {
        return rt({"exec", id, "/bin/ps", "-o", "pid,stat,comm"}).out;
    }
    static int zombies(const std::string& ps) {
        std::istringstream in(ps);
        std::string pid, stat, rest;
        int count = 0;
        while (in >> pid >> stat && std::getline(in, rest)) count += stat.rfind('Z', 0) == 0;
        return count;
    }
    static int lines(const std::string& ps) { return static_cast<int>(std::count(ps.begin(), ps.end(), '\n')); }
};

TEST_F(ReapingInit, PidOneIsRtInitFromASealedMemfd) {
    Bundle bundle;
    init_config(bundle, {"/bin/sh", "-c", "readlink /proc/1/exe; cat /proc/1/comm; echo $PPID; "
                                          "rt-testhelper write /proc/1/exe x"});
    Result r = rt({"run", "--bundle", bundle.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(r.out);
    std::string exe, comm, parent, write;
    std::getline(lines, exe);
    std::getline(lines, comm);
    std::getline(lines, parent);
    std::getline(lines, write);
    EXPECT_EQ(exe, "/memfd:rt-init (deleted)");
    EXPECT_EQ(comm, "memfd:rt-init");
    EXPECT_EQ(parent, "1");  // the process is rt-init's child
    EXPECT_NE(write, "ok");  // sealed (and running): ETXTBSY or EPERM
}

TEST_F(ReapingInit, TheInitIsNoFileOfTheHost) {
    Bundle bundle;
    pid_t process = 0;
    std::string id = start_paused(bundle, process);
    pid_t init = state(id)["pid"];
    std::string exe = "/proc/" + std::to_string(init) + "/exe";
    char target[4096] = {};
    ASSERT_GT(readlink(exe.c_str(), target, sizeof target - 1), 0);
    EXPECT_EQ(std::string(target), "/memfd:rt-init (deleted)");
    struct stat st {};
    ASSERT_EQ(stat(exe.c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 0u);  // in no directory of any filesystem
    EXPECT_LT(st.st_size, 16384);
}

TEST_F(ReapingInit, OrphansAreReaped) {
    Bundle bundle;
    init_config(bundle, {"/bin/rt-testhelper", "orphan"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    ASSERT_TRUE(run.wait_for_output("orphaned\n")) << "no orphan made";
    // The orphan exits once it is rt-init's child: rt-init reaps it, and
    // rt-init, the helper and ps are all that is left.
    std::string ps;
    EXPECT_TRUE(eventually([&] {
        ps = processes(id);
        return zombies(ps) == 0 && lines(ps) == 4;
    })) << ps;
    ASSERT_EQ(rt({"kill", id, "TERM"}).status, 0);
    EXPECT_EQ(run.wait().status, 0);
}

TEST_F(ReapingInit, KillReachesTheProcessAndItsStatusIsTheContainers) {
    Bundle bundle;
    init_config(bundle, {"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    pid_t init = 0, process = 0;
    ASSERT_TRUE(eventually([&] {
        auto s = rt({"state", id});
        if (s.status != 0) return false;
        init = json::parse(s.out)["pid"];
        return (process = child_of(init)) > 0 && catches_signal(process, SIGTERM);
    }));
    ASSERT_EQ(rt({"kill", id, "TERM"}).status, 0);
    Result r = run.wait();
    EXPECT_EQ(r.out, "SIGTERM\n");  // the helper got it and said so
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(ReapingInit, ExitCodePassesThrough) {
    Bundle bundle;
    init_config(bundle, {"/bin/rt-testhelper", "exit", "42"});
    EXPECT_EQ(rt({"run", "--bundle", bundle.dir(), new_id()}).status, 42);
}

TEST_F(ReapingInit, DeathBySignalIs128PlusTheSignal) {
    Bundle bundle;
    // As PID 1 the helper would survive its own SIGTERM; as rt-init's child
    // it dies of it, and rt-init exits 128+15.
    init_config(bundle, {"/bin/rt-testhelper", "signal-self", "TERM"});
    std::string id = new_id();
    Result r = rt({"run", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 143) << r.out << r.err;
}

TEST_F(ReapingInit, ExecStillWorks) {
    Bundle bundle;
    pid_t process = 0;
    std::string id = start_paused(bundle, process);
    Result r = rt({"exec", id, "/bin/rt-testhelper", "ppid"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n");  // joined from outside, as without rt.init
    r = rt({"exec", id, "/bin/sh", "-c", "cat /proc/1/comm"});
    EXPECT_EQ(r.out, "memfd:rt-init\n");
    ASSERT_EQ(rt({"kill", id, "KILL"}).status, 0);
}

// ^C on the container's terminal: the line discipline sends SIGINT to the
// terminal's foreground group, which rt-init made the process's.
TEST_F(ReapingInit, TheTerminalsSignalsReachTheProcess) {
    Bundle bundle;
    bundle.config["process"]["terminal"] = true;
    init_config(bundle, {"/bin/sh", "-c", "rt-testhelper tty; exec rt-testhelper pause"});
    ConsoleListener listener(bundle.dir() + "/console.sock");
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--console-socket", listener.path(), "--bundle", bundle.dir(), id}).status, 0);
    auto got = listener.receive();
    ASSERT_EQ(got.fds, 1);
    int master = got.master;
    ASSERT_EQ(rt({"start", id}).status, 0);
    std::string out;
    EXPECT_TRUE(read_until(master, out, "\r\n")) << out;
    pid_t init = state(id)["pid"], process = 0;
    // The shell has exec'd the helper (the shell itself catches SIGINT too).
    ASSERT_TRUE(eventually([&] {
        return (process = child_of(init)) > 0 &&
               read_text("/proc/" + std::to_string(process) + "/comm") == "rt-testhelper\n" &&
               catches_signal(process, SIGINT);
    }));
    write_text(master, "\x03");
    EXPECT_TRUE(read_until(master, out, "SIGINT\r\n")) << out;
    close(master);
    EXPECT_TRUE(eventually([&] { return state(id)["status"] == "stopped"; }));
    // A terminal, and the process's group (not rt-init's) in its foreground.
    std::istringstream fields(out);
    std::string isatty, pgrp, foreground;
    fields >> isatty >> pgrp >> foreground;
    EXPECT_EQ(isatty, "isatty=1") << out;
    EXPECT_EQ(pgrp, "pgrp=2") << out;
    EXPECT_EQ(foreground, "foreground=2") << out;
}

TEST_F(ReapingInit, NonRootUserInAUserNamespaceWithNoNewPrivilegesAndTheDefaultProfile) {
    Bundle bundle;
    add_user_namespace(bundle.config);
    chown_tree(bundle.rootfs(), kMappedRoot, kMappedRoot);
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    bundle.config["process"]["noNewPrivileges"] = true;
    bundle.config["linux"]["seccomp"] = json::parse(rt::spec::default_seccomp_json());  // rt spec's
    init_config(bundle, {"/bin/sh", "-c", "rt-testhelper ids; readlink /proc/1/exe; exit 5"});
    Result r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 5) << r.err;
    EXPECT_NE(r.out.find("uid=1000 gid=1000"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/memfd:rt-init (deleted)"), std::string::npos) << r.out;
}

TEST_F(ReapingInit, WithoutTheAnnotationPidOneIsTheProcess) {
    Bundle bundle;
    init_config(bundle, {"/bin/sh", "-c", "readlink /proc/1/exe; echo $$"}, false);
    Result r = rt({"run", "--bundle", bundle.dir(), new_id()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "/bin/busybox\n1\n");
}

TEST_F(ReapingInit, WithoutTheAnnotationAnOrphanStaysAZombie) {
    // What rt.init is for: the helper as PID 1 reaps nothing.
    Bundle bundle;
    init_config(bundle, {"/bin/rt-testhelper", "orphan"}, false);
    std::string id = new_id();
    Background run(rt_argv({"run", "--bundle", bundle.dir(), id}));
    ASSERT_TRUE(run.wait_for_output("orphaned\n")) << "no orphan made";
    std::string ps;
    EXPECT_TRUE(eventually([&] { return zombies(ps = processes(id)) == 1; })) << ps;
    ASSERT_EQ(rt({"kill", id, "TERM"}).status, 0);
    run.wait();
}

TEST_F(ReapingInit, SocketActivationFdsAndListenPidAreTheProcesss) {
    Bundle bundle;
    init_config(bundle, {"/bin/sh", "-c", "echo $LISTEN_FDS $LISTEN_PID $$; cat <&3"});
    std::string rt_cmd = std::string(RT_BINARY) + " --root " + root_ + " run --bundle " + bundle.dir() + " ";
    Result r = run_program({"/bin/sh", "-c", "echo listened > " + bundle.dir() + "/socket; exec 3<" +
                                                 bundle.dir() + "/socket; LISTEN_FDS=1 LISTEN_PID=$$ exec " + rt_cmd +
                                                 new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1 2 2\nlistened\n");
}

TEST_F(ReapingInit, BadValueIsRefused) {
    Bundle bundle;
    bundle.config["annotations"]["rt.init"] = "1";
    expect_create_fails(bundle, R"(.annotations["rt.init"]: must be "true" or "false", not "1")");
}

}  // namespace
}  // namespace rt_test
