// validate(): the semantic checks of a whole config, as one list of small named
// checks (the shape of runc's libcontainer/configs/validate). Parsing already
// checked JSON types, required fields, ranges and enums; these checks look at
// values and at how fields relate. The first failure throws "<path>: <problem>".
#include <algorithm>
#include <filesystem>
#include <set>

#include "json_node.hpp"
#include "rt/spec/rt_annotations.hpp"
#include "rt/spec/sysctl.hpp"
#include "rt/spec/validate.hpp"
#include "validate_util.hpp"

namespace rt::spec {

namespace {

using check::element_path;
using check::fail;
using check::require_absolute;

const std::vector<Namespace> kNoNamespaces;

const std::vector<Namespace>& namespaces_of(const Spec& spec) {
    return spec.linux ? spec.linux->namespaces : kNoNamespaces;
}

bool has_namespace(const Spec& spec, NamespaceType type) {
    return spec.linux && spec.linux->has_namespace(type);
}

// -------------------------------------------------------------- ociVersion

bool is_semver_number(std::string_view part) {
    if (part.empty() || (part.size() > 1 && part.front() == '0')) return false;
    for (const char c : part) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// Dot-separated non-empty identifiers of [0-9A-Za-z-] (SemVer pre-release and build).
bool is_semver_identifiers(std::string_view text) {
    size_t part_length = 0;
    for (const char c : text) {
        if (c == '.') {
            if (part_length == 0) return false;
            part_length = 0;
            continue;
        }
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        if (!ok) return false;
        ++part_length;
    }
    return part_length > 0;
}

// SemVer 2.0.0: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]. Sets `major` on success.
bool parse_semver(std::string_view version, std::string_view& major) {
    const size_t plus = version.find('+');
    if (plus != std::string_view::npos) {
        if (!is_semver_identifiers(version.substr(plus + 1))) return false;
        version = version.substr(0, plus);
    }
    const size_t dash = version.find('-');
    if (dash != std::string_view::npos) {
        if (!is_semver_identifiers(version.substr(dash + 1))) return false;
        version = version.substr(0, dash);
    }
    const size_t dot1 = version.find('.');
    const size_t dot2 = dot1 == std::string_view::npos ? dot1 : version.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return false;
    major = version.substr(0, dot1);
    return is_semver_number(major) && is_semver_number(version.substr(dot1 + 1, dot2 - dot1 - 1)) &&
           is_semver_number(version.substr(dot2 + 1));
}

void check_oci_version(const Spec& spec) {
    // config.md: SemVer; compatibility holds within a major version, and rt
    // implements 1.x.
    std::string_view major;
    if (!parse_semver(spec.oci_version, major)) {
        fail(".ociVersion", json::quote(spec.oci_version) + " is not a SemVer version (such as \"1.3.0\")");
    }
    if (major != "1") {
        fail(".ociVersion", "unsupported version " + json::quote(spec.oci_version) + " (rt implements 1.x)");
    }
}

// --------------------------------------------------------- root and process

void check_root(const Spec& spec) {
    // Optional in the schema (Hyper-V), REQUIRED on Linux by config.md.
    if (!spec.root) fail(".root", "missing (a container needs a root filesystem)");
    if (spec.root->path.empty()) fail(".root.path", "must not be empty");
}

void check_process(const Spec& spec) {
    // Optional in the schema, but create/run need something to run.
    if (!spec.process) fail(".process", "missing (a container needs a process to run)");
    validate_process(*spec.process, ".process");
}

// --------------------------------------------------------------- namespaces

void check_namespaces(const Spec& spec) {
    // config-linux.md: duplicated types MUST be an error; a path MUST be absolute.
    std::set<NamespaceType> seen;
    const std::vector<Namespace>& namespaces = namespaces_of(spec);
    for (size_t i = 0; i < namespaces.size(); ++i) {
        const std::string path = element_path(".linux.namespaces", i);
        if (!seen.insert(namespaces[i].type).second) {
            fail(path + ".type", std::string("duplicate namespace type \"") + to_string(namespaces[i].type) + "\"");
        }
        if (namespaces[i].path) require_absolute(path + ".path", *namespaces[i].path);
    }
}

void check_user_namespace_mappings(const Spec& spec) {
    if (!spec.linux) return;
    const Linux& linux = *spec.linux;
    const Namespace* user = linux.find_namespace(NamespaceType::user);
    if (!user) {
        if (!linux.uid_mappings.empty()) fail(".linux.uidMappings", "needs a user namespace in .linux.namespaces");
        if (!linux.gid_mappings.empty()) fail(".linux.gidMappings", "needs a user namespace in .linux.namespaces");
        return;
    }
    // A joined user namespace brings its own mappings; a new one is useless
    // (everything maps to the overflow id) without both.
    if (user->path) return;
    if (linux.uid_mappings.empty()) fail(".linux.uidMappings", "a new user namespace needs at least one mapping");
    if (linux.gid_mappings.empty()) fail(".linux.gidMappings", "a new user namespace needs at least one mapping");
}

void check_time_offsets(const Spec& spec) {
    if (!spec.linux || !spec.linux->time_offsets) return;
    const Namespace* time = spec.linux->find_namespace(NamespaceType::time);
    if (!time) fail(".linux.timeOffsets", "needs a time namespace in .linux.namespaces");
    // The offsets of a namespace are set once, before anything lives in it.
    if (time->path) fail(".linux.timeOffsets", "cannot be set on a joined time namespace (one with a path)");
}

void check_uts_names(const Spec& spec) {
    // As runc: without a UTS namespace of its own (new or joined), setting the
    // name would rename the host.
    if (has_namespace(spec, NamespaceType::uts)) return;
    if (spec.hostname && !spec.hostname->empty()) {
        fail(".hostname", "setting the hostname needs a UTS namespace in .linux.namespaces");
    }
    if (spec.domainname && !spec.domainname->empty()) {
        fail(".domainname", "setting the domainname needs a UTS namespace in .linux.namespaces");
    }
}

// ------------------------------------------------------------------- mounts

bool is_bind_mount(const Mount& mount) {
    for (const std::string& option : mount.options) {
        if (option == "bind" || option == "rbind") return true;
    }
    return false;
}

bool has_option(const Mount& mount, std::string_view wanted) {
    for (const std::string& option : mount.options) {
        if (option == wanted) return true;
    }
    return false;
}

void check_idmapped_mount(const Spec& spec, const Mount& mount, const std::string& path) {
    const bool option = has_option(mount, "idmap") || has_option(mount, "ridmap");
    const bool mappings = !mount.uid_mappings.empty();
    if (!option && !mappings) return;
    // rt idmaps what it can take with open_tree(2): a bind mount's source.
    if (!is_bind_mount(mount) && mount.type.value_or("") != "bind") {
        fail(path, "an idmapped mount (idmap, ridmap or uidMappings) must be a bind mount");
    }
    // config.md: without mappings of its own the mount takes the container's
    // user namespace; without one either, that MUST be an error.
    if (!mappings && !has_namespace(spec, NamespaceType::user)) {
        fail(path, "idmap without uidMappings/gidMappings needs a user namespace in .linux.namespaces");
    }
}

// The files of /proc that lxcfs serves: the only mounts below /proc a
// config may ask for (binds of lxcfs's files, as with `-v
// /var/lib/lxcfs/proc/meminfo:/proc/meminfo`). Anything else at or below
// /proc could cover the procfs files the runtime itself acts through
// (/proc/self/fd, /proc/1, the protected paths): CVE-2023-27561,
// CVE-2025-52881.
constexpr std::string_view kLxcfsProcFiles[] = {"/proc/cpuinfo", "/proc/meminfo", "/proc/stat",
                                                "/proc/uptime",  "/proc/loadavg", "/proc/diskstats",
                                                "/proc/swaps",   "/proc/slabinfo"};

void check_mount_under_proc(const Mount& mount, const std::string& path) {
    std::string destination = std::filesystem::path(mount.destination).lexically_normal().string();
    while (destination.size() > 1 && destination.back() == '/') destination.pop_back();
    if (destination != "/proc" && destination.rfind("/proc/", 0) != 0) return;
    if (destination == "/proc") {
        if (mount.type.value_or("") == "proc" && !is_bind_mount(mount)) return;
        fail(path, "only a mount of type \"proc\" may go on /proc");
    }
    bool lxcfs_file = std::find(std::begin(kLxcfsProcFiles), std::end(kLxcfsProcFiles), destination) !=
                      std::end(kLxcfsProcFiles);
    if (lxcfs_file && is_bind_mount(mount)) return;
    fail(path, "mounts below /proc are refused (" + destination +
                   "), but binds onto the files lxcfs serves (/proc/cpuinfo, meminfo, stat, uptime, loadavg, "
                   "diskstats, swaps, slabinfo)");
}

void check_mounts(const Spec& spec) {
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const Mount& mount = spec.mounts[i];
        const std::string path = element_path(".mounts", i);
        // config.md lets Linux configs use a relative destination ("relative to
        // /", deprecated) and runc >= 1.2 only warns; rt is strict and refuses it
        // so that no config means something else here than the author thought.
        require_absolute(path + ".destination", mount.destination);
        check_mount_under_proc(mount, path);
        if (is_bind_mount(mount) && mount.source.value_or("").empty()) {
            fail(path, "a bind mount needs a \"source\"");
        }
        // config.md: each of uidMappings / gidMappings MUST come with the other.
        if (mount.uid_mappings.empty() != mount.gid_mappings.empty()) {
            fail(path, "uidMappings and gidMappings must be given together");
        }
        check_idmapped_mount(spec, mount, path);
        // runc's extension, for tmpfs only (runc ignores it elsewhere: rt
        // says so rather than do nothing).
        if (has_option(mount, "tmpcopyup") && (mount.type.value_or("") != "tmpfs" || is_bind_mount(mount))) {
            fail(path, "tmpcopyup is for tmpfs mounts only");
        }
    }
}

// -------------------------------------------------------------------- hooks

void check_hook_list(const std::vector<Hook>& hooks, const std::string& list_path) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        const std::string path = element_path(list_path, i);
        require_absolute(path + ".path", hooks[i].path);
        if (hooks[i].timeout && *hooks[i].timeout < 1) {
            fail(path + ".timeout", "must be at least 1 (seconds), got " + std::to_string(*hooks[i].timeout));
        }
    }
}

void check_hooks(const Spec& spec) {
    check_hook_list(spec.hooks.prestart, ".hooks.prestart");
    check_hook_list(spec.hooks.create_runtime, ".hooks.createRuntime");
    check_hook_list(spec.hooks.create_container, ".hooks.createContainer");
    check_hook_list(spec.hooks.start_container, ".hooks.startContainer");
    check_hook_list(spec.hooks.poststart, ".hooks.poststart");
    check_hook_list(spec.hooks.poststop, ".hooks.poststop");
}

// ------------------------------------------------------------- string maps

void check_annotations(const Spec& spec) {
    // config.md: keys MUST NOT be empty.
    if (spec.annotations.contains("")) fail(".annotations", "keys must not be empty");
    check_rt_annotations(spec.annotations);
}

void check_sysctl(const Spec& spec) {
    if (!spec.linux) return;
    if (spec.linux->sysctl.contains("")) fail(".linux.sysctl", "keys must not be empty");
    for (const auto& [key, value] : spec.linux->sysctl) {
        const std::string path = json::member_path(".linux.sysctl", key);
        if (!sysctl_key_is_plain(key)) fail(path, "not a sysctl name");
        // As runc's validator: only keys a namespace of the container owns,
        // or the write would change the host.
        const std::optional<NamespaceType> owner = sysctl_namespace(key);
        if (!owner) fail(path, "is not in a separate kernel namespace: refused, it would change the host");
        if (!has_namespace(spec, *owner)) {
            fail(path, std::string("needs a namespace of type \"") + to_string(*owner) +
                           "\" in .linux.namespaces (it would change the host's otherwise)");
        }
        if (sysctl_dotted(key) == "kernel.hostname" && spec.hostname) {
            fail(path, "conflicts with .hostname: set one or the other");
        }
        if (sysctl_dotted(key) == "kernel.domainname" && spec.domainname) {
            fail(path, "conflicts with .domainname: set one or the other");
        }
    }
}

// ------------------------------------------------------------------ devices

void check_devices(const Spec& spec) {
    if (!spec.linux) return;
    const std::vector<Device>& devices = spec.linux->devices;
    for (size_t i = 0; i < devices.size(); ++i) {
        const Device& device = devices[i];
        const std::string path = element_path(".linux.devices", i);
        // config-linux.md allows device nodes anywhere in the container; rt
        // supports the subset under /dev (config.md "Valid values": a runtime
        // MAY support a subset), which keeps mknod away from the rest of the
        // rootfs. Checked lexically: "/dev/../etc/x" is not under /dev.
        require_absolute(path + ".path", device.path);
        if (!check::clean_absolute_path(device.path).starts_with("/dev/")) {
            fail(path + ".path", "must be under /dev, got " + json::quote(device.path));
        }
        // config-linux.md: major and minor are REQUIRED unless the type is p (fifo).
        if (device.type != "p" && (!device.major || !device.minor)) {
            fail(path, "a \"" + device.type + "\" device needs \"major\" and \"minor\"");
        }
    }
}

// -------------------------------------------------------- masked/ro paths

void check_path_list(const std::vector<std::string>& paths, const std::string& list_path) {
    for (size_t i = 0; i < paths.size(); ++i) require_absolute(element_path(list_path, i), paths[i]);
}

void check_masked_and_readonly_paths(const Spec& spec) {
    if (!spec.linux) return;
    // config-linux.md: the values MUST be absolute paths.
    check_path_list(spec.linux->masked_paths, ".linux.maskedPaths");
    check_path_list(spec.linux->readonly_paths, ".linux.readonlyPaths");
    // As runc: masking needs a mount namespace, or it would mask the host's paths.
    const bool any = !spec.linux->masked_paths.empty() || !spec.linux->readonly_paths.empty();
    if (any && !has_namespace(spec, NamespaceType::mount)) {
        fail(spec.linux->masked_paths.empty() ? ".linux.readonlyPaths" : ".linux.maskedPaths",
             "needs a mount namespace in .linux.namespaces");
    }
}

// ------------------------------------------------------------------ seccomp

bool action_takes_errno(const std::string& action) {
    return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE";
}

void check_seccomp(const Spec& spec) {
    if (!spec.linux || !spec.linux->seccomp) return;
    const Seccomp& seccomp = *spec.linux->seccomp;
    // config-linux.md: an errno with an action that takes none MUST be an error.
    if (seccomp.default_errno_ret && !action_takes_errno(seccomp.default_action)) {
        fail(".linux.seccomp.defaultErrnoRet", "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not " +
                                                   seccomp.default_action);
    }
    // config-linux.md: listenerMetadata MUST NOT be set without listenerPath.
    if (seccomp.listener_metadata && !seccomp.listener_path) {
        fail(".linux.seccomp.listenerMetadata", "needs \"listenerPath\"");
    }
    for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
        const SeccompSyscall& syscall = seccomp.syscalls[i];
        const std::string path = element_path(".linux.seccomp.syscalls", i);
        if (syscall.names.empty()) fail(path + ".names", "must name at least one system call");
        for (size_t j = 0; j < syscall.names.size(); ++j) {
            if (syscall.names[j].empty()) fail(element_path(path + ".names", j), "must not be empty");
        }
        if (syscall.errno_ret && !action_takes_errno(syscall.action)) {
            fail(path + ".errnoRet", "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not " + syscall.action);
        }
    }
}

// ---------------------------------------------------------------- resources

void check_device_rules(const std::vector<DeviceRule>& rules) {
    for (size_t i = 0; i < rules.size(); ++i) {
        const DeviceRule& rule = rules[i];
        const std::string path = element_path(".linux.resources.devices", i);
        if (rule.type && *rule.type != "a" && *rule.type != "c" && *rule.type != "b") {
            fail(path + ".type", "must be \"a\", \"c\" or \"b\", got " + json::quote(*rule.type));
        }
        if (rule.access && rule.access->find_first_not_of("rwm") != std::string::npos) {
            fail(path + ".access", "must be made of \"r\", \"w\" and \"m\", got " + json::quote(*rule.access));
        }
    }
}

void check_resources(const Spec& spec) {
    if (!spec.linux || !spec.linux->resources) return;
    const Resources& resources = *spec.linux->resources;
    check_device_rules(resources.devices);
    // config-linux.md: each weightDevice entry MUST give weight or leafWeight.
    if (resources.block_io) {
        const std::vector<BlockIoDeviceWeight>& weights = resources.block_io->weight_device;
        for (size_t i = 0; i < weights.size(); ++i) {
            if (!weights[i].weight && !weights[i].leaf_weight) {
                fail(element_path(".linux.resources.blockIO.weightDevice", i),
                     "needs \"weight\" or \"leafWeight\"");
            }
        }
    }
    // config-linux.md: each rdma entry MUST give hcaHandles or hcaObjects.
    for (const auto& [device, limits] : resources.rdma) {
        if (!limits.hca_handles && !limits.hca_objects) {
            fail(json::member_path(".linux.resources.rdma", device), "needs \"hcaHandles\" or \"hcaObjects\"");
        }
    }
}

void check_intel_rdt(const Spec& spec) {
    if (!spec.linux || !spec.linux->intel_rdt || !spec.linux->intel_rdt->clos_id) return;
    // closID names a directory under /sys/fs/resctrl: keep it one plain name.
    // "/" alone is config-linux.md's name for the default CLOS.
    const std::string& clos_id = *spec.linux->intel_rdt->clos_id;
    if (clos_id == "/") return;
    if (clos_id.empty() || clos_id == "." || clos_id == ".." || clos_id.find('/') != std::string::npos) {
        fail(".linux.intelRdt.closID", "must be a plain directory name or \"/\", got " + json::quote(clos_id));
    }
}

// ------------------------------------------------------------ netDevices

// As runc (and the kernel's dev_valid_name): what an interface may be called.
bool is_interface_name(const std::string& name) {
    return !name.empty() && name.size() < 16 && name != "." && name != ".." &&
           name.find_first_of("/: ") == std::string::npos;
}

void check_net_devices(const Spec& spec) {
    if (!spec.linux || spec.linux->net_devices.empty()) return;
    if (!has_namespace(spec, NamespaceType::network)) {
        fail(".linux.netDevices", "needs a network namespace in .linux.namespaces");
    }
    for (const auto& [host_name, device] : spec.linux->net_devices) {
        const std::string path = json::member_path(".linux.netDevices", host_name);
        if (!is_interface_name(host_name)) fail(path, "not a valid interface name");
        if (device.name && !is_interface_name(*device.name)) {
            fail(path + ".name", "not a valid interface name: " + json::quote(*device.name));
        }
    }
}

using Check = void (*)(const Spec&);

// In the order of config.md and config-linux.md, so that the first error
// reported is the first one a reader of the file would meet.
constexpr Check kChecks[] = {
    check_oci_version,
    check_root,
    check_mounts,
    check_process,
    check_uts_names,
    check_hooks,
    check_annotations,
    check_namespaces,
    check_user_namespace_mappings,
    check_time_offsets,
    check_devices,
    check_resources,
    check_intel_rdt,
    check_sysctl,
    check_net_devices,
    check_seccomp,
    check_masked_and_readonly_paths,
};

}  // namespace

void validate(const Spec& spec) {
    for (const Check check : kChecks) check(spec);
}

}  // namespace rt::spec
