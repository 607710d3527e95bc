#include "rt/spec/default_config.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace rt::spec {
namespace {

nlohmann::ordered_json mount(const char* destination, const char* type, const char* source,
                             std::initializer_list<const char*> options) {
    nlohmann::ordered_json m;
    m["destination"] = destination;
    m["type"] = type;
    m["source"] = source;
    m["options"] = nlohmann::json::array();
    for (const char* o : options) m["options"].push_back(o);
    return m;
}

}  // namespace

std::string default_seccomp_json() {
    static const char* const profile =
#include "default_seccomp.inc"
        ;
    return profile;
}

std::string default_config_json(bool rootless) {
    using nlohmann::ordered_json;
    const auto caps = ordered_json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});

    ordered_json process;
    process["terminal"] = true;
    process["user"] = {{"uid", 0}, {"gid", 0}};
    process["args"] = {"sh"};
    process["env"] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                      "TERM=xterm"};
    process["cwd"] = "/";
    process["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    process["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}};
    process["noNewPrivileges"] = true;

    ordered_json mounts = ordered_json::array();
    mounts.push_back(mount("/proc", "proc", "proc", {}));
    mounts.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    if (rootless) {
        mounts.push_back(mount("/dev/pts", "devpts", "devpts",
                               {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}));
    } else {
        mounts.push_back(mount("/dev/pts", "devpts", "devpts",
                               {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
    }
    mounts.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    if (rootless) {
        mounts.push_back(mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}));
    } else {
        mounts.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
        mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup",
                               {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    }

    ordered_json namespaces = ordered_json::array();
    for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
        namespaces.push_back({{"type", type}});
    }

    ordered_json linux_config;
    if (rootless) {
        namespaces.push_back({{"type", "user"}});
        linux_config["uidMappings"] = {{{"containerID", 0}, {"hostID", ::getuid()}, {"size", 1}}};
        linux_config["gidMappings"] = {{{"containerID", 0}, {"hostID", ::getgid()}, {"size", 1}}};
    } else {
        linux_config["resources"] = {{"devices", {{{"allow", false}, {"access", "rwm"}}}}};
    }
    linux_config["namespaces"] = namespaces;
    linux_config["maskedPaths"] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                   "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                   "/proc/sched_debug", "/sys/firmware", "/proc/scsi"};
    linux_config["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                     "/proc/sysrq-trigger"};
    // runc writes none; rt starts from a filter, which is easier to loosen
    // on purpose than to remember to add.
    linux_config["seccomp"] = ordered_json::parse(default_seccomp_json());

    ordered_json config;
    config["ociVersion"] = "1.3.0";
    config["process"] = process;
    config["root"] = {{"path", "rootfs"}, {"readonly", true}};
    config["hostname"] = "rt";
    config["mounts"] = mounts;
    config["linux"] = linux_config;
    return config.dump(2) + "\n";
}

}  // namespace rt::spec
