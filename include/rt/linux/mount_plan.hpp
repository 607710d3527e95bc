// What the parent decides about the container's mounts before anything is
// made (as it does for the process settings, rt/linux/process_security.hpp):
// the propagation of "/" as flags, and every config mount's options parsed
// once. The init acts on these flags; it never parses an option string.
// Pure functions, unit tested without root.
#pragma once

#include <cstddef>
#include <vector>

#include "rt/linux/mount_options.hpp"
#include "rt/spec/config.hpp"

namespace rt::linux {

struct PlannedMount {
    MountOptions options;       // parsed once
    bool bind = false;          // "bind"/"rbind", or type "bind"
    // Mounted writable first, made read-only last (seal_readonly_mounts):
    // a read-only /dev, or a read-only mount that later mounts nest under,
    // still needs its device nodes and mount points made in it.
    bool defer_readonly = false;
};

struct MountPlan {
    // Given to "/" of the new mount namespace before the rootfs is bound,
    // always recursively, so that nothing the init mounts reaches the host:
    // MS_PRIVATE for the private kinds, MS_SLAVE (host mounts still show,
    // runc's default) for the others, whose own kind comes after pivot_root.
    unsigned long root_propagation = 0;
    // Given to the container's "/" after pivot_root, exactly as
    // linux.rootfsPropagation names it (runc's order); 0 for none (private
    // holds already, and the default needs nothing more).
    unsigned long root_propagation_after_pivot = 0;
    std::vector<PlannedMount> mounts;  // index for index with spec.mounts
};

// Throws rt::Error naming .linux.rootfsPropagation for a value it does not
// know (validation lets through only known ones).
MountPlan plan_mounts(const spec::Spec& spec);

// The mount's source as a path: a relative one is relative to the bundle
// (as runc reads it), absolute ones and "" stay as they are.
std::string mount_source(const spec::Mount& mount, const std::string& bundle);

// Whether a config mount binds something over /dev (then rt makes no
// device nodes of its own there).
bool dev_is_bind_mounted(const spec::Spec& spec, const MountPlan& plan);

}  // namespace rt::linux
