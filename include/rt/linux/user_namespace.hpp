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

// Whether the setgroups file must say "deny" before gid_map is written: the
// kernel asks it of a writer without CAP_SETGID over the parent namespace
// (rootless rt); root keeps setgroups(2) usable in the container.
bool needs_setgroups_deny(bool privileged);

// Writes uid_map, (setgroups,) gid_map of `pid`'s user namespace from
// `linux`. Nothing to do unless the container gets a new user namespace.
void write_id_maps(pid_t pid, const spec::Linux& linux);

// An fd of a new user namespace with these mappings, owned by nobody once
// this returns (the short-lived process made for it is killed and reaped).
unique_fd make_user_namespace(const std::vector<spec::IdMapping>& uid_mappings,
                              const std::vector<spec::IdMapping>& gid_mappings);

}  // namespace rt::linux
