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
    {R"({"process": {"capabilities": {}}})", ".process.capabilities"},
    {R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}]}})", ".process.rlimits"},
    {R"({"process": {"noNewPrivileges": true}})", ".process.noNewPrivileges"},
    {R"({"process": {"apparmorProfile": "p"}})", ".process.apparmorProfile"},
    {R"({"process": {"selinuxLabel": "l"}})", ".process.selinuxLabel"},
    {R"({"process": {"oomScoreAdj": 0}})", ".process.oomScoreAdj"},
    {R"({"process": {"ioPriority": {"class": "IOPRIO_CLASS_BE"}}})", ".process.ioPriority"},
    {R"({"process": {"scheduler": {"policy": "SCHED_OTHER"}}})", ".process.scheduler"},
    {R"({"process": {"execCPUAffinity": {}}})", ".process.execCPUAffinity"},
    {R"({"mounts": [{"destination": "/d", "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]})", ".mounts[].uidMappings"},
    {R"({"mounts": [{"destination": "/d", "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]})", ".mounts[].gidMappings"},
    {R"({"hooks": {"prestart": [{"path": "/h"}]}})", ".hooks.prestart"},
    {R"({"hooks": {"createRuntime": [{"path": "/h"}]}})", ".hooks.createRuntime"},
    {R"({"hooks": {"createContainer": [{"path": "/h"}]}})", ".hooks.createContainer"},
    {R"({"hooks": {"startContainer": [{"path": "/h"}]}})", ".hooks.startContainer"},
    {R"({"hooks": {"poststart": [{"path": "/h"}]}})", ".hooks.poststart"},
    {R"({"hooks": {"poststop": [{"path": "/h"}]}})", ".hooks.poststop"},
    {R"({"linux": {"namespaces": [{"type": "user"}]}})", R"(.linux.namespaces (type "user"))"},
    {R"({"linux": {"namespaces": [{"type": "time", "path": "/proc/1/ns/time"}]}})", R"(.linux.namespaces (type "time"))"},
    {R"({"linux": {"uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}})", ".linux.uidMappings"},
    {R"({"linux": {"gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}})", ".linux.gidMappings"},
    {R"({"linux": {"timeOffsets": {}}})", ".linux.timeOffsets"},
    {R"({"linux": {"devices": [{"path": "/dev/x", "type": "p"}]}})", ".linux.devices"},
    {R"({"linux": {"netDevices": {"eth0": {}}}})", ".linux.netDevices"},
    {R"({"linux": {"resources": {}}})", ".linux.resources"},
    {R"({"linux": {"intelRdt": {}}})", ".linux.intelRdt"},
    {R"({"linux": {"memoryPolicy": {"mode": "MPOL_DEFAULT"}}})", ".linux.memoryPolicy"},
    {R"({"linux": {"sysctl": {"kernel.shmmax": "1"}}})", ".linux.sysctl"},
    {R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}}})", ".linux.seccomp"},
    {R"({"linux": {"maskedPaths": ["/proc/kcore"]}})", ".linux.maskedPaths"},
    {R"({"linux": {"readonlyPaths": ["/proc/sys"]}})", ".linux.readonlyPaths"},
    {R"({"linux": {"mountLabel": "l"}})", ".linux.mountLabel"},
    {R"({"linux": {"personality": {"domain": "LINUX"}}})", ".linux.personality"},
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

TEST(SpecSupported, ImplementedFieldsAreNotRefused) {
    EXPECT_EQ(supported_error(R"({"hostname": "h", "domainname": "d", "root": {"readonly": true},
        "annotations": {"a": "b"}, "mounts": [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}],
        "process": {"user": {"uid": 1, "gid": 2, "additionalGids": [3], "umask": 18}, "env": ["A=1"], "cwd": "/x",
                    "terminal": true, "consoleSize": {"height": 24, "width": 80}},
        "linux": {"cgroupsPath": "/a/b", "rootfsPropagation": "slave",
                  "namespaces": [{"type": "mount"}, {"type": "pid"}, {"type": "network", "path": "/run/netns/x"},
                                 {"type": "uts"}, {"type": "ipc"}, {"type": "cgroup"}]}})"),
              "");
}

}  // namespace
}  // namespace rt::spec
