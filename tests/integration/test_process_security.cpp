// The process side of linux: capabilities, no_new_privs, rlimits,
// oom_score_adj, scheduler, I/O priority, CPU affinity, personality, memory
// policy, LSM labels and seccomp, as the container's process sees them.
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "rt/spec/default_config.hpp"

namespace rt_test {
namespace {

// Capability masks as /proc/self/status prints them.
constexpr const char* kNone = "0000000000000000\n";

std::string status_line(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key + ":", 0) == 0) return line.substr(line.find_first_not_of(" \t", key.size() + 1));
    }
    return "";
}

// rt's default seccomp profile (the one `rt spec` writes), a JSON object.
json default_profile() { return json::parse(rt::spec::default_seccomp_json()); }

class ProcessSecurity : public RtTest {
protected:
    // `rt run` of the bundle with `script` as `sh -c`.
    Result run_sh(Bundle& bundle, const std::string& script) {
        bundle.args({"/bin/sh", "-c", script});
        return rt({"run", "--bundle", bundle.dir(), new_id()});
    }
    // `rt run`, with rt itself started without `cap` in its bounding set (so
    // without it at all): what a host that withholds `cap` from rt looks like.
    Result run_without(const std::string& cap, Bundle& bundle) {
        std::vector<std::string> argv = {"/usr/bin/setpriv", "--bounding-set=-" + cap};
        for (const auto& arg : rt_argv({"run", "--bundle", bundle.dir(), new_id()})) argv.push_back(arg);
        return run_program(argv);
    }
};

// ------------------------------------------------------------ capabilities

TEST_F(ProcessSecurity, CapabilitySetsAsConfigured) {
    Bundle bundle;
    // Without no_new_privs root's execve would fill the permitted and
    // effective sets from the bounding set (capabilities(7)).
    bundle.config["process"]["noNewPrivileges"] = true;
    bundle.config["process"]["capabilities"] = {
        {"bounding", {"CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"}},
        {"effective", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"permitted", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    auto r = run_sh(bundle, "for k in CapBnd CapPrm CapEff CapInh CapAmb; do rt-testhelper status $k; done");
    EXPECT_EQ(r.status, 0) << r.err;
    // KILL 5, SETUID 7, NET_BIND_SERVICE 10, AUDIT_WRITE 29.
    EXPECT_EQ(r.out,
              "00000000200004a0\n"
              "0000000000000420\n"
              "0000000000000420\n"
              "0000000000000400\n"
              "0000000000000400\n");
}

TEST_F(ProcessSecurity, NoCapabilitiesObjectMeansNoCapabilities) {
    // runc 1.1 on this host does the same: every set empty, even for root.
    Bundle bundle;
    bundle.config["process"].erase("capabilities");
    auto r = run_sh(bundle, "for k in CapBnd CapPrm CapEff CapInh CapAmb; do rt-testhelper status $k; done");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, std::string(kNone) + kNone + kNone + kNone + kNone);
}

TEST_F(ProcessSecurity, NonRootUserKeepsAmbientCapabilities) {
    Bundle bundle;
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    bundle.config["process"]["capabilities"] = {
        {"bounding", {"CAP_NET_BIND_SERVICE", "CAP_CHOWN"}},
        {"effective", {"CAP_NET_BIND_SERVICE", "CAP_CHOWN"}},
        {"permitted", {"CAP_NET_BIND_SERVICE", "CAP_CHOWN"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    auto r = run_sh(bundle, "rt-testhelper ids; for k in CapEff CapPrm CapAmb; do rt-testhelper status $k; done");
    EXPECT_EQ(r.status, 0) << r.err;
    // After execve a non-root user keeps its ambient set, and only that.
    EXPECT_EQ(r.out,
              "uid=1000 gid=1000 euid=1000 egid=1000 groups=\n"
              "0000000000000400\n0000000000000400\n0000000000000400\n");
}

TEST_F(ProcessSecurity, CapabilitiesRtLacksAreLeftOutWithAWarning) {
    Bundle bundle;
    bundle.config["process"]["capabilities"] = {{"bounding", {"CAP_KILL", "CAP_SYS_NICE"}},
                                                {"effective", {"CAP_KILL", "CAP_SYS_NICE"}},
                                                {"permitted", {"CAP_KILL", "CAP_SYS_NICE"}}};
    bundle.args({"/bin/rt-testhelper", "status", "CapEff"});
    auto r = run_without("sys_nice", bundle);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "0000000000000020\n");  // CAP_KILL only
    EXPECT_NE(r.err.find("warning: ignoring capabilities rt does not hold and cannot grant: CAP_SYS_NICE"),
              std::string::npos)
        << r.err;
}

TEST_F(ProcessSecurity, NoNewPrivileges) {
    Bundle with;
    with.config["process"]["noNewPrivileges"] = true;
    auto r = run_sh(with, "rt-testhelper status NoNewPrivs");
    EXPECT_EQ(r.out, "1\n") << r.err;
    Bundle without;
    r = run_sh(without, "rt-testhelper status NoNewPrivs");
    EXPECT_EQ(r.out, "0\n") << r.err;
}

// ------------------------------------------------------------------ rlimits

TEST_F(ProcessSecurity, RlimitsAreSet) {
    Bundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 1024}},
                                           {{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 0}},
                                           {{"type", "RLIMIT_NPROC"}, {"soft", 300}, {"hard", 400}}};
    auto r = run_sh(bundle,
                    "grep -E '^Max (open files|core file size|processes)' /proc/self/limits | tr -s ' '; "
                    "rt-testhelper limit NOFILE");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "Max core file size 0 0 bytes \n"
              "Max processes 300 400 processes \n"
              "Max open files 512 1024 files \n"
              "512 1024\n");
}

TEST_F(ProcessSecurity, RaisingAHardLimitWithoutCapSysResourceIsAClearError) {
    Bundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 1048576}, {"hard", 1048576}}};
    bundle.write();
    std::string id = new_id();
    std::vector<std::string> argv = {"/usr/bin/setpriv", "--bounding-set=-sys_resource"};
    for (const auto& arg : rt_argv({"create", "--bundle", bundle.dir(), id})) argv.push_back(arg);
    auto r = run_program(argv);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("set RLIMIT_NOFILE to soft 1048576, hard 1048576 (above the current hard limit"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

// ---------------------------------------------- oom, scheduling, NUMA, persona

TEST_F(ProcessSecurity, OomScoreAdj) {
    Bundle bundle;
    bundle.config["process"]["oomScoreAdj"] = 500;
    auto r = run_sh(bundle, "rt-testhelper oom-score-adj");
    EXPECT_EQ(r.out, "500\n") << r.err;

    // config.md: not set, not changed: the container has rt's value.
    std::ifstream own("/proc/self/oom_score_adj");
    std::string mine;
    own >> mine;
    Bundle unset;
    r = run_sh(unset, "rt-testhelper oom-score-adj");
    EXPECT_EQ(r.out, mine + "\n") << r.err;
}

TEST_F(ProcessSecurity, LoweringOomScoreAdjWithoutCapSysResourceIsAClearError) {
    Bundle bundle;
    bundle.config["process"]["oomScoreAdj"] = -999;
    bundle.args({"/bin/true"});
    auto r = run_without("sys_resource", bundle);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("set oom_score_adj to -999: Permission denied"), std::string::npos) << r.err;
}

TEST_F(ProcessSecurity, SchedulerPolicies) {
    Bundle batch;
    batch.config["process"]["scheduler"] = {{"policy", "SCHED_BATCH"}, {"nice", 7}};
    auto r = run_sh(batch, "rt-testhelper sched; rt-testhelper nice");
    EXPECT_EQ(r.out, "SCHED_BATCH 0\n7\n") << r.err;

    Bundle fifo;
    fifo.config["process"]["scheduler"] = {
        {"policy", "SCHED_FIFO"}, {"priority", 10}, {"flags", {"SCHED_FLAG_RESET_ON_FORK"}}};
    fifo.args({"/bin/rt-testhelper", "sched"});
    // On cgroup v1 a new cpu cgroup has no realtime budget and FIFO fails,
    // saying how to give it one; below a parent that has some, it works.
    const std::string v1_cpu = "/sys/fs/cgroup/cpu";
    const bool rt_budgets = path_exists(v1_cpu + "/cpu.rt_runtime_us");
    if (rt_budgets) {
        r = rt({"run", "--bundle", fifo.dir(), new_id()});
        EXPECT_EQ(r.status, 1);
        EXPECT_NE(r.err.find("needs a realtime budget: linux.resources.cpu.realtimeRuntime"), std::string::npos)
            << r.err;
    }
    const std::string parent = "/rt-test-sched-" + std::to_string(getpid());
    if (rt_budgets) {
        ASSERT_EQ(mkdir((v1_cpu + parent).c_str(), 0755), 0);
        std::ofstream(v1_cpu + parent + "/cpu.rt_runtime_us") << 20000;
        fifo.config["linux"]["cgroupsPath"] = parent + "/fifo";
        fifo.config["linux"]["resources"] = {{"cpu", {{"realtimeRuntime", 10000}}}};
        fifo.write();
    }
    r = rt({"run", "--bundle", fifo.dir(), new_id()});
    // rt made the parent in the other hierarchies too.
    for (const auto& entry : std::filesystem::directory_iterator("/sys/fs/cgroup")) {
        rmdir((entry.path().string() + parent).c_str());
    }
    EXPECT_EQ(r.out, "SCHED_FIFO 10 reset-on-fork\n") << r.err;

    Bundle deadline;
    deadline.config["process"]["scheduler"] = {
        {"policy", "SCHED_DEADLINE"}, {"runtime", 1000000}, {"deadline", 10000000}, {"period", 10000000}};
    deadline.args({"/bin/rt-testhelper", "sched"});
    r = rt({"run", "--bundle", deadline.dir(), new_id()});
    EXPECT_EQ(r.out, "SCHED_DEADLINE 0\n") << r.err;
}

TEST_F(ProcessSecurity, SchedulerRefusedByTheKernelIsAClearError) {
    Bundle bundle;
    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_ISO"}};
    expect_create_fails(bundle, "sched_setattr SCHED_ISO: Invalid argument");
}

TEST_F(ProcessSecurity, IoPriority) {
    Bundle bundle;
    bundle.config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"}, {"priority", 4}};
    auto r = run_sh(bundle, "rt-testhelper ioprio; sh -c 'rt-testhelper ioprio'");
    EXPECT_EQ(r.out, "IOPRIO_CLASS_BE 4\nIOPRIO_CLASS_BE 4\n") << r.err;  // children inherit it
}

TEST_F(ProcessSecurity, ExecCpuAffinityIsNotForTheContainersOwnProcess) {
    // config.md: "not applicable to the container's init process" (runc
    // applies it to `runc exec` only): the process keeps rt's affinity.
    Bundle bundle;
    bundle.config["process"]["execCPUAffinity"] = {{"initial", "0"}, {"final", "0"}};
    auto r = run_sh(bundle, "rt-testhelper status Cpus_allowed_list");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, status_line("Cpus_allowed_list") + "\n");
}

TEST_F(ProcessSecurity, TheContainerMayRunOnEveryCpuRtMay) {
    // rt moves its init off its own CPU while both work at once
    // (rt/linux/placement.hpp); the init takes rt's mask back before the
    // container's process is made, so that it inherits what rt had.
    Bundle bundle;
    auto r = run_sh(bundle, "rt-testhelper status Cpus_allowed_list; sh -c 'rt-testhelper status Cpus_allowed_list'");
    EXPECT_EQ(r.status, 0) << r.err;
    std::string mine = status_line("Cpus_allowed_list");
    EXPECT_EQ(r.out, mine + "\n" + mine + "\n");
}

TEST_F(ProcessSecurity, Personality) {
    utsname host{};
    uname(&host);
    Bundle linux64;
    linux64.config["linux"]["personality"] = {{"domain", "LINUX"}};
    auto r = run_sh(linux64, "uname -m");
    EXPECT_EQ(r.out, std::string(host.machine) + "\n") << r.err;
    if (std::string(host.machine) != "x86_64") GTEST_SKIP() << "LINUX32 checked on x86_64 only";
    Bundle bundle;
    bundle.config["linux"]["personality"] = {{"domain", "LINUX32"}};
    r = run_sh(bundle, "uname -m");
    EXPECT_EQ(r.out, "i686\n") << r.err;
}

TEST_F(ProcessSecurity, MemoryPolicy) {
    Bundle bind;
    bind.config["linux"]["memoryPolicy"] = {{"mode", "MPOL_BIND"}, {"nodes", "0"}};
    auto r = run_sh(bind, "rt-testhelper mempolicy; grep -c bind:0 /proc/self/numa_maps >/dev/null && echo maps");
    EXPECT_EQ(r.out, "MPOL_BIND nodes=0\nmaps\n") << r.err;

    Bundle interleave;
    interleave.config["linux"]["memoryPolicy"] = {
        {"mode", "MPOL_INTERLEAVE"}, {"nodes", "0"}, {"flags", {"MPOL_F_STATIC_NODES"}}};
    r = run_sh(interleave, "rt-testhelper mempolicy");
    EXPECT_EQ(r.out, "MPOL_INTERLEAVE|MPOL_F_STATIC_NODES nodes=0\n") << r.err;

    Bundle missing_node;
    missing_node.config["linux"]["memoryPolicy"] = {{"mode", "MPOL_BIND"}, {"nodes", "1000"}};
    expect_create_fails(missing_node, "set_mempolicy MPOL_BIND nodes 1000: Invalid argument");
}

// A host without AppArmor or SELinux (this one: check /sys/kernel/security/lsm)
// must refuse a config that asks for them rather than run it unconfined.
TEST_F(ProcessSecurity, LsmLabelsNeedTheLsm) {
    std::string lsm = path_exists("/sys/kernel/security/lsm") ? read_text("/sys/kernel/security/lsm") : "";
    bool apparmor = lsm.find("apparmor") != std::string::npos ||
                    (path_exists("/sys/module/apparmor/parameters/enabled") &&
                     read_text("/sys/module/apparmor/parameters/enabled").starts_with("Y"));
    bool selinux = lsm.find("selinux") != std::string::npos || path_exists("/sys/fs/selinux/enforce");
    if (apparmor || selinux) GTEST_SKIP() << "this host has AppArmor or SELinux";
    Bundle apparmor_bundle;
    apparmor_bundle.config["process"]["apparmorProfile"] = "rt-test";
    expect_create_fails(apparmor_bundle, ".process.apparmorProfile: AppArmor is not enabled on this host");
    Bundle selinux_bundle;
    selinux_bundle.config["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0";
    expect_create_fails(selinux_bundle, ".process.selinuxLabel: SELinux is not enabled on this host");
}

// ------------------------------------------------------------------ seccomp

json errno_rule(const std::vector<std::string>& names, int err) {
    return {{"names", names}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", err}};
}

TEST_F(ProcessSecurity, SeccompBlocksWithTheConfiguredErrno) {
    for (bool no_new_privileges : {true, false}) {
        Bundle bundle;
        bundle.config["process"]["noNewPrivileges"] = no_new_privileges;
        bundle.config["linux"]["seccomp"] = {
            {"defaultAction", "SCMP_ACT_ALLOW"},
            {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
            {"syscalls",
             {errno_rule({"mkdir", "mkdirat", "no_such_syscall"}, 18),
              {{"names", {"personality"}},
               {"action", "SCMP_ACT_ERRNO"},
               {"args", {{{"index", 0}, {"value", 4294967295u}, {"op", "SCMP_CMP_EQ"}}}}}}}};
        auto r = run_sh(bundle,
                        "rt-testhelper syscall mkdir /x; rt-testhelper syscall getcwd; "
                        "rt-testhelper syscall personality; rt-testhelper status Seccomp");
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out, "EXDEV\nok\nEPERM\n2\n") << "noNewPrivileges " << no_new_privileges;
    }
}

TEST_F(ProcessSecurity, SeccompForANonRootUserWithAndWithoutNoNewPrivileges) {
    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which this
    // user will not have: rt loads it before the switch (as runc).
    for (bool no_new_privileges : {true, false}) {
        Bundle bundle;
        bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
        bundle.config["process"]["noNewPrivileges"] = no_new_privileges;
        bundle.config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                             {"syscalls", {errno_rule({"getcwd"}, 13)}}};
        auto r = run_sh(bundle, "rt-testhelper syscall getcwd; rt-testhelper status Seccomp");
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out, "EACCES\n2\n") << "noNewPrivileges " << no_new_privileges;
    }
}

TEST_F(ProcessSecurity, SeccompKillShowsInTheExitStatus) {
    Bundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 0}}};
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", {{{"names", {"getcwd"}}, {"action", "SCMP_ACT_KILL"}}}}};
    bundle.args({"/bin/rt-testhelper", "syscall", "getcwd"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 128 + SIGSYS) << r.err;
    EXPECT_EQ(r.out, "");
}

// Profiles older than faccessat2(2) (Docker's before 2021, runtime-tools'
// default) deny it with EPERM: finding the program must not need it.
TEST_F(ProcessSecurity, AProfileWithoutFaccessat2StillStartsTheProcess) {
    Bundle bundle;
    json seccomp = default_profile();
    for (auto& rule : seccomp["syscalls"]) {
        auto& names = rule["names"];
        names.erase(std::remove(names.begin(), names.end(), "faccessat2"), names.end());
    }
    bundle.config["linux"]["seccomp"] = seccomp;
    bundle.args({"rt-testhelper", "status", "Seccomp"});  // looked up in PATH
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "2\n");
}

TEST_F(ProcessSecurity, DockerStyleDefaultProfileRunsBusybox) {
    Bundle bundle;
    bundle.config["linux"]["seccomp"] = default_profile();
    auto r = run_sh(bundle,
                    "echo hello | cat; ls / | grep -c bin; id -u; mkdir /tmp/d && rmdir /tmp/d && echo dirs; "
                    "ps -o pid,comm | head -2 | tail -1 | tr -s ' '; date +%Y >/dev/null && echo date; "
                    "rt-testhelper syscall personality; rt-testhelper syscall unshare-user; "
                    "rt-testhelper syscall clone-newuser; rt-testhelper status Seccomp");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "hello\n1\n0\ndirs\n 1 sh\ndate\n"
              "ok\nEPERM\nEPERM\n2\n");

    // Without the profile the same calls succeed: the profile made them fail.
    Bundle open;
    r = run_sh(open, "rt-testhelper syscall unshare-user; rt-testhelper syscall clone-newuser");
    EXPECT_EQ(r.out, "ok\nok\n") << r.err;
}

TEST_F(ProcessSecurity, RtSpecConfigRuns) {
    // `rt spec --seccomp` writes runc's defaults (three capabilities, NOFILE
    // 1024, no_new_privs, masked and read-only paths, a read-only root,
    // devices denied but the default ones) and rt's default seccomp profile.
    Bundle bundle;
    std::filesystem::remove(bundle.dir() + "/config.json");
    auto r = run_program({RT_BINARY, "spec", "--seccomp", "--bundle", bundle.dir()});
    ASSERT_EQ(r.status, 0) << r.err;
    json config = json::parse(read_text(bundle.dir() + "/config.json"));
    EXPECT_EQ(config["linux"]["seccomp"], default_profile());
    config["process"]["terminal"] = false;  // no terminal in a test
    bundle.config = config;
    auto out = run_sh(bundle,
                      "for k in CapBnd CapEff NoNewPrivs Seccomp; do rt-testhelper status $k; done; "
                      "rt-testhelper limit NOFILE; rt-testhelper syscall unshare-user; "
                      "rt-testhelper write /etc/x data; echo > /dev/null && echo null");
    EXPECT_EQ(out.status, 0) << out.err;
    EXPECT_EQ(out.out, "0000000020000420\n0000000020000420\n1\n2\n1024 1024\nEPERM\nEROFS\nnull\n");
}

// A seccomp agent on the host gets the notify fd and answers for the
// container's mkdir.
class SeccompNotify : public ProcessSecurity {
protected:
    Result run_with_agent(Bundle& bundle, int answer, std::string& agent_out, const std::string& id) {
        std::string socket = bundle.dir() + "/agent.sock";
        Background agent({RT_TESTHELPER, "seccomp-agent", socket, std::to_string(answer)});
        EXPECT_TRUE(agent.wait_for_output("listening"));
        bundle.config["annotations"] = {{"org.example", "yes"}};
        bundle.config["linux"]["seccomp"] = {
            {"defaultAction", "SCMP_ACT_ALLOW"},
            {"listenerPath", socket},
            {"listenerMetadata", "meta data"},
            {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
        bundle.args({"/bin/sh", "-c", "rt-testhelper syscall mkdir /made; if test -e /made; then echo made; fi"});
        auto r = rt({"run", "--bundle", bundle.dir(), id});
        agent_out = agent.wait(10).out;
        return r;
    }
};

TEST_F(SeccompNotify, AgentAnswersAndGetsTheContainerProcessState) {
    for (bool no_new_privileges : {true, false}) {
        Bundle bundle;
        bundle.config["process"]["noNewPrivileges"] = no_new_privileges;
        std::string id = new_id();
        std::string agent;
        auto r = run_with_agent(bundle, 0, agent, id);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out, "ok\n");  // the agent said "done", the kernel made nothing
        std::istringstream lines(agent);
        std::string line;
        std::getline(lines, line);
        EXPECT_EQ(line, "listening");
        std::getline(lines, line);
        json state = json::parse(line);
        EXPECT_EQ(state["ociVersion"], "1.3.0");
        EXPECT_EQ(state["fds"], json::array({"seccompFd"}));
        EXPECT_EQ(state["metadata"], "meta data");
        EXPECT_GT(state["pid"].get<int>(), 1);
        EXPECT_EQ(state["state"]["pid"], state["pid"]);
        EXPECT_EQ(state["state"]["id"], id);
        EXPECT_EQ(state["state"]["bundle"], bundle.dir());
        EXPECT_EQ(state["state"]["annotations"], json({{"org.example", "yes"}}));
        // Loaded last (after start) with no_new_privs; during create without.
        EXPECT_EQ(state["state"]["status"], no_new_privileges ? "created" : "creating");
        std::string rest((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
        EXPECT_EQ(rest, "fd received\nnotified " + std::to_string(SYS_mkdirat) + "\ndone\n");
    }
}

TEST_F(SeccompNotify, AgentsErrnoReachesTheContainer) {
    Bundle bundle;
    std::string agent;
    auto r = run_with_agent(bundle, EROFS, agent, new_id());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "EROFS\n");
}

TEST_F(SeccompNotify, NoListenerIsAnErrorOfCreate) {
    Bundle bundle;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"listenerPath", bundle.dir() + "/nobody.sock"},
        {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    expect_create_fails(bundle, "connect to the seccomp listener " + bundle.dir() +
                                    "/nobody.sock: No such file or directory");
}

}  // namespace
}  // namespace rt_test
