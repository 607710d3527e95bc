// Which namespaces a container gets and how: created by clone or unshare, or
// joined by path with setns. The plan is made in the parent (where a bad
// path is an error before anything exists) and carried out in the child.
#pragma once

#include <string>
#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

int clone_flag(spec::NamespaceType type);

struct NamespaceJoin {
    spec::NamespaceType type;
    unique_fd fd;  // opened namespace file, checked to be of `type`
};

struct NamespacePlan {
    // New namespaces made by clone3 itself: user (so that everything after
    // is owned by it) and pid (the init must be its first process).
    int clone_flags = 0;
    // New namespaces the child unshares after joining: mount, uts, ipc,
    // network, and cgroup (last, once the init sits in its cgroup).
    int unshare_flags = 0;
    // Namespaces the child joins, user first.
    std::vector<NamespaceJoin> joins;
    // Pid and time namespaces apply to a process's children only, so the
    // parent joins (or, for time, unshares) them around the clone.
    std::vector<NamespaceJoin> parent_joins;
    int parent_unshare_flags = 0;
    // For a new time namespace: what the parent writes to
    // /proc/self/timens_offsets between its unshare and the clone (the
    // offsets can only be set before a process lives in the namespace).
    std::string time_offsets;
    // Set when the user namespace of `joins` was entered before the clone
    // (see user_namespace_first).
    bool user_entered = false;
};

// linux.timeOffsets as /proc/PID/timens_offsets takes them:
// "monotonic SECS NANOSECS" and "boottime SECS NANOSECS" lines.
std::string format_time_offsets(const spec::TimeOffsets& offsets);

// Opens every namespace path and checks its type (ioctl NS_GET_NSTYPE).
// Throws rt::Error naming the JSON path of a bad entry.
NamespacePlan plan_namespaces(const spec::Linux& linux);

// A new pid namespace is owned by the user namespace of the process that
// clones it, and only a pid namespace owned by the container's user
// namespace lets the init mount /proc. With a joined user namespace the
// init is therefore cloned by a helper that joined it first
// (spawn.cpp); true when that is needed.
bool user_namespace_first(const NamespacePlan& plan);
// The helper's half: setns into the joined user namespace and take it out
// of `joins` (user_entered is set).
void enter_user_namespace_first(NamespacePlan& plan);

// Child side: setns into `plan.joins` (user first), then unshare
// `plan.unshare_flags`. Closes the joined fds. In a user namespace (cloned
// or joined) the caller becomes its root (uid and gid 0), which clears the
// parent-death signal.
void enter_namespaces(NamespacePlan& plan);

}  // namespace rt::linux
