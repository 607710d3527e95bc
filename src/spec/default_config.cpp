#include "rt/spec/default_config.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace rt::spec {
namespace {

using nlohmann::ordered_json;

// Keys in the order of runc's Go structs, as it marshals them; empty lists
// left out, as Go's omitempty does.
ordered_json mount(const char* destination, const char* type, const char* source,
                   std::initializer_list<const char*> options) {
    ordered_json m;
    m["destination"] = destination;
    m["type"] = type;
    m["source"] = source;
    if (options.size() > 0) {
        m["options"] = ordered_json::array();
        for (const char* o : options) m["options"].push_back(o);
    }
    return m;
}

// libcontainer/specconv.Example() of runc 1.2 (see the header for where rt
// differs).
ordered_json runc_template(bool cgroup_namespace) {
    const auto caps = ordered_json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});

    ordered_json process;
    process["terminal"] = true;
    process["user"] = {{"uid", 0}, {"gid", 0}};
    process["args"] = {"sh"};
    process["env"] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    process["cwd"] = "/";
    process["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    process["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}};
    process["noNewPrivileges"] = true;

    ordered_json mounts = ordered_json::array();
    mounts.push_back(mount("/proc", "proc", "proc", {}));
    mounts.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    mounts.push_back(mount("/dev/pts", "devpts", "devpts",
                           {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
    mounts.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    mounts.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
    mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}));

    ordered_json namespaces = ordered_json::array();
    for (const char* type : {"pid", "network", "ipc", "uts", "mount"}) namespaces.push_back({{"type", type}});
    if (cgroup_namespace) namespaces.push_back({{"type", "cgroup"}});

    ordered_json linux_config;
    linux_config["resources"] = {{"devices", {{{"allow", false}, {"access", "rwm"}}}}};
    linux_config["namespaces"] = namespaces;
    linux_config["maskedPaths"] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                   "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                   "/proc/sched_debug", "/sys/firmware", "/proc/scsi"};
    linux_config["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

    ordered_json config;
    config["ociVersion"] = "1.3.0";
    config["process"] = process;
    config["root"] = {{"path", "rootfs"}, {"readonly", true}};
    config["hostname"] = "rt";
    config["mounts"] = mounts;
    config["linux"] = linux_config;
    return config;
}

// Sets `key` of an ordered object before `before` (appended when absent),
// where runc's struct order puts it.
void insert_before(ordered_json& object, const char* before, const char* key, ordered_json value) {
    ordered_json result;
    for (auto& [k, v] : object.items()) {
        if (k == before) result[key] = value;
        result[k] = std::move(v);
    }
    if (!result.contains(key)) result[key] = std::move(value);
    object = std::move(result);
}

// rt's rootless template, as it has been (it is not runc's ToRootless: it
// keeps the network namespace, and always has a cgroup namespace).
void make_rootless(ordered_json& config) {
    ordered_json& linux_config = config["linux"];
    linux_config.erase("resources");
    ordered_json& namespaces = linux_config["namespaces"];
    bool has_cgroup = false;
    for (const auto& ns : namespaces) has_cgroup = has_cgroup || ns["type"] == "cgroup";
    if (!has_cgroup) namespaces.push_back({{"type", "cgroup"}});
    namespaces.push_back({{"type", "user"}});
    insert_before(linux_config, "namespaces", "uidMappings",
                  {{{"containerID", 0}, {"hostID", ::getuid()}, {"size", 1}}});
    insert_before(linux_config, "namespaces", "gidMappings",
                  {{{"containerID", 0}, {"hostID", ::getgid()}, {"size", 1}}});

    ordered_json mounts = ordered_json::array();
    for (auto& m : config["mounts"]) {
        if (m["destination"] == "/sys/fs/cgroup") continue;
        if (m["destination"] == "/sys") {
            mounts.push_back(mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}));
            continue;
        }
        if (m.contains("options")) {
            ordered_json options = ordered_json::array();
            for (const auto& o : m["options"]) {
                std::string text = o;
                if (text.rfind("gid=", 0) != 0 && text.rfind("uid=", 0) != 0) options.push_back(o);
            }
            m["options"] = options;
        }
        mounts.push_back(m);
    }
    config["mounts"] = mounts;
}

}  // namespace

std::string default_seccomp_json() {
    static const char* const profile =
#include "default_seccomp.inc"
        ;
    return profile;
}

std::string default_config_json(const TemplateOptions& options) {
    ordered_json config = runc_template(options.cgroup_namespace);
    if (options.rootless) make_rootless(config);
    if (options.seccomp || options.rootless) {
        insert_before(config["linux"], "maskedPaths", "seccomp", ordered_json::parse(default_seccomp_json()));
    }
    // As Go's json.MarshalIndent(spec, "", "\t") writes it.
    return config.dump(1, '\t');
}

}  // namespace rt::spec
