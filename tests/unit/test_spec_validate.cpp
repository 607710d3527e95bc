// spec::validate and spec::validate_process: the semantic checks after parsing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rt/spec/parse.hpp"
#include "rt/spec/validate.hpp"
#include "spec_test_helpers.hpp"

namespace rt::spec {
namespace {

using ::testing::StartsWith;
using test::base_config_with;
using test::error_of;

// The message validate() throws for kBaseConfig with `patch`; "" if it passes.
std::string validate_error(const std::string& patch) {
    const Spec spec = parse_config(base_config_with(patch));
    return error_of([&] { validate(spec); });
}

TEST(SpecValidate, BaseConfigIsValid) {
    EXPECT_EQ(validate_error("{}"), "");
}

struct Case {
    const char* patch;     // merge patch applied to test::kBaseConfig
    const char* expected;  // leading part of the error message
};

// gtest names a failing case by its patch rather than by its bytes.
void PrintTo(const Case& value, std::ostream* out) { *out << value.patch; }


class SpecValidateRejects : public ::testing::TestWithParam<Case> {};

TEST_P(SpecValidateRejects, NamesPathAndProblem) {
    EXPECT_THAT(validate_error(GetParam().patch), StartsWith(GetParam().expected)) << GetParam().patch;
}

// clang-format off
const Case kRejected[] = {
    // ociVersion
    {R"({"ociVersion": "2.0.0"})", R"(.ociVersion: unsupported version "2.0.0" (rt implements 1.x))"},
    {R"({"ociVersion": "0.1.0"})", R"(.ociVersion: unsupported version "0.1.0")"},
    {R"({"ociVersion": "foo"})", R"(.ociVersion: "foo" is not a SemVer version (such as "1.3.0"))"},
    {R"({"ociVersion": "1.0"})", R"(.ociVersion: "1.0" is not a SemVer version)"},
    {R"({"ociVersion": "01.0.0"})", R"(.ociVersion: "01.0.0" is not a SemVer version)"},
    {R"({"ociVersion": "1.0.0-"})", R"(.ociVersion: "1.0.0-" is not a SemVer version)"},
    {R"({"ociVersion": "1.0.0+a..b"})", R"(.ociVersion: "1.0.0+a..b" is not a SemVer version)"},
    {R"({"ociVersion": ""})", R"(.ociVersion: "" is not a SemVer version)"},
    // root, process
    {R"({"root": null})", ".root: missing (a container needs a root filesystem)"},
    {R"({"root": {"path": ""}})", ".root.path: must not be empty"},
    {R"({"process": null})", ".process: missing (a container needs a process to run)"},
    {R"({"process": {"args": []}})", ".process.args: must name the program to run (at least one entry)"},
    {R"({"process": {"args": ["", "x"]}})", ".process.args[0]: must not be empty"},
    {R"({"process": {"cwd": "tmp"}})", R"(.process.cwd: must be an absolute path, got "tmp")"},
    {R"({"process": {"cwd": ""}})", R"(.process.cwd: must be an absolute path, got "")"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1},
                                 {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]}})",
     R"(.process.rlimits[1].type: duplicate rlimit "RLIMIT_NOFILE" (also at .process.rlimits[0]))"},
    {R"({"process": {"capabilities": {"ambient": ["CAP_KILL", "NET_RAW"]}}})",
     R"(.process.capabilities.ambient[1]: invalid capability name "NET_RAW" (expected CAP_ and upper-case letters))"},
    {R"({"process": {"capabilities": {"effective": ["CAP_"]}}})",
     R"(.process.capabilities.effective[0]: invalid capability name "CAP_")"},
    {R"({"process": {"oomScoreAdj": 1001}})", ".process.oomScoreAdj: must be between -1000 and 1000, got 1001"},
    {R"({"process": {"ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 8}}})",
     ".process.ioPriority.priority: must be between 0 and 7, got 8"},
    {R"({"process": {"scheduler": {"policy": "SCHED_OTHER", "nice": 20}}})",
     ".process.scheduler.nice: must be between -20 and 19, got 20"},
    {R"({"process": {"scheduler": {"policy": "SCHED_OTHER", "priority": 5}}})",
     ".process.scheduler.priority: can only be set with SCHED_FIFO or SCHED_RR, not SCHED_OTHER"},
    {R"({"process": {"scheduler": {"policy": "SCHED_RR", "runtime": 5}}})",
     ".process.scheduler: runtime, deadline and period can only be set with SCHED_DEADLINE, not SCHED_RR"},
    // mounts
    {R"({"mounts": [{"destination": "/proc/1", "type": "bind", "source": "/tmp"}]})",
     ".mounts[0]: mounts below /proc are refused (/proc/1)"},
    {R"({"mounts": [{"destination": "/proc/sys/../self/", "type": "tmpfs"}]})",
     ".mounts[0]: mounts below /proc are refused (/proc/self)"},
    {R"({"mounts": [{"destination": "/proc", "type": "tmpfs"}]})",
     R"(.mounts[0]: only a mount of type "proc" may go on /proc)"},
    {R"({"mounts": [{"destination": "/mnt"}, {"destination": "tmp", "type": "tmpfs"}]})",
     R"(.mounts[1].destination: must be an absolute path, got "tmp")"},
    {R"({"mounts": [{"destination": "/data", "options": ["ro", "bind"]}]})", R"(.mounts[0]: a bind mount needs a "source")"},
    {R"({"mounts": [{"destination": "/data", "source": "", "options": ["rbind"]}]})",
     R"(.mounts[0]: a bind mount needs a "source")"},
    {R"({"mounts": [{"destination": "/d", "source": "/s", "options": ["bind"],
                     "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]})",
     ".mounts[0]: uidMappings and gidMappings must be given together"},
    // uts names, hooks, maps
    {R"({"hostname": "box"})", ".hostname: setting the hostname needs a UTS namespace in .linux.namespaces"},
    {R"({"domainname": "example.test"})", ".domainname: setting the domainname needs a UTS namespace"},
    {R"({"linux": null, "hostname": "box"})", ".hostname: setting the hostname needs a UTS namespace"},
    {R"({"hooks": {"startContainer": [{"path": "bin/hook"}]}})",
     R"(.hooks.startContainer[0].path: must be an absolute path, got "bin/hook")"},
    {R"({"hooks": {"poststop": [{"path": "/bin/hook", "timeout": -5}]}})",
     ".hooks.poststop[0].timeout: must be at least 1 (seconds), got -5"},
    {R"({"annotations": {"": "x"}})", ".annotations: keys must not be empty"},
    {R"({"linux": {"sysctl": {"": "1"}}})", ".linux.sysctl: keys must not be empty"},
    // namespaces and mappings
    {R"({"linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "pid"}]}})",
     R"(.linux.namespaces[2].type: duplicate namespace type "pid")"},
    {R"({"linux": {"namespaces": [{"type": "network", "path": "proc/1/ns/net"}]}})",
     R"(.linux.namespaces[0].path: must be an absolute path, got "proc/1/ns/net")"},
    {R"({"linux": {"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}})",
     ".linux.uidMappings: needs a user namespace in .linux.namespaces"},
    {R"({"linux": {"gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}})",
     ".linux.gidMappings: needs a user namespace in .linux.namespaces"},
    {R"({"linux": {"namespaces": [{"type": "user"}]}})", ".linux.uidMappings: a new user namespace needs at least one mapping"},
    {R"({"linux": {"timeOffsets": {"boottime": {"secs": 1}}}})", ".linux.timeOffsets: needs a time namespace"},
    {R"({"linux": {"namespaces": [{"type": "time", "path": "/proc/1/ns/time"}], "timeOffsets": {"boottime": {"secs": 1}}}})",
     ".linux.timeOffsets: cannot be set on a joined time namespace"},
    // idmapped mounts
    {R"({"mounts": [{"destination": "/d", "type": "tmpfs", "options": ["idmap"]}]})",
     ".mounts[0]: an idmapped mount (idmap, ridmap or uidMappings) must be a bind mount"},
    {R"({"mounts": [{"destination": "/d", "source": "/s", "options": ["bind", "idmap"]}]})",
     ".mounts[0]: idmap without uidMappings/gidMappings needs a user namespace"},
    // sysctl
    {R"({"linux": {"sysctl": {"kernel.shmmax": "1"}}})", R"(.linux.sysctl["kernel.shmmax"]: needs a namespace of type "ipc" in .linux.namespaces)"},
    {R"({"linux": {"sysctl": {"fs.mqueue.msg_max": "1"}}})", R"(.linux.sysctl["fs.mqueue.msg_max"]: needs a namespace of type "ipc" in .linux.namespaces)"},
    {R"({"linux": {"sysctl": {"net.ipv4.ip_forward": "1"}}})", R"(.linux.sysctl["net.ipv4.ip_forward"]: needs a namespace of type "network" in .linux.namespaces)"},
    {R"({"linux": {"sysctl": {"kernel.domainname": "x"}}})", R"(.linux.sysctl["kernel.domainname"]: needs a namespace of type "uts" in .linux.namespaces)"},
    {R"({"linux": {"sysctl": {"user.max_user_namespaces": "1"}}})", R"(.linux.sysctl["user.max_user_namespaces"]: needs a namespace of type "user" in .linux.namespaces)"},
    {R"({"linux": {"sysctl": {"vm.swappiness": "1"}}})",
     R"(.linux.sysctl["vm.swappiness"]: is not in a separate kernel namespace: refused, it would change the host)"},
    {R"({"linux": {"sysctl": {"kernel.pid_max": "1"}}})", R"(.linux.sysctl["kernel.pid_max"]: is not in a separate kernel namespace)"},
    {R"({"linux": {"sysctl": {"net/../../kernel/x": "1"}}})", R"(.linux.sysctl["net/../../kernel/x"]: not a sysctl name)"},
    {R"({"hostname": "h", "linux": {"namespaces": [{"type": "uts"}], "sysctl": {"kernel.hostname": "x"}}})",
     R"(.linux.sysctl["kernel.hostname"]: conflicts with .hostname)"},
    // netDevices
    {R"({"linux": {"netDevices": {"eth0": {}}}})", ".linux.netDevices: needs a network namespace in .linux.namespaces"},
    {R"({"linux": {"namespaces": [{"type": "network"}], "netDevices": {"a/b": {}}}})", R"(.linux.netDevices["a/b"]: not a valid interface name)"},
    {R"({"linux": {"namespaces": [{"type": "network"}], "netDevices": {"eth0": {"name": "much-too-long-name"}}}})",
     R"(.linux.netDevices.eth0.name: not a valid interface name: "much-too-long-name")"},
    // devices
    {R"({"linux": {"devices": [{"path": "dev/null", "type": "c", "major": 1, "minor": 3}]}})",
     R"(.linux.devices[0].path: must be an absolute path, got "dev/null")"},
    {R"({"linux": {"devices": [{"path": "/etc/null", "type": "c", "major": 1, "minor": 3}]}})",
     R"(.linux.devices[0].path: must be under /dev, got "/etc/null")"},
    {R"({"linux": {"devices": [{"path": "/dev", "type": "c", "major": 1, "minor": 3}]}})",
     R"(.linux.devices[0].path: must be under /dev, got "/dev")"},
    {R"({"linux": {"devices": [{"path": "/dev/./../dev2/x", "type": "c", "major": 1, "minor": 3}]}})",
     R"(.linux.devices[0].path: must be under /dev, got "/dev/./../dev2/x")"},
    {R"({"linux": {"devices": [{"path": "/dev/sdz", "type": "b", "major": 8}]}})",
     R"(.linux.devices[0]: a "b" device needs "major" and "minor")"},
    {R"({"linux": {"devices": [{"path": "/dev/x", "type": "u", "minor": 8}]}})",
     R"(.linux.devices[0]: a "u" device needs "major" and "minor")"},
    // resources, intelRdt
    {R"({"linux": {"resources": {"devices": [{"allow": true, "type": "p"}]}}})",
     R"(.linux.resources.devices[0].type: must be "a", "c" or "b", got "p")"},
    {R"({"linux": {"resources": {"devices": [{"allow": true, "access": "rwx"}]}}})",
     R"(.linux.resources.devices[0].access: must be made of "r", "w" and "m", got "rwx")"},
    {R"({"linux": {"resources": {"blockIO": {"weightDevice": [{"major": 8, "minor": 0}]}}}})",
     R"(.linux.resources.blockIO.weightDevice[0]: needs "weight" or "leafWeight")"},
    {R"({"linux": {"resources": {"rdma": {"mlx5_0": {}}}}})",
     R"(.linux.resources.rdma.mlx5_0: needs "hcaHandles" or "hcaObjects")"},
    {R"({"linux": {"resources": {"rdma": {"mlx5-0": {}}}}})",
     R"(.linux.resources.rdma["mlx5-0"]: needs "hcaHandles" or "hcaObjects")"},
    {R"({"linux": {"intelRdt": {"closID": "../escape"}}})",
     R"(.linux.intelRdt.closID: must be a plain directory name or "/", got "../escape")"},
    {R"({"linux": {"intelRdt": {"closID": ".."}}})", R"(.linux.intelRdt.closID: must be a plain directory name)"},
    // seccomp
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_KILL"}]}}})",
     ".linux.seccomp.syscalls[0].names: must name at least one system call"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read", ""], "action": "SCMP_ACT_KILL"}]}}})",
     ".linux.seccomp.syscalls[0].names[1]: must not be empty"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_LOG", "errnoRet": 1}]}}})",
     ".linux.seccomp.syscalls[0].errnoRet: only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_LOG"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 1}}})",
     ".linux.seccomp.defaultErrnoRet: only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_KILL"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}}})",
     R"(.linux.seccomp.listenerMetadata: needs "listenerPath")"},
    // masked and read-only paths
    {R"({"linux": {"maskedPaths": ["/proc/kcore", "proc/keys"]}})",
     R"(.linux.maskedPaths[1]: must be an absolute path, got "proc/keys")"},
    {R"({"linux": {"readonlyPaths": ["sys"]}})", R"(.linux.readonlyPaths[0]: must be an absolute path, got "sys")"},
    {R"({"linux": {"namespaces": [{"type": "pid"}], "readonlyPaths": ["/proc/sys"]}})",
     ".linux.readonlyPaths: needs a mount namespace in .linux.namespaces"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Table, SpecValidateRejects, ::testing::ValuesIn(kRejected));

class SpecValidateAccepts : public ::testing::TestWithParam<const char*> {};

TEST_P(SpecValidateAccepts, Passes) {
    EXPECT_EQ(validate_error(GetParam()), "") << GetParam();
}

const char* const kAccepted[] = {
    R"({"ociVersion": "1.0.2-dev"})",
    R"({"ociVersion": "1.3.0-rc.1+git.abc-1"})",
    R"({"ociVersion": "1.10.200"})",
    R"({"root": {"path": "/var/lib/bundle/rootfs"}})",
    // hostname with a joined UTS namespace (a pod's sandbox): allowed, as in runc
    R"({"hostname": "pod", "linux": {"namespaces": [{"type": "uts", "path": "/proc/1/ns/uts"}]}})",
    R"({"hostname": "", "domainname": ""})",
    // a joined user namespace brings its own mappings
    R"({"linux": {"namespaces": [{"type": "user", "path": "/proc/1/ns/user"}]}})",
    R"({"linux": {"namespaces": [{"type": "user"}], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
                  "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}})",
    R"({"linux": {"namespaces": [{"type": "time"}], "timeOffsets": {"monotonic": {"secs": -5}}}})",
    R"({"linux": {"devices": [{"path": "/dev/fifo0", "type": "p"}]}})",
    R"({"linux": {"namespaces": [{"type": "ipc"}, {"type": "network"}, {"type": "uts"}],
                  "sysctl": {"kernel.shmmax": "1", "fs.mqueue.queues_max": "2", "net.ipv4.ip_forward": "1",
                             "net/ipv4/conf/eth0.1/forwarding": "1", "kernel.domainname": "d"}}})",
    R"({"linux": {"namespaces": [{"type": "uts"}], "sysctl": {"kernel.hostname": "h"}}})",
    R"({"mounts": [{"destination": "/d", "source": "/s", "options": ["rbind", "ridmap"],
                    "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
                    "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]})",
    R"({"linux": {"namespaces": [{"type": "network", "path": "/run/netns/x"}], "netDevices": {"eth0": {"name": "ctr%d"}}}})",
    R"({"linux": {"devices": [{"path": "/dev//net/./tun", "type": "c", "major": 10, "minor": 200}]}})",
    R"({"mounts": [{"destination": "/data", "source": "/srv/data", "options": ["rbind"]}]})",
    R"({"mounts": [{"destination": "/tmp", "type": "tmpfs"}]})",
    R"({"hooks": {"poststart": [{"path": "/bin/notify", "timeout": 1}]}})",
    R"({"linux": {"intelRdt": {"closID": "/"}}})",
    R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                   "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_TRACE", "errnoRet": 1}]}}})",
    R"({"linux": {"resources": {"devices": [{"allow": false}, {"allow": true, "type": "a", "access": ""}]}}})",
    R"({"process": {"scheduler": {"policy": "SCHED_DEADLINE", "runtime": 10, "deadline": 20, "period": 30}}})",
    R"({"process": {"scheduler": {"policy": "SCHED_FIFO", "priority": 99, "nice": -20}}})",
    R"({"process": {"capabilities": {"bounding": ["CAP_SYS_ADMIN", "CAP_AUDIT_READ"]}}})",
};

INSTANTIATE_TEST_SUITE_P(Table, SpecValidateAccepts, ::testing::ValuesIn(kAccepted));

TEST(SpecValidateProcess, StandaloneProcessUsesRootPaths) {
    Process process = parse_process(R"({"args": [], "cwd": "/"})");
    EXPECT_EQ(error_of([&] { validate_process(process, ""); }), ".args: must name the program to run (at least one entry)");
    process = parse_process(R"({"args": ["ls"], "cwd": "relative"})");
    EXPECT_EQ(error_of([&] { validate_process(process, ""); }), R"(.cwd: must be an absolute path, got "relative")");
    process = parse_process(R"({"args": ["ls"], "cwd": "/"})");
    EXPECT_EQ(error_of([&] { validate_process(process, ""); }), "");
}

TEST(SpecValidate, FirstErrorInFileOrderWins) {
    // Two problems: the one earlier in config.md's order (.process) is reported.
    EXPECT_THAT(validate_error(R"({"process": {"cwd": "x"}, "linux": {"sysctl": {"": "1"}}})"),
                StartsWith(".process.cwd: "));
}

}  // namespace
}  // namespace rt::spec
