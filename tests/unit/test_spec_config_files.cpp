// The project's own example configs, tests/data/config/{good,bad}: every good one
// loads and validates, every bad one fails with the message written here for it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "rt/spec/parse.hpp"
#include "rt/spec/validate.hpp"
#include "spec_test_helpers.hpp"

namespace rt::spec {
namespace {

using ::testing::StartsWith;
using test::config_files;
using test::error_of;

// Loads and validates `path`: the way `rt create` reads a bundle.
void load_and_validate(const std::filesystem::path& path) {
    validate(load_config(path.string()));
}

TEST(SpecConfigFiles, EveryGoodFileLoadsAndValidates) {
    const auto files = config_files("good");
    ASSERT_GE(files.size(), 5u);
    for (const auto& file : files) {
        EXPECT_EQ(error_of([&] { load_and_validate(file); }), "") << file;
    }
}

// What each bad file must fail with, after the "<file name>: " that load_config
// puts in front (validate() errors carry no file name).
const std::map<std::string, std::string> kBadFileErrors = {
    {"annotations-number.json", R"(.annotations["org.example.cores"]: expected a string, got 2)"},
    {"args-string.json", ".process.args: expected an array of strings, got string"},
    {"bind-mount-without-source.json", R"(.mounts[0]: a bind mount needs a "source")"},
    {"blkio-weight-too-big.json", ".linux.resources.blockIO.weight: expected an unsigned 16-bit integer, got 65536"},
    {"capability-lowercase.json", R"(.process.capabilities.bounding[1]: invalid capability name "cap_chown")"},
    {"cpu-affinity-pattern.json", R"(.process.execCPUAffinity.initial: invalid CPU list "all")"},
    {"device-bad-type.json", R"(.linux.devices[0].type: invalid device type "x": must match ^[cbup]$)"},
    {"device-cgroup-missing-allow.json", R"(.linux.resources.devices[0]: missing required field "allow")"},
    {"device-file-mode.json", ".linux.devices[0].fileMode: expected a file mode between 0 and 511 (0777), got 4095"},
    {"device-missing-major.json", R"(.linux.devices[0]: a "c" device needs "major" and "minor")"},
    {"device-outside-dev.json", R"(.linux.devices[0].path: must be under /dev, got "/dev/../etc/evil")"},
    {"empty-args.json", ".process.args: must name the program to run"},
    {"empty.json", "invalid JSON at line 1, column 1: "},
    {"gid-string.json", ".process.user.gid: expected an unsigned 32-bit integer, got string"},
    {"hook-missing-path.json", R"(.hooks.prestart[0]: missing required field "path")"},
    {"hook-relative-path.json", R"(.hooks.poststop[1].path: must be an absolute path, got "cleanup.sh")"},
    {"hook-timeout-zero.json", ".hooks.createRuntime[0].timeout: must be at least 1 (seconds), got 0"},
    {"hostname-without-uts.json", ".hostname: setting the hostname needs a UTS namespace"},
    {"hugepage-size.json", R"(.linux.resources.hugepageLimits[0].pageSize: invalid page size "2mb")"},
    {"invalid-json.json", "invalid JSON at line 3, column "},
    {"io-priority-class.json", R"(.process.ioPriority.class: unknown I/O priority class "IOPRIO_CLASS_NONE")"},
    {"linux-not-an-object.json", ".linux: expected an object, got array"},
    {"mapping-missing-size.json", R"(.linux.uidMappings[0]: missing required field "size")"},
    {"mappings-without-userns.json", ".linux.uidMappings: needs a user namespace in .linux.namespaces"},
    {"mem-bw-schema.json", R"(.linux.intelRdt.memBwSchema: invalid memory bandwidth schema "L3:0=ff")"},
    {"memory-limit-float.json", ".linux.resources.memory.limit: expected a 64-bit integer, got 1500000000.0"},
    {"memory-policy-missing-mode.json", R"(.linux.memoryPolicy: missing required field "mode")"},
    {"missing-cwd.json", R"(.process: missing required field "cwd")"},
    {"missing-oci-version.json", R"(.: missing required field "ociVersion")"},
    {"missing-process.json", ".process: missing"},
    {"missing-root-path.json", R"(.root: missing required field "path")"},
    {"missing-root.json", ".root: missing"},
    {"mount-missing-destination.json", R"(.mounts[0]: missing required field "destination")"},
    {"mount-relative-destination.json", R"(.mounts[1].destination: must be an absolute path, got "tmp")"},
    {"namespace-duplicate.json", R"(.linux.namespaces[2].type: duplicate namespace type "pid")"},
    {"namespace-missing-type.json", R"(.linux.namespaces[0]: missing required field "type")"},
    {"namespace-relative-path.json", R"(.linux.namespaces[0].path: must be an absolute path, got "run/netns/x")"},
    {"namespace-unknown.json", R"(.linux.namespaces[2].type: unknown namespace type "foo")"},
    {"netdevice-name-number.json", ".linux.netDevices.enp1s0.name: expected a string, got 7"},
    {"not-an-object.json", ".: expected an object, got array"},
    {"oci-version-2.json", R"(.ociVersion: unsupported version "2.0.0" (rt implements 1.x))"},
    {"oci-version-not-semver.json", R"(.ociVersion: "1.0" is not a SemVer version)"},
    {"oci-version-number.json", ".ociVersion: expected a string, got 1.0"},
    {"personality-domain.json", R"(.linux.personality.domain: unknown personality domain "LINUX64")"},
    {"pids-missing-limit.json", R"(.linux.resources.pids: missing required field "limit")"},
    {"rdma-string.json", ".linux.resources.rdma.mlx5_1.hcaHandles: expected an unsigned 32-bit integer, got string"},
    {"relative-cwd.json", R"(.process.cwd: must be an absolute path, got "home/app")"},
    {"rlimit-bad-type.json", R"(.process.rlimits[0].type: invalid rlimit type "NOFILE")"},
    {"rlimit-duplicate.json", R"(.process.rlimits[2].type: duplicate rlimit "RLIMIT_NOFILE" (also at .process.rlimits[0]))"},
    {"rlimit-missing-hard.json", R"(.process.rlimits[0]: missing required field "hard")"},
    {"rootfs-propagation.json", R"(.linux.rootfsPropagation: unknown rootfs propagation "everywhere")"},
    {"scheduler-policy.json", R"(.process.scheduler.policy: unknown scheduler policy "SCHED_TURBO")"},
    {"seccomp-arg-missing-op.json", R"(.linux.seccomp.syscalls[0].args[0]: missing required field "op")"},
    {"seccomp-bad-action.json", R"(.linux.seccomp.syscalls[0].action: unknown seccomp action "SCMP_ACT_MAYBE")"},
    {"seccomp-bad-arch.json", R"(.linux.seccomp.architectures[0]: unknown seccomp architecture "SCMP_ARCH_Z80")"},
    {"seccomp-empty-names.json", ".linux.seccomp.syscalls[0].names: must name at least one system call"},
    {"seccomp-missing-default-action.json", R"(.linux.seccomp: missing required field "defaultAction")"},
    {"sysctl-value-number.json", R"(.linux.sysctl["net.ipv4.ip_forward"]: expected a string, got 1)"},
    {"terminal-string.json", ".process.terminal: expected a boolean, got string"},
    {"time-offsets-without-timens.json", ".linux.timeOffsets: needs a time namespace in .linux.namespaces"},
    {"truncated.json", "invalid JSON at line 2, column 1: "},
    {"uid-negative.json", ".process.user.uid: expected an unsigned 32-bit integer, got -1"},
    {"uid-too-big.json", ".process.user.uid: expected an unsigned 32-bit integer, got 4294967296"},
    {"userns-without-gid-mappings.json", ".linux.gidMappings: a new user namespace needs at least one mapping"},
};

TEST(SpecConfigFiles, EveryBadFileFailsWithItsMessage) {
    const auto files = config_files("bad");
    ASSERT_GE(files.size(), 20u);
    for (const auto& file : files) {
        const std::string name = file.filename().string();
        const auto expected = kBadFileErrors.find(name);
        if (expected == kBadFileErrors.end()) {
            ADD_FAILURE() << name << ": no expected error in kBadFileErrors";
            continue;
        }
        std::string message = error_of([&] { load_and_validate(file); });
        // Parse errors carry the file name; validate() errors do not.
        if (message.starts_with(name + ": ")) message.erase(0, name.size() + 2);
        EXPECT_THAT(message, StartsWith(expected->second)) << name;
    }
    EXPECT_EQ(files.size(), kBadFileErrors.size()) << "an entry of kBadFileErrors has no file";
}

}  // namespace
}  // namespace rt::spec
