// sysfs and mqueue for an init in a new user namespace that joins a network
// or ipc namespace the host's user namespace owns (a pod's, under the CRI,
// with a user namespace per container): neither can be mounted from inside
// the new user namespace, which does not own the namespace they show, and
// the host's /sys or /dev/mqueue (rt's stand-in where the container shares
// the host's namespace, mounts.cpp) would show the host's devices and queues
// instead of the pod's. So the helper that joins those namespaces before the
// clone (spawn.cpp) mounts them there, with the host's rights, as detached
// mounts (fsopen/fsmount); the init inherits the fds and attaches them at
// their destinations with move_mount, then applies the mount's flags.
#pragma once

#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// One fd per config mount, index for index: a detached sysfs when `joined`
// (clone flags of the namespaces the caller has joined) has CLONE_NEWNET, a
// detached mqueue when it has CLONE_NEWIPC, an empty fd for every other mount.
// Called in the joined namespaces; throws rt::Error naming the mount.
std::vector<unique_fd> mount_in_joined_namespaces(const spec::Spec& spec, int joined);

}  // namespace rt::linux
