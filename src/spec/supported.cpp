// check_supported(): what this build of rt does not implement yet, refused up
// front so that no field of a config is silently ignored.
//
// One line per feature. When you implement one, delete its line (and add a
// test that the feature works).
#include "rt/spec/validate.hpp"
#include "rt/util/error.hpp"

namespace rt::spec {

namespace {

struct Unsupported {
    const char* path;              // jq path of the field, for the message
    bool (*present)(const Spec&);  // does this config use it?
};

bool has_hooks(const std::vector<Hook>& hooks) { return !hooks.empty(); }

bool has_user_namespace(const Spec& s) { return s.linux && s.linux->has_namespace(NamespaceType::user); }
bool has_time_namespace(const Spec& s) { return s.linux && s.linux->has_namespace(NamespaceType::time); }

bool has_mount_uid_mappings(const Spec& s) {
    for (const Mount& mount : s.mounts) {
        if (!mount.uid_mappings.empty()) return true;
    }
    return false;
}

bool has_mount_gid_mappings(const Spec& s) {
    for (const Mount& mount : s.mounts) {
        if (!mount.gid_mappings.empty()) return true;
    }
    return false;
}

// clang-format off
constexpr Unsupported kUnsupported[] = {
    {".process.capabilities",    [](const Spec& s) { return s.process && s.process->capabilities.has_value(); }},
    {".process.rlimits",         [](const Spec& s) { return s.process && !s.process->rlimits.empty(); }},
    {".process.noNewPrivileges", [](const Spec& s) { return s.process && s.process->no_new_privileges; }},
    {".process.apparmorProfile", [](const Spec& s) { return s.process && s.process->apparmor_profile.has_value(); }},
    {".process.selinuxLabel",    [](const Spec& s) { return s.process && s.process->selinux_label.has_value(); }},
    {".process.oomScoreAdj",     [](const Spec& s) { return s.process && s.process->oom_score_adj.has_value(); }},
    {".process.ioPriority",      [](const Spec& s) { return s.process && s.process->io_priority.has_value(); }},
    {".process.scheduler",       [](const Spec& s) { return s.process && s.process->scheduler.has_value(); }},
    {".process.execCPUAffinity", [](const Spec& s) { return s.process && s.process->exec_cpu_affinity.has_value(); }},
    {".mounts[].uidMappings",    has_mount_uid_mappings},
    {".mounts[].gidMappings",    has_mount_gid_mappings},
    {".hooks.prestart",          [](const Spec& s) { return has_hooks(s.hooks.prestart); }},
    {".hooks.createRuntime",     [](const Spec& s) { return has_hooks(s.hooks.create_runtime); }},
    {".hooks.createContainer",   [](const Spec& s) { return has_hooks(s.hooks.create_container); }},
    {".hooks.startContainer",    [](const Spec& s) { return has_hooks(s.hooks.start_container); }},
    {".hooks.poststart",         [](const Spec& s) { return has_hooks(s.hooks.poststart); }},
    {".hooks.poststop",          [](const Spec& s) { return has_hooks(s.hooks.poststop); }},
    {".linux.namespaces (type \"user\")", has_user_namespace},
    {".linux.namespaces (type \"time\")", has_time_namespace},
    {".linux.uidMappings",       [](const Spec& s) { return s.linux && !s.linux->uid_mappings.empty(); }},
    {".linux.gidMappings",       [](const Spec& s) { return s.linux && !s.linux->gid_mappings.empty(); }},
    {".linux.timeOffsets",       [](const Spec& s) { return s.linux && s.linux->time_offsets.has_value(); }},
    {".linux.devices",           [](const Spec& s) { return s.linux && !s.linux->devices.empty(); }},
    {".linux.netDevices",        [](const Spec& s) { return s.linux && !s.linux->net_devices.empty(); }},
    {".linux.resources",         [](const Spec& s) { return s.linux && s.linux->resources.has_value(); }},
    {".linux.intelRdt",          [](const Spec& s) { return s.linux && s.linux->intel_rdt.has_value(); }},
    {".linux.memoryPolicy",      [](const Spec& s) { return s.linux && s.linux->memory_policy.has_value(); }},
    {".linux.sysctl",            [](const Spec& s) { return s.linux && !s.linux->sysctl.empty(); }},
    {".linux.seccomp",           [](const Spec& s) { return s.linux && s.linux->seccomp.has_value(); }},
    {".linux.maskedPaths",       [](const Spec& s) { return s.linux && !s.linux->masked_paths.empty(); }},
    {".linux.readonlyPaths",     [](const Spec& s) { return s.linux && !s.linux->readonly_paths.empty(); }},
    {".linux.mountLabel",        [](const Spec& s) { return s.linux && s.linux->mount_label.has_value(); }},
    {".linux.personality",       [](const Spec& s) { return s.linux && s.linux->personality.has_value(); }},
};
// clang-format on

}  // namespace

void check_supported(const Spec& spec) {
    for (const Unsupported& entry : kUnsupported) {
        if (entry.present(spec)) throw Error(std::string(entry.path) + ": not supported by this build of rt");
    }
}

}  // namespace rt::spec
