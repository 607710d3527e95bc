// Bad bundles and bad flags: one clear message naming the problem, exit
// status 1, and nothing left behind (no state, no process, no mount).
#include <filesystem>
#include <fstream>

#include <cerrno>

#include "fixture.hpp"

namespace fs = std::filesystem;

namespace rt_test {
namespace {

struct BadConfig {
    const char* name;
    std::function<void(json&)> edit;
    const char* message;  // expected in stderr
};

class BadConfigs : public RtTest, public ::testing::WithParamInterface<BadConfig> {};

TEST_P(BadConfigs, RefusedBeforeAnythingExists) {
    const BadConfig& bad = GetParam();
    Bundle bundle;
    bad.edit(bundle.config);
    bundle.write();
    std::string id = new_id();
    auto mounts_before = host_mounts_containing(bundle.dir()).size();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(bad.message), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one message: " << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_EQ(host_mounts_containing(bundle.dir()).size(), mounts_before);
}

std::vector<BadConfig> bad_configs() {
    return {
        {"OciVersionTwo", [](json& c) { c["ociVersion"] = "2.0.0"; }, ".ociVersion"},
        {"MissingOciVersion", [](json& c) { c.erase("ociVersion"); }, "ociVersion"},
        {"ArgsNotArray", [](json& c) { c["process"]["args"] = "sh"; }, ".process.args"},
        {"UidNegative", [](json& c) { c["process"]["user"]["uid"] = -1; }, ".process.user.uid"},
        {"UnknownNamespace", [](json& c) { c["linux"]["namespaces"].push_back({{"type", "foo"}}); },
         ".linux.namespaces[5].type"},
        {"DuplicateNamespace", [](json& c) { c["linux"]["namespaces"].push_back({{"type", "pid"}}); },
         ".linux.namespaces"},
        {"RelativeMountDestination",
         [](json& c) { c["mounts"].push_back({{"destination", "tmp"}, {"type", "tmpfs"}}); },
         ".mounts[6].destination"},
        {"MountWithoutDestination", [](json& c) { c["mounts"].push_back({{"type", "tmpfs"}}); },
         ".mounts[6]"},
        {"RelativeCwd", [](json& c) { c["process"]["cwd"] = "work"; }, ".process.cwd"},
        {"EmptyArgs", [](json& c) { c["process"]["args"] = json::array(); }, ".process.args"},
        {"MissingRoot", [](json& c) { c.erase("root"); }, "root"},
        {"RootfsMissing", [](json& c) { c["root"]["path"] = "no-such-rootfs"; }, "no-such-rootfs"},
        {"HostnameWithoutUtsNamespace",
         [](json& c) {
             auto& ns = c["linux"]["namespaces"];
             for (size_t i = 0; i < ns.size(); ++i) {
                 if (ns[i]["type"] == "uts") ns.erase(i);
             }
         },
         "hostname"},
        {"NoMountNamespace",
         [](json& c) {
             auto& ns = c["linux"]["namespaces"];
             for (size_t i = 0; i < ns.size(); ++i) {
                 if (ns[i]["type"] == "mount") ns.erase(i);
             }
         },
         "mount namespace"},
        {"NamespacePathMissing",
         [](json& c) { c["linux"]["namespaces"][1]["path"] = "/proc/no-such/ns/net"; },
         ".linux.namespaces[1].path"},
        {"NamespacePathOfWrongType",
         [](json& c) { c["linux"]["namespaces"][1]["path"] = "/proc/self/ns/ipc"; },
         "is not a network namespace"},
        {"BindWithoutSource",
         [](json& c) { c["mounts"].push_back({{"destination", "/x"}, {"options", {"bind"}}}); },
         ".mounts[6]"},
        // config-linux.md: intelRdt without a mounted resctrl MUST fail;
        // rt implements none of it.
        {"IntelRdt", [](json& c) { c["linux"]["intelRdt"] = {{"closID", "x"}}; },
         ".linux.intelRdt: not supported by this build of rt"},
        {"MountLabelWithoutSelinux", [](json& c) { c["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0"; },
         ".linux.mountLabel: SELinux is not enabled on this host"},
        {"HookWithRelativePath", [](json& c) { c["hooks"]["createRuntime"] = {{{"path", "bin/hook"}}}; },
         ".hooks.createRuntime[0].path: must be an absolute path"},
        {"HookWithZeroTimeout", [](json& c) { c["hooks"]["poststart"] = {{{"path", "/bin/true"}, {"timeout", 0}}}; },
         ".hooks.poststart[0].timeout: must be at least 1"},
        {"DeviceOutsideDev",
         [](json& c) { c["linux"]["devices"] = {{{"path", "/etc/null"}, {"type", "c"}, {"major", 1}, {"minor", 3}}}; },
         ".linux.devices[0].path: must be under /dev"},
        {"DeviceEscapingDev",
         [](json& c) { c["linux"]["devices"] = {{{"path", "/dev/../etc/x"}, {"type", "c"}, {"major", 1}, {"minor", 3}}}; },
         ".linux.devices[0].path: must be under /dev"},
        {"DeviceOfUnknownType",
         [](json& c) { c["linux"]["devices"] = {{{"path", "/dev/x"}, {"type", "s"}, {"major", 1}, {"minor", 3}}}; },
         ".linux.devices[0].type"},
        {"SysctlNotNamespaced", [](json& c) { c["linux"]["sysctl"] = {{"vm.swappiness", "10"}}; },
         ".linux.sysctl[\"vm.swappiness\"]: is not in a separate kernel namespace"},
        {"SysctlOfTheHostsIpcNamespace",
         [](json& c) {
             auto& ns = c["linux"]["namespaces"];
             for (size_t i = 0; i < ns.size(); ++i) {
                 if (ns[i]["type"] == "ipc") ns.erase(i);
             }
             c["linux"]["sysctl"] = {{"kernel.shmmax", "1"}};
         },
         ".linux.sysctl[\"kernel.shmmax\"]: needs a namespace of type \"ipc\""},
        {"SysctlInTheHostsNetworkNamespace",
         [](json& c) {
             c["linux"]["namespaces"][1]["path"] = "/proc/self/ns/net";
             c["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
         },
         ".linux.sysctl[\"net.ipv4.ip_forward\"]: the network namespace joined is the host's"},
        {"TimeOffsetsWithoutTimeNamespace", [](json& c) { c["linux"]["timeOffsets"] = {{"boottime", {{"secs", 1}}}}; },
         ".linux.timeOffsets: needs a time namespace"},
        {"MappingsWithoutUserNamespace",
         [](json& c) { c["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}}; },
         ".linux.uidMappings: needs a user namespace"},
        {"UserNamespaceWithoutMappings", [](json& c) { c["linux"]["namespaces"].push_back({{"type", "user"}}); },
         ".linux.uidMappings: a new user namespace needs at least one mapping"},
        {"UserNamespacePathOfWrongType",
         [](json& c) { c["linux"]["namespaces"].push_back({{"type", "user"}, {"path", "/proc/self/ns/pid"}}); },
         "is not a user namespace"},
        {"IdmapOnANonBindMount",
         [](json& c) {
             c["mounts"].push_back({{"destination", "/x"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"idmap"}}});
         },
         ".mounts[6]: an idmapped mount (idmap, ridmap or uidMappings) must be a bind mount"},
        {"IdmapWithoutMappingsOrUserNamespace",
         [](json& c) { c["mounts"].push_back({{"destination", "/x"}, {"source", "/tmp"}, {"options", {"bind", "idmap"}}}); },
         ".mounts[6]: idmap without uidMappings/gidMappings needs a user namespace"},
        {"NetDevicesWithoutNetworkNamespace",
         [](json& c) {
             c["linux"]["namespaces"].erase(1);
             c["linux"]["netDevices"] = {{"lo", json::object()}};
         },
         ".linux.netDevices: needs a network namespace"},
        {"EnvNotStrings", [](json& c) { c["process"]["env"] = {1, 2}; }, ".process.env"},
        {"UnknownCapability",
         [](json& c) { c["process"]["capabilities"] = {{"bounding", {"CAP_KILL", "CAP_BOGUS"}}}; },
         ".process.capabilities: unknown capability \"CAP_BOGUS\""},
        {"EffectiveCapabilityNotPermitted",
         [](json& c) {
             c["process"]["capabilities"] = {{"bounding", {"CAP_KILL"}}, {"effective", {"CAP_KILL"}}};
         },
         ".process.capabilities.effective: CAP_KILL not in the permitted set"},
        {"UnknownRlimit",
         [](json& c) { c["process"]["rlimits"] = {{{"type", "RLIMIT_FOO"}, {"soft", 1}, {"hard", 1}}}; },
         ".process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
        {"RlimitSoftAboveHard",
         [](json& c) { c["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 2}, {"hard", 1}}}; },
         ".process.rlimits[0]: soft limit 2 is above the hard limit 1"},
        {"UnknownSeccompAction",
         [](json& c) { c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_MAYBE"}}; },
         ".linux.seccomp.defaultAction"},
        {"UnknownSeccompArchitecture",
         [](json& c) {
             c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"SCMP_ARCH_VAX"}}};
         },
         ".linux.seccomp.architectures[0]"},
        {"SeccompArgumentIndex",
         [](json& c) {
             c["linux"]["seccomp"] = {
                 {"defaultAction", "SCMP_ACT_ALLOW"},
                 {"syscalls",
                  {{{"names", {"getcwd"}},
                    {"action", "SCMP_ACT_ERRNO"},
                    {"args", {{{"index", 6}, {"value", 1}, {"op", "SCMP_CMP_EQ"}}}}}}}};
         },
         ".linux.seccomp.syscalls[0].args[0].index: 6 is above 5"},
        {"SeccompNotifyWithoutListener",
         [](json& c) {
             c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                      {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
         },
         ".linux.seccomp.listenerPath: needed by the SCMP_ACT_NOTIFY rule"},
        {"UnknownSchedulerPolicy", [](json& c) { c["process"]["scheduler"] = {{"policy", "SCHED_FAST"}}; },
         ".process.scheduler.policy"},
        {"PersonalityFlags",
         [](json& c) { c["linux"]["personality"] = {{"domain", "LINUX"}, {"flags", {"ADDR_NO_RANDOMIZE"}}}; },
         ".linux.personality.flags: no personality flags are supported"},
        {"MemoryPolicyWithoutNodes", [](json& c) { c["linux"]["memoryPolicy"] = {{"mode", "MPOL_BIND"}}; },
         ".linux.memoryPolicy.nodes: MPOL_BIND needs at least one node"},
        {"BadExecCpuAffinity", [](json& c) { c["process"]["execCPUAffinity"] = {{"final", "3-1"}}; },
         ".process.execCPUAffinity.final: range 3-1 goes backwards"},
    };
}

INSTANTIATE_TEST_SUITE_P(Each, BadConfigs, ::testing::ValuesIn(bad_configs()),
                         [](const auto& info) { return std::string(info.param.name); });

class BadInput : public RtTest {};

TEST_F(BadInput, InvalidJson) {
    Bundle bundle;
    std::ofstream(bundle.dir() + "/config.json") << "{\"ociVersion\": \"1.3.0\",";
    std::string id = new_id();
    auto r = rt({"create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("config.json: invalid JSON"), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
}

TEST_F(BadInput, MissingConfig) {
    Bundle bundle;
    fs::remove(bundle.dir() + "/config.json");
    auto r = rt({"create", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("config.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
}

TEST_F(BadInput, InvalidIds) {
    Bundle bundle;
    for (std::string id : {"..", "a/b", "with space", "-", ""}) {
        if (id == "-") continue;  // a valid ID by runc's rule
        auto r = rt({"create", "--bundle", bundle.dir(), id});
        EXPECT_EQ(r.status, 1) << id;
        EXPECT_NE(r.err.find("invalid container ID"), std::string::npos) << id << ": " << r.err;
    }
    EXPECT_FALSE(fs::exists(root_) && !fs::is_empty(root_));
}

TEST_F(BadInput, MissingBundle) {
    auto r = rt({"create", "--bundle", "/no/such/bundle", new_id()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("bundle /no/such/bundle: No such file or directory"), std::string::npos) << r.err;
}

TEST_F(BadInput, ChildSideFailureIsReportedWithItsStep) {
    // A mount that fails inside the init: the parent prints the init's error.
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/bad"}, {"type", "no-such-fs"}, {"source", "x"}});
    bundle.write();
    std::string id = new_id();
    auto r = rt({"--debug", "create", "--bundle", bundle.dir(), id});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("mount /bad: No such device"), std::string::npos) << r.err;
    // The init sent its errno and the step it was at, typed; --debug shows them.
    EXPECT_NE(r.err.find("failed at step mounts (errno " + std::to_string(ENODEV) + ")"), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root_ + "/" + id));
    EXPECT_TRUE(host_mounts_containing(bundle.dir()).empty());
}

TEST_F(BadInput, UnknownFieldsAreIgnored) {
    Bundle bundle;
    bundle.config["futureField"] = {{"x", 1}};
    bundle.config["process"]["somethingNew"] = true;
    bundle.config["annotations"] = {{"org.example.key", "value"}};
    bundle.args({"/bin/true"});
    auto r = rt({"run", "--bundle", bundle.dir(), new_id()});
    EXPECT_EQ(r.status, 0) << r.err;
}

}  // namespace
}  // namespace rt_test
