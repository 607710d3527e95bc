#include "rt/linux/host_support.hpp"

#include <net/if.h>
#include <sys/stat.h>

#include "rt/spec/sysctl.hpp"
#include "rt/util/error.hpp"

namespace rt::linux {
namespace {

bool exists(const char* path) {
    struct stat st {};
    return ::stat(path, &st) == 0;
}

void check_mount_label(const spec::Linux& linux) {
    if (!linux.mount_label) return;
    // Labels are SELinux contexts: without SELinux there is nothing that
    // could honour one, and ignoring it would be silent.
    if (!exists("/sys/fs/selinux")) {
        throw Error(".linux.mountLabel: SELinux is not enabled on this host (no /sys/fs/selinux)");
    }
    throw Error(".linux.mountLabel: SELinux mount labels are not supported by this build of rt");
}

void check_net_devices(const spec::Linux& linux) {
    // config-linux.md: the runtime MUST check that the move is possible.
    for (const auto& [name, device] : linux.net_devices) {
        if (::if_nametoindex(name.c_str()) == 0) {
            throw Error(".linux.netDevices[\"" + name + "\"]: no such network interface on the host");
        }
    }
}

// A joined network namespace that is rt's own is the host's: net.* there
// would change the host (runc's validator checks the same).
void check_net_sysctl(const spec::Linux& linux) {
    const spec::Namespace* net = linux.find_namespace(spec::NamespaceType::network);
    if (!net || !net->path) return;
    struct stat ours {}, theirs {};
    if (::stat("/proc/self/ns/net", &ours) < 0 || ::stat(net->path->c_str(), &theirs) < 0) return;
    if (ours.st_dev != theirs.st_dev || ours.st_ino != theirs.st_ino) return;
    for (const auto& [key, value] : linux.sysctl) {
        if (spec::sysctl_namespace(key) == spec::NamespaceType::network) {
            throw Error(".linux.sysctl[\"" + key + "\"]: the network namespace joined is the host's");
        }
    }
}

}  // namespace

void check_host_support(const spec::Spec& spec) {
    if (!spec.linux) return;
    check_mount_label(*spec.linux);
    check_net_devices(*spec.linux);
    check_net_sysctl(*spec.linux);
}

}  // namespace rt::linux
