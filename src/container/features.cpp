// rt features: the Features structure (features.md, features-linux.md).
// Nothing here is a list of its own of what rt implements: every entry is
// asked of the same checks `create` runs (parse, validate, check_supported)
// with a small config that uses it, so that the answer changes with the code.
#include <linux/capability.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <linux/seccomp.h>
#include <nlohmann/json.hpp>

#include "rt/container/container.hpp"
#include "rt/linux/mount_options.hpp"
#include "rt/linux/seccomp.hpp"
#include "rt/spec/parse.hpp"
#include "rt/spec/rt_annotations.hpp"
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"

namespace rt::container {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* oci_version_min = "1.0.0";
constexpr const char* oci_version_max = "1.3.0";

// What create needs of a config, and nothing more.
const char* const base_config = R"({
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"args": ["sh"], "cwd": "/"},
    "linux": {"namespaces": [{"type": "mount"}]}
})";

// Would `rt create` accept the base config with this merge patch applied?
// A seccomp filter is also compiled, as create does before it makes
// anything: libseccomp takes some names it cannot build a filter for (an
// architecture of the other endianness than the host's, one it does not
// know in this version).
bool accepted(const json& patch) {
    json config = json::parse(base_config);
    config.merge_patch(patch);
    try {
        spec::Spec spec = spec::parse_config(config.dump());
        spec::validate(spec);
        spec::check_supported(spec);
        if (spec.linux && spec.linux->seccomp) linux::plan_seccomp(*spec.linux->seccomp, ".linux.seccomp");
        return true;
    } catch (const Error&) {
        return false;
    }
}

// The candidates `make_patch` turns into an accepted config.
template <typename MakePatch>
json accepted_names(std::initializer_list<const char*> candidates, MakePatch make_patch) {
    json names = json::array();
    for (const char* name : candidates) {
        if (accepted(make_patch(name))) names.push_back(name);
    }
    return names;
}

json id_mapping() {
    return json::array({{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}});
}

json hooks() {
    return accepted_names({"prestart", "createRuntime", "createContainer", "startContainer",
                           "poststart", "poststop"},
                          [](const char* hook) {
                              json patch;
                              patch["hooks"][hook] = json::array({{{"path", "/bin/true"}}});
                              return patch;
                          });
}

json namespaces() {
    return accepted_names({"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"},
                          [](const char* type) {
                              json patch;
                              json& list = patch["linux"]["namespaces"] = json::array();
                              list.push_back({{"type", "mount"}});
                              if (std::string(type) != "mount") list.push_back({{"type", type}});
                              if (std::string(type) == "user") {
                                  patch["linux"]["uidMappings"] = id_mapping();
                                  patch["linux"]["gidMappings"] = id_mapping();
                              }
                              return patch;
                          });
}

// Every capability libcap knows, by the spec's names (CAP_CHOWN, ...).
json capabilities() {
    json names = json::array();
    json patch;
    patch["process"]["capabilities"]["bounding"] = json::array({"CAP_CHOWN"});
    if (!accepted(patch)) return names;
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
        char* name = cap_to_name(static_cast<cap_value_t>(cap));
        if (!name) continue;
        std::string upper(name);
        cap_free(name);
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (upper.rfind("CAP_", 0) == 0) names.push_back(upper);
    }
    return names;
}

json cgroup() {
    // The cgroup managers rt has: v1 and v2 when it takes linux.resources,
    // systemd (--systemd-cgroup) as root; systemdUser is rootless's.
    json resources_patch;
    resources_patch["linux"]["resources"] = json::object();
    bool resources = accepted(resources_patch);
    json rdma_patch;
    rdma_patch["linux"]["resources"]["rdma"]["mlx4_0"]["hcaHandles"] = 1;
    bool rdma = accepted(rdma_patch);
    return {{"v1", resources}, {"v2", resources}, {"systemd", true}, {"systemdUser", false},
            {"rdma", rdma}};
}

// A linux.seccomp that create would take but for what is probed: it needs
// its defaultAction (without one, every probe of an arch or flag fails).
json seccomp_patch(json seccomp) {
    if (!seccomp.contains("defaultAction")) seccomp["defaultAction"] = "SCMP_ACT_ALLOW";
    json patch;
    patch["linux"]["seccomp"] = seccomp;
    return patch;
}

// One syscall rule, with one argument comparison when `op` is set.
json seccomp_rule(const char* action, const char* op = nullptr) {
    json rule;
    rule["names"] = json::array({"getcwd"});
    rule["action"] = action;
    if (op) rule["args"] = json::array({{{"index", 0}, {"value", 1}, {"op", op}}});
    json seccomp;
    seccomp["syscalls"] = json::array({rule});
    // A notify rule needs someone to notify.
    if (std::string(action) == "SCMP_ACT_NOTIFY") seccomp["listenerPath"] = "/run/rt-features.sock";
    return seccomp_patch(seccomp);
}

json one_field(const char* section, const char* field, json value) {
    json patch;
    patch["linux"][section][field] = std::move(value);
    return patch;
}

// Whether the kernel takes a seccomp filter flag (EFAULT: it would, were
// there a filter; EINVAL: it does not know the flag).
bool kernel_takes_seccomp_flag(const std::string& flag) {
    unsigned long value = 0;
    if (flag == "SECCOMP_FILTER_FLAG_TSYNC") value = SECCOMP_FILTER_FLAG_TSYNC;
    else if (flag == "SECCOMP_FILTER_FLAG_LOG") value = SECCOMP_FILTER_FLAG_LOG;
    else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") value = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") value = 1UL << 5;
    else return false;
    return ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, value, nullptr) < 0 && errno == EFAULT;
}

// The flags libseccomp can set (WAIT_KILLABLE_RECV came with 2.6).
bool libseccomp_takes_flag(const std::string& flag) {
    const scmp_version* v = seccomp_version();
    if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") return v->major > 2 || (v->major == 2 && v->minor >= 6);
    return true;
}

json seccomp() {
    json result;
    result["enabled"] = accepted(seccomp_patch(json::object()));
    if (!result["enabled"]) return result;
    result["actions"] = accepted_names(
        {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
         "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"},
        [](const char* action) { return seccomp_rule(action); });
    result["operators"] = accepted_names(
        {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
         "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"},
        [](const char* op) { return seccomp_rule("SCMP_ACT_ERRNO", op); });
    result["archs"] = accepted_names(
        {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
         "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
         "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
         "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
         "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_X32",
         "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"},
        [](const char* arch) { return seccomp_patch({{"architectures", json::array({arch})}}); });
    json known = accepted_names({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                 "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
                                [](const char* flag) { return seccomp_patch({{"flags", json::array({flag})}}); });
    json supported = json::array();
    for (const auto& flag : known) {
        std::string name = flag.get<std::string>();
        if (kernel_takes_seccomp_flag(name) && libseccomp_takes_flag(name)) supported.push_back(name);
    }
    result["knownFlags"] = known;
    result["supportedFlags"] = supported;
    return result;
}

json memory_policy() {
    auto policy = [](const char* mode, json flags) {
        json patch = one_field("memoryPolicy", "mode", mode);
        // config-linux.md: no nodes for MPOL_DEFAULT and MPOL_LOCAL.
        std::string m = mode;
        if (m != "MPOL_DEFAULT" && m != "MPOL_LOCAL") patch["linux"]["memoryPolicy"]["nodes"] = "0";
        patch["linux"]["memoryPolicy"]["flags"] = std::move(flags);
        return patch;
    };
    return {
        {"modes", accepted_names({"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
                                  "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                                  "MPOL_PREFERRED_MANY", "MPOL_LOCAL"},
                                 [&](const char* mode) { return policy(mode, json::array()); })},
        {"flags", accepted_names({"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"},
                                 [&](const char* flag) { return policy("MPOL_BIND", json::array({flag})); })},
    };
}

json intel_rdt() {
    bool enabled = accepted(one_field("intelRdt", "closID", "rt"));
    json result;
    result["enabled"] = enabled;
    result["schemata"] = enabled && accepted(one_field("intelRdt", "schemata", json::array({"L3:0=ff"})));
    result["monitoring"] = enabled && accepted(one_field("intelRdt", "enableMonitoring", true));
    return result;
}

json linux_features() {
    json mount;
    mount["destination"] = "/m";
    mount["source"] = "/m";
    mount["type"] = "bind";
    mount["options"] = json::array({"bind"});
    mount["uidMappings"] = id_mapping();
    mount["gidMappings"] = id_mapping();
    json idmap_patch;
    idmap_patch["mounts"] = json::array({mount});

    json selinux_label, apparmor_profile, net_devices;
    selinux_label["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0";
    apparmor_profile["process"]["apparmorProfile"] = "rt-default";
    // netDevices needs a network namespace of the container's own.
    net_devices["linux"]["netDevices"]["eth9"] = json::object();
    net_devices["linux"]["namespaces"] = json::array({{{"type", "mount"}}, {{"type", "network"}}});
    json mount_label;
    mount_label["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0";

    json result;
    result["namespaces"] = namespaces();
    result["capabilities"] = capabilities();
    result["cgroup"] = cgroup();
    result["seccomp"] = seccomp();
    result["apparmor"]["enabled"] = accepted(apparmor_profile);
    result["selinux"]["enabled"] = accepted(selinux_label) && accepted(mount_label);
    result["memoryPolicy"] = memory_policy();
    result["intelRdt"] = intel_rdt();
    result["mountExtensions"]["idmap"]["enabled"] = accepted(idmap_patch);
    result["netDevices"]["enabled"] = accepted(net_devices);
    return result;
}

}  // namespace

std::string features_json() {
    // ordered: the order features.md lists them, which people read.
    json j;
    j["ociVersionMin"] = oci_version_min;
    j["ociVersionMax"] = oci_version_max;
    j["hooks"] = hooks();
    j["mountOptions"] = linux::recognized_mount_options();
    j["linux"] = linux_features();
    const scmp_version* seccomp = seccomp_version();
    j["annotations"] = {
        {"io.github.seccomp.libseccomp.version",
         std::to_string(seccomp->major) + "." + std::to_string(seccomp->minor) + "." +
             std::to_string(seccomp->micro)},
        {"org.opencontainers.rt.version", RT_VERSION},
    };
    // The annotations of config.json that change what rt does (rt.lxcfs, rt.init).
    json own = json::array();
    for (const spec::RtAnnotation& annotation : spec::rt_annotations()) own.push_back(annotation.key);
    j["potentiallyUnsafeConfigAnnotations"] = own;
    return j.dump(4);
}

}  // namespace rt::container
