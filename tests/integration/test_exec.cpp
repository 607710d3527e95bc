// rt exec: a new process inside a running container, in its namespaces, with
// the process settings of the command line or of a process.json.
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"

namespace rt_test {
namespace {

class Exec : public RtTest {
protected:
    int init_pid(const std::string& id) { return state(id)["pid"]; }
};

std::string ns_link(const std::string& proc_dir, const std::string& ns) {
    char buf[128] = {};
    ssize_t n = readlink((proc_dir + "/ns/" + ns).c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

TEST_F(Exec, RunsInsideTheContainersNamespaces) {
    Bundle bundle;
    std::string id = start_container(bundle);
    std::string init = "/proc/" + std::to_string(init_pid(id));

    auto r = rt({"exec", id, "/bin/hostname"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "rt-test\n");

    // The same namespace links as the init, every one of them.
    r = rt({"exec", id, "/bin/sh", "-c",
            "for ns in cgroup ipc mnt net pid time user uts; do readlink /proc/self/ns/$ns; done"});
    EXPECT_EQ(r.status, 0) << r.err;
    std::string expected;
    for (const char* ns : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}) {
        expected += ns_link(init, ns) + "\n";
    }
    EXPECT_EQ(r.out, expected);

    // In the pid namespace: the init is pid 1 there, and this process is not.
    r = rt({"exec", id, "/bin/sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; ps -o pid,args"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "/bin/rt-testhelper pause ");
    EXPECT_NE(r.out.find("    1 /bin/rt-testhelper pause"), std::string::npos) << r.out;

    // The container's root and mounts.
    r = rt({"exec", id, "/bin/sh", "-c", "cat /etc/hostname 2>/dev/null; test -x /bin/rt-testhelper && echo helper; grep -c ' /dev/pts ' /proc/self/mountinfo"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("helper\n1\n"), std::string::npos) << r.out;
}

TEST_F(Exec, TakesCwdEnvAndUserFromTheCommandLine) {
    Bundle bundle;
    bundle.config["process"]["env"] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "KEEP=config", "OVER=config"};
    std::string id = start_container(bundle);

    auto r = rt({"exec", id, "env"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nKEEP=config\nOVER=config\nHOME=/root\n");

    // -e replaces a variable where it stands and appends a new one, as runc.
    r = rt({"exec", "-e", "OVER=flag", "--env", "NEW=1", id, "env"});
    EXPECT_EQ(r.out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nKEEP=config\nOVER=flag\nNEW=1\nHOME=/root\n");

    r = rt({"exec", "--cwd", "/tmp", id, "/bin/rt-testhelper", "cwd"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "/tmp\n");

    r = rt({"exec", "-u", "1000:1001", "--additional-gids", "5", "-g", "2000", id, "/bin/rt-testhelper", "ids"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "uid=1000 gid=1001 euid=1000 egid=1001 groups=5,2000\n");

    // Its stdio belongs to it (as runc makes it), so it can reopen it.
    r = rt({"exec", "-u", "1000", id, "/bin/rt-testhelper", "open", "/proc/self/fd/1", "w"});
    EXPECT_EQ(r.out, "ok\n") << r.err;

    // Its own session, as runc's processes have.
    r = rt({"exec", id, "sh", "-c", "echo $$; cut -d' ' -f6 /proc/$$/stat"});
    auto lines = r.out.find('\n');
    ASSERT_NE(lines, std::string::npos);
    EXPECT_EQ(r.out.substr(0, lines + 1), r.out.substr(lines + 1)) << r.out;

    // A uid alone keeps the config's gid.
    r = rt({"exec", "--user", "1000", id, "/bin/rt-testhelper", "ids"});
    EXPECT_EQ(r.out, "uid=1000 gid=0 euid=1000 egid=0 groups=\n");

    // The command's own options are its own, not rt's (-c is --cap to rt).
    r = rt({"exec", id, "sh", "-c", "echo $((6*7))"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "42\n");
    r = rt({"exec", id, "--", "echo", "-e", "x"});
    EXPECT_EQ(r.out, "x\n");
}

TEST_F(Exec, ExitStatusIsTheProcesss) {
    Bundle bundle;
    std::string id = start_container(bundle);
    auto r = rt({"exec", id, "sh", "-c", "echo out; echo err >&2; exit 7"});
    EXPECT_EQ(r.status, 7);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    r = rt({"exec", id, "sh", "-c", "kill -9 $$"});
    EXPECT_EQ(r.status, 128 + SIGKILL);
    // Input reaches it.
    r = rt({"exec", id, "cat"}, "piped in\n");
    EXPECT_EQ(r.out, "piped in\n");
    // The container goes on.
    EXPECT_EQ(state(id)["status"], "running");
}

TEST_F(Exec, DetachWritesThePidFileAndReturns) {
    Bundle bundle;
    std::string id = start_container(bundle);
    std::string pid_file = bundle.dir() + "/exec.pid";
    auto r = rt({"exec", "-d", "--pid-file", pid_file, id, "/bin/rt-testhelper", "sleep", "100"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::string text = read_text(pid_file);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find_first_not_of("0123456789"), std::string::npos) << "digits only: " << text;
    pid_t pid = std::stoi(text);
    EXPECT_TRUE(process_exists(pid));
    std::string proc = "/proc/" + std::to_string(pid);
    std::string init = "/proc/" + std::to_string(init_pid(id));
    EXPECT_EQ(ns_link(proc, "pid"), ns_link(init, "pid"));
    EXPECT_EQ(ns_link(proc, "mnt"), ns_link(init, "mnt"));
    // It belongs to the container: delete --force takes it too.
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
    EXPECT_TRUE(eventually([&] { return !process_exists(pid); }));
}

TEST_F(Exec, ProcessJsonAsTheShimsPassIt) {
    Bundle bundle;
    std::string id = start_container(bundle);
    std::string file = bundle.dir() + "/process.json";
    std::ofstream(file) << R"({
        "terminal": false,
        "user": {"uid": 1000, "gid": 1000, "additionalGids": [7]},
        "args": ["/bin/sh", "-c", "/bin/rt-testhelper cwd; /bin/rt-testhelper ids; echo $ONLY"],
        "env": ["ONLY=from-json"],
        "cwd": "/var"
    })";
    auto r = rt({"exec", "--process", file, id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "/var\nuid=1000 gid=1000 euid=1000 egid=1000 groups=7\nfrom-json\n");

    // A bad process.json: the JSON path of the problem, nothing run.
    std::ofstream(file) << R"({"args": [], "cwd": "/"})";
    r = rt({"exec", "-p", file, id});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("--process " + file + ": .args: must name the program"), std::string::npos) << r.err;

    // The flags that describe a process do not mix with it.
    std::ofstream(file) << R"({"args": ["true"], "cwd": "/"})";
    r = rt({"exec", "-p", file, "--cwd", "/tmp", id});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("--cwd cannot be given with it"), std::string::npos) << r.err;
    // --tty may (conmon and runc's users pass both): the file decides, here
    // no terminal, as runc.
    std::ofstream(file) << R"({"args": ["/bin/rt-testhelper", "isatty", "0"], "cwd": "/", "terminal": false})";
    r = rt({"exec", "-p", file, "--tty", id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n");
}

TEST_F(Exec, IntoStoppedUnknownOrCreatedContainers) {
    Bundle bundle;
    std::string id = new_id();
    ASSERT_EQ(rt({"run", "--keep", "--bundle", bundle.dir(), id}).status, 0);
    auto r = rt({"exec", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_EQ(r.err, "rt: cannot exec in a stopped container\n");

    r = rt({"exec", "no-such", "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_EQ(r.err, "rt: container \"no-such\" does not exist\n");

    // A created container (its init waits for start) can be entered.
    Bundle created;
    std::string waiting = new_id();
    ASSERT_EQ(rt({"create", "--bundle", created.dir(), waiting}).status, 0);
    r = rt({"exec", waiting, "hostname"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "rt-test\n");
    EXPECT_EQ(state(waiting)["status"], "created");
}

TEST_F(Exec, FailuresInTheChildAreClearAndLogged) {
    Bundle bundle;
    std::string id = start_container(bundle);
    std::string log = bundle.dir() + "/log.json";
    auto r = rt({"--log", log, "--log-format", "json", "exec", id, "no-such-binary"});
    EXPECT_EQ(r.status, 255);
    EXPECT_EQ(r.err, "rt: exec: \"no-such-binary\": executable file not found in $PATH\n");
    // conmon reads the file as exactly one JSON object.
    json line = json::parse(read_text(log));
    EXPECT_EQ(line["level"], "error");
    EXPECT_EQ(line["msg"], "exec: \"no-such-binary\": executable file not found in $PATH");

    r = rt({"exec", "--cwd", "/no/such/dir", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("chdir to cwd /no/such/dir: No such file or directory"), std::string::npos) << r.err;

    r = rt({"exec", id});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("no command given"), std::string::npos) << r.err;

    // Nothing of those is left running in the container.
    r = rt({"exec", id, "sh", "-c", "echo /proc/[0-9]*"});
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), ' '), 1) << r.out;  // the init and this sh
}

// The line of /proc/self/status that starts with `key` (e.g. "CapEff:").
std::string status_line(const std::string& status, const std::string& key) {
    size_t at = status.find(key);
    if (at == std::string::npos) return "";
    return status.substr(at, status.find('\n', at) - at);
}

TEST_F(Exec, AppliesTheProcessSettingsOfTheCommandLine) {
    Bundle bundle;
    const json chown = {"CAP_CHOWN"};
    bundle.config["process"]["capabilities"] = {{"bounding", chown}, {"effective", chown}, {"permitted", chown}};
    bundle.write();
    std::string id = start_container(bundle);

    // The container's own sets: CAP_CHOWN (bit 0) only. (A root process gets
    // its whole bounding set at execve, so that is what the check reads.)
    auto r = rt({"exec", id, "cat", "/proc/self/status"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(status_line(r.out, "CapBnd:"), "CapBnd:\t0000000000000001");
    EXPECT_EQ(status_line(r.out, "CapEff:"), "CapEff:\t0000000000000001");
    EXPECT_EQ(status_line(r.out, "NoNewPrivs:"), "NoNewPrivs:\t0");

    // --cap adds CAP_NET_ADMIN (bit 12), without a warning about ambient
    // capabilities (runc adds none there without inheritable ones).
    r = rt({"exec", "--cap", "CAP_NET_ADMIN", "--no-new-privs", id, "cat", "/proc/self/status"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(status_line(r.out, "CapBnd:"), "CapBnd:\t0000000000001001");
    EXPECT_EQ(status_line(r.out, "CapEff:"), "CapEff:\t0000000000001001");
    EXPECT_EQ(status_line(r.out, "NoNewPrivs:"), "NoNewPrivs:\t1");

    // An unknown capability or an AppArmor profile on a host without
    // AppArmor: clear errors before anything runs.
    r = rt({"exec", "--cap", "CAP_NO_SUCH", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("unknown capability \"CAP_NO_SUCH\""), std::string::npos) << r.err;
    if (!path_exists("/sys/kernel/security/apparmor")) {
        r = rt({"exec", "--apparmor", "unconfined", id, "true"});
        EXPECT_EQ(r.status, 255);
        EXPECT_NE(r.err.find("exec: .process.apparmorProfile: AppArmor is not enabled"), std::string::npos) << r.err;
    }
}

TEST_F(Exec, AppliesAProcessFilesRlimitsSchedulerAndAffinity) {
    Bundle bundle;
    std::string id = start_container(bundle);
    json process = {{"args", {"/bin/sh", "-c", "grep 'open files' /proc/self/limits; rt-testhelper sched; "
                                               "grep Cpus_allowed_list /proc/self/status"}},
                    {"cwd", "/"},
                    {"user", {{"uid", 0}, {"gid", 0}}},
                    {"env", {"PATH=/bin:/usr/bin"}},
                    {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"soft", 321}, {"hard", 654}}}},
                    {"scheduler", {{"policy", "SCHED_BATCH"}}},
                    {"execCPUAffinity", {{"initial", "0"}, {"final", "0"}}}};
    std::string file = bundle.dir() + "/process.json";
    std::ofstream(file) << process.dump();
    auto r = rt({"exec", "--process", file, id});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("Max open files            321                  654                  files"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("SCHED_BATCH 0\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Cpus_allowed_list:\t0\n"), std::string::npos) << r.out;

    process["rlimits"] = {{{"type", "RLIMIT_NO_SUCH"}, {"soft", 1}, {"hard", 1}}};
    std::ofstream(file) << process.dump();
    r = rt({"exec", "--process", file, id});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("RLIMIT_NO_SUCH"), std::string::npos) << r.err;
}

TEST_F(Exec, TheContainersSeccompFilterHoldsForExecdProcesses) {
    Bundle bundle;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", {{{"names", {"mkdirat", "mkdir"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 95}}}}};
    bundle.write();
    std::string id = start_container(bundle);
    auto r = rt({"exec", id, "/bin/rt-testhelper", "syscall", "mkdir", "/tmp/blocked"});
    EXPECT_EQ(r.out, "EOPNOTSUPP\n") << r.err;
    r = rt({"exec", id, "grep", "^Seccomp:", "/proc/self/status"});
    EXPECT_EQ(r.out, "Seccomp:\t2\n") << r.err;
}

// A created container's init holds fds of the host (its /proc, the exec
// fifo) until it execs: a process of the container, even root, must not
// reach them through /proc/1/fd.
TEST_F(Exec, TheWaitingInitsFdsAreOutOfReach) {
    Bundle bundle;
    const json caps = {"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"};  // rt spec's
    bundle.config["process"]["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    bundle.args({"/bin/rt-testhelper", "pause"});
    std::string id = new_id();
    ASSERT_EQ(rt({"create", "--bundle", bundle.dir(), id}).status, 0);
    auto r = rt({"exec", id, "/bin/sh", "-c", "readlink /proc/1/fd/0 >/dev/null 2>&1 && echo reachable || echo denied"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "denied\n");
    // Once started, the container's own program is an ordinary process.
    ASSERT_EQ(rt({"start", id}).status, 0);
    r = rt({"exec", id, "/bin/sh", "-c", "readlink /proc/1/fd/0 >/dev/null 2>&1 && echo reachable || echo denied"});
    EXPECT_EQ(r.out, "reachable\n") << r.err;
}

TEST_F(Exec, OnlyStdioAndPreservedFdsReachTheProcess) {
    Bundle bundle;
    std::string id = start_container(bundle);
    std::string secret = bundle.dir() + "/secret";
    std::ofstream(secret) << "preserved\n";
    std::string rt_cmd = std::string(RT_BINARY) + " --root " + root_ + " exec ";
    auto r = run_program({"/bin/sh", "-c", "exec 3</etc/hostname 4</etc/hostname; exec " + rt_cmd + id +
                                               " /bin/rt-testhelper fds"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n");

    r = run_program({"/bin/sh", "-c", "exec 3<" + secret + " 4</etc/hostname; exec " + rt_cmd +
                                          "--preserve-fds 1 " + id + " sh -c '/bin/rt-testhelper fds; cat <&3'"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0\n1\n2\n3\npreserved\n");

    // Asking for an fd that is not there is an error, not a leak of rt's own.
    r = rt({"exec", "--preserve-fds", "2", id, "true"});
    EXPECT_EQ(r.status, 255);
    EXPECT_NE(r.err.find("fd 3 was not open"), std::string::npos) << r.err;
}

TEST_F(Exec, ForwardsSignalsToTheProcess) {
    Bundle bundle;
    std::string id = start_container(bundle);
    Background exec(rt_argv({"exec", id, "/bin/sh", "-c",
                             "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done"}));
    ASSERT_TRUE(exec.wait_for_output("ready\n"));
    kill(exec.pid(), SIGTERM);
    auto r = exec.wait();
    EXPECT_EQ(r.status, 7) << r.err;
    EXPECT_EQ(r.out, "ready\ngot-term\n");
}

TEST_F(Exec, JoinsTheContainersCgroups) {
    // Below a parent cgroup of the test's own, removed at the end.
    std::string parent = "/rt-test-exec-" + std::to_string(getpid());
    Bundle bundle;
    bundle.config["linux"]["cgroupsPath"] = parent + "/c";
    bundle.write();
    std::string id = start_container(bundle);
    std::string init_cgroups = read_text("/proc/" + std::to_string(init_pid(id)) + "/cgroup");

    auto r = rt({"exec", id, "cat", "/proc/self/cgroup"});
    EXPECT_EQ(r.status, 0) << r.err;
    // Every hierarchy: the init's cgroup, which is the one of the config.
    EXPECT_EQ(r.out, init_cgroups);
    EXPECT_NE(r.out.find(":" + parent + "/c\n"), std::string::npos) << r.out;
    EXPECT_EQ(rt({"delete", "--force", id}).status, 0);
    for (const auto& entry : std::filesystem::directory_iterator("/sys/fs/cgroup")) {
        std::string dir = entry.path().string() + parent;
        if (path_exists(dir)) {
            EXPECT_EQ(rmdir(dir.c_str()), 0) << dir;
        }
    }
}

}  // namespace
}  // namespace rt_test
