// Bind mounts whose source the parent opens before the clone, as detached
// trees (open_tree OPEN_TREE_CLONE) that the init inherits and attaches at
// the destination with move_mount:
// - idmapped binds (mounts[].uidMappings/gidMappings, options "idmap" and
//   "ridmap"): setting MOUNT_ATTR_IDMAP needs privilege over the source
//   mount, which an init in a user namespace of its own lacks; the parent
//   idmaps the copy with mount_setattr and a user namespace that carries
//   the mapping.
// - every bind of a container with a user namespace: its mapped root may
//   not be able to reach the source (a 0700 directory of the host's root,
//   a Kubernetes pod's volume with hostUsers: false); the host's root looks
//   the path up, as runc does, and the init only attaches what it was given.
#pragma once

#include <vector>

#include "rt/linux/mount_plan.hpp"
#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// One fd per config mount, index for index: the detached tree, or an empty
// fd for a mount the init makes itself. `bundle`: relative sources are
// relative to it. Errors name the mount's destination.
std::vector<unique_fd> prepare_mount_trees(const spec::Spec& spec, const MountPlan& plan,
                                           const std::string& bundle);

}  // namespace rt::linux
