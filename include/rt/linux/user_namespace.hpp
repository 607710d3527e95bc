// User namespaces from the parent's side: the id maps of the container's new
// user namespace (written by `rt create` before it lets the init proceed),
// and throwaway user namespaces that only carry a mapping (what an idmapped
// mount is given).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// The text /proc/PID/uid_map and gid_map take: one "containerID hostID size"
// line per mapping.
std::string format_id_map(const std::vector<spec::IdMapping>& mappings);

// How the maps of a new user namespace get written. Root writes them itself.
// The kernel lets an unprivileged writer (rootless rt) map only its own ID,
// once, and its own group only after setgroups says "deny"; any other
// mapping goes through Debian's setuid newuidmap/newgidmap (package uidmap),
// which allow what /etc/subuid and /etc/subgid grant the user, as runc does.
enum class MapWriter {
    direct,                   // root: the maps as they are
    direct_denying_setgroups, // rootless, its own ID only: setgroups "deny" first (gid_map)
    tool,                     // rootless, more than its own ID: newuidmap / newgidmap
};
MapWriter map_writer(bool privileged, const std::vector<spec::IdMapping>& mappings, unsigned own_id);

// The argv of newuidmap/newgidmap for these mappings of `pid`.
std::vector<std::string> mapping_tool_argv(const std::string& tool, pid_t pid,
                                           const std::vector<spec::IdMapping>& mappings);

// Writes uid_map, (setgroups,) gid_map of `pid`'s user namespace from
// `linux`. Nothing to do unless the container gets a new user namespace.
void write_id_maps(pid_t pid, const spec::Linux& linux);

// An fd of a new user namespace with these mappings, owned by nobody once
// this returns (the short-lived process made for it is killed and reaped).
unique_fd make_user_namespace(const std::vector<spec::IdMapping>& uid_mappings,
                              const std::vector<spec::IdMapping>& gid_mappings);

}  // namespace rt::linux
