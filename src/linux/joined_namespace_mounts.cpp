#include "rt/linux/joined_namespace_mounts.hpp"

#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "rt/linux/mount_options.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

// A detached mount of a new `type` filesystem from `source` (the name
// mountinfo shows), made in the caller's namespaces (sysfs takes the network
// namespace, mqueue the ipc namespace).
unique_fd detached_mount(const std::string& what, const char* type, const std::string& source) {
    unique_fd context(static_cast<int>(::syscall(SYS_fsopen, type, FSOPEN_CLOEXEC)));
    if (!context) throw_errno(what + ": fsopen " + type);
    if (::syscall(SYS_fsconfig, context.get(), FSCONFIG_SET_STRING, "source", source.c_str(), 0) < 0) {
        throw_errno(what + ": fsconfig source " + source);
    }
    if (::syscall(SYS_fsconfig, context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
        throw_errno(what + ": fsconfig create " + type);
    }
    unique_fd mount(static_cast<int>(::syscall(SYS_fsmount, context.get(), FSMOUNT_CLOEXEC, 0)));
    if (!mount) throw_errno(what + ": fsmount " + type);
    return mount;
}

}  // namespace

std::vector<unique_fd> mount_in_joined_namespaces(const spec::Spec& spec, int joined) {
    std::vector<unique_fd> fds(spec.mounts.size());
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const spec::Mount& mount = spec.mounts[i];
        std::string type = mount.type.value_or("");
        if (parse_mount_options(mount.options).bind) continue;  // a bind of a path, not a new one
        std::string what = "mount " + mount.destination + " (in the joined namespaces)";
        std::string source = mount.source.value_or(type);
        if (type == "sysfs" && (joined & CLONE_NEWNET)) fds[i] = detached_mount(what, "sysfs", source);
        if (type == "mqueue" && (joined & CLONE_NEWIPC)) fds[i] = detached_mount(what, "mqueue", source);
    }
    return fds;
}

}  // namespace rt::linux
