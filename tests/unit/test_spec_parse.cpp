// spec::parse_config / parse_process / parse_resources / load_config: types,
// ranges, required fields, enums and patterns, each error naming its JSON path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <limits>

#include "rt/spec/parse.hpp"
#include "spec_test_helpers.hpp"

namespace rt::spec {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::base_config_with;
using test::error_of;

std::string parse_error(const std::string& text) {
    return error_of([&] { parse_config(text); });
}

// ------------------------------------------------------------- invalid JSON

TEST(SpecParse, InvalidJsonGivesLineAndColumn) {
    const std::string message = parse_error("{\n  \"ociVersion\": \"1.0.0\",\n  ]\n}");
    EXPECT_THAT(message, StartsWith("invalid JSON at line 3, column 3: "));
    EXPECT_THAT(message, Not(HasSubstr("json.exception")));
}

TEST(SpecParse, EmptyInputIsInvalidJson) {
    EXPECT_THAT(parse_error(""), StartsWith("invalid JSON at line 1, column 1: "));
}

TEST(SpecParse, TrailingGarbageIsInvalidJson) {
    EXPECT_THAT(parse_error(std::string(test::kBaseConfig) + " {}"), StartsWith("invalid JSON at line "));
}

TEST(SpecParse, NumberTooLargeForADoubleIsInvalidJson) {
    // nlohmann reports this one as out_of_range, not as a parse error.
    EXPECT_EQ(parse_error(R"({"ociVersion": "1.0.0", "x": 1e400})"), "invalid JSON: number overflow parsing '1e400'");
}

TEST(SpecParse, DocumentMustBeAnObject) {
    EXPECT_EQ(parse_error("[]"), ".: expected an object, got array");
    EXPECT_EQ(parse_error("null"), ".: expected an object, got null");
}

// ------------------------------------------------ one bad field, one message

struct BadField {
    const char* patch;     // merge patch applied to test::kBaseConfig
    const char* expected;  // the error message, or a leading part of it
};

// gtest names a failing case by its patch rather than by its bytes.
void PrintTo(const BadField& value, std::ostream* out) { *out << value.patch; }


class SpecParseBadField : public ::testing::TestWithParam<BadField> {};

TEST_P(SpecParseBadField, NamesPathAndProblem) {
    const BadField& bad = GetParam();
    EXPECT_THAT(parse_error(base_config_with(bad.patch)), StartsWith(bad.expected)) << "patch: " << bad.patch;
}

// clang-format off
const BadField kBadFields[] = {
    // config.md: top level, root
    {R"({"ociVersion": null})", R"(.: missing required field "ociVersion")"},
    {R"({"ociVersion": 1})", ".ociVersion: expected a string, got 1"},
    {R"({"root": {"path": null}})", R"(.root: missing required field "path")"},
    {R"({"root": "rootfs"})", ".root: expected an object, got string"},
    {R"({"root": {"readonly": "yes"}})", ".root.readonly: expected a boolean, got string"},
    {R"({"hostname": ["a"]})", ".hostname: expected a string, got array"},
    // process
    {R"({"process": {"cwd": null}})", R"(.process: missing required field "cwd")"},
    {R"({"process": {"args": "sh"}})", ".process.args: expected an array of strings, got string"},
    {R"({"process": {"args": ["sh", 1]}})", ".process.args[1]: expected a string, got 1"},
    {R"({"process": {"env": {"A": "1"}}})", ".process.env: expected an array of strings, got object"},
    {R"({"process": {"terminal": 1}})", ".process.terminal: expected a boolean, got 1"},
    {R"({"process": {"user": {"uid": -1}}})", ".process.user.uid: expected an unsigned 32-bit integer, got -1"},
    {R"({"process": {"user": {"gid": 4294967296}}})",
     ".process.user.gid: expected an unsigned 32-bit integer, got 4294967296"},
    {R"({"process": {"user": {"uid": "0"}}})", ".process.user.uid: expected an unsigned 32-bit integer, got string"},
    {R"({"process": {"user": {"umask": 1.5}}})", ".process.user.umask: expected an unsigned 32-bit integer, got 1.5"},
    {R"({"process": {"user": {"additionalGids": [1, "2"]}}})",
     ".process.user.additionalGids[1]: expected an unsigned 32-bit integer, got string"},
    {R"({"process": {"user": {"additionalGids": 5}}})",
     ".process.user.additionalGids: expected an array of integers, got 5"},
    {R"({"process": {"consoleSize": {"height": 10}}})", R"(.process.consoleSize: missing required field "width")"},
    {R"({"process": {"consoleSize": {"height": -10, "width": 80}}})",
     ".process.consoleSize.height: expected an unsigned 64-bit integer, got -10"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_nofile", "soft": 1, "hard": 1}]}})",
     R"(.process.rlimits[0].type: invalid rlimit type "RLIMIT_nofile": must match ^RLIMIT_[A-Z]+$)"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_CPU", "soft": -5, "hard": 1}]}})",
     ".process.rlimits[0].soft: expected an unsigned 64-bit integer, got -5"},
    {R"({"process": {"rlimits": [{"soft": 1, "hard": 1}]}})", R"(.process.rlimits[0]: missing required field "type")"},
    {R"({"process": {"capabilities": {"bounding": "CAP_KILL"}}})",
     ".process.capabilities.bounding: expected an array of strings, got string"},
    {R"({"process": {"oomScoreAdj": 2147483648}})", ".process.oomScoreAdj: expected a 32-bit integer, got 2147483648"},
    {R"({"process": {"ioPriority": {"priority": 1}}})", R"(.process.ioPriority: missing required field "class")"},
    {R"({"process": {"ioPriority": {"class": "IOPRIO_CLASS_X"}}})",
     R"(.process.ioPriority.class: unknown I/O priority class "IOPRIO_CLASS_X" )"
     "(expected IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)"},
    {R"({"process": {"scheduler": {"nice": 1}}})", R"(.process.scheduler: missing required field "policy")"},
    {R"({"process": {"scheduler": {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_FAST"]}}})",
     R"(.process.scheduler.flags[0]: unknown scheduler flag "SCHED_FLAG_FAST")"},
    {R"({"process": {"execCPUAffinity": {"final": "0-3;7"}}})",
     R"(.process.execCPUAffinity.final: invalid CPU list "0-3;7": must match ^[0-9, -]*$)"},
    // mounts, hooks, annotations
    {R"({"mounts": [{"source": "tmpfs"}]})", R"(.mounts[0]: missing required field "destination")"},
    {R"({"mounts": {"destination": "/tmp"}})", ".mounts: expected an array, got object"},
    {R"({"mounts": [{"destination": "/a", "options": "ro"}]})",
     ".mounts[0].options: expected an array of strings, got string"},
    {R"({"mounts": [{"destination": "/a", "uidMappings": [{"containerID": 0, "hostID": 1}]}]})",
     R"(.mounts[0].uidMappings[0]: missing required field "size")"},
    {R"({"hooks": {"poststart": [{"timeout": 3}]}})", R"(.hooks.poststart[0]: missing required field "path")"},
    {R"({"hooks": {"poststart": [{"path": "/x", "timeout": "3"}]}})",
     ".hooks.poststart[0].timeout: expected a 64-bit integer, got string"},
    {R"({"hooks": []})", ".hooks: expected an object, got array"},
    {R"({"annotations": {"org.example.cores": 2}})", R"(.annotations["org.example.cores"]: expected a string, got 2)"},
    // linux
    {R"({"linux": []})", ".linux: expected an object, got array"},
    {R"({"linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}, {"type": "foo"}]}})",
     R"(.linux.namespaces[2].type: unknown namespace type "foo")"},
    {R"({"linux": {"namespaces": [{"path": "/proc/1/ns/pid"}]}})",
     R"(.linux.namespaces[0]: missing required field "type")"},
    {R"({"linux": {"namespaces": ["pid"]}})", ".linux.namespaces[0]: expected an object, got string"},
    {R"({"linux": {"uidMappings": [{"containerID": -1, "hostID": 0, "size": 1}]}})",
     ".linux.uidMappings[0].containerID: expected an unsigned 32-bit integer, got -1"},
    {R"({"linux": {"timeOffsets": {"boottime": {"nanosecs": -1}}}})",
     ".linux.timeOffsets.boottime.nanosecs: expected an unsigned 32-bit integer, got -1"},
    {R"({"linux": {"devices": [{"path": "/dev/x", "type": "s"}]}})",
     R"(.linux.devices[0].type: invalid device type "s": must match ^[cbup]$)"},
    {R"({"linux": {"devices": [{"type": "c"}]}})", R"(.linux.devices[0]: missing required field "path")"},
    {R"({"linux": {"devices": [{"path": "/dev/x", "type": "c", "major": 1, "minor": 1, "fileMode": 512}]}})",
     ".linux.devices[0].fileMode: expected a file mode between 0 and 511 (0777), got 512"},
    {R"({"linux": {"devices": [{"path": "/dev/x", "type": "c", "major": "1", "minor": 1}]}})",
     ".linux.devices[0].major: expected a 64-bit integer, got string"},
    {R"({"linux": {"netDevices": {"eth-0": {"name": 3}}}})", R"(.linux.netDevices["eth-0"].name: expected a string, got 3)"},
    {R"({"linux": {"rootfsPropagation": "recursive"}})",
     R"(.linux.rootfsPropagation: unknown rootfs propagation "recursive" (expected private, shared, slave, )"
     "unbindable, rprivate, rshared, rslave or runbindable)"},
    {R"({"linux": {"sysctl": ["net.ipv4.ip_forward=1"]}})", ".linux.sysctl: expected an object, got array"},
    {R"({"linux": {"cgroupsPath": 7}})", ".linux.cgroupsPath: expected a string, got 7"},
    {R"({"linux": {"maskedPaths": [1]}})", ".linux.maskedPaths[0]: expected a string, got 1"},
    {R"({"linux": {"intelRdt": {"memBwSchema": "L3:0=ff"}}})",
     R"(.linux.intelRdt.memBwSchema: invalid memory bandwidth schema "L3:0=ff": must match ^MB:[^\n]*$)"},
    {R"({"linux": {"intelRdt": {"memBwSchema": "MB:0=70\n1=50"}}})",
     R"(.linux.intelRdt.memBwSchema: invalid memory bandwidth schema "MB:0=70\n1=50")"},
    {R"({"linux": {"memoryPolicy": {"nodes": "0-1"}}})", R"(.linux.memoryPolicy: missing required field "mode")"},
    {R"({"linux": {"memoryPolicy": {"mode": "MPOL_FIRST_TOUCH"}}})",
     R"(.linux.memoryPolicy.mode: unknown memory policy mode "MPOL_FIRST_TOUCH")"},
    {R"({"linux": {"memoryPolicy": {"mode": "MPOL_BIND", "flags": ["MPOL_F_LAZY"]}}})",
     R"(.linux.memoryPolicy.flags[0]: unknown memory policy flag "MPOL_F_LAZY")"},
    {R"({"linux": {"personality": {"domain": "LINUX64"}}})",
     R"(.linux.personality.domain: unknown personality domain "LINUX64" (expected LINUX or LINUX32))"},
    // linux.seccomp
    {R"({"linux": {"seccomp": {}}})", R"(.linux.seccomp: missing required field "defaultAction")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_DENY"}}})",
     R"(.linux.seccomp.defaultAction: unknown seccomp action "SCMP_ACT_DENY" (expected SCMP_ACT_KILL, )"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "architectures": ["SCMP_ARCH_Z80"]}}})",
     R"(.linux.seccomp.architectures[0]: unknown seccomp architecture "SCMP_ARCH_Z80")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]}}})",
     R"(.linux.seccomp.flags[0]: unknown seccomp flag "SECCOMP_FILTER_FLAG_NEW_LISTENER")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["read"]}]}}})",
     R"(.linux.seccomp.syscalls[0]: missing required field "action")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"action": "SCMP_ACT_LOG"}]}}})",
     R"(.linux.seccomp.syscalls[0]: missing required field "names")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["kill"],
        "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}]}}})",
     R"(.linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "SCMP_CMP_XX")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["kill"],
        "action": "SCMP_ACT_ALLOW", "args": [{"index": -1, "value": 1, "op": "SCMP_CMP_EQ"}]}]}}})",
     ".linux.seccomp.syscalls[0].args[0].index: expected an unsigned 32-bit integer, got -1"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["kill"],
        "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ"}]}]}}})",
     R"(.linux.seccomp.syscalls[0].args[0]: missing required field "value")"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1}}})",
     ".linux.seccomp.defaultErrnoRet: expected an unsigned 32-bit integer, got -1"},
    // linux.resources
    {R"({"linux": {"resources": {"pids": {}}}})", R"(.linux.resources.pids: missing required field "limit")"},
    {R"({"linux": {"resources": {"pids": {"limit": "max"}}}})",
     ".linux.resources.pids.limit: expected a 64-bit integer, got string"},
    {R"({"linux": {"resources": {"hugepageLimits": [{"pageSize": "64kB", "limit": 1}]}}})",
     R"(.linux.resources.hugepageLimits[0].pageSize: invalid page size "64kB": must match ^[1-9][0-9]*[KMG]B$)"},
    {R"({"linux": {"resources": {"hugepageLimits": [{"pageSize": "02MB", "limit": 1}]}}})",
     R"(.linux.resources.hugepageLimits[0].pageSize: invalid page size "02MB")"},
    {R"({"linux": {"resources": {"hugepageLimits": [{"pageSize": "2MB"}]}}})",
     R"(.linux.resources.hugepageLimits[0]: missing required field "limit")"},
    {R"({"linux": {"resources": {"memory": {"swappiness": -1}}}})",
     ".linux.resources.memory.swappiness: expected an unsigned 64-bit integer, got -1"},
    {R"({"linux": {"resources": {"memory": {"limit": "1G"}}}})",
     ".linux.resources.memory.limit: expected a 64-bit integer, got string"},
    {R"({"linux": {"resources": {"memory": {"limit": 9223372036854775808}}}})",
     ".linux.resources.memory.limit: expected a 64-bit integer, got 9223372036854775808"},
    {R"({"linux": {"resources": {"memory": {"disableOOMKiller": 0}}}})",
     ".linux.resources.memory.disableOOMKiller: expected a boolean, got 0"},
    {R"({"linux": {"resources": {"cpu": {"shares": -2}}}})",
     ".linux.resources.cpu.shares: expected an unsigned 64-bit integer, got -2"},
    {R"({"linux": {"resources": {"blockIO": {"weight": 65536}}}})",
     ".linux.resources.blockIO.weight: expected an unsigned 16-bit integer, got 65536"},
    {R"({"linux": {"resources": {"blockIO": {"throttleReadBpsDevice": [{"minor": 0, "rate": 1}]}}}})",
     R"(.linux.resources.blockIO.throttleReadBpsDevice[0]: missing required field "major")"},
    {R"({"linux": {"resources": {"blockIO": {"throttleWriteIOPSDevice": [{"major": 8, "minor": 0}]}}}})",
     R"(.linux.resources.blockIO.throttleWriteIOPSDevice[0]: missing required field "rate")"},
    {R"({"linux": {"resources": {"network": {"priorities": [{"name": "eth0"}]}}}})",
     R"(.linux.resources.network.priorities[0]: missing required field "priority")"},
    {R"({"linux": {"resources": {"rdma": {"mlx5_1": {"hcaHandles": "x"}}}}})",
     ".linux.resources.rdma.mlx5_1.hcaHandles: expected an unsigned 32-bit integer, got string"},
    {R"({"linux": {"resources": {"devices": [{"access": "rwm"}]}}})",
     R"(.linux.resources.devices[0]: missing required field "allow")"},
    {R"({"linux": {"resources": {"unified": {"memory.max": 5}}}})",
     R"(.linux.resources.unified["memory.max"]: expected a string, got 5)"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Table, SpecParseBadField, ::testing::ValuesIn(kBadFields));

TEST(SpecParse, BadFieldTableIsLarge) {
    // The brief for this module asks for at least 25 specific cases.
    EXPECT_GE(std::size(kBadFields), 25u);
}

// ------------------------------------------------------------ round trips

Spec parse_base_with(const std::string& patch) {
    return parse_config(base_config_with(patch));
}

TEST(SpecParseValues, FileModeIsDecimalPermissionBits) {
    const Spec spec = parse_base_with(
        R"({"linux": {"devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]}})");
    ASSERT_EQ(spec.linux->devices.size(), 1u);
    const Device& device = spec.linux->devices[0];
    EXPECT_EQ(device.file_mode, 0666u);
    EXPECT_EQ(device.type, "c");
    EXPECT_EQ(device.major, 10);
    EXPECT_EQ(device.minor, 229);
    EXPECT_FALSE(device.uid.has_value());
}

TEST(SpecParseValues, NegativeInt64LimitsAreKept) {
    const Spec spec = parse_base_with(
        R"({"linux": {"resources": {"memory": {"limit": -1, "swap": -9223372036854775808},
                                    "cpu": {"quota": -1}, "pids": {"limit": 0}}}})");
    const Resources& resources = *spec.linux->resources;
    EXPECT_EQ(resources.memory->limit, -1);
    EXPECT_EQ(resources.memory->swap, std::numeric_limits<int64_t>::min());
    EXPECT_FALSE(resources.memory->reservation.has_value());
    EXPECT_EQ(resources.cpu->quota, -1);
    EXPECT_EQ(resources.pids->limit, 0);
}

TEST(SpecParseValues, IdMappings) {
    const Spec spec = parse_base_with(
        R"({"linux": {"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536},
                                      {"containerID": 65536, "hostID": 4294967295, "size": 1}],
                      "gidMappings": [{"containerID": 5, "hostID": 6, "size": 7}]}})");
    ASSERT_EQ(spec.linux->uid_mappings.size(), 2u);
    EXPECT_EQ(spec.linux->uid_mappings[0].container_id, 0u);
    EXPECT_EQ(spec.linux->uid_mappings[0].host_id, 100000u);
    EXPECT_EQ(spec.linux->uid_mappings[0].size, 65536u);
    EXPECT_EQ(spec.linux->uid_mappings[1].container_id, 65536u);
    EXPECT_EQ(spec.linux->uid_mappings[1].host_id, 4294967295u);
    ASSERT_EQ(spec.linux->gid_mappings.size(), 1u);
    EXPECT_EQ(spec.linux->gid_mappings[0].container_id, 5u);
    EXPECT_EQ(spec.linux->gid_mappings[0].host_id, 6u);
    EXPECT_EQ(spec.linux->gid_mappings[0].size, 7u);
}

TEST(SpecParseValues, Uint64Extremes) {
    const Spec spec = parse_base_with(
        R"({"process": {"rlimits": [{"type": "RLIMIT_AS", "soft": 0, "hard": 18446744073709551615}]}})");
    ASSERT_EQ(spec.process->rlimits.size(), 1u);
    EXPECT_EQ(spec.process->rlimits[0].type, "RLIMIT_AS");
    EXPECT_EQ(spec.process->rlimits[0].soft, 0u);
    EXPECT_EQ(spec.process->rlimits[0].hard, std::numeric_limits<uint64_t>::max());
}

TEST(SpecParseValues, NamespacesInOrderAndEmptyPathMeansNew) {
    const Spec spec = parse_base_with(
        R"({"linux": {"namespaces": [{"type": "network", "path": "/run/netns/a"}, {"type": "ipc", "path": ""},
                                     {"type": "time"}]}})");
    const std::vector<Namespace>& namespaces = spec.linux->namespaces;
    ASSERT_EQ(namespaces.size(), 3u);
    EXPECT_EQ(namespaces[0].type, NamespaceType::network);
    EXPECT_EQ(namespaces[0].path, "/run/netns/a");
    EXPECT_EQ(namespaces[1].type, NamespaceType::ipc);
    EXPECT_FALSE(namespaces[1].path.has_value());
    EXPECT_EQ(namespaces[2].type, NamespaceType::time);
    EXPECT_EQ(spec.linux->find_namespace(NamespaceType::network), &namespaces[0]);
    EXPECT_EQ(spec.linux->find_namespace(NamespaceType::pid), nullptr);
    EXPECT_TRUE(spec.linux->has_namespace(NamespaceType::time));
}

TEST(SpecParseValues, NullMeansAbsent) {
    const Spec spec = parse_config(R"({"ociVersion": "1.0.0", "root": null, "hostname": null, "mounts": null,
        "process": {"cwd": "/", "env": null, "user": null, "capabilities": null, "oomScoreAdj": null},
        "linux": {"resources": null, "seccomp": null}})");
    EXPECT_FALSE(spec.root.has_value());
    EXPECT_FALSE(spec.hostname.has_value());
    EXPECT_TRUE(spec.mounts.empty());
    EXPECT_TRUE(spec.process->env.empty());
    EXPECT_EQ(spec.process->user.uid, 0u);
    EXPECT_FALSE(spec.process->capabilities.has_value());
    EXPECT_FALSE(spec.process->oom_score_adj.has_value());
    EXPECT_FALSE(spec.linux->resources.has_value());
    EXPECT_FALSE(spec.linux->seccomp.has_value());
}

TEST(SpecParseValues, UnknownFieldsAndOtherPlatformsAreIgnored) {
    const Spec spec = parse_config(R"({"ociVersion": "1.0.0", "futureField": {"x": 1},
        "process": {"cwd": "/", "newKnob": [1, 2]},
        "windows": {"layerFolders": 3}, "solaris": 1, "vm": "x", "zos": [], "freebsd": {"jail": {"vnet": "disable"}},
        "linux": {"namespaces": [{"type": "pid", "extra": true}], "futureLinuxField": null}})");
    EXPECT_EQ(spec.oci_version, "1.0.0");
    EXPECT_EQ(spec.process->cwd, "/");
    ASSERT_EQ(spec.linux->namespaces.size(), 1u);
    EXPECT_EQ(spec.linux->namespaces[0].type, NamespaceType::pid);
}

TEST(SpecParseValues, DefaultsWhenAbsent) {
    const Spec spec = parse_config(test::kBaseConfig);
    EXPECT_FALSE(spec.root->readonly);
    EXPECT_FALSE(spec.process->terminal);
    EXPECT_FALSE(spec.process->no_new_privileges);
    EXPECT_FALSE(spec.process->user.umask.has_value());
    EXPECT_TRUE(spec.hooks.poststop.empty());
    EXPECT_TRUE(spec.annotations.empty());
    EXPECT_FALSE(spec.linux->rootfs_propagation.has_value());
}

TEST(SpecParseValues, MapsKeepEveryKey) {
    const Spec spec = parse_base_with(
        R"({"annotations": {"org.example.a": "1", "b": ""},
            "linux": {"sysctl": {"net.ipv4.ip_forward": "1"}, "netDevices": {"enp1s0": {"name": "eth0"}, "dummy0": {}},
                      "resources": {"unified": {"memory.high": "max"}, "rdma": {"mlx5_0": {"hcaObjects": 9}}}}})");
    EXPECT_EQ(spec.annotations, (StringMap{{"b", ""}, {"org.example.a", "1"}}));
    EXPECT_EQ(spec.linux->sysctl.at("net.ipv4.ip_forward"), "1");
    EXPECT_EQ(spec.linux->net_devices.at("enp1s0").name, "eth0");
    EXPECT_FALSE(spec.linux->net_devices.at("dummy0").name.has_value());
    EXPECT_EQ(spec.linux->resources->unified.at("memory.high"), "max");
    EXPECT_EQ(spec.linux->resources->rdma.at("mlx5_0").hca_objects, 9u);
    EXPECT_FALSE(spec.linux->resources->rdma.at("mlx5_0").hca_handles.has_value());
}

TEST(SpecParseValues, FullExampleKeepsEveryPart) {
    const Spec spec = load_config((test::config_data_dir() / "good" / "full-linux.json").string());
    EXPECT_EQ(spec.oci_version, "1.3.0");
    EXPECT_TRUE(spec.root->readonly);
    ASSERT_EQ(spec.mounts.size(), 4u);
    EXPECT_EQ(spec.mounts[2].options, (std::vector<std::string>{"rbind", "ro", "nosuid"}));
    EXPECT_EQ(spec.mounts[3].gid_mappings.at(0).host_id, 200000u);

    const Process& process = *spec.process;
    EXPECT_TRUE(process.terminal);
    EXPECT_EQ(process.console_size->width, 132u);
    EXPECT_EQ(process.user.umask, 18u);
    EXPECT_EQ(process.user.additional_gids, (std::vector<uint32_t>{10, 20, 4294967295u}));
    EXPECT_EQ(process.args.at(2), "echo hello");
    EXPECT_EQ(process.capabilities->ambient, (std::vector<std::string>{"CAP_NET_BIND_SERVICE"}));
    EXPECT_TRUE(process.capabilities->inheritable.empty());
    EXPECT_EQ(process.rlimits.at(1).hard, std::numeric_limits<uint64_t>::max());
    EXPECT_TRUE(process.no_new_privileges);
    EXPECT_EQ(process.oom_score_adj, -500);
    EXPECT_EQ(process.io_priority->io_class, "IOPRIO_CLASS_BE");
    EXPECT_EQ(process.io_priority->priority, 6);
    EXPECT_EQ(process.scheduler->priority, 10);
    EXPECT_EQ(process.exec_cpu_affinity->final, "0-2, 5");

    EXPECT_EQ(spec.domainname, "example.test");
    EXPECT_EQ(spec.hooks.create_runtime.at(0).args, (std::vector<std::string>{"net", "up"}));
    EXPECT_EQ(spec.hooks.create_container.at(0).timeout, 10);
    EXPECT_EQ(spec.hooks.start_container.at(0).path, "/sbin/ldconfig");
    EXPECT_EQ(spec.annotations.at("org.example.empty"), "");

    const Linux& linux = *spec.linux;
    EXPECT_EQ(linux.namespaces.size(), 8u);
    EXPECT_EQ(linux.time_offsets->boottime->secs, -3600);
    EXPECT_EQ(linux.time_offsets->boottime->nanosecs, 500u);
    EXPECT_EQ(linux.time_offsets->monotonic->nanosecs, 0u);
    EXPECT_EQ(linux.devices.at(1).file_mode, 0600u);
    EXPECT_FALSE(linux.devices.at(2).major.has_value());
    EXPECT_EQ(linux.cgroups_path, "/rt-test/full");
    EXPECT_EQ(linux.intel_rdt->clos_id, "rt-test");
    EXPECT_EQ(linux.intel_rdt->enable_monitoring, true);
    EXPECT_EQ(linux.memory_policy->mode, "MPOL_BIND");
    EXPECT_EQ(linux.rootfs_propagation, "private");
    EXPECT_EQ(linux.masked_paths.at(1), "/proc/keys");
    EXPECT_EQ(linux.readonly_paths.at(1), "/proc/bus");
    EXPECT_EQ(linux.mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
    EXPECT_EQ(linux.personality->domain, "LINUX32");

    const Resources& resources = *linux.resources;
    EXPECT_EQ(resources.devices.at(1).access, "rw");
    EXPECT_FALSE(resources.devices.at(0).type.has_value());
    EXPECT_EQ(resources.memory->kernel_tcp, -1);
    EXPECT_EQ(resources.memory->check_before_update, true);
    EXPECT_EQ(resources.cpu->burst, 1000u);
    EXPECT_EQ(resources.cpu->cpus, "0-1");
    EXPECT_EQ(resources.block_io->leaf_weight, 300);
    EXPECT_EQ(resources.block_io->throttle_write_iops_device.at(0).rate, 500u);
    EXPECT_EQ(resources.hugepage_limits.at(1).page_size, "1GB");
    EXPECT_EQ(resources.network->class_id, 65537u);
    EXPECT_EQ(resources.network->priorities.at(0).priority, 7u);

    const Seccomp& seccomp = *linux.seccomp;
    EXPECT_EQ(seccomp.default_errno_ret, 38u);
    EXPECT_EQ(seccomp.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"}));
    EXPECT_EQ(seccomp.listener_metadata, "test");
    EXPECT_EQ(seccomp.syscalls.at(2).errno_ret, 1u);
    EXPECT_EQ(seccomp.syscalls.at(2).args.at(0).value, 2114060288u);
    EXPECT_EQ(seccomp.syscalls.at(2).args.at(0).value_two, 0u);
    EXPECT_EQ(seccomp.syscalls.at(2).args.at(0).op, "SCMP_CMP_MASKED_EQ");
}

// ------------------------------------------- process.json and resources.json

TEST(SpecParseProcess, StandaloneProcessHasRootPaths) {
    const Process process = parse_process(R"({"args": ["ls", "-l"], "cwd": "/srv", "user": {"uid": 7}})");
    EXPECT_EQ(process.args, (std::vector<std::string>{"ls", "-l"}));
    EXPECT_EQ(process.cwd, "/srv");
    EXPECT_EQ(process.user.uid, 7u);

    EXPECT_EQ(error_of([] { parse_process(R"({"args": ["ls"]})"); }), R"(.: missing required field "cwd")");
    EXPECT_EQ(error_of([] { parse_process(R"({"cwd": "/", "user": {"gid": -3}})"); }),
              ".user.gid: expected an unsigned 32-bit integer, got -3");
    EXPECT_THAT(error_of([] { parse_process("{"); }), StartsWith("invalid JSON at line 1"));
}

TEST(SpecParseResources, StandaloneResourcesHaveRootPaths) {
    const Resources resources = parse_resources(R"({"memory": {"limit": 1048576}, "pids": {"limit": 10}})");
    EXPECT_EQ(resources.memory->limit, 1048576);
    EXPECT_EQ(resources.pids->limit, 10);
    EXPECT_FALSE(resources.cpu.has_value());

    EXPECT_EQ(error_of([] { parse_resources(R"({"memory": {"limit": "1M"}})"); }),
              ".memory.limit: expected a 64-bit integer, got string");
    EXPECT_EQ(error_of([] { parse_resources("[]"); }), ".: expected an object, got array");
}

// ------------------------------------------------------------- load_config

class LoadConfig : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/rt-spec-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& content) {
        const std::filesystem::path path = dir_ / name;
        std::ofstream(path) << content;
        return path.string();
    }

    std::filesystem::path dir_;
};

TEST_F(LoadConfig, ReadsAFile) {
    const Spec spec = load_config(write("config.json", test::kBaseConfig));
    EXPECT_EQ(spec.process->args, (std::vector<std::string>{"sh"}));
}

TEST_F(LoadConfig, MissingFileNamesTheFileAndErrno) {
    try {
        load_config((dir_ / "config.json").string());
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "config.json: No such file or directory");
        EXPECT_EQ(e.err(), ENOENT);
    }
}

TEST_F(LoadConfig, DirectoryIsAnError) {
    std::filesystem::create_directory(dir_ / "config.json");
    EXPECT_EQ(error_of([&] { load_config((dir_ / "config.json").string()); }), "config.json: Is a directory");
}

TEST_F(LoadConfig, ParseErrorsArePrefixedWithTheBaseName) {
    const std::string path = write("config.json", base_config_with(R"({"process": {"cwd": 5}})"));
    EXPECT_EQ(error_of([&] { load_config(path); }), "config.json: .process.cwd: expected a string, got 5");

    const std::string broken = write("other.json", "{\n\"a\": }");
    EXPECT_THAT(error_of([&] { load_config(broken); }), StartsWith("other.json: invalid JSON at line 2, column "));
}

}  // namespace
}  // namespace rt::spec
