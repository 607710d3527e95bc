// The "linux" object (config-linux.md), except seccomp (parse_seccomp.cpp) and
// resources (parse_resources.cpp).
#include "parse_internal.hpp"
#include "schema_rules.hpp"

namespace rt::spec::json {

static void decode(const Node& node, NamespaceType& out) {
    std::string name;
    decode(node, name);
    const std::optional<NamespaceType> type = namespace_type_from_string(name);
    if (!type) node.fail("unknown namespace type " + quote(name));
    out = *type;
}

static void decode(const Node& node, Namespace& out) {
    node.required("type", out.type);
    node.optional("path", out.path);
    // Go bindings cannot tell "path": "" from no path, so runc and crun create a
    // new namespace for it; do the same rather than refuse such configs.
    if (out.path && out.path->empty()) out.path.reset();
}

static void decode(const Node& node, TimeOffset& out) {
    node.optional("secs", out.secs);
    node.optional("nanosecs", out.nanosecs);
}

static void decode(const Node& node, TimeOffsets& out) {
    node.optional("boottime", out.boottime);
    node.optional("monotonic", out.monotonic);
}

static void decode(const Node& node, Device& out) {
    node.required("type", out.type, schema::device_file_type);
    node.required("path", out.path);
    node.optional("major", out.major);
    node.optional("minor", out.minor);
    node.optional("fileMode", out.file_mode, schema::file_mode);
    node.optional("uid", out.uid);
    node.optional("gid", out.gid);
}

static void decode(const Node& node, NetDevice& out) {
    node.optional("name", out.name);
}

static void decode(const Node& node, IntelRdt& out) {
    node.optional("closID", out.clos_id);
    node.optional("schemata", out.schemata);
    node.optional("l3CacheSchema", out.l3_cache_schema);
    node.optional("memBwSchema", out.mem_bw_schema, schema::mem_bw_schema);
    node.optional("enableMonitoring", out.enable_monitoring);
}

static void decode(const Node& node, MemoryPolicy& out) {
    node.required("mode", out.mode, schema::memory_policy_mode);
    node.optional("nodes", out.nodes);
    node.optional("flags", out.flags, schema::memory_policy_flag);
}

static void decode(const Node& node, Personality& out) {
    node.required("domain", out.domain, schema::personality_domain);
    node.optional("flags", out.flags);
}

void decode(const Node& node, Linux& out) {
    node.optional("namespaces", out.namespaces);
    node.optional("uidMappings", out.uid_mappings);
    node.optional("gidMappings", out.gid_mappings);
    node.optional("timeOffsets", out.time_offsets);
    node.optional("devices", out.devices);
    node.optional("netDevices", out.net_devices);
    node.optional("cgroupsPath", out.cgroups_path);
    node.optional("resources", out.resources);
    node.optional("intelRdt", out.intel_rdt);
    node.optional("memoryPolicy", out.memory_policy);
    node.optional("sysctl", out.sysctl);
    node.optional("seccomp", out.seccomp);
    node.optional("rootfsPropagation", out.rootfs_propagation, schema::rootfs_propagation);
    node.optional("maskedPaths", out.masked_paths);
    node.optional("readonlyPaths", out.readonly_paths);
    node.optional("mountLabel", out.mount_label);
    node.optional("personality", out.personality);
}

}  // namespace rt::spec::json
