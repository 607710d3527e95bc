// Which namespaces a container gets and how: created by clone or unshare, or
// joined by path with setns. The plan is made in the parent (where a bad
// path is an error before anything exists) and carried out in the child.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rt/linux/syscalls.hpp"
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
    // Namespaces the child joins, in order_joins' order.
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
    // (see joins_before_clone).
    bool user_entered = false;
};

// linux.timeOffsets as /proc/PID/timens_offsets takes them:
// "monotonic SECS NANOSECS" and "boottime SECS NANOSECS" lines.
std::string format_time_offsets(const spec::TimeOffsets& offsets);

// Opens every namespace path and checks its type (ioctl NS_GET_NSTYPE).
// Throws rt::Error naming the JSON path of a bad entry.
NamespacePlan plan_namespaces(const spec::Linux& linux);

// Some joins must happen before the init's clone, which is then made by a
// helper that did them (spawn.cpp):
// - with a new user namespace, every join: joining needs CAP_SYS_ADMIN over
//   the namespace's owner (the host's user namespace for a pod's network, ipc
//   and uts under the CRI), which a process in the new user namespace has
//   lost; runc's nsexec joins before it unshares the user namespace too;
// - with a joined user namespace and a new pid namespace, the joins up to the
//   user namespace: a new pid namespace is owned by the user namespace of the
//   process that clones it, and only one owned by the container's user
//   namespace lets the init mount /proc.
// How many of `plan.joins` (from the front) that is; 0: no helper needed.
size_t joins_before_clone(const NamespacePlan& plan);
// The helper's half: setns into those and take them out of `joins`
// (user_entered is set when the user namespace was among them). Returns
// their clone flags.
int enter_joins_before_clone(NamespacePlan& plan);

// Orders `plan.joins` around a joined user namespace: first the namespaces
// it does not own (joined with the caller's rights, which it would lose in
// there), then the user namespace, then those it owns (joined with its
// rights: all a rootless caller has). Without a user namespace to join, the
// order stays. plan_namespaces does it; `rt exec`'s plan needs it too.
void order_joins(NamespacePlan& plan);

// Child side: setns into `plan.joins` (in order), then unshare
// `plan.unshare_flags`. Closes the joined fds. In a user namespace (cloned
// or joined) the caller becomes its root (uid and gid 0), which clears the
// parent-death signal.
void enter_namespaces(NamespacePlan& plan, Syscalls& sys = kernel_syscalls());

}  // namespace rt::linux
