// Idmapped bind mounts (mounts[].uidMappings/gidMappings, options "idmap" and
// "ridmap"): made by the parent, because setting MOUNT_ATTR_IDMAP needs
// privilege over the source mount, which an init in a user namespace of its
// own lacks. Before the clone the parent takes a detached copy of each
// source (open_tree OPEN_TREE_CLONE), idmaps it with mount_setattr and a
// user namespace that carries the mapping, and the init inherits the fd and
// attaches it at the destination with move_mount.
#pragma once

#include <vector>

#include "rt/spec/config.hpp"
#include "rt/util/fd.hpp"

namespace rt::linux {

// Whether a mount asks for an idmapping.
bool wants_idmap(const spec::Mount& mount);

// One fd per config mount, index for index: the idmapped detached tree, or
// an empty fd for a mount that wants none. `bundle`: relative sources are
// relative to it.
std::vector<unique_fd> prepare_idmapped_mounts(const spec::Spec& spec, const std::string& bundle);

}  // namespace rt::linux
