// spec::check_supported: every field this build does not implement is refused by
// name, and everything it does implement passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rt/spec/parse.hpp"
#include "rt/spec/validate.hpp"
#include "spec_test_helpers.hpp"

namespace rt::spec {
namespace {

using test::base_config_with;
using test::error_of;

std::string supported_error(const std::string& patch) {
    const Spec spec = parse_config(base_config_with(patch));
    return error_of([&] { check_supported(spec); });
}

TEST(SpecSupported, WhatRtImplementsPasses) {
    EXPECT_EQ(supported_error("{}"), "");
    const Spec spec = load_config((test::config_data_dir() / "good" / "supported-today.json").string());
    EXPECT_EQ(error_of([&] { validate(spec); }), "");
    EXPECT_EQ(error_of([&] { check_supported(spec); }), "");
}

struct Refused {
    const char* patch;  // merge patch applied to test::kBaseConfig
    const char* path;   // the path the message must name
};

// gtest names a failing case by its patch rather than by its bytes.
void PrintTo(const Refused& value, std::ostream* out) { *out << value.patch; }


class SpecSupportedRefuses : public ::testing::TestWithParam<Refused> {};

TEST_P(SpecSupportedRefuses, NamesTheField) {
    EXPECT_EQ(supported_error(GetParam().patch), std::string(GetParam().path) + ": not supported by this build of rt");
}

// clang-format off
const Refused kRefused[] = {
    {R"({"linux": {"intelRdt": {}}})", ".linux.intelRdt"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Table, SpecSupportedRefuses, ::testing::ValuesIn(kRefused));

TEST(SpecSupported, DefaultValuesAreNotRefused) {
    // Present but meaning "nothing": terminal false, empty lists and maps.
    EXPECT_EQ(supported_error(R"({"process": {"terminal": false, "noNewPrivileges": false, "rlimits": []},
                                  "hooks": {"poststop": []},
                                  "linux": {"devices": [], "sysctl": {}, "maskedPaths": [], "uidMappings": [],
                                            "netDevices": {}, "readonlyPaths": []}})"),
              "");
}

TEST(SpecSupported, NamespacesHooksAndFilesystemFieldsAreNotRefused) {
    EXPECT_EQ(supported_error(R"({
        "mounts": [{"destination": "/d", "source": "/s", "options": ["bind", "idmap"],
                    "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
                    "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}],
        "hooks": {"prestart": [{"path": "/h"}], "createRuntime": [{"path": "/h"}], "createContainer": [{"path": "/h"}],
                  "startContainer": [{"path": "/h"}], "poststart": [{"path": "/h"}], "poststop": [{"path": "/h"}]},
        "linux": {"namespaces": [{"type": "mount"}, {"type": "user"}, {"type": "time"}, {"type": "network"}],
                  "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
                  "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
                  "timeOffsets": {"boottime": {"secs": 1}},
                  "devices": [{"path": "/dev/x", "type": "p"}], "netDevices": {"eth0": {}},
                  "sysctl": {"net.ipv4.ip_forward": "1"}, "maskedPaths": ["/proc/kcore"],
                  "readonlyPaths": ["/proc/sys"], "mountLabel": "l"}})"),
              "");
}

TEST(SpecSupported, ImplementedFieldsAreNotRefused) {
    EXPECT_EQ(supported_error(R"({"hostname": "h", "domainname": "d", "root": {"readonly": true},
        "annotations": {"a": "b"}, "mounts": [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}],
        "process": {"user": {"uid": 1, "gid": 2, "additionalGids": [3], "umask": 18}, "env": ["A=1"], "cwd": "/x",
                    "terminal": true, "consoleSize": {"height": 24, "width": 80}},
        "linux": {"cgroupsPath": "/a/b", "rootfsPropagation": "slave",
                  "resources": {"memory": {"limit": 1048576}, "pids": {"limit": 10},
                                "devices": [{"allow": false, "access": "rwm"}]},
                  "namespaces": [{"type": "mount"}, {"type": "pid"}, {"type": "network", "path": "/run/netns/x"},
                                 {"type": "uts"}, {"type": "ipc"}, {"type": "cgroup"}]}})"),
              "");
}

TEST(SpecSupported, ProcessSettingsAreNotRefused) {
    EXPECT_EQ(supported_error(R"({
        "process": {"capabilities": {"bounding": ["CAP_KILL"], "effective": [], "inheritable": [],
                                     "permitted": ["CAP_KILL"], "ambient": []},
                    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}], "noNewPrivileges": true,
                    "apparmorProfile": "p", "selinuxLabel": "l", "oomScoreAdj": 100,
                    "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 1},
                    "scheduler": {"policy": "SCHED_OTHER", "nice": 1}, "execCPUAffinity": {"final": "0"}},
        "linux": {"personality": {"domain": "LINUX"}, "memoryPolicy": {"mode": "MPOL_DEFAULT"},
                  "seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}}})"),
              "");
}

}  // namespace
}  // namespace rt::spec
